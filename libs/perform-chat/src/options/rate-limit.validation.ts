import { Messages, OptionWords } from '../perform-chat.messages';
import {
  DEFAULT_RATE_LIMIT_BLOCK_DURATION,
  DEFAULT_RATE_LIMIT_DURATION,
  DEFAULT_RATE_LIMIT_IPV6_SUBNET,
  DEFAULT_RATE_LIMIT_KEY_PREFIX,
  DEFAULT_RATE_LIMIT_POINTS,
  DEFAULT_UPSTREAM_AUTH_FAILURE_WINDOW_SECONDS,
  DEFAULT_UPSTREAM_AUTH_FAILURES_PER_5_MINUTES,
  DEFAULT_UPSTREAM_TOKEN_WINDOW_SECONDS,
  DEFAULT_UPSTREAM_MAX_WAIT_MS,
  DEFAULT_UPSTREAM_TOKENS_PER_MINUTE,
  DEFAULT_UPSTREAM_API_REQUESTS_PER_MINUTE,
  DEFAULT_UPSTREAM_API_REQUEST_WINDOW_SECONDS,
  DEFAULT_UPSTREAM_USER_SHARE,
  ROUTE_KEY_PREFIX_PATTERN,
  ROUTE_LIMIT_NAME_PATTERN,
} from './perform-chat-options.defaults';
import {
  OptionRule,
  accepts,
  checkOptions,
  custom,
  duration,
  falseOr,
  flag,
  fn,
  fractionalNumber,
  isPlainObject,
  literal,
  object,
  pathOf,
  required,
  resolvable,
  satisfying,
  text,
  union,
  wholeNumber,
  withKey,
} from './option-rules';
import { PerformChatDuration, durationSeconds } from './duration';
import { REDIS_KEY_PREFIX } from './redis-key-prefix';
import { REDIS_SOURCE } from './redis-source.validation';
import { DEFAULT_INSTANCE_NAME, instancePrefix } from './instance-name';
import {
  PerformChatRateLimitModuleOptions,
  PerformChatRateLimitOptions,
  PerformChatRateLimitBehaviour,
  ResolvedRateLimit,
  ResolvedRateLimitRule,
  PerformChatRedisRateLimitStore,
  PerformChatUpstreamBudgetOptions,
  ResolvedPerformChatRateLimit,
  ResolvedRateLimitStore,
  ResolvedUpstreamBudget,
} from './rate-limit.options';

/** The rows of one limit's values, shared by the module's `rateLimit` and `@PerformChatRateLimit`. */
const VALUES = {
  points: wholeNumber({ min: 1 }),
  // Fractions count in memory (0.25 = 250 ms); a Redis store needs whole seconds (below).
  duration: duration({ min: 0, aboveMin: true, bound: 'rateLimit.duration' }),
  blockDuration: duration({ min: 0, bound: 'rateLimit.blockDuration' }),
};

/** The same, each one a value or a function of the context (checked when it answers). */
const LIMIT = {
  points: resolvable(VALUES.points),
  duration: resolvable(VALUES.duration),
  blockDuration: resolvable(VALUES.blockDuration),
};

/** What a limit does besides counting: on the module (every limit) and on each limit. */
const BEHAVIOUR = {
  skipIf: fn(),
  tracker: fn(),
  headers: flag(),
  subscriptions: flag(),
} satisfies Record<keyof PerformChatRateLimitBehaviour, unknown>;

const REDIS_STORE = object({
  redis: required(REDIS_SOURCE),
  keyPrefix: REDIS_KEY_PREFIX,
} satisfies Record<keyof PerformChatRedisRateLimitStore, unknown>);

/** `rateLimit.store`. */
const STORE = union([[(value) => value === 'memory', literal('memory')], withKey('redis', REDIS_STORE)]);

/** The options of one `@PerformChatRateLimit(...)` (or one entry of `rateLimit.limits`): points and duration are required. */
export const ROUTE_RATE_LIMIT_OPTIONS = object({
  name: text(ROUTE_LIMIT_NAME_PATTERN, OptionWords.limitName, Messages.limitNameInvalid),
  points: required(LIMIT.points),
  duration: required(LIMIT.duration),
  blockDuration: LIMIT.blockDuration,
  keyPrefix: text(ROUTE_KEY_PREFIX_PATTERN, OptionWords.routeKeyPrefix, Messages.routeKeyPrefixInvalid),
  ...BEHAVIOUR,
} satisfies Record<keyof PerformChatRateLimitOptions, unknown>);

/** The name a limit answers to in its headers and counter: its own, else `default`. */
const nameOf = (limit: unknown): unknown => (isPlainObject(limit) && limit.name !== undefined ? limit.name : 'default');

/** A non-empty list of limits, each with a name of its own (`default` for an unnamed one). */
const LIMIT_LIST = custom(OptionWords.limitList, (value, path) => {
  if (!Array.isArray(value) || value.length === 0) return [Messages.optionMustBe(path, OptionWords.limitList)];
  const problems = value.flatMap((limit, index) => ROUTE_RATE_LIMIT_OPTIONS.check(limit, `${path}[${index}]`));
  const seen = new Set<unknown>();
  value.forEach((limit, index) => {
    const name = nameOf(limit);
    if (seen.has(name) && typeof name === 'string')
      problems.push(Messages.limitNameTwice(pathOf(`${path}[${index}]`, 'name'), name));
    seen.add(name);
  });
  return problems;
});

/** The module's `rateLimit` option (every field optional). */
export const RATE_LIMIT_OPTIONS = object({
  ...LIMIT,
  limits: LIMIT_LIST,
  ...BEHAVIOUR,
  ipv6Subnet: wholeNumber({ min: 1, max: 128 }),
  store: STORE,
} satisfies Record<keyof PerformChatRateLimitModuleOptions, unknown>);

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
  apiRequestsPerMinute: wholeNumber({ min: 1 }),
  apiRequestWindowSeconds: fractionalNumber({
    min: 0,
    aboveMin: true,
    unit: 'seconds',
    bound: 'upstreamBudget.apiRequestWindowSeconds',
  }),
  maxWaitMs: wholeNumber({ min: 0, unit: 'milliseconds', bound: 'upstreamBudget.maxWaitMs' }),
  tokensPerUser: satisfying(
    Messages.optionEither(['false', Messages.optionWholeNumber(1, undefined, undefined)]),
    (value) => value === false || (typeof value === 'number' && Number.isInteger(value) && value >= 1),
  ),
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
      return typeof value === 'number' && accepts(rule, value) && !Number.isInteger(value);
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
  const limitRows = { duration: [VALUES.duration, 1], blockDuration: [VALUES.blockDuration, 0] } satisfies Record<
    string,
    [OptionRule, number]
  >;
  const limits = (raw.rateLimit as { limits?: unknown } | undefined)?.limits;
  return [
    ...fractions(raw.rateLimit, limitRows, 'rateLimit'),
    ...(Array.isArray(limits)
      ? limits.flatMap((limit, index) => fractions(limit, limitRows, `rateLimit.limits[${index}]`))
      : []),
    ...fractions(
      raw.upstreamBudget,
      // tokenWindowSeconds is not here: the token budget's sliding log counts in milliseconds.
      {
        authFailureWindowSeconds: [UPSTREAM_BUDGET_OPTIONS.fields.authFailureWindowSeconds, 1],
        apiRequestWindowSeconds: [UPSTREAM_BUDGET_OPTIONS.fields.apiRequestWindowSeconds, 1],
      },
      'upstreamBudget',
    ),
  ];
}

/** Between options: `upstreamBudget.tokensPerUser` at most `tokensPerMinute` (both valid). */
export function checkTokensPerUser(raw: { upstreamBudget?: unknown }): string[] {
  const budget = raw.upstreamBudget as PerformChatUpstreamBudgetOptions | false | undefined;
  if (!budget || typeof budget !== 'object' || typeof budget.tokensPerUser !== 'number') return [];
  const { fields } = UPSTREAM_BUDGET_OPTIONS;
  if (!accepts(fields.tokensPerUser, budget.tokensPerUser) || !accepts(fields.tokensPerMinute, budget.tokensPerMinute))
    return [];
  const perWindow = budget.tokensPerMinute ?? DEFAULT_UPSTREAM_TOKENS_PER_MINUTE;
  return budget.tokensPerUser <= perWindow ? [] : [Messages.tokensPerUserAboveBudget(budget.tokensPerUser, perWindow)];
}

/** Between options: `rateLimit.limits` replaces `points`, `duration` and `blockDuration`, so not both. */
export function checkRateLimitList(raw: { rateLimit?: unknown }): string[] {
  const rateLimit = raw.rateLimit;
  if (!isPlainObject(rateLimit) || rateLimit.limits === undefined) return [];
  const beside = (['points', 'duration', 'blockDuration'] as const).filter((field) => rateLimit[field] !== undefined);
  return beside.length === 0 ? [] : [Messages.limitListBeside(beside.map((field) => `rateLimit.${field}`))];
}

/**
 * Problems of the options of one `@PerformChatRateLimit(...)` (one limit, or a list of named
 * limits), with the rows of `rateLimit`; `[]` when valid.
 */
export function checkRouteRateLimit(
  raw: PerformChatRateLimitOptions | readonly PerformChatRateLimitOptions[],
): string[] {
  if (Array.isArray(raw)) return LIMIT_LIST.check(raw, 'PerformChatRateLimit');
  return checkOptions(ROUTE_RATE_LIMIT_OPTIONS, raw, 'PerformChatRateLimit');
}

const isFunction = (value: unknown): value is (...args: never[]) => unknown => typeof value === 'function';

/** A duration's seconds, or the function that answers it. */
const secondsOrFunction = (value: PerformChatRateLimitOptions['duration']): ResolvedRateLimitRule['duration'] =>
  isFunction(value) ? value : durationSeconds(value);

/** One valid limit (of a decorator or of `rateLimit.limits`) with its defaults: durations in seconds. */
export function resolveRateLimitRule(raw: PerformChatRateLimitOptions): ResolvedRateLimitRule {
  return {
    name: raw.name,
    points: raw.points,
    duration: secondsOrFunction(raw.duration),
    blockDuration:
      raw.blockDuration === undefined ? DEFAULT_RATE_LIMIT_BLOCK_DURATION : secondsOrFunction(raw.blockDuration),
    keyPrefix: raw.keyPrefix,
    skipIf: raw.skipIf,
    tracker: raw.tracker,
    headers: raw.headers,
    subscriptions: raw.subscriptions,
  };
}

/** The limits of a valid decorator: one or several. */
export function resolveRouteRateLimits(
  raw: PerformChatRateLimitOptions | readonly PerformChatRateLimitOptions[],
): ResolvedRateLimitRule[] {
  return (Array.isArray(raw) ? raw : [raw]).map(resolveRateLimitRule);
}

/**
 * What a limit's functions answered for one request, checked with the rows of the options
 * (durations to seconds). A wrong answer is a bug in the app, not in the request.
 * @throws Error naming the limit and the field.
 */
export function resolveAnsweredLimit(
  answered: { points: unknown; duration: unknown; blockDuration: unknown },
  limit: string,
): ResolvedRateLimit {
  const problems = (['points', 'duration', 'blockDuration'] as const).flatMap((field) =>
    VALUES[field].check(answered[field], `${limit}.${field}`),
  );
  if (problems.length > 0) throw new Error(Messages.invalidAnsweredRateLimit(problems));
  return {
    points: answered.points as number,
    duration: durationSeconds(answered.duration as PerformChatDuration),
    blockDuration: durationSeconds(answered.blockDuration as PerformChatDuration),
  };
}

function resolveStore(
  raw: PerformChatRateLimitModuleOptions | false | undefined,
  name: string,
): ResolvedRateLimitStore {
  const store = raw ? raw.store : undefined;
  const prefix = (typeof store === 'object' ? store.keyPrefix : undefined) ?? DEFAULT_RATE_LIMIT_KEY_PREFIX;
  const prefixes = { keyPrefix: instancePrefix(prefix, name), keyWidePrefix: prefix };
  if (store === undefined || store === 'memory') return { kind: 'memory', ...prefixes };
  return { kind: 'redis', redis: store.redis, ...prefixes };
}

/** The module's own limits (the token routes', and guarded routes' without a decorator). */
function defaultLimits(raw: PerformChatRateLimitModuleOptions | undefined): ResolvedRateLimitRule[] {
  if (raw?.limits) return raw.limits.map(resolveRateLimitRule);
  return [
    resolveRateLimitRule({
      points: raw?.points ?? DEFAULT_RATE_LIMIT_POINTS,
      duration: raw?.duration ?? DEFAULT_RATE_LIMIT_DURATION,
      blockDuration: raw?.blockDuration ?? DEFAULT_RATE_LIMIT_BLOCK_DURATION,
    }),
  ];
}

/** Applies the defaults to a valid `rateLimit` option of the instance `name`. With `false` the store is memory. */
export function resolveRateLimitOption(
  raw: PerformChatRateLimitModuleOptions | false | undefined,
  name: string = DEFAULT_INSTANCE_NAME,
): ResolvedPerformChatRateLimit {
  const settings = raw === false ? undefined : raw;
  return {
    defaultLimits: raw === false ? false : defaultLimits(settings),
    skipIf: settings?.skipIf,
    tracker: settings?.tracker,
    headers: settings?.headers ?? true,
    subscriptions: settings?.subscriptions ?? false,
    ipv6Subnet: settings?.ipv6Subnet ?? DEFAULT_RATE_LIMIT_IPV6_SUBNET,
    store: resolveStore(raw, name),
  };
}

/** Applies the defaults to a valid `upstreamBudget` option. */
export function resolveUpstreamBudgetOption(
  raw: PerformChatUpstreamBudgetOptions | false | undefined,
): ResolvedUpstreamBudget | false {
  if (raw === false) return false;
  const tokensPerWindow = raw?.tokensPerMinute ?? DEFAULT_UPSTREAM_TOKENS_PER_MINUTE;
  return {
    tokensPerWindow,
    tokenWindowSeconds: raw?.tokenWindowSeconds ?? DEFAULT_UPSTREAM_TOKEN_WINDOW_SECONDS,
    apiRequestsPerWindow: raw?.apiRequestsPerMinute ?? DEFAULT_UPSTREAM_API_REQUESTS_PER_MINUTE,
    apiRequestWindowSeconds: raw?.apiRequestWindowSeconds ?? DEFAULT_UPSTREAM_API_REQUEST_WINDOW_SECONDS,
    maxWaitMs: raw?.maxWaitMs ?? DEFAULT_UPSTREAM_MAX_WAIT_MS,
    tokensPerUser: raw?.tokensPerUser ?? Math.ceil(tokensPerWindow * DEFAULT_UPSTREAM_USER_SHARE),
    authFailuresPerWindow: raw?.authFailuresPer5Minutes ?? DEFAULT_UPSTREAM_AUTH_FAILURES_PER_5_MINUTES,
    authFailureWindowSeconds: raw?.authFailureWindowSeconds ?? DEFAULT_UPSTREAM_AUTH_FAILURE_WINDOW_SECONDS,
  };
}
