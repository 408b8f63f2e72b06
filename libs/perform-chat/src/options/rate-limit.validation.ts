import { IsInt, IsNumber, IsOptional, IsPositive, IsString, Matches, Min, ValidationError, validateSync } from 'class-validator';
import { durationBoundProblem } from './perform-chat-options.bounds';
import { DEFAULT_RATE_LIMIT_BLOCK_DURATION, DEFAULT_RATE_LIMIT_DURATION, DEFAULT_RATE_LIMIT_KEY_PREFIX, DEFAULT_RATE_LIMIT_POINTS, DEFAULT_UPSTREAM_AUTH_FAILURE_WINDOW_SECONDS, DEFAULT_UPSTREAM_AUTH_FAILURES_PER_5_MINUTES, DEFAULT_UPSTREAM_TOKEN_WINDOW_SECONDS, DEFAULT_UPSTREAM_TOKENS_PER_MINUTE, DEFAULT_UPSTREAM_API_REQUESTS_PER_MINUTE, DEFAULT_UPSTREAM_API_REQUEST_WINDOW_SECONDS, ROUTE_KEY_PREFIX_PATTERN } from '../options/perform-chat-options.defaults';
import {
  PerformChatRateLimitModuleOptions,
  PerformChatRateLimitOptions,
  PerformChatUpstreamBudgetOptions,
  ResolvedPerformChatRateLimit,
  ResolvedRateLimitStore,
  ResolvedUpstreamBudget,
} from './rate-limit.options';

const FINITE = { allowNaN: false, allowInfinity: false } as const;
const SECONDS = '$property must be a positive number of seconds';

/** The module-level limit: every field optional. */
class RateLimitSchema {
  @IsOptional() @IsInt({ message: '$property must be a positive integer' }) @IsPositive({ message: '$property must be a positive integer' })
  points?: number;

  @IsOptional() @IsNumber(FINITE, { message: SECONDS }) @IsPositive({ message: SECONDS })
  duration?: number;

  @IsOptional() @IsNumber(FINITE, { message: '$property must be a number of seconds >= 0' }) @Min(0, { message: '$property must be a number of seconds >= 0' })
  blockDuration?: number;
}

/** A route-level limit (`@PerformChatRateLimit`): points and duration are required. */
class RouteRateLimitSchema {
  @IsInt({ message: '$property must be a positive integer' }) @IsPositive({ message: '$property must be a positive integer' })
  points!: number;

  @IsNumber(FINITE, { message: SECONDS }) @IsPositive({ message: SECONDS })
  duration!: number;

  @IsOptional() @IsNumber(FINITE, { message: '$property must be a number of seconds >= 0' }) @Min(0, { message: '$property must be a number of seconds >= 0' })
  blockDuration?: number;

  @IsOptional()
  @IsString({ message: '$property must be a string' })
  @Matches(ROUTE_KEY_PREFIX_PATTERN, { message: '$property may only contain letters, digits, ".", "_" and "-" (1 to 100 characters)' })
  keyPrefix?: string;
}

class UpstreamBudgetSchema {
  @IsOptional() @IsInt({ message: '$property must be a positive integer' }) @IsPositive({ message: '$property must be a positive integer' })
  tokensPerMinute?: number;

  @IsOptional() @IsInt({ message: '$property must be a positive integer' }) @IsPositive({ message: '$property must be a positive integer' })
  authFailuresPer5Minutes?: number;

  @IsOptional() @IsInt({ message: '$property must be a positive integer' }) @IsPositive({ message: '$property must be a positive integer' })
  apiRequestsPerMinute?: number;

  @IsOptional() @IsNumber(FINITE, { message: SECONDS }) @IsPositive({ message: SECONDS })
  apiRequestWindowSeconds?: number;

  @IsOptional() @IsNumber(FINITE, { message: SECONDS }) @IsPositive({ message: SECONDS })
  tokenWindowSeconds?: number;

  @IsOptional() @IsNumber(FINITE, { message: SECONDS }) @IsPositive({ message: SECONDS })
  authFailureWindowSeconds?: number;
}

/** Copies the known keys of `raw` into a schema instance (never deep-transforms) and validates it. */
function check<T extends object>(schema: T, raw: object, keys: readonly (keyof T)[], path: string): string[] {
  for (const key of keys) {
    const value = (raw as Record<PropertyKey, unknown>)[key as PropertyKey];
    if (value !== undefined) (schema as Record<PropertyKey, unknown>)[key as PropertyKey] = value;
  }
  const errors: ValidationError[] = validateSync(schema, {
    stopAtFirstError: true,
    validationError: { target: false, value: false },
  });
  return errors.flatMap((error) => Object.values(error.constraints ?? {})).map((problem) => `${path}.${problem}`);
}

function isRedisClient(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { defineCommand?: unknown }).defineCommand === 'function';
}

function checkStore(store: unknown): string[] {
  if (store === undefined || store === 'memory') return [];
  if (typeof store !== 'object' || store === null || !('redis' in store)) {
    return ["rateLimit.store must be 'memory' or { redis: <ioredis client | redis:// URL>, keyPrefix? }"];
  }
  const { redis, keyPrefix } = store as { redis: unknown; keyPrefix?: unknown };
  const problems: string[] = [];
  // A URL string is checked with every other Redis URL (options/perform-chat-url.validation.ts).
  if (typeof redis !== 'string' && !isRedisClient(redis)) {
    problems.push('rateLimit.store.redis must be an ioredis client or a redis:// (rediss://) URL');
  }
  if (keyPrefix !== undefined && (typeof keyPrefix !== 'string' || !/^\S{1,200}$/.test(keyPrefix))) {
    problems.push('rateLimit.store.keyPrefix must be a non-empty string without whitespace');
  }
  return problems;
}

function usesRedis(rateLimit: unknown): boolean {
  const store = (rateLimit as { store?: unknown } | undefined)?.store;
  return typeof store === 'object' && store !== null;
}

/** The Redis store counts in whole seconds (rate-limiter-flexible rounds down; 0 would never expire). */
function checkWholeSeconds(values: Record<string, unknown>, path: string, minimum: number): string[] {
  return Object.entries(values)
    .filter(([, value]) => typeof value === 'number' && Number.isFinite(value) && (!Number.isInteger(value) || value < minimum))
    .map(([field]) => `${path}.${field} must be whole seconds (>= ${minimum}) with a Redis store, which counts in whole seconds`);
}

/** Problems of the `rateLimit` option, each naming its field; `[]` when valid. */
export function checkRateLimitOption(raw: PerformChatRateLimitModuleOptions | false | undefined): string[] {
  if (raw === undefined || raw === false) return [];
  if (typeof raw !== 'object' || raw === null) {
    return ["rateLimit must be false or an object { points?, duration?, blockDuration?, store? }"];
  }
  const problems = check(new RateLimitSchema(), raw, ['points', 'duration', 'blockDuration'], 'rateLimit');
  problems.push(...checkStore(raw.store));
  if (problems.length === 0 && usesRedis(raw)) {
    problems.push(...checkWholeSeconds({ duration: raw.duration }, 'rateLimit', 1));
    problems.push(...checkWholeSeconds({ blockDuration: raw.blockDuration }, 'rateLimit', 0));
  }
  return problems;
}

/** Problems of the `upstreamBudget` option (whose store is `rateLimit.store`); `[]` when valid. */
export function checkUpstreamBudgetOption(
  raw: PerformChatUpstreamBudgetOptions | false | undefined,
  rateLimit: PerformChatRateLimitModuleOptions | false | undefined,
): string[] {
  if (raw === undefined || raw === false) return [];
  if (typeof raw !== 'object' || raw === null) {
    return ['upstreamBudget must be false or an object { tokensPerMinute?, apiRequestsPerMinute?, authFailuresPer5Minutes? }'];
  }
  const problems = check(
    new UpstreamBudgetSchema(),
    raw,
    ['tokensPerMinute', 'authFailuresPer5Minutes', 'tokenWindowSeconds', 'authFailureWindowSeconds', 'apiRequestsPerMinute', 'apiRequestWindowSeconds'],
    'upstreamBudget',
  );
  if (problems.length === 0 && usesRedis(rateLimit)) {
    problems.push(
      ...checkWholeSeconds(
        {
          tokenWindowSeconds: raw.tokenWindowSeconds,
          authFailureWindowSeconds: raw.authFailureWindowSeconds,
          apiRequestWindowSeconds: raw.apiRequestWindowSeconds,
        },
        'upstreamBudget',
        1,
      ),
    );
  }
  return problems;
}

/** Problems of the options of one `@PerformChatRateLimit(...)`; `[]` when valid. */
export function checkRouteRateLimit(raw: PerformChatRateLimitOptions): string[] {
  if (typeof raw !== 'object' || raw === null) return ['the options must be an object { points, duration, blockDuration?, keyPrefix? }'];
  const problems = check(new RouteRateLimitSchema(), raw, ['points', 'duration', 'blockDuration', 'keyPrefix'], 'PerformChatRateLimit');
  // Same bounds as the module's rateLimit: a longer window arms timers Node cannot hold.
  for (const field of ['duration', 'blockDuration'] as const) {
    const problem = durationBoundProblem(`rateLimit.${field}`, raw[field], `PerformChatRateLimit.${field}`);
    if (problem) problems.push(problem);
  }
  return problems;
}

function resolveStore(raw: PerformChatRateLimitModuleOptions | false | undefined): ResolvedRateLimitStore {
  const store = raw ? raw.store : undefined;
  if (store === undefined || store === 'memory') return { kind: 'memory', keyPrefix: DEFAULT_RATE_LIMIT_KEY_PREFIX };
  return { kind: 'redis', redis: store.redis, keyPrefix: store.keyPrefix ?? DEFAULT_RATE_LIMIT_KEY_PREFIX };
}

/** Applies the defaults to a valid `rateLimit` option. With `false` the store is memory. */
export function resolveRateLimitOption(raw: PerformChatRateLimitModuleOptions | false | undefined): ResolvedPerformChatRateLimit {
  return {
    defaultLimit:
      raw === false
        ? false
        : {
            points: raw?.points ?? DEFAULT_RATE_LIMIT_POINTS,
            duration: raw?.duration ?? DEFAULT_RATE_LIMIT_DURATION,
            blockDuration: raw?.blockDuration ?? DEFAULT_RATE_LIMIT_BLOCK_DURATION,
          },
    store: resolveStore(raw),
  };
}

/** Applies the defaults to a valid `upstreamBudget` option. */
export function resolveUpstreamBudgetOption(raw: PerformChatUpstreamBudgetOptions | false | undefined): ResolvedUpstreamBudget | false {
  if (raw === false) return false;
  return {
    tokensPerWindow: raw?.tokensPerMinute ?? DEFAULT_UPSTREAM_TOKENS_PER_MINUTE,
    tokenWindowSeconds: raw?.tokenWindowSeconds ?? DEFAULT_UPSTREAM_TOKEN_WINDOW_SECONDS,
    apiRequestsPerWindow: raw?.apiRequestsPerMinute ?? DEFAULT_UPSTREAM_API_REQUESTS_PER_MINUTE,
    apiRequestWindowSeconds: raw?.apiRequestWindowSeconds ?? DEFAULT_UPSTREAM_API_REQUEST_WINDOW_SECONDS,
    authFailuresPerWindow: raw?.authFailuresPer5Minutes ?? DEFAULT_UPSTREAM_AUTH_FAILURES_PER_5_MINUTES,
    authFailureWindowSeconds: raw?.authFailureWindowSeconds ?? DEFAULT_UPSTREAM_AUTH_FAILURE_WINDOW_SECONDS,
  };
}
