/**
 * Errors of calls or attempts that never reached PerformChat (a local budget refusal, a wait
 * that ran out, a refusal during shutdown). The pipeline marks them where it creates or first
 * sees them, so that the retry loop and the circuit breaker can tell "PerformChat failed" from
 * "nothing was sent": a retry that was not sent ends the call with the error of the last attempt
 * that was, and the breaker never counts (nor closes on) something PerformChat did not see.
 *
 * A WeakSet rather than a field: the mark is internal and must not show in `toJSON()`.
 */
const NOT_SENT = new WeakSet<object>();

/** Marks `error` as the failure of something that was never sent; returns it. */
export function markNotSent<E>(error: E): E {
  if (typeof error === 'object' && error !== null) NOT_SENT.add(error);
  return error;
}

/** True when `error` was marked by {@link markNotSent}. */
export function wasNotSent(error: unknown): boolean {
  return typeof error === 'object' && error !== null && NOT_SENT.has(error);
}

/**
 * Errors of attempts PerformChat cannot have received: no connection was made (refused, DNS or
 * TLS failure), so nothing of the request left this process. Unlike {@link markNotSent} they
 * count for the circuit breaker (PerformChat is unreachable); they only tell the retry loop that
 * an operation that must not be repeated blindly (`retry: 'never'`) may still be sent again.
 */
const NEVER_RECEIVED = new WeakSet<object>();

/** Marks `error` as the failure of an attempt PerformChat cannot have received; returns it. */
export function markNeverReceived<E>(error: E): E {
  if (typeof error === 'object' && error !== null) NEVER_RECEIVED.add(error);
  return error;
}

/** True when `error` was marked by {@link markNeverReceived}. */
export function wasNeverReceived(error: unknown): boolean {
  return typeof error === 'object' && error !== null && NEVER_RECEIVED.has(error);
}
