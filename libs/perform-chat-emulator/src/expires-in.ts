const EXPIRES_IN_PATTERN = /^([1-9][0-9]*)([smhd])$/;
const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };
const cache = new Map<string, number>();
const CACHE_LIMIT = 256;

/**
 * Parses the documented `expiresIn` format: a positive integer followed by `s`, `m`, `h`
 * or `d` (`"15m"`, `"24h"`, `"7d"`). Returns seconds, or `undefined` when the value is
 * not in that format (no whitespace, no upper case, no bare numbers: the docs show none)
 * or the result is not a safe integer.
 */
export function parseEmulatorExpiresIn(value: string): number | undefined {
  const cached = cache.get(value);
  if (cached !== undefined) return cached;
  const match = EXPIRES_IN_PATTERN.exec(value);
  if (match === null) return undefined;
  const seconds = Number(match[1]) * UNIT_SECONDS[match[2]];
  if (!Number.isSafeInteger(seconds)) return undefined;
  if (cache.size < CACHE_LIMIT) cache.set(value, seconds);
  return seconds;
}
