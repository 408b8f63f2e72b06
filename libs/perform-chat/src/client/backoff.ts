/** A source of uniform random numbers in [0, 1), as `Math.random` (injectable for tests). */
export type RandomSource = () => number;

/**
 * The full-jitter backoff before retry `retry` (1 for the first retry): a whole number of ms,
 * uniform in [0, min(maxDelayMs, baseDelayMs·2^(retry-1))). Full jitter (rather than equal
 * jitter or none) spreads the retries of many callers that failed at the same moment, so they
 * do not hit PerformChat again in step.
 */
export function fullJitterDelay(
  retry: number,
  baseDelayMs: number,
  maxDelayMs: number,
  random: RandomSource = Math.random,
): number {
  return Math.floor(random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (retry - 1)));
}
