import type { PerformChatCustomerUserStore } from '../customer-users/perform-chat-customer-user.store';
import { Messages, OptionWords } from '../perform-chat.messages';
import type {
  MemoryCustomerUserStoreOption,
  PerformChatCustomerUserStoreOption,
  RedisCustomerUserStoreOption,
} from './customer-user-store.options';
import { DEFAULT_REDIS_CUSTOMER_USER_PREFIX, namedCustomerUserPrefix } from './perform-chat-options.defaults';
import { DEFAULT_INSTANCE_NAME, isDefaultInstance } from './instance-name';
import { REDIS_KEY_PREFIX, REDIS_KEY_SEPARATOR } from './redis-key-prefix';
import { OptionRule, custom, literal, object, required, union, wholeNumber, withKey } from './option-rules';
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
  keyPrefix: REDIS_KEY_PREFIX,
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

function isRedisOption(option: unknown): option is RedisCustomerUserStoreOption {
  return typeof option === 'object' && option !== null && 'redis' in option && !isCustomStore(option);
}

/**
 * With both stores in Redis, the customer-user keys must not sit under a rate-limit counter
 * (`<rateLimit prefix>:<counter>:{...}` has the shape of `<customer-user prefix>:{...}` when the
 * latter is `<rateLimit prefix>:<counter>`). Other overlaps cannot match: a prefix has no braces.
 */
export function checkCustomerUserKeyPrefixOverlap(option: unknown, rateLimitKeyPrefix: string | undefined): string[] {
  if (rateLimitKeyPrefix === undefined || !isRedisOption(option)) return [];
  const prefix = option.keyPrefix ?? DEFAULT_REDIS_CUSTOMER_USER_PREFIX;
  if (typeof prefix !== 'string' || !prefix.startsWith(rateLimitKeyPrefix + REDIS_KEY_SEPARATOR)) return [];
  return [Messages.redisKeyPrefixesOverlap(rateLimitKeyPrefix, prefix)];
}

/**
 * The option with its defaults for the instance `name`: a Redis store without `ttlSeconds` keeps
 * a user's records as long as the longest token the module may issue (`longestTokenSeconds`:
 * `maxExpiresIn`, else 365 days); a named instance's Redis store without a `keyPrefix` gets
 * `performchat:<name>:cu`, beside the default instance's `performchat:cu`, so one instance never
 * lists (and revokes) another's users. A `keyPrefix` you give is used as given.
 */
export function resolveCustomerUserStoreOption(
  option: PerformChatCustomerUserStoreOption | undefined,
  longestTokenSeconds: number,
  name: string = DEFAULT_INSTANCE_NAME,
): PerformChatCustomerUserStoreOption {
  if (option === undefined) return 'memory';
  if (!isRedisOption(option)) return option;
  const keyPrefix = option.keyPrefix ?? (isDefaultInstance(name) ? undefined : namedCustomerUserPrefix(name));
  return {
    ...option,
    ...(keyPrefix === undefined ? {} : { keyPrefix }),
    ttlSeconds: option.ttlSeconds ?? longestTokenSeconds,
  };
}
