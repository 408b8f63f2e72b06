import type { PerformChatRedisSource } from './redis-source';
import type { PerformChatCustomerUserStore } from '../customer-users/perform-chat-customer-user.store';

/** The bounded memory store with another bound. */
export interface MemoryCustomerUserStoreOption {
  /** Most records kept; the least recently saved is dropped beyond it. @default 100000 */
  maxRecords: number;
}

/** The Redis store, shared by every instance. */
export interface RedisCustomerUserStoreOption {
  /** Your ioredis client (never closed by the module) or a `redis://` URL (connected and closed by the module). */
  redis: PerformChatRedisSource;
  /** @default 'performchat:customer-users:' */
  keyPrefix?: string;
  /** Forget a user's records this many seconds after its last token, at most 31622400 (366 days). Unset: keep forever. */
  ttlSeconds?: number;
}

/** The `customerUserStore` option: `'memory'` (default), a bound for it, Redis, or your own store. */
export type PerformChatCustomerUserStoreOption =
  'memory' | MemoryCustomerUserStoreOption | RedisCustomerUserStoreOption | PerformChatCustomerUserStore;
