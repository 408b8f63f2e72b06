import { Messages } from '../perform-chat.messages';
import { EXPIRES_IN_CEILING_SECONDS, parseExpiresIn } from './expires-in';
import { EXPIRES_IN } from './expires-in.rule';
import { accepts, falseOr, flag, fn, literal, object, required, union, wholeNumber, withKey } from './option-rules';
import { DEFAULT_EXPIRES_IN } from './perform-chat-options.defaults';
import type { ResolvedRateLimitStore } from './rate-limit.options';
import { REDIS_SOURCE } from './redis-source.validation';
import { REDIS_KEY_PREFIX } from './redis-key-prefix';
import type {
  MemoryTokenStoreOption,
  PerformChatTokenReuseOptions,
  PerformChatTokenStoreOption,
  RedisTokenStoreOption,
  ResolvedTokenReuse,
  ResolvedTokenStore,
} from './token-reuse.options';

/** `tokenReuse.minRemaining` when unset: the docs' own client renews a token 5 minutes before it expires. */
export const DEFAULT_TOKEN_REUSE_MIN_REMAINING = '5m';
/** Tokens the memory token store keeps at most. */
export const DEFAULT_TOKEN_STORE_MAX_ENTRIES = 10_000;
/** Namespace of the Redis token store's keys. */
export const DEFAULT_TOKEN_STORE_KEY_PREFIX = 'performchat:tokens';

const MEMORY_STORE = object({
  maxEntries: required(wholeNumber({ min: 1 })),
} satisfies Record<keyof MemoryTokenStoreOption, unknown>);

const REDIS_STORE = object({
  redis: required(REDIS_SOURCE),
  keyPrefix: REDIS_KEY_PREFIX,
} satisfies Record<keyof RedisTokenStoreOption, unknown>);

/** `tokenReuse.store`. */
const TOKEN_STORE = union([
  [(value) => value === 'memory', literal('memory')],
  withKey('redis', REDIS_STORE),
  withKey('maxEntries', MEMORY_STORE),
]);

const TOKEN_REUSE_OPTIONS = object({
  minRemaining: EXPIRES_IN,
  store: TOKEN_STORE,
  resolveSessionId: fn(),
} satisfies Record<keyof PerformChatTokenReuseOptions, unknown>);

/** The rows of `tokenReuse` and `shareConcurrentGenerations` in the module options. */
export const TOKEN_REUSE_MODULE_OPTIONS = {
  tokenReuse: falseOr(TOKEN_REUSE_OPTIONS),
  shareConcurrentGenerations: flag(),
};

/**
 * Between options: `tokenReuse.minRemaining` shorter than `defaultExpiresIn` (both valid), else a
 * token of the default lifetime would never be handed out again and reuse would do nothing.
 */
export function checkMinRemaining(raw: { tokenReuse?: unknown; defaultExpiresIn?: unknown }): string[] {
  const reuse = raw.tokenReuse as PerformChatTokenReuseOptions | false | undefined;
  if (!reuse || typeof reuse !== 'object' || reuse.minRemaining === undefined) return [];
  if (!accepts(EXPIRES_IN, reuse.minRemaining) || !accepts(EXPIRES_IN, raw.defaultExpiresIn)) return [];
  const lifetime = (raw.defaultExpiresIn as string | undefined) ?? DEFAULT_EXPIRES_IN;
  return parseExpiresIn(reuse.minRemaining) < parseExpiresIn(lifetime)
    ? []
    : [Messages.minRemainingNotShorter(reuse.minRemaining, lifetime)];
}

function resolveStore(
  store: PerformChatTokenStoreOption | undefined,
  rateLimitStore: ResolvedRateLimitStore,
): ResolvedTokenStore {
  if (store === undefined) {
    return rateLimitStore.kind === 'redis'
      ? { kind: 'redis', redis: rateLimitStore.redis, keyPrefix: DEFAULT_TOKEN_STORE_KEY_PREFIX, inherited: true }
      : { kind: 'memory', maxEntries: DEFAULT_TOKEN_STORE_MAX_ENTRIES };
  }
  if (store === 'memory') return { kind: 'memory', maxEntries: DEFAULT_TOKEN_STORE_MAX_ENTRIES };
  if ('redis' in store) {
    return {
      kind: 'redis',
      redis: store.redis,
      keyPrefix: store.keyPrefix ?? DEFAULT_TOKEN_STORE_KEY_PREFIX,
      inherited: false,
    };
  }
  return { kind: 'memory', maxEntries: store.maxEntries };
}

/** Applies the defaults to valid `tokenReuse` / `shareConcurrentGenerations` options. */
export function resolveTokenReuseOption(
  raw: {
    tokenReuse?: PerformChatTokenReuseOptions | false;
    shareConcurrentGenerations?: boolean;
    maxExpiresIn?: string;
  },
  rateLimitStore: ResolvedRateLimitStore,
  deadlineMs: number,
): ResolvedTokenReuse {
  const reuse = raw.tokenReuse || undefined;
  return {
    enabled: raw.tokenReuse !== undefined && raw.tokenReuse !== false,
    minRemainingSeconds: parseExpiresIn(reuse?.minRemaining ?? DEFAULT_TOKEN_REUSE_MIN_REMAINING),
    store: resolveStore(reuse?.store, rateLimitStore),
    ...(reuse?.resolveSessionId ? { resolveSessionId: reuse.resolveSessionId } : {}),
    shareConcurrent: raw.shareConcurrentGenerations ?? true,
    waitForOtherMs: deadlineMs,
    longestLifetimeSeconds:
      raw.maxExpiresIn === undefined ? EXPIRES_IN_CEILING_SECONDS : parseExpiresIn(raw.maxExpiresIn),
  };
}
