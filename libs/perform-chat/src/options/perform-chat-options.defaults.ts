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
