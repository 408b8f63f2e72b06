import type { PerformChatRedisSource } from './redis-source';

/**
 * A per-user limit on one route: `@PerformChatRateLimit({ points: 5, duration: 60 })`.
 * A fixed window starts at the caller's first request.
 */
export interface PerformChatRateLimitOptions {
  /** Requests allowed per user (per client IP when there is no user) per window. A positive integer. */
  points: number;
  /**
   * Window length in **seconds**, as in rate-limiter-flexible. Fractions (`0.25` = 250 ms) work
   * with the memory store; the Redis store counts in whole seconds, so a fraction is rounded up there.
   * At most 604800 (7 days).
   */
  duration: number;
  /**
   * Once a caller exceeds the limit, refuse it for this many seconds (instead of only until
   * the window ends). Whole seconds with Redis (rounded up); at most 604800. @default 0
   */
  blockDuration?: number;
  /**
   * Name of the counter. Routes with the same `keyPrefix` share one counter per caller (give them
   * the same limits). Letters, digits, `.`, `_`, `-`; at most 100 characters.
   * @default '<ControllerClass>.<handlerName>', so every route counts on its own
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
export interface PerformChatRateLimitModuleOptions {
  /** Token requests per user per window on the token routes (and on any guarded route without a decorator). @default 10 */
  points?: number;
  /** Window in seconds, at most 604800 (7 days); fractions only with the memory store. @default 60 */
  duration?: number;
  /** Seconds to keep refusing a user who went over the limit, at most 604800; whole seconds with Redis. @default 0 */
  blockDuration?: number;
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
   * PerformChat 401 answers (rejected key) allowed per window; once reached, every call
   * (generation and invalidation) is refused locally until the window ends, so a wrong or
   * revoked secret cannot get the key locked out by PerformChat. @default 10 (PerformChat's documented limit)
   */
  authFailuresPer5Minutes?: number;
  /** Window of `tokensPerMinute` in seconds (override for tests), at most 86400. Whole seconds with Redis. @default 60 */
  tokenWindowSeconds?: number;
  /** Window of `authFailuresPer5Minutes` in seconds (override for tests), at most 86400. Whole seconds with Redis. @default 300 */
  authFailureWindowSeconds?: number;
}

/** A limit after validation, with defaults applied. Internal. */
export interface ResolvedRateLimit {
  points: number;
  duration: number;
  blockDuration: number;
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
  /** Limit of guarded routes without a decorator; `false` when `rateLimit: false`. */
  defaultLimit: ResolvedRateLimit | false;
  store: ResolvedRateLimitStore;
}

/** The `upstreamBudget` option after validation. Internal. */
export interface ResolvedUpstreamBudget {
  tokensPerWindow: number;
  tokenWindowSeconds: number;
  authFailuresPerWindow: number;
  authFailureWindowSeconds: number;
}
