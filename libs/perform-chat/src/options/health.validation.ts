import { Messages } from '../perform-chat.messages';
import {
  DEFAULT_HEALTH_BREAKER_OPEN_IS_DOWN,
  DEFAULT_HEALTH_CACHE_TTL_MS,
  DEFAULT_HEALTH_NOT_FOUND_IS_DOWN,
  DEFAULT_HEALTH_TIMEOUT_MS,
} from './perform-chat-options.defaults';
import { PerformChatHealthOptions } from './health.options';
import { checkOptions, flag, object, wholeNumber } from './option-rules';

/**
 * The `health` option, and the per-call options of the health indicators (the same rows). A
 * timeout above 2^31-1 ms would fire at once (always down): the bounds keep far under it.
 */
export const HEALTH_OPTIONS = object({
  timeoutMs: wholeNumber({ min: 1, unit: 'milliseconds', bound: 'health.timeoutMs' }),
  cacheTtlMs: wholeNumber({ min: 0, unit: 'milliseconds', bound: 'health.cacheTtlMs' }),
  breakerOpenIsDown: flag(),
  notFoundIsDown: flag(),
} satisfies Record<keyof PerformChatHealthOptions, unknown>);

/** `options` over `defaults`, key by key (an unset key keeps its default). */
function overlay(
  options: PerformChatHealthOptions | undefined,
  defaults: Required<PerformChatHealthOptions>,
): Required<PerformChatHealthOptions> {
  return {
    timeoutMs: options?.timeoutMs ?? defaults.timeoutMs,
    cacheTtlMs: options?.cacheTtlMs ?? defaults.cacheTtlMs,
    breakerOpenIsDown: options?.breakerOpenIsDown ?? defaults.breakerOpenIsDown,
    notFoundIsDown: options?.notFoundIsDown ?? defaults.notFoundIsDown,
  };
}

/** Applies the defaults to a valid `health` module option. */
export function resolveHealthOption(raw: PerformChatHealthOptions | undefined): Required<PerformChatHealthOptions> {
  return overlay(raw, {
    timeoutMs: DEFAULT_HEALTH_TIMEOUT_MS,
    cacheTtlMs: DEFAULT_HEALTH_CACHE_TTL_MS,
    breakerOpenIsDown: DEFAULT_HEALTH_BREAKER_OPEN_IS_DOWN,
    notFoundIsDown: DEFAULT_HEALTH_NOT_FOUND_IS_DOWN,
  });
}

/**
 * A call's health options over the module's resolved `health` option, checked with the rows of
 * `health` (types, bounds, unknown keys).
 * @throws TypeError naming every bad option (a programming error)
 */
export function resolveHealthCheckOptions(
  options: PerformChatHealthOptions,
  defaults: Required<PerformChatHealthOptions>,
): Required<PerformChatHealthOptions> {
  const problems = checkOptions(HEALTH_OPTIONS, options);
  if (problems.length > 0) throw new TypeError(Messages.invalidHealthCheckOptions(problems));
  return overlay(options, defaults);
}

/** The per-call options of `PerformChatRedisHealthIndicator`: only its PING time limit. */
const REDIS_HEALTH_CHECK_OPTIONS = object({ timeoutMs: HEALTH_OPTIONS.fields.timeoutMs });

/**
 * A Redis health call's `{ timeoutMs }` over the module's `health.timeoutMs`, checked like the
 * module option (an unknown or misspelt key is refused, not ignored).
 * @throws TypeError naming every bad option (a programming error)
 */
export function resolveRedisHealthCheckTimeout(options: { timeoutMs?: number }, defaultTimeoutMs: number): number {
  const problems = checkOptions(REDIS_HEALTH_CHECK_OPTIONS, options);
  if (problems.length > 0) throw new TypeError(Messages.invalidHealthCheckOptions(problems));
  return options.timeoutMs ?? defaultTimeoutMs;
}
