import { Messages, OptionWords } from '../perform-chat.messages';
import { OptionRule, custom } from './option-rules';

/**
 * The one separator of every Redis key the module writes (README "Redis keys"); the stores add
 * it after a prefix, so a prefix never ends with it.
 */
export const REDIS_KEY_SEPARATOR = ':';

/** What a prefix may be: no whitespace, no braces (a hash tag there would put every key in one cluster slot); at most 200 characters. */
const KEY_PREFIX = /^[^\s{}]{1,200}$/;

/** A key prefix the layout accepts: 1 to 200 characters, no whitespace, `{` or `}`, not ending with `:`. */
export function isValidRedisKeyPrefix(prefix: unknown): prefix is string {
  return typeof prefix === 'string' && KEY_PREFIX.test(prefix) && !prefix.endsWith(REDIS_KEY_SEPARATOR);
}

/** The row of a Redis key prefix option (`rateLimit.store.keyPrefix`, `customerUserStore.keyPrefix`). */
export const REDIS_KEY_PREFIX: OptionRule = custom(OptionWords.redisKeyPrefix, (value, path) =>
  isValidRedisKeyPrefix(value) ? [] : [Messages.redisKeyPrefix(path)],
);
