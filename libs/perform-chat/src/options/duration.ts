import { EXPIRES_IN_PATTERN } from './expires-in';

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 } as const;

/**
 * A window or block length of a rate limit: a number of **seconds** (as in rate-limiter-flexible;
 * fractions such as `0.25` count in memory only), or a string with its unit, in the `expiresIn`
 * format `<n>s|m|h|d` (`'90s'`, `'15m'`, `'1h'`, `'7d'`).
 */
export type PerformChatDuration = number | `${number}${'s' | 'm' | 'h' | 'd'}`;

/** The seconds of a `<n>s|m|h|d` string, or `undefined` when it is not in that format. */
export function parseDurationText(value: string): number | undefined {
  const match = EXPIRES_IN_PATTERN.exec(value);
  return match ? Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS] : undefined;
}

/** The seconds of a duration its option row accepted: a number as is, a string converted. */
export function durationSeconds(value: PerformChatDuration): number {
  return typeof value === 'number' ? value : (parseDurationText(value) ?? Number.NaN);
}
