import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  isBrokenCircuitError,
  CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  DelegateBackoff,
  ExponentialBackoff,
  IBackoff,
  IPolicy,
  IRetryBackoffContext,
  IRetryContext,
  circuitBreaker,
  fullJitterGenerator,
  handleWhen,
  retry,
  wrap,
} from 'cockatiel';
import { PerformChatError, isPerformChatError } from '../errors/perform-chat.error';
import { PerformChatErrorCode } from '../errors/perform-chat-error-code';
import { ResolvedPerformChatOptions } from '../options/perform-chat-options.interface';
import { LOGGER_CONTEXT, PERFORM_CHAT_OPTIONS } from '../perform-chat.constants';
import { Messages } from '../perform-chat.messages';
import { PerformChatCircuitBreakerState } from './perform-chat-resilience.interfaces';

/** Statuses worth another attempt: the upstream may answer differently in a moment. */
const RETRYABLE_STATUSES = new Set([429, 500, 502, 503, 504]);

/** An attempt with less time than this left before the deadline is not started. */
const MIN_ATTEMPT_MS = 50;

/** What one attempt is given. */
export interface PerformChatAttempt {
  /** 1 for the first attempt. */
  attempt: number;
  /** Time limit of this attempt: `timeoutMs`, shortened to what is left of the deadline. */
  timeoutMs: number;
}

/** Failures that say PerformChat is unwell (they count towards opening the circuit). */
function isOutage(error: unknown): boolean {
  return isPerformChatError(
    error,
    PerformChatErrorCode.TIMEOUT,
    PerformChatErrorCode.UNREACHABLE,
    PerformChatErrorCode.UPSTREAM_ERROR,
    PerformChatErrorCode.INVALID_RESPONSE,
  );
}

/**
 * Retries with exponential backoff and full jitter (honouring `Retry-After`), an overall
 * deadline, and a consecutive-failure circuit breaker, on cockatiel. One instance per module:
 * the breaker is shared by every call of the module.
 */
@Injectable()
export class PerformChatResilience {
  private readonly logger = new Logger(LOGGER_CONTEXT);
  private readonly breaker?: CircuitBreakerPolicy;
  private halfOpenAt = 0;

  constructor(@Inject(PERFORM_CHAT_OPTIONS) private readonly options: ResolvedPerformChatOptions) {
    const settings = options.resilience.circuitBreaker;
    if (settings) {
      this.breaker = circuitBreaker(handleWhen(isOutage), {
        halfOpenAfter: settings.cooldownMs,
        breaker: new ConsecutiveBreaker(settings.failureThreshold),
      });
      this.breaker.onBreak(() => {
        this.halfOpenAt = Date.now() + settings.cooldownMs;
        this.logger.warn(Messages.circuitOpened(settings.failureThreshold, settings.cooldownMs));
      });
      this.breaker.onReset(() => this.logger.log(Messages.circuitClosed()));
    }
  }

  /** The breaker's state, and how long until it lets a trial call through. */
  state(): PerformChatCircuitBreakerState {
    const settings = this.options.resilience.circuitBreaker;
    if (!this.breaker || !settings) return { state: 'disabled' };
    const { failureThreshold } = settings;
    switch (this.breaker.state) {
      case CircuitState.Open:
      case CircuitState.Isolated:
        return { state: 'open', retryAfterMs: Math.max(0, this.halfOpenAt - Date.now()), failureThreshold };
      case CircuitState.HalfOpen:
        return { state: 'half-open', failureThreshold };
      default:
        return { state: 'closed', failureThreshold };
    }
  }

  /** Extra details of the PerformChat health indicator: the breaker's state. */
  healthDetails(): { circuitBreaker: PerformChatCircuitBreakerState } {
    return { circuitBreaker: this.state() };
  }

  /**
   * Runs `attempt` until it succeeds, fails in a way not worth retrying, runs out of retries,
   * or the deadline (`deadlineMs` from now) would be passed.
   * @throws the last attempt's error, or `UPSTREAM_UNAVAILABLE` while the circuit is open.
   */
  async run<T>(attempt: (info: PerformChatAttempt) => Promise<T>): Promise<T> {
    const { retries, baseDelayMs, maxDelayMs, deadlineMs } = this.options.resilience;
    const deadlineAt = Date.now() + deadlineMs;
    const exponential = new ExponentialBackoff({ generator: fullJitterGenerator, initialDelay: baseDelayMs, maxDelay: maxDelayMs });
    const retrying = retry(
      handleWhen((error) => this.worthRetrying(error, deadlineAt)),
      {
        maxAttempts: retries,
        backoff: new DelegateBackoff<IRetryBackoffContext<unknown>, IBackoff<unknown> | undefined>((context, previous) => {
          const next = previous ? previous.next(context) : exponential.next();
          const error = 'error' in context.result ? context.result.error : undefined;
          const retryAfterMs = isPerformChatError(error) ? error.retryAfterMs : undefined;
          const delay = retryAfterMs ?? next.duration;
          return { delay: Math.max(0, Math.min(delay, deadlineAt - Date.now() - MIN_ATTEMPT_MS)), state: next };
        }),
      },
    );
    // The breaker sees one outcome per call (after its retries) and, while open, stops the call
    // before its first attempt.
    const policy: IPolicy<IRetryContext> = this.breaker ? wrap(this.breaker, retrying) : retrying;
    try {
      return await policy.execute((context) =>
        attempt({
          attempt: context.attempt + 1,
          timeoutMs: Math.max(1, Math.min(this.options.timeoutMs, deadlineAt - Date.now())),
        }),
      );
    } catch (error) {
      if (isBrokenCircuitError(error)) {
        const { retryAfterMs } = this.state();
        throw new PerformChatError(PerformChatErrorCode.UPSTREAM_UNAVAILABLE, Messages.circuitOpen(retryAfterMs ?? 0), {
          retryAfterMs,
        });
      }
      throw error;
    }
  }

  /**
   * Connection errors, timeouts, 500/502/503/504 and PerformChat's 429, if the wait it asks
   * for (`Retry-After`) and one more attempt fit before the deadline. A `RATE_LIMITED` from the
   * module's own budget (no HTTP status) is never retried.
   */
  private worthRetrying(error: unknown, deadlineAt: number): boolean {
    if (!isPerformChatError(error)) return false;
    const retryable =
      error.code === PerformChatErrorCode.TIMEOUT ||
      error.code === PerformChatErrorCode.UNREACHABLE ||
      (error.status !== undefined &&
        RETRYABLE_STATUSES.has(error.status) &&
        (error.code === PerformChatErrorCode.UPSTREAM_ERROR || error.code === PerformChatErrorCode.RATE_LIMITED));
    if (!retryable) return false;
    return Date.now() + (error.retryAfterMs ?? 0) + MIN_ATTEMPT_MS < deadlineAt;
  }
}
