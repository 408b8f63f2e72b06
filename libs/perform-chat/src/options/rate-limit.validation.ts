import { Messages, OptionWords } from '../perform-chat.messages';
import {
  DEFAULT_RATE_LIMIT_BLOCK_DURATION,
  DEFAULT_RATE_LIMIT_DURATION,
  DEFAULT_RATE_LIMIT_KEY_PREFIX,
  DEFAULT_RATE_LIMIT_POINTS,
  DEFAULT_UPSTREAM_AUTH_FAILURE_WINDOW_SECONDS,
  DEFAULT_UPSTREAM_AUTH_FAILURES_PER_5_MINUTES,
  DEFAULT_UPSTREAM_TOKEN_WINDOW_SECONDS,
  DEFAULT_UPSTREAM_TOKENS_PER_MINUTE,
  ROUTE_KEY_PREFIX_PATTERN,
} from './perform-chat-options.defaults';
import {
  OptionRule,
  accepts,
  checkOptions,
  falseOr,
  fractionalNumber,
  literal,
  object,
  required,
  text,
  union,
  wholeNumber,
  withKey,
} from './option-rules';
import { REDIS_KEY_PREFIX } from './redis-key-prefix';
import { REDIS_SOURCE } from './redis-source.validation';
import { DEFAULT_INSTANCE_NAME, instancePrefix } from './instance-name';
import {
  PerformChatRateLimitModuleOptions,
  PerformChatRateLimitOptions,
  PerformChatRedisRateLimitStore,
  PerformChatUpstreamBudgetOptions,
  ResolvedPerformChatRateLimit,
  ResolvedRateLimitStore,
  ResolvedUpstreamBudget,
} from './rate-limit.options';

/** The rows of one limit, shared by the module's `rateLimit` and `@PerformChatRateLimit`. */
const LIMIT = {
  points: wholeNumber({ min: 1 }),
  // Fractions count in memory (0.25 = 250 ms); a Redis store needs whole seconds (below).
  duration: fractionalNumber({ min: 0, aboveMin: true, unit: 'seconds', bound: 'rateLimit.duration' }),
  blockDuration: fractionalNumber({ min: 0, unit: 'seconds', bound: 'rateLimit.blockDuration' }),
};

const REDIS_STORE = object({
  redis: required(REDIS_SOURCE),
  keyPrefix: REDIS_KEY_PREFIX,
} satisfies Record<keyof PerformChatRedisRateLimitStore, unknown>);

/** `rateLimit.store`. */
const STORE = union([[(value) => value === 'memory', literal('memory')], withKey('redis', REDIS_STORE)]);

/** The module's `rateLimit` option (every field optional). */
export const RATE_LIMIT_OPTIONS = object({
  ...LIMIT,
  store: STORE,
} satisfies Record<keyof PerformChatRateLimitModuleOptions, unknown>);

/** The options of one `@PerformChatRateLimit(...)`: points and duration are required. */
export const ROUTE_RATE_LIMIT_OPTIONS = object({
  points: required(LIMIT.points),
  duration: required(LIMIT.duration),
  blockDuration: LIMIT.blockDuration,
  keyPrefix: text(ROUTE_KEY_PREFIX_PATTERN, OptionWords.routeKeyPrefix, Messages.routeKeyPrefixInvalid),
} satisfies Record<keyof PerformChatRateLimitOptions, unknown>);

/** The `upstreamBudget` option (its store is `rateLimit.store`). */
export const UPSTREAM_BUDGET_OPTIONS = object({
  tokensPerMinute: wholeNumber({ min: 1 }),
  authFailuresPer5Minutes: wholeNumber({ min: 1 }),
  tokenWindowSeconds: fractionalNumber({
    min: 0,
    aboveMin: true,
    unit: 'seconds',
    bound: 'upstreamBudget.tokenWindowSeconds',
  }),
  authFailureWindowSeconds: fractionalNumber({
    min: 0,
    aboveMin: true,
    unit: 'seconds',
    bound: 'upstreamBudget.authFailureWindowSeconds',
  }),
} satisfies Record<keyof PerformChatUpstreamBudgetOptions, unknown>);

/** The rows of `rateLimit` and `upstreamBudget` in the module options. */
export const RATE_LIMIT_MODULE_OPTIONS = {
  rateLimit: falseOr(RATE_LIMIT_OPTIONS),
  upstreamBudget: falseOr(UPSTREAM_BUDGET_OPTIONS),
};

/** The fields of `slice` that their row (`[rule, least whole value]`) accepts but that are not whole seconds. */
function fractions(slice: unknown, rows: Record<string, [OptionRule, number]>, path: string): string[] {
  if (typeof slice !== 'object' || slice === null) return [];
  return Object.entries(rows)
    .filter(([field, [rule]]) => {
      const value = (slice as Record<string, unknown>)[field];
      return value !== undefined && accepts(rule, value) && !Number.isInteger(value);
    })
    .map(([field, [, minimum]]) => Messages.redisWholeSeconds(`${path}.${field}`, minimum));
}

/**
 * Between options: a Redis store counts in whole seconds (rate-limiter-flexible rounds down, and
 * 0 would never expire), so with one every window of `rateLimit` and `upstreamBudget` must be whole.
 */
export function checkRedisWholeSeconds(raw: { rateLimit?: unknown; upstreamBudget?: unknown }): string[] {
  const store = (raw.rateLimit as { store?: unknown } | undefined)?.store;
  if (typeof store !== 'object' || store === null || !accepts(STORE, store)) return [];
  return [
    ...fractions(
      raw.rateLimit,
      { duration: [LIMIT.duration, 1], blockDuration: [LIMIT.blockDuration, 0] },
      'rateLimit',
    ),
    ...fractions(
      raw.upstreamBudget,
      {
        tokenWindowSeconds: [UPSTREAM_BUDGET_OPTIONS.fields.tokenWindowSeconds, 1],
        authFailureWindowSeconds: [UPSTREAM_BUDGET_OPTIONS.fields.authFailureWindowSeconds, 1],
      },
      'upstreamBudget',
    ),
  ];
}

/** Problems of the options of one `@PerformChatRateLimit(...)`, with the rows of `rateLimit`; `[]` when valid. */
export function checkRouteRateLimit(raw: PerformChatRateLimitOptions): string[] {
  return checkOptions(ROUTE_RATE_LIMIT_OPTIONS, raw, 'PerformChatRateLimit');
}

function resolveStore(raw: PerformChatRateLimitModuleOptions | false | undefined, name: string): ResolvedRateLimitStore {
  const store = raw ? raw.store : undefined;
  const prefix = (typeof store === 'object' ? store.keyPrefix : undefined) ?? DEFAULT_RATE_LIMIT_KEY_PREFIX;
  const prefixes = { keyPrefix: instancePrefix(prefix, name), keyWidePrefix: prefix };
  if (store === undefined || store === 'memory') return { kind: 'memory', ...prefixes };
  return { kind: 'redis', redis: store.redis, ...prefixes };
}

/** Applies the defaults to a valid `rateLimit` option of the instance `name`. With `false` the store is memory. */
export function resolveRateLimitOption(
  raw: PerformChatRateLimitModuleOptions | false | undefined,
  name: string = DEFAULT_INSTANCE_NAME,
): ResolvedPerformChatRateLimit {
  return {
    defaultLimit:
      raw === false
        ? false
        : {
            points: raw?.points ?? DEFAULT_RATE_LIMIT_POINTS,
            duration: raw?.duration ?? DEFAULT_RATE_LIMIT_DURATION,
            blockDuration: raw?.blockDuration ?? DEFAULT_RATE_LIMIT_BLOCK_DURATION,
          },
    store: resolveStore(raw, name),
  };
}

/** Applies the defaults to a valid `upstreamBudget` option. */
export function resolveUpstreamBudgetOption(
  raw: PerformChatUpstreamBudgetOptions | false | undefined,
): ResolvedUpstreamBudget | false {
  if (raw === false) return false;
  return {
    tokensPerWindow: raw?.tokensPerMinute ?? DEFAULT_UPSTREAM_TOKENS_PER_MINUTE,
    tokenWindowSeconds: raw?.tokenWindowSeconds ?? DEFAULT_UPSTREAM_TOKEN_WINDOW_SECONDS,
    authFailuresPerWindow: raw?.authFailuresPer5Minutes ?? DEFAULT_UPSTREAM_AUTH_FAILURES_PER_5_MINUTES,
    authFailureWindowSeconds: raw?.authFailureWindowSeconds ?? DEFAULT_UPSTREAM_AUTH_FAILURE_WINDOW_SECONDS,
  };
}
