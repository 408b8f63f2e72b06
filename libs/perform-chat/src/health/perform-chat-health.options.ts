import { Messages } from '../perform-chat.messages';
import { PerformChatHealthOptions } from './perform-chat-health.interfaces';

function check(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) throw new TypeError(Messages.invalidHealthCheckOption(name, min));
  return value;
}

/**
 * A call's `{ timeoutMs, cacheTtlMs }` over the module's resolved `health` option.
 * @throws TypeError for a value that is not a whole number in range (a programming error)
 */
export function resolveHealthCheckOptions(
  options: PerformChatHealthOptions,
  defaults: Required<PerformChatHealthOptions>,
): Required<PerformChatHealthOptions> {
  return {
    timeoutMs: check('timeoutMs', options.timeoutMs, defaults.timeoutMs, 1),
    cacheTtlMs: check('cacheTtlMs', options.cacheTtlMs, defaults.cacheTtlMs, 0),
  };
}
