import type { PerformChatCustomerUserStore } from '../customer-users/perform-chat-customer-user.store';

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
      problems.push('customerUserStore.redis must be an ioredis client or a redis:// URL');
    }
    if (keyPrefix !== undefined && (typeof keyPrefix !== 'string' || keyPrefix === '')) {
      problems.push('customerUserStore.keyPrefix must be a non-empty string');
    }
    if (ttlSeconds !== undefined && !(Number.isInteger(ttlSeconds) && (ttlSeconds as number) > 0)) {
      problems.push('customerUserStore.ttlSeconds must be a positive whole number of seconds');
    }
  } else if (!(Number.isInteger(maxRecords) && (maxRecords as number) > 0)) {
    problems.push('customerUserStore.maxRecords must be a positive whole number');
  }
  return problems;
}
