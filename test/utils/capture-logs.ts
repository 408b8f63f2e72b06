import { Logger, LoggerService } from '@nestjs/common';
import { inspect } from 'node:util';

export interface CapturedLogs {
  lines: string[];
  /** Everything logged so far as one string, for `not.toContain(secret)` checks. */
  text(): string;
  restore(): void;
}

/** Routes every Nest Logger line into memory (and nowhere else) until `restore()`. */
export function captureLogs(): CapturedLogs {
  const lines: string[] = [];
  const record =
    (level: string) =>
    (message: unknown, ...rest: unknown[]) => {
      lines.push([level, message, ...rest].map((part) => (typeof part === 'string' ? part : inspect(part, { depth: 5 }))).join(' '));
    };
  const logger: LoggerService = {
    log: record('log'),
    error: record('error'),
    warn: record('warn'),
    debug: record('debug'),
    verbose: record('verbose'),
    fatal: record('fatal'),
  };
  const holder = Logger as unknown as { staticInstanceRef?: LoggerService };
  const previous = holder.staticInstanceRef;
  Logger.overrideLogger(logger);
  return {
    lines,
    text: () => lines.join('\n'),
    restore: () => {
      holder.staticInstanceRef = previous;
    },
  };
}
