import type { Redis } from 'ioredis';
import { PerformChatError } from '../errors/perform-chat.error';
import { PerformChatErrorCode } from '../errors/perform-chat-error-code';
import {
  DEFAULT_REDIS_CUSTOMER_USER_PREFIX,
  DEFAULT_REDIS_CUSTOMER_USER_TTL_SECONDS,
} from '../options/perform-chat-options.defaults';
import { Messages } from '../perform-chat.messages';
import { PerformChatRedisClient, currentClusterSlotOwners, isRedisCluster } from '../redis/redis-client';
import { describeRedisClient, describeRedisNode } from '../redis/redis-client-name';
import { hashTag, redisKey, taggedKeysPattern } from '../redis/redis-keys';
import { describeRedisFailure } from './customer-user-store.failure';
import { PerformChatCustomerUserRecord, PerformChatCustomerUserStore } from './perform-chat-customer-user.store';

export interface RedisCustomerUserStoreOptions {
  /** Prefix of every key, `<keyPrefix>:{<user id>}` (no trailing `:`, no braces). @default 'performchat:cu' */
  keyPrefix?: string;
  /**
   * Forget a user's records this many seconds after its last token (refreshed on every save).
   * Keep it at least as long as your longest token lifetime, or revoking an older token finds nothing.
   * @default 31536000 (365 days)
   */
  ttlSeconds?: number;
}

/** Keys SCAN returns per call on each master. */
const SCAN_COUNT = 500;
/** How long a listing waits for a cluster's slot table to be reloaded when a master has no connection. */
const SLOTS_REFRESH_TIMEOUT_MS = 1_000;

/**
 * ioredis statuses after a connection was lost (or never made): a command sent now would wait
 * in the offline queue for the next reconnection attempt, up to ioredis's backoff (2 s) per
 * call, only to fail. While connecting (`wait`, `connecting`, `connect`) commands still queue,
 * so the first calls after boot work.
 */
const NOT_CONNECTED = new Set(['reconnecting', 'close', 'end']);

/**
 * Customer users in Redis (one node or a Redis Cluster), shared by every instance: one hash per
 * user, `<prefix>:{<externalId>}` → `{ <customerUserId>: <JSON record> }`, with a TTL refreshed on
 * every save. One round trip per save (a MULTI on that one key). The user id is the hash tag, so
 * on a cluster the user's keys share a slot. Listing (`iterate`) SCANs every master of a cluster.
 * The connection is yours or the module's; this store never closes it.
 *
 * Every failure is a {@link PerformChatError} `STORE_UNAVAILABLE` with a one-line message
 * (`Redis at host:port does not answer (MaxRetriesPerRequestError)`), and while the connection
 * is down calls fail at once instead of waiting for a reconnection.
 */
export class RedisCustomerUserStore implements PerformChatCustomerUserStore {
  readonly keyPrefix: string;
  readonly ttlSeconds: number;

  constructor(
    private readonly redis: PerformChatRedisClient,
    options: RedisCustomerUserStoreOptions = {},
  ) {
    this.keyPrefix = options.keyPrefix ?? DEFAULT_REDIS_CUSTOMER_USER_PREFIX;
    this.ttlSeconds = options.ttlSeconds ?? DEFAULT_REDIS_CUSTOMER_USER_TTL_SECONDS;
  }

  /** The key of one user's hash: `<prefix>:{<externalId>}`. */
  keyOf(externalId: string): string {
    return redisKey(this.keyPrefix, hashTag(externalId));
  }

  async save(record: PerformChatCustomerUserRecord): Promise<void> {
    const key = this.keyOf(record.externalId);
    const value = JSON.stringify({ ...record, updatedAt: record.updatedAt.toISOString() });
    await this.command(async () => {
      const results = await this.redis
        .multi()
        .hset(key, record.customerUserId, value)
        .expire(key, this.ttlSeconds)
        .exec();
      const failure = results?.find(([error]) => error);
      if (failure) throw failure[0];
    });
  }

  async listByExternalId(externalId: string): Promise<PerformChatCustomerUserRecord[]> {
    return this.parseAll(await this.command(() => this.redis.hgetall(this.keyOf(externalId))));
  }

  async remove(externalId: string, customerUserId?: string): Promise<void> {
    const key = this.keyOf(externalId);
    await this.command(() =>
      customerUserId === undefined ? this.redis.del(key) : this.redis.hdel(key, customerUserId),
    );
  }

  /**
   * Every record: SCAN over `<prefix>:{*` on the one node, or on **every master** of a cluster
   * (SCAN sees only the node it is sent to), reading each hash through the client (which routes
   * it to its slot). A master that does not answer fails the listing (`STORE_UNAVAILABLE`), never
   * a silently shorter list. Keys moved by a resharding during the walk may be seen twice or missed.
   */
  async *iterate(): AsyncIterable<PerformChatCustomerUserRecord> {
    for (const node of await this.scanTargets()) {
      for await (const keys of this.scanNode(node)) {
        for (const key of keys) {
          for (const record of this.parseAll(await this.command(() => this.redis.hgetall(key)))) yield record;
        }
      }
    }
  }

  /**
   * The nodes to SCAN: the client itself, or every master serving slots in a cluster. A master
   * without a connection (lost, failing over) fails the listing rather than leave its users out.
   */
  private async scanTargets(): Promise<Redis[]> {
    if (!isRedisCluster(this.redis)) return [this.redis];
    const cluster = describeRedisClient(this.redis);
    const owners = await currentClusterSlotOwners(this.redis, SLOTS_REFRESH_TIMEOUT_MS);
    if (owners.length === 0) throw this.unavailable(Messages.redisClusterNoMaster(cluster, this.redis.status));
    return owners.map(({ address, node }) => {
      if (!node)
        throw this.unavailable(
          Messages.storeRedisNotConnected(`${address} (${cluster})`, 'master lost or failing over'),
        );
      return node;
    });
  }

  private async *scanNode(node: Redis): AsyncIterable<string[]> {
    const match = taggedKeysPattern(this.keyPrefix);
    let cursor = '0';
    do {
      const [next, keys] = await this.command(() => node.scan(cursor, 'MATCH', match, 'COUNT', SCAN_COUNT), node);
      cursor = next;
      yield keys;
    } while (cursor !== '0');
  }

  /**
   * Runs Redis commands, failing at once while disconnected; every failure becomes
   * `STORE_UNAVAILABLE`, naming the client (or the cluster node a SCAN went to).
   */
  private async command<T>(run: () => Promise<T>, node?: Redis): Promise<T> {
    const { status } = this.redis;
    if (NOT_CONNECTED.has(status))
      throw this.unavailable(Messages.storeRedisNotConnected(describeRedisClient(this.redis), status));
    try {
      return await run();
    } catch (error) {
      const where =
        node && node !== this.redis
          ? `${describeRedisNode(node)} (${describeRedisClient(this.redis)})`
          : describeRedisClient(this.redis);
      throw this.unavailable(Messages.storeRedisFailed(where, describeRedisFailure(error)));
    }
  }

  /** Built from facts, never wrapping the ioredis error (its `command.args` hold keys and records). */
  private unavailable(message: string): PerformChatError {
    return new PerformChatError(PerformChatErrorCode.STORE_UNAVAILABLE, message);
  }

  private parseAll(hash: Record<string, string>): PerformChatCustomerUserRecord[] {
    const records: PerformChatCustomerUserRecord[] = [];
    for (const value of Object.values(hash)) {
      try {
        const parsed = JSON.parse(value) as PerformChatCustomerUserRecord & { updatedAt: string };
        records.push({ ...parsed, updatedAt: new Date(parsed.updatedAt) });
      } catch {
        // A value this store did not write: skip it rather than fail a revocation.
      }
    }
    return records;
  }
}
