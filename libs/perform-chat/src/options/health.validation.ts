import { DURATION_BOUNDS } from './perform-chat-options.bounds';
import { Messages } from '../perform-chat.messages';
import { PerformChatHealthOptions } from './health.options';

function check(name: 'timeoutMs' | 'cacheTtlMs', value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  // The module's own bounds of health.* (a timeout above 2^31-1 ms would fire at once: always down).
  const { max } = DURATION_BOUNDS[`health.${name}`];
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new TypeError(Messages.invalidHealthCheckOption(name, min, max));
  }
  return value;
}

function checkFlag(name: string, value: boolean | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new TypeError(Messages.invalidHealthCheckFlag(name));
  return value;
}

/**
 * A call's health options over the module's resolved `health` option.
 * @throws TypeError for a number that is not whole and within the bounds of `health`, or a flag that is not a boolean (a programming error)
 */
export function resolveHealthCheckOptions(
  options: PerformChatHealthOptions,
  defaults: Required<PerformChatHealthOptions>,
): Required<PerformChatHealthOptions> {
  return {
    timeoutMs: check('timeoutMs', options.timeoutMs, defaults.timeoutMs, 1),
    cacheTtlMs: check('cacheTtlMs', options.cacheTtlMs, defaults.cacheTtlMs, 0),
    breakerOpenIsDown: checkFlag('breakerOpenIsDown', options.breakerOpenIsDown, defaults.breakerOpenIsDown),
    notFoundIsDown: checkFlag('notFoundIsDown', options.notFoundIsDown, defaults.notFoundIsDown),
  };
}
