import { Logger } from '@nestjs/common';
import { inspect } from 'node:util';

export interface CapturedLogs {
  lines: string[];
  /** Everything logged so far as one string, for `not.toContain(secret)` checks. */
  text(): string;
  restore(): void;
}

const LEVELS = ['log', 'error', 'warn', 'debug', 'verbose', 'fatal'] as const;
type Level = (typeof LEVELS)[number];

/**
 * Records every line written through Nest's `Logger` (instances and static calls) until
 * `restore()`, whatever logger the app or the testing module installed, even a disabled one,
 * so "never logged" assertions cannot pass merely because logging was off. Lines are not printed.
 */
export function captureLogs(): CapturedLogs {
  const lines: string[] = [];
  const format = (level: string, parts: unknown[]) =>
    [level, ...parts].map((part) => (typeof part === 'string' ? part : inspect(part, { depth: 5 }))).join(' ');
  const targets = [Logger.prototype, Logger] as unknown as Record<Level, (...args: unknown[]) => void>[];
  const originals = targets.map((target) => LEVELS.map((level) => target[level]));
  for (const target of targets) {
    for (const level of LEVELS) {
      target[level] = (...parts: unknown[]) => void lines.push(format(level, parts));
    }
  }
  return {
    lines,
    text: () => lines.join('\n'),
    restore: () =>
      targets.forEach((target, t) =>
        LEVELS.forEach((level, l) => {
          target[level] = originals[t][l];
        }),
      ),
  };
}
