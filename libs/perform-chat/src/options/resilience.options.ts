/** The `retry` option. */
export interface PerformChatRetryOptions {
  /**
   * Retries after the first attempt, only for connection errors, timeouts, 500/502/503/504
   * and 429. Never for 400, 401, 403, 404 or invalid responses. `0` disables.
   * @default 2
   */
  retries?: number;
  /** First backoff ceiling in ms (at most 60000); attempt n waits a random time in [0, min(maxDelayMs, baseDelayMs·2^(n-1))). @default 100 */
  baseDelayMs?: number;
  /** Backoff cap in ms, at most 60000. @default 2000 */
  maxDelayMs?: number;
}

/** The `circuitBreaker` option. */
export interface PerformChatCircuitBreakerOptions {
  /** Consecutive failed calls (timeouts, unreachable, 5xx, invalid responses) that open the circuit. @default 5 */
  failureThreshold?: number;
  /** How long the circuit stays open before one trial call is let through (half-open), in ms; at most 3600000 (1 hour). @default 10000 */
  cooldownMs?: number;
}

/** Retry, deadline and breaker settings after defaults. Internal. */
export interface ResolvedPerformChatResilience {
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  deadlineMs: number;
  circuitBreaker: Required<PerformChatCircuitBreakerOptions> | false;
  shutdownGraceMs: number;
}
