/** Default requests per user per window on guarded routes without a decorator (the token routes). */
export const DEFAULT_RATE_LIMIT_POINTS = 10;
/** Default window of that limit, in seconds. */
export const DEFAULT_RATE_LIMIT_DURATION = 60;
/** Default block after the limit is exceeded, in seconds (0: refuse only until the window ends). */
export const DEFAULT_RATE_LIMIT_BLOCK_DURATION = 0;
/** Default namespace of every rate-limit and upstream-budget key (in Redis: `performchat:rl:...`). */
export const DEFAULT_RATE_LIMIT_KEY_PREFIX = 'performchat:rl';

/** PerformChat's documented limit: 100 token generations per minute per key. */
export const DEFAULT_UPSTREAM_TOKENS_PER_MINUTE = 100;
/** PerformChat's documented limit: 10 failed authentications per 5 minutes. */
export const DEFAULT_UPSTREAM_AUTH_FAILURES_PER_5_MINUTES = 10;
/** Window of the token budget, in seconds. */
export const DEFAULT_UPSTREAM_TOKEN_WINDOW_SECONDS = 60;
/** Window of the auth-failure budget, in seconds. */
export const DEFAULT_UPSTREAM_AUTH_FAILURE_WINDOW_SECONDS = 300;

/** `code` of the 429 body the guard sends. */
export const USER_RATE_LIMITED = 'USER_RATE_LIMITED';

/** Response headers of guarded routes (the names @nestjs/throttler users know). */
export const RATE_LIMIT_HEADERS = Object.freeze({
  /** Requests allowed per window. */
  limit: 'X-RateLimit-Limit',
  /** Requests left in the current window. */
  remaining: 'X-RateLimit-Remaining',
  /** Whole seconds (rounded up) until the window, or the block, ends. */
  reset: 'X-RateLimit-Reset',
  /** On a 429 only: whole seconds (rounded up, at least 1) before trying again. */
  retryAfter: 'Retry-After',
});

/** Metadata keys of the decorators (internal). */
export const PERFORM_CHAT_RATE_LIMIT_METADATA = 'performchat:rate-limit';
export const PERFORM_CHAT_SKIP_RATE_LIMIT_METADATA = 'performchat:skip-rate-limit';

/** What a route-level `keyPrefix` may contain: it becomes one segment of the store key. */
export const ROUTE_KEY_PREFIX_PATTERN = /^[A-Za-z0-9._-]{1,100}$/;

/**
 * Internal: the counter a route without `@PerformChatRateLimit` counts on, so several routes
 * share the module's default limit (GET and POST of the token route are one budget).
 */
export const PERFORM_CHAT_RATE_LIMIT_COUNTER_METADATA = 'performchat:rate-limit-counter';
