import type { PerformChatRedisClient } from '../redis/redis-client';
import { describeRedisClient } from '../redis/redis-client-name';
import { hashTag, redisKey } from '../redis/redis-keys';
import type { TokenStore } from './token-store.interfaces';

/** Sets the version unless a higher one is recorded. KEYS: version key. ARGV: version, ttl ms. */
const RAISE = `
local current = tonumber(redis.call('GET', KEYS[1]) or '-1')
if tonumber(ARGV[1]) > current then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
return 1
`;

/** Deletes a claim only if it is still `owner`'s (it may have expired and been taken). */
const UNCLAIM = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * The token store in Redis (or a Redis Cluster), shared by every instance: `<prefix>:entry:{<name>}`
 * (a sealed token, with its TTL), `<prefix>:version:{<customerUserId>}` (the least valid token
 * version, kept as long as a token can live), `<prefix>:pending:{<name>}` (a generation in
 * progress, with the call's deadline as TTL). Every operation touches one key. The connection is yours or the
 * module's; this store never closes it. Failures are thrown: the caller decides (a miss).
 */
export class RedisTokenStore implements TokenStore {
  readonly shared = true;

  constructor(
    private readonly redis: PerformChatRedisClient,
    private readonly keyPrefix: string,
  ) {}

  get where(): string {
    return `Redis at ${describeRedisClient(this.redis)}`;
  }

  async get(name: string): Promise<string | undefined> {
    this.ready();
    return (await this.redis.get(this.key('entry', name))) ?? undefined;
  }

  async put(name: string, sealed: string, ttlMs: number): Promise<void> {
    this.ready();
    await this.redis.set(this.key('entry', name), sealed, 'PX', Math.max(1, Math.floor(ttlMs)));
  }

  async delete(name: string): Promise<void> {
    this.ready();
    await this.redis.del(this.key('entry', name));
  }

  async minVersion(customerUserId: string): Promise<number | undefined> {
    this.ready();
    const value = await this.redis.get(this.key('version', customerUserId));
    return value === null ? undefined : Number(value);
  }

  async raiseMinVersion(customerUserId: string, version: number, ttlMs: number): Promise<void> {
    this.ready();
    await this.redis.eval(RAISE, 1, this.key('version', customerUserId), version, Math.max(1, Math.floor(ttlMs)));
  }

  async claim(name: string, owner: string, ttlMs: number): Promise<boolean> {
    this.ready();
    return (
      (await this.redis.set(this.key('pending', name), owner, 'PX', Math.max(1, Math.floor(ttlMs)), 'NX')) === 'OK'
    );
  }

  async unclaim(name: string, owner: string): Promise<void> {
    this.ready();
    await this.redis.eval(UNCLAIM, 1, this.key('pending', name), owner);
  }

  async isClaimed(name: string): Promise<boolean> {
    this.ready();
    return (await this.redis.exists(this.key('pending', name))) === 1;
  }

  /** `<prefix>:<kind>:{<id>}`: the entry name (or customer user) is the hash tag, so an entry and its claim share a slot. */
  private key(kind: 'entry' | 'version' | 'pending', id: string): string {
    return redisKey(this.keyPrefix, kind, hashTag(id));
  }

  /** Fails at once while not connected, instead of a command queued for a reconnection. */
  private ready(): void {
    if (this.redis.status !== 'ready') throw new Error(`connection ${this.redis.status}`);
  }
}
