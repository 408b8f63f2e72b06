import { Messages } from '../perform-chat.messages';

/**
 * The longest delay `setTimeout` honours: 2^31−1 ms (about 24.8 days). A longer one fires after
 * 1 ms with a `TimeoutOverflowWarning`, so a timeout that long times out at once and a sweep
 * timer that long spins. Every bound below that becomes a timer is far under it.
 */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

interface DurationBound {
  max: number;
  unit: 'milliseconds' | 'seconds';
  /** The bound in words, for the boot error and the README. */
  human: string;
  /** Whether the value becomes a `setTimeout` (else it is, e.g., a Redis TTL). */
  timer: boolean;
}

const ms = (max: number, human: string): DurationBound => ({ max, unit: 'milliseconds', human, timer: true });
const seconds = (max: number, human: string, timer = true): DurationBound => ({ max, unit: 'seconds', human, timer });

/**
 * Upper bound of every duration option, by option path. Chosen as the longest value that still
 * makes sense for the option (a user waits at most minutes for a token; a limit window of a week
 * is generous), never for what the code could survive. README "Options" lists them.
 */
export const DURATION_BOUNDS = {
  timeoutMs: ms(300_000, '5 minutes'),
  deadlineMs: ms(600_000, '10 minutes'),
  'retry.baseDelayMs': ms(60_000, '1 minute'),
  'retry.maxDelayMs': ms(60_000, '1 minute'),
  'circuitBreaker.cooldownMs': ms(3_600_000, '1 hour'),
  'health.timeoutMs': ms(60_000, '1 minute'),
  credentialsRefreshMs: ms(86_400_000, '1 day'),
  'health.cacheTtlMs': ms(3_600_000, '1 hour'),
  'rateLimit.duration': seconds(604_800, '7 days'),
  'rateLimit.blockDuration': seconds(604_800, '7 days'),
  'upstreamBudget.tokenWindowSeconds': seconds(86_400, '1 day'),
  'upstreamBudget.authFailureWindowSeconds': seconds(86_400, '1 day'),
  'upstreamBudget.apiRequestWindowSeconds': seconds(86_400, '1 day'),
  // A wait inside one call, which deadlineMs (at most 10 minutes) ends anyway.
  'upstreamBudget.maxWaitMs': ms(600_000, '10 minutes'),
  // A Redis TTL, not a timer. No token outlives 365 days (EXPIRES_IN_CEILING_SECONDS), so a
  // record kept longer revokes nothing (and Redis refuses an EXPIRE like 1e30).
  'customerUserStore.ttlSeconds': seconds(31_622_400, '366 days', false),
} as const satisfies Record<string, DurationBound>;

export type DurationOption = keyof typeof DURATION_BOUNDS;

/**
 * The problem of one duration above its bound, naming `field` (default: the option path), or
 * `undefined`. Only finite numbers are judged: the type and lower-bound checks of each option
 * report anything else. The rows of the option tables name their bound here (option-rules.ts).
 */
export function durationBoundProblem(
  option: DurationOption,
  value: unknown,
  field: string = option,
): string | undefined {
  const { max, unit, human } = DURATION_BOUNDS[option];
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= max) return undefined;
  return Messages.durationTooLong(field, max, unit, human);
}
