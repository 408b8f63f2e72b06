import type { PerformChatRedisSource } from './redis-source';
import type { PerformChatCustomerUserStore } from '../customer-users/perform-chat-customer-user.store';

/** The bounded memory store with another bound. */
export interface MemoryCustomerUserStoreOption {
  /** Most records kept; the least recently saved is dropped beyond it. @default 100000 */
  maxRecords: number;
}

/** The Redis store, shared by every instance. */
export interface RedisCustomerUserStoreOption {
  /**
   * Your ioredis client, `Redis` or `Cluster` (never closed by the module), or a URL: `redis://`
   * for one node, `redis+cluster://host:port,host:port` for a Redis Cluster (connected and closed by the module).
   */
  redis: PerformChatRedisSource;
  /**
   * Prefix of the keys, one hash per user at `<keyPrefix>:{<user id>}` (the store adds the `:`;
   * no braces). Env `PERFORMCHAT_CUSTOMER_USER_KEY_PREFIX`. @default 'performchat:cu'
   */
  keyPrefix?: string;
  /**
   * Forget a user's records this many seconds after its last token (every token refreshes it), at
   * most 31622400 (366 days). Keep it at least as long as your longest token, or revoking an older
   * token finds nothing. Env `PERFORMCHAT_CUSTOMER_USER_TTL_SECONDS`.
   * @default the longest token lifetime: `maxExpiresIn`, else 31536000 (365 days)
   */
  ttlSeconds?: number;
}

/** The `customerUserStore` option: `'memory'` (default), a bound for it, Redis, or your own store. */
export type PerformChatCustomerUserStoreOption =
  'memory' | MemoryCustomerUserStoreOption | RedisCustomerUserStoreOption | PerformChatCustomerUserStore;
