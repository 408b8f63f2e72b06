import type { Redis } from 'ioredis';
import { PerformChatError } from '../errors/perform-chat.error';
import { PerformChatErrorCode } from '../errors/perform-chat-error-code';
import { Messages } from '../perform-chat.messages';
import { describeRedisClient } from '../redis/redis-client-name';
import { describeRedisFailure } from './customer-user-store.failure';
import { PerformChatCustomerUserRecord, PerformChatCustomerUserStore } from './perform-chat-customer-user.store';

export const DEFAULT_REDIS_CUSTOMER_USER_PREFIX = 'performchat:customer-users:';

export interface RedisCustomerUserStoreOptions {
  /** Prefix of every key. @default 'performchat:customer-users:' */
  keyPrefix?: string;
  /** Forget a user's records this many seconds after its last token (refreshed on every save). Unset: keep forever. */
  ttlSeconds?: number;
}

/** Characters SCAN's MATCH treats specially; escaped so a prefix matches only itself. */
const GLOB_CHARACTERS = /[*?[\]\\]/g;

/**
 * ioredis statuses after a connection was lost (or never made): a command sent now would wait
 * in the offline queue for the next reconnection attempt, up to ioredis's backoff (2 s) per
 * call, only to fail. While connecting (`wait`, `connecting`, `connect`) commands still queue,
 * so the first calls after boot work.
 */
const NOT_CONNECTED = new Set(['reconnecting', 'close', 'end']);

/**
 * Customer users in Redis, shared by every instance: one hash per user,
 * `<prefix><externalId>` → `{ <customerUserId>: <JSON record> }`. One round trip per save.
 * The connection is yours or the module's; this store never closes it.
 *
 * Every failure is a {@link PerformChatError} `STORE_UNAVAILABLE` with a one-line message
 * (`Redis at host:port does not answer (MaxRetriesPerRequestError)`), and while the connection
 * is down calls fail at once instead of waiting for a reconnection.
 */
export class RedisCustomerUserStore implements PerformChatCustomerUserStore {
  readonly keyPrefix: string;
  private readonly ttlSeconds?: number;

  constructor(
    private readonly redis: Redis,
    options: RedisCustomerUserStoreOptions = {},
  ) {
    this.keyPrefix = options.keyPrefix ?? DEFAULT_REDIS_CUSTOMER_USER_PREFIX;
    this.ttlSeconds = options.ttlSeconds;
  }

  async save(record: PerformChatCustomerUserRecord): Promise<void> {
    const key = this.keyPrefix + record.externalId;
    const value = JSON.stringify({ ...record, updatedAt: record.updatedAt.toISOString() });
    await this.command(async () => {
      const pipeline = this.redis.multi().hset(key, record.customerUserId, value);
      if (this.ttlSeconds) pipeline.expire(key, this.ttlSeconds);
      const results = await pipeline.exec();
      const failure = results?.find(([error]) => error);
      if (failure) throw failure[0];
    });
  }

  async listByExternalId(externalId: string): Promise<PerformChatCustomerUserRecord[]> {
    return this.parseAll(await this.command(() => this.redis.hgetall(this.keyPrefix + externalId)));
  }

  async remove(externalId: string, customerUserId?: string): Promise<void> {
    const key = this.keyPrefix + externalId;
    await this.command(() => (customerUserId === undefined ? this.redis.del(key) : this.redis.hdel(key, customerUserId)));
  }

  async *iterate(): AsyncIterable<PerformChatCustomerUserRecord> {
    const match = `${this.keyPrefix.replace(GLOB_CHARACTERS, '\\$&')}*`;
    let cursor = '0';
    do {
      const [next, keys] = await this.command(() => this.redis.scan(cursor, 'MATCH', match, 'COUNT', 500));
      cursor = next;
      for (const key of keys) {
        for (const record of this.parseAll(await this.command(() => this.redis.hgetall(key)))) yield record;
      }
    } while (cursor !== '0');
  }

  /** Runs Redis commands, failing at once while disconnected; every failure becomes `STORE_UNAVAILABLE`. */
  private async command<T>(run: () => Promise<T>): Promise<T> {
    const { status } = this.redis;
    if (NOT_CONNECTED.has(status)) throw this.unavailable(Messages.storeRedisNotConnected(describeRedisClient(this.redis), status));
    try {
      return await run();
    } catch (error) {
      throw this.unavailable(Messages.storeRedisFailed(describeRedisClient(this.redis), describeRedisFailure(error)));
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
