import type { PerformChatCustomerUserStore } from '../customer-users/perform-chat-customer-user.store';
import { Messages } from '../perform-chat.messages';
import { PerformChatCustomerUserStoreOption, RedisCustomerUserStoreOption } from './customer-user-store.options';
import { DEFAULT_REDIS_CUSTOMER_USER_PREFIX } from './perform-chat-options.defaults';
import { REDIS_KEY_SEPARATOR, isValidRedisKeyPrefix } from './redis-key-prefix';

const STORE_METHODS = ['save', 'listByExternalId', 'remove', 'iterate'] as const;

export function isCustomStore(option: object): option is PerformChatCustomerUserStore {
  return STORE_METHODS.some((method) => typeof (option as Record<string, unknown>)[method] === 'function');
}

/** Problems with the `customerUserStore` option, for boot-time validation. */
export function checkCustomerUserStoreOption(option: unknown): string[] {
  if (option === undefined || option === 'memory') return [];
  if (typeof option !== 'object' || option === null) {
    return ["customerUserStore must be 'memory', { maxRecords }, { redis, keyPrefix?, ttlSeconds? } or a store object"];
  }
  if (isCustomStore(option)) {
    const missing = STORE_METHODS.filter((method) => typeof (option as unknown as Record<string, unknown>)[method] !== 'function');
    return missing.length ? [`customerUserStore is missing the method(s) ${missing.join(', ')}`] : [];
  }
  const { redis, maxRecords, keyPrefix, ttlSeconds } = option as Record<string, unknown>;
  const problems: string[] = [];
  if ('redis' in option) {
    // A URL string is checked with every other Redis URL (options/perform-chat-url.validation.ts).
    if (typeof redis !== 'string' && (typeof redis !== 'object' || redis === null)) {
      problems.push('customerUserStore.redis must be an ioredis client (Redis or Cluster) or a redis:// (redis+cluster://) URL');
    }
    if (keyPrefix !== undefined && !isValidRedisKeyPrefix(keyPrefix)) {
      problems.push(Messages.redisKeyPrefix('customerUserStore.keyPrefix'));
    }
    if (ttlSeconds !== undefined && !(Number.isInteger(ttlSeconds) && (ttlSeconds as number) > 0)) {
      problems.push('customerUserStore.ttlSeconds must be a positive whole number of seconds');
    }
  } else if (!(Number.isInteger(maxRecords) && (maxRecords as number) > 0)) {
    problems.push('customerUserStore.maxRecords must be a positive whole number');
  }
  return problems;
}

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
 * The option with its defaults: a Redis store without `ttlSeconds` keeps a user's records as long
 * as the longest token the module may issue (`longestTokenSeconds`: `maxExpiresIn`, else 365 days).
 */
export function resolveCustomerUserStoreOption(
  option: PerformChatCustomerUserStoreOption | undefined,
  longestTokenSeconds: number,
): PerformChatCustomerUserStoreOption {
  if (option === undefined) return 'memory';
  if (!isRedisOption(option) || option.ttlSeconds !== undefined) return option;
  return { ...option, ttlSeconds: longestTokenSeconds };
}
