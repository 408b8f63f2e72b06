const DELTA_SECONDS = /^\d{1,9}$/;

/**
 * Reads an HTTP `Retry-After` value (delay in seconds, or an HTTP-date) into milliseconds
 * from `now`. Returns `undefined` when the header is absent or unreadable; never negative.
 */
export function parseRetryAfter(header: unknown, now = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value).trim();
  if (DELTA_SECONDS.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date) || !/[a-z]/i.test(text)) return undefined;
  return Math.max(0, date - now);
}
