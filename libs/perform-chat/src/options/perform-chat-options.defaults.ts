export const DEFAULT_BASE_URL = 'https://api.performchat.com';
export const DEFAULT_EXPIRES_IN = '1h';
export const DEFAULT_TIMEOUT_MS = 5_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;
/** `health.timeoutMs`: time limit of one health probe or Redis PING, in milliseconds. */
export const DEFAULT_HEALTH_TIMEOUT_MS = 1_000;
/** `health.cacheTtlMs`: how long a health probe result is reused, in milliseconds. */
export const DEFAULT_HEALTH_CACHE_TTL_MS = 5_000;
/** `health.breakerOpenIsDown`: an open circuit breaker makes the PerformChat health check down. */
export const DEFAULT_HEALTH_BREAKER_OPEN_IS_DOWN = true;
/** `health.notFoundIsDown`: a 404 to the health probe makes the PerformChat health check down. */
export const DEFAULT_HEALTH_NOT_FOUND_IS_DOWN = true;
export const DEFAULT_RETRIES = 2;
export const DEFAULT_RETRY_BASE_DELAY_MS = 100;
export const DEFAULT_RETRY_MAX_DELAY_MS = 2_000;
export const DEFAULT_DEADLINE_MS = 10_000;
export const DEFAULT_BREAKER_FAILURE_THRESHOLD = 5;
export const DEFAULT_BREAKER_COOLDOWN_MS = 10_000;
/** `shutdownGraceMs`: how long shutdown waits for calls in flight (the default `deadlineMs`, so they all end on their own). */
export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;
/** Upper bound of `shutdownGraceMs`: an orchestrator kills a pod long before (Kubernetes: 30 s by default). */
export const MAX_SHUTDOWN_GRACE_MS = 600_000;
/** `credentialsRefreshMs`: how often a credentials provider is read again (10 minutes). */
export const DEFAULT_CREDENTIALS_REFRESH_MS = 600_000;

// Per-user rate limits and the upstream budget.
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
/** PerformChat's documented limit: 1,000 API requests per minute per key. */
export const DEFAULT_UPSTREAM_API_REQUESTS_PER_MINUTE = 1_000;
/** Window of the API-request budget, in seconds. */
export const DEFAULT_UPSTREAM_API_REQUEST_WINDOW_SECONDS = 60;
/** How long a token generation may wait for a slot of the spent budget, in milliseconds. */
export const DEFAULT_UPSTREAM_MAX_WAIT_MS = 5_000;
/** The share of the token budget one user may spend per window, by default (10 of 100). */
export const DEFAULT_UPSTREAM_USER_SHARE = 0.1;
/** Window of the auth-failure budget, in seconds. */
export const DEFAULT_UPSTREAM_AUTH_FAILURE_WINDOW_SECONDS = 300;
/** Default prefix length by which IPv6 callers without a user share a counter (a host's /64). */
export const DEFAULT_RATE_LIMIT_IPV6_SUBNET = 64;
/** What the name of one of a route's limits may contain: it becomes a header suffix and a key segment. */
export const ROUTE_LIMIT_NAME_PATTERN = /^[A-Za-z0-9_-]{1,40}$/;
// Customer users in Redis (issue 20).
/** Prefix of the customer-user keys: `performchat:cu:{<user id>}`. */
export const DEFAULT_REDIS_CUSTOMER_USER_PREFIX = 'performchat:cu';
/**
 * Lifetime of a user's customer-user records, refreshed by every token issued to the user, when
 * neither `ttlSeconds` nor `maxExpiresIn` is set: 365 days, the longest lifetime a token can have
 * (EXPIRES_IN_CEILING_SECONDS), so a record is never forgotten while one of its tokens can still
 * be valid. With `maxExpiresIn` the module uses that instead.
 */
export const DEFAULT_REDIS_CUSTOMER_USER_TTL_SECONDS = 365 * 86_400;

/** What a route-level `keyPrefix` may contain: it becomes one segment of the store key. */
export const ROUTE_KEY_PREFIX_PATTERN = /^[A-Za-z0-9._-]{1,100}$/;

/** The Redis customer-user key prefix of a named instance without a `keyPrefix` of its own. */
export const namedCustomerUserPrefix = (name: string): string => `performchat:${name}:cu`;
