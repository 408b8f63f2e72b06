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
import { falseOr, object, wholeNumber } from './option-rules';
import {
  PerformChatCircuitBreakerOptions,
  PerformChatRetryOptions,
  ResolvedPerformChatResilience,
} from './resilience.options';

type RawResilience = Pick<PerformChatModuleOptions, 'retry' | 'deadlineMs' | 'circuitBreaker' | 'shutdownGraceMs'>;

/** The `retry` option. */
export const RETRY_OPTIONS = object({
  retries: wholeNumber({ min: 0, unit: 'retries' }),
  baseDelayMs: wholeNumber({ min: 1, unit: 'milliseconds', bound: 'retry.baseDelayMs' }),
  maxDelayMs: wholeNumber({ min: 1, unit: 'milliseconds', bound: 'retry.maxDelayMs' }),
} satisfies Record<keyof PerformChatRetryOptions, unknown>);

/** The `circuitBreaker` option. */
export const CIRCUIT_BREAKER_OPTIONS = object({
  failureThreshold: wholeNumber({ min: 1, unit: 'failures' }),
  cooldownMs: wholeNumber({ min: 1, unit: 'milliseconds', bound: 'circuitBreaker.cooldownMs' }),
} satisfies Record<keyof PerformChatCircuitBreakerOptions, unknown>);

/** The rows of `retry`, `deadlineMs`, `circuitBreaker` and `shutdownGraceMs` in the module options. */
export const RESILIENCE_OPTIONS = {
  retry: falseOr(RETRY_OPTIONS),
  deadlineMs: wholeNumber({ min: 1, unit: 'milliseconds', bound: 'deadlineMs' }),
  circuitBreaker: falseOr(CIRCUIT_BREAKER_OPTIONS),
  // An orchestrator kills a pod long before the upper bound (Kubernetes: 30 s by default).
  shutdownGraceMs: wholeNumber({ min: 0, max: MAX_SHUTDOWN_GRACE_MS, unit: 'milliseconds' }),
} satisfies Record<keyof RawResilience, unknown>;

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
