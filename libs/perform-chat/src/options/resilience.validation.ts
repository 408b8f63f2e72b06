import {
  DEFAULT_BREAKER_COOLDOWN_MS,
  DEFAULT_BREAKER_FAILURE_THRESHOLD,
  DEFAULT_DEADLINE_MS,
  DEFAULT_RETRIES,
  DEFAULT_RETRY_BASE_DELAY_MS,
  DEFAULT_RETRY_MAX_DELAY_MS,
  DEFAULT_SHUTDOWN_GRACE_MS,
  MAX_SHUTDOWN_GRACE_MS,
} from './perform-chat-options.defaults';
import type { PerformChatModuleOptions } from './perform-chat-options.interface';
import { ResolvedPerformChatResilience } from './resilience.options';

type RawResilience = Pick<PerformChatModuleOptions, 'retry' | 'deadlineMs' | 'circuitBreaker' | 'shutdownGraceMs'>;

const isWhole = (value: unknown, min: number) => Number.isInteger(value) && (value as number) >= min;

function checkFields(
  name: string,
  value: unknown,
  fields: Record<string, { min: number; unit: string }>,
): string[] {
  if (value === undefined || value === false) return [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [`${name} must be false or an object { ${Object.keys(fields).join(', ')} }`];
  }
  const problems: string[] = [];
  for (const [field, { min, unit }] of Object.entries(fields)) {
    const fieldValue = (value as Record<string, unknown>)[field];
    if (fieldValue !== undefined && !isWhole(fieldValue, min)) {
      problems.push(`${name}.${field} must be a whole number of ${unit}, at least ${min}`);
    }
  }
  for (const field of Object.keys(value)) {
    if (!(field in fields)) problems.push(`${name}.${field} is not an option (expected ${Object.keys(fields).join(', ')})`);
  }
  return problems;
}

/** Problems with `retry`, `deadlineMs`, `circuitBreaker` and `shutdownGraceMs`, for boot-time validation. */
export function checkResilienceOptions(raw: RawResilience): string[] {
  const problems = [
    ...checkFields('retry', raw.retry, {
      retries: { min: 0, unit: 'retries' },
      baseDelayMs: { min: 1, unit: 'milliseconds' },
      maxDelayMs: { min: 1, unit: 'milliseconds' },
    }),
    ...checkFields('circuitBreaker', raw.circuitBreaker, {
      failureThreshold: { min: 1, unit: 'failures' },
      cooldownMs: { min: 1, unit: 'milliseconds' },
    }),
  ];
  if (raw.deadlineMs !== undefined && !isWhole(raw.deadlineMs, 1)) {
    problems.push('deadlineMs must be a whole number of milliseconds, at least 1');
  }
  const grace = raw.shutdownGraceMs;
  if (grace !== undefined && (!isWhole(grace, 0) || (grace as number) > MAX_SHUTDOWN_GRACE_MS)) {
    problems.push(`shutdownGraceMs must be a whole number of milliseconds from 0 to ${MAX_SHUTDOWN_GRACE_MS}`);
  }
  return problems;
}

/** `retry`, `deadlineMs`, `circuitBreaker` and `shutdownGraceMs` with their defaults. */
export function resolveResilienceOptions(raw: RawResilience): ResolvedPerformChatResilience {
  const retry = raw.retry === false ? { retries: 0 } : (raw.retry ?? {});
  const breaker = raw.circuitBreaker;
  return {
    retries: retry.retries ?? DEFAULT_RETRIES,
    baseDelayMs: retry.baseDelayMs ?? DEFAULT_RETRY_BASE_DELAY_MS,
    maxDelayMs: retry.maxDelayMs ?? DEFAULT_RETRY_MAX_DELAY_MS,
    deadlineMs: raw.deadlineMs ?? DEFAULT_DEADLINE_MS,
    circuitBreaker:
      breaker === false
        ? false
        : {
            failureThreshold: breaker?.failureThreshold ?? DEFAULT_BREAKER_FAILURE_THRESHOLD,
            cooldownMs: breaker?.cooldownMs ?? DEFAULT_BREAKER_COOLDOWN_MS,
          },
    shutdownGraceMs: raw.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS,
  };
}
