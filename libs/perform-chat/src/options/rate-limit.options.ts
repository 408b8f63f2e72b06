import type { ExecutionContext } from '@nestjs/common';
import type { PerformChatDuration } from './duration';
import type { PerformChatRedisSource } from './redis-source';

/**
 * A value, or a function of the request's `ExecutionContext` that returns it (e.g. more points
 * for a "pro" user). A function runs on every request; return one of a few values: each distinct
 * answer is a limiter of its own.
 */
export type PerformChatResolvable<T> = T | ((context: ExecutionContext) => T | Promise<T>);

/** Per request: `true` skips the limit (not counted, no headers). */
export type PerformChatSkipIf = (context: ExecutionContext) => boolean | Promise<boolean>;

/**
 * The key a request counts against, from the request (HTTP; for GraphQL the request of its
 * context; for a WebSocket gateway the socket client) and its context. The answer is used as
 * is; `undefined`, `null` or `''` falls back to the default key (`u:<user id>`, else `ip:<address>`).
 */
export type PerformChatTracker = (
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as resolveUserId: your request type
  request: any,
  context: ExecutionContext,
) => string | number | null | undefined | Promise<string | number | null | undefined>;

/** What a limit does besides counting; on the module (every limit) or on one limit (wins). */
export interface PerformChatRateLimitBehaviour {
  /** Skips the limit for a request when it answers `true` (on the module: every limit). */
  skipIf?: PerformChatSkipIf;
  /** The key a request counts against. @default user id (`u:<id>`), else client IP (`ip:<address>`) */
  tracker?: PerformChatTracker;
  /** Send `X-RateLimit-*` headers (a refusal still sends `Retry-After`). @default true */
  headers?: boolean;
  /** Count GraphQL subscriptions too (they are skipped unless this is `true`). @default false */
  subscriptions?: boolean;
}

/**
 * A per-user limit on one route: `@PerformChatRateLimit({ points: 5, duration: '1m' })`.
 * A fixed window starts at the caller's first request.
 */
export interface PerformChatRateLimitOptions extends PerformChatRateLimitBehaviour {
  /**
   * Name of the limit when a route has several (`burst`, `sustained`): its headers are
   * `X-RateLimit-Limit-<name>`, ... (none for `default`, the name of an unnamed limit) and its
   * counter `<counter>.<name>`. Letters, digits, `_` and `-`, at most 40 characters.
   */
  name?: string;
  /** Requests allowed per user (per client IP when there is no user) per window. A positive integer, or a function of the context. */
  points: PerformChatResolvable<number>;
  /**
   * Window length: **seconds** as a number, as in rate-limiter-flexible (fractions, `0.25` =
   * 250 ms, work with the memory store; the Redis store counts in whole seconds, so a fraction is
   * rounded up there), or `<n>s|m|h|d` (`'90s'`, `'15m'`, `'1h'`). At most 7 days. Or a function.
   */
  duration: PerformChatResolvable<PerformChatDuration>;
  /**
   * Once a caller exceeds the limit, refuse it for this long (instead of only until the window
   * ends): seconds or `<n>s|m|h|d`, whole seconds with Redis (rounded up); at most 7 days. @default 0
   */
  blockDuration?: PerformChatResolvable<PerformChatDuration>;
  /**
   * Name of the counter. Routes with the same `keyPrefix` share one counter per caller (give them
   * the same limits). Letters, digits, `.`, `_`, `-`; at most 100 characters.
   * @default '<ControllerClass>.<handlerName>' (with `.<name>` for a named limit), so every route counts on its own
   */
  keyPrefix?: string;
}

/** A Redis store for the rate limits and the upstream budget, shared by all instances of the app. */
export interface PerformChatRedisRateLimitStore {
  /**
   * Your ioredis client, `Redis` or `Cluster` (used as is, never closed by the module), or a URL:
   * `redis://` / `rediss://` (a `/db` the server does not have stops the boot), or
   * `redis+cluster://host:port,host:port` / `rediss+cluster://...` for a Redis Cluster.
   */
  redis: PerformChatRedisSource;
  /**
   * Namespace of every key the limits and the budget write, `<keyPrefix>:<counter>:{<caller>}`
   * (the store adds the `:`; no braces). Env `PERFORMCHAT_RATE_LIMIT_KEY_PREFIX`. @default 'performchat:rl'
   */
  keyPrefix?: string;
}

/** `'memory'`: counts per instance (default); `{ redis }`: counts shared by every instance. */
export type PerformChatRateLimitStoreOption = 'memory' | PerformChatRedisRateLimitStore;

/** The `rateLimit` module option. */
export interface PerformChatRateLimitModuleOptions extends PerformChatRateLimitBehaviour {
  /** Token requests per user per window on the token routes (and on any guarded route without a decorator); or a function of the context. @default 10 */
  points?: PerformChatResolvable<number>;
  /** Window: seconds (fractions only with the memory store) or `<n>s|m|h|d`, at most 7 days; or a function. @default 60 */
  duration?: PerformChatResolvable<PerformChatDuration>;
  /** How long to keep refusing a user who went over the limit: seconds or `<n>s|m|h|d`, at most 7 days; whole seconds with Redis. @default 0 */
  blockDuration?: PerformChatResolvable<PerformChatDuration>;
  /**
   * Several named limits instead of `points`/`duration`/`blockDuration` (e.g. a burst limit and
   * a sustained one), for the token routes and guarded routes without a decorator. Checked in
   * this order; a request refused by one is not counted by the ones after it.
   */
  limits?: PerformChatRateLimitOptions[];
  /**
   * IPv6 callers counted by IP (no user) are grouped by this prefix length: one host usually
   * holds a whole /64, so counting per address would give it billions of counters. 1 to 128
   * (128: per address). IPv4 (and IPv4-mapped IPv6) addresses are always counted per address.
   * @default 64
   */
  ipv6Subnet?: number;
  /**
   * Where counts live, for this limit, every `@PerformChatRateLimit` route and the upstream budget.
   * Use Redis when the app runs more than one instance. @default 'memory'
   */
  store?: PerformChatRateLimitStoreOption;
}

/**
 * The `upstreamBudget` module option: a key-wide limiter in front of PerformChat itself, shared
 * across instances through `rateLimit.store`. Refusals are `PerformChatError` `RATE_LIMITED`
 * thrown before any network call.
 */
export interface PerformChatUpstreamBudgetOptions {
  /** Token generations allowed per window for the whole API key. @default 100 (PerformChat's documented limit) */
  tokensPerMinute?: number;
  /**
   * API requests allowed per window for the whole API key: every call the module sends (token
   * generations, invalidations, agents, customer users, conversations), retries included.
   * @default 1000 (PerformChat's documented limit)
   */
  apiRequestsPerMinute?: number;
  /**
   * PerformChat 401 answers (rejected key) allowed per window; once reached, every call
   * (generation and invalidation) is refused locally until the window ends, so a wrong or
   * revoked secret cannot get the key locked out by PerformChat. @default 10 (PerformChat's documented limit)
   */
  authFailuresPer5Minutes?: number;
  /**
   * Window of `tokensPerMinute` in seconds (override for tests, or to scale time), at most 86400.
   * A sliding window: never more than `tokensPerMinute` generations in any window of this length,
   * across all instances (fractions work with Redis too: it counts in milliseconds). @default 60
   */
  tokenWindowSeconds?: number;
  /**
   * When the budget is spent, how long a token generation may wait for a slot, in milliseconds
   * (0 to 600000), in arrival order across instances; it also ends by the call's `deadlineMs`.
   * A request whose wait would be longer is refused at once (503 with a true `Retry-After`).
   * 0: refuse at once. @default 5000
   */
  maxWaitMs?: number;
  /**
   * Token generations one user may spend per window (`tokenWindowSeconds`), enforced in
   * `PerformChatAuthService` itself (wherever it is called from), so that one user or a runaway
   * loop cannot starve the others; above it → `USER_RATE_LIMITED` (429). At most
   * `tokensPerMinute`; `false`: no per-user share. @default a tenth of `tokensPerMinute`, rounded up (10 of 100)
   */
  tokensPerUser?: number | false;
  /** Window of `authFailuresPer5Minutes` in seconds (override for tests), at most 86400. Whole seconds with Redis. @default 300 */
  authFailureWindowSeconds?: number;
  /** Window of `apiRequestsPerMinute` in seconds (override for tests), at most 86400. Whole seconds with Redis. @default 60 */
  apiRequestWindowSeconds?: number;
}

/** A limit after validation, with defaults applied. Internal. */
export interface ResolvedRateLimit {
  points: number;
  duration: number;
  blockDuration: number;
}

/** One limit of a route after validation: durations in seconds, functions kept. Internal. */
export interface ResolvedRateLimitRule {
  name?: string;
  points: number | ((context: ExecutionContext) => unknown);
  duration: number | ((context: ExecutionContext) => unknown);
  blockDuration: number | ((context: ExecutionContext) => unknown);
  keyPrefix?: string;
  skipIf?: PerformChatSkipIf;
  tracker?: PerformChatTracker;
  headers?: boolean;
  subscriptions?: boolean;
}

/**
 * The store after validation. Internal. `keyPrefix` is the instance's own namespace (the
 * configured prefix, plus `:<name>` for a named instance); `keyWidePrefix` the configured
 * prefix itself, where the key-wide upstream budget counts for every instance using the key.
 */
export type ResolvedRateLimitStore =
  | { kind: 'memory'; keyPrefix: string; keyWidePrefix: string }
  | { kind: 'redis'; redis: PerformChatRedisSource; keyPrefix: string; keyWidePrefix: string };

/** The `rateLimit` option after validation. Internal. */
export interface ResolvedPerformChatRateLimit {
  /** Limits of guarded routes without a decorator; `false` when `rateLimit: false`. */
  defaultLimits: readonly ResolvedRateLimitRule[] | false;
  skipIf?: PerformChatSkipIf;
  tracker?: PerformChatTracker;
  headers: boolean;
  subscriptions: boolean;
  ipv6Subnet: number;
  store: ResolvedRateLimitStore;
}

/** The `upstreamBudget` option after validation. Internal. */
export interface ResolvedUpstreamBudget {
  tokensPerWindow: number;
  tokenWindowSeconds: number;
  apiRequestsPerWindow: number;
  apiRequestWindowSeconds: number;
  maxWaitMs: number;
  /** Generations one user may spend per token window; `false`: no per-user share. */
  tokensPerUser: number | false;
  authFailuresPerWindow: number;
  authFailureWindowSeconds: number;
}
