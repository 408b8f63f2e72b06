/** Where the circuit breaker stands; shown in the health details. */
export interface PerformChatCircuitBreakerState {
  state: 'closed' | 'open' | 'half-open' | 'disabled';
  /** While open: ms until a trial call is let through. */
  retryAfterMs?: number;
  /** Consecutive failures that open it. */
  failureThreshold?: number;
}
