import type { PerformChatCustomerUserStore } from '../customer-users/perform-chat-customer-user.store';
import { Messages, OptionWords } from '../perform-chat.messages';
import type {
  MemoryCustomerUserStoreOption,
  PerformChatCustomerUserStoreOption,
  RedisCustomerUserStoreOption,
} from './customer-user-store.options';
import { isDefaultInstance } from './instance-name';
import { namedCustomerUserPrefix } from './perform-chat-options.defaults';
import { OptionRule, custom, literal, object, required, text, union, wholeNumber, withKey } from './option-rules';
import { REDIS_SOURCE, isRedisClient } from './redis-source.validation';

const STORE_METHODS = ['save', 'listByExternalId', 'remove', 'iterate'] as const;

/** An object with any of the store's methods is meant as your own store (its other properties are not options). */
export function isCustomStore(option: object): option is PerformChatCustomerUserStore {
  return STORE_METHODS.some((method) => typeof (option as Record<string, unknown>)[method] === 'function');
}

const CUSTOM_STORE: OptionRule = custom(OptionWords.customStore, (value, path) => {
  const missing = STORE_METHODS.filter((method) => typeof (value as Record<string, unknown>)[method] !== 'function');
  return missing.length > 0 ? [Messages.storeMissingMethods(path, missing)] : [];
});

/** An ioredis client given as the store itself (it has a `save`: the SAVE command), not `{ redis: client }`. */
const REDIS_CLIENT_AS_STORE: OptionRule = custom('', (_value, path) => [Messages.storeIsRedisClient(path)]);

const MEMORY_STORE = object({
  maxRecords: required(wholeNumber({ min: 1 })),
} satisfies Record<keyof MemoryCustomerUserStoreOption, unknown>);

const REDIS_STORE = object({
  redis: required(REDIS_SOURCE),
  keyPrefix: text(/^[\s\S]+$/, OptionWords.nonEmptyString),
  // A Redis TTL, bounded by the longest token lifetime (perform-chat-options.bounds.ts).
  ttlSeconds: wholeNumber({ min: 1, unit: 'seconds', bound: 'customerUserStore.ttlSeconds' }),
} satisfies Record<keyof RedisCustomerUserStoreOption, unknown>);

/**
 * The `customerUserStore` option: `'memory'`, `{ maxRecords }`, `{ redis, keyPrefix?,
 * ttlSeconds? }` or your store. `{ redis: {} }` is refused here as in `rateLimit.store`: `{}`
 * is neither a client nor a URL.
 */
export const CUSTOMER_USER_STORE_OPTION = union([
  [(value) => value === 'memory', literal('memory')],
  [isRedisClient, REDIS_CLIENT_AS_STORE],
  [(value) => typeof value === 'object' && value !== null && isCustomStore(value), CUSTOM_STORE],
  withKey('redis', REDIS_STORE),
  withKey('maxRecords', MEMORY_STORE),
]);

/**
 * The store option of the instance `name`: a named instance's Redis store without a
 * `keyPrefix` gets `performchat:<name>:customer-users:`, beside (never inside) the default
 * instance's `performchat:customer-users:`, so listing one instance's users never finds
 * another's. A `keyPrefix` you give is used as given.
 */
export function resolveCustomerUserStoreOption(
  option: PerformChatCustomerUserStoreOption | undefined,
  name: string,
): PerformChatCustomerUserStoreOption {
  if (option === undefined) return 'memory';
  if (isDefaultInstance(name) || typeof option !== 'object' || isCustomStore(option) || !('redis' in option)) return option;
  return option.keyPrefix === undefined ? { ...option, keyPrefix: namedCustomerUserPrefix(name) } : option;
}
