import { Logger } from '@nestjs/common';
import { inspect } from 'node:util';

/** One call of a Nest `Logger` method, as it was made. */
export interface CapturedLogEntry {
  level: Level;
  /** The first argument: the library passes one object (`{ msg, event, ...fields }`). */
  message: unknown;
  /** The other arguments (a static call's context, an error's stack). */
  params: unknown[];
  /** The context of the `Logger` instance called (`PerformChat`, `PerformChat(eu)`); undefined for a static call. */
  context?: string;
}

export interface CapturedLogs {
  /** Each line as `<level> <argument> ...`, objects through `util.inspect` on one line. */
  lines: string[];
  /** Each call with its arguments untouched, for field assertions. */
  entries: CapturedLogEntry[];
  /** Everything logged so far as one string, for `not.toContain(secret)` checks. */
  text(): string;
  /** The object arguments of the calls with this `event` (`{ msg, event, ...fields }`). */
  events(event: string): Record<string, unknown>[];
  /** Forgets what was captured so far (e.g. Nest's own boot lines). */
  clear(): void;
  restore(): void;
}

const LEVELS = ['log', 'error', 'warn', 'debug', 'verbose', 'fatal'] as const;
type Level = (typeof LEVELS)[number];

/** Every value of a line shows in its text: no depth cut, no line breaks, no truncated string. */
const INSPECT = { depth: 10, breakLength: Infinity, maxStringLength: Infinity, maxArrayLength: Infinity } as const;

/**
 * Records every line written through Nest's `Logger` (instances and static calls) until
 * `restore()`, whatever logger the app or the testing module installed, even a disabled one,
 * so "never logged" assertions cannot pass merely because logging was off. Lines are not printed.
 */
export function captureLogs(): CapturedLogs {
  const lines: string[] = [];
  const entries: CapturedLogEntry[] = [];
  const format = (level: string, parts: unknown[]) =>
    [level, ...parts].map((part) => (typeof part === 'string' ? part : inspect(part, INSPECT))).join(' ');
  const targets = [Logger.prototype, Logger] as unknown as Record<Level, (...args: unknown[]) => void>[];
  const originals = targets.map((target) => LEVELS.map((level) => target[level]));
  for (const target of targets) {
    for (const level of LEVELS) {
      target[level] = function (this: unknown, message: unknown, ...params: unknown[]) {
        // An instance call (`this` a Logger) has a context; a static one (`this` the class) has none.
        const context = typeof this === 'object' && this !== null ? (this as { context?: string }).context : undefined;
        entries.push({ level, message, params, ...(context !== undefined ? { context } : {}) });
        lines.push(format(level, [message, ...params]));
      };
    }
  }
  return {
    lines,
    entries,
    text: () => lines.join('\n'),
    events: (event) =>
      entries
        .map((entry) => entry.message)
        .filter(
          (message): message is Record<string, unknown> =>
            typeof message === 'object' && message !== null && (message as { event?: unknown }).event === event,
        ),
    clear: () => {
      lines.length = 0;
      entries.length = 0;
    },
    restore: () =>
      targets.forEach((target, t) =>
        LEVELS.forEach((level, l) => {
          target[level] = originals[t][l];
        }),
      ),
  };
}
