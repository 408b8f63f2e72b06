import { Inject, Injectable } from '@nestjs/common';
import {
  CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  FailureReason,
  IBackoff,
  IHalfOpenAfterBackoffContext,
  circuitBreaker,
  handleWhen,
  isBrokenCircuitError,
} from 'cockatiel';
import { PerformChatError, isPerformChatError } from '../errors/perform-chat.error';
import { PerformChatErrorCode } from '../errors/perform-chat-error-code';
import { PERFORM_CHAT_RESILIENCE_SLICE, PerformChatResilienceSlice } from '../options/perform-chat-options.slices';
import { PerformChatTelemetry } from '../telemetry/perform-chat-telemetry';
import { Messages } from '../perform-chat.messages';
import { fullJitterDelay } from './backoff';
import { markNotSent, wasNeverReceived, wasNotSent } from './not-sent';
import type { PerformChatRetryMode } from './perform-chat-resource.interfaces';
import { PerformChatCircuitBreakerState } from './perform-chat-resilience.interfaces';
import { PerformChatShutdown } from './perform-chat-shutdown';

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
  /** When the call's deadline ends (epoch ms): every wait of the attempt ends by then too. */
  deadlineAt: number;
}

/** Failures that say PerformChat is unwell (they count towards opening the circuit). */
function isOutage(error: unknown): boolean {
  return (
    isPerformChatError(
      error,
      PerformChatErrorCode.TIMEOUT,
      PerformChatErrorCode.UNREACHABLE,
      PerformChatErrorCode.UPSTREAM_ERROR,
      PerformChatErrorCode.INVALID_RESPONSE,
    ) && !wasNotSent(error)
  );
}

const failureError = (reason: FailureReason<unknown> | { isolated: true }) =>
  'error' in reason ? reason.error : undefined;

/**
 * Retries with exponential backoff and full jitter (honouring `Retry-After`), an overall
 * deadline, and a consecutive-failure circuit breaker (cockatiel). One instance per module:
 * the breaker is shared by every call of the module.
 *
 * The retry loop is ours rather than cockatiel's `retry()`: its waits cannot be cut short (a
 * shutdown must not sit out a backoff), it cannot tell a retry that was not sent (a budget
 * refusal) from one that failed, and it allocates a policy per call.
 */
@Injectable()
export class PerformChatResilience {
  private readonly breaker?: CircuitBreakerPolicy;
  private halfOpenAt = 0;

  constructor(
    @Inject(PERFORM_CHAT_RESILIENCE_SLICE) private readonly options: PerformChatResilienceSlice,
    private readonly shutdown: PerformChatShutdown,
    private readonly telemetry: PerformChatTelemetry,
  ) {
    const settings = options.resilience.circuitBreaker;
    if (settings) {
      const { cooldownMs } = settings;
      // A trial call that was never sent (the budget refused it) tells nothing about PerformChat:
      // it neither closes the circuit nor keeps it open for a cooldown; the next call is the trial.
      const halfOpenAfter = (context: IHalfOpenAfterBackoffContext): IBackoff<IHalfOpenAfterBackoffContext> => ({
        duration: wasNotSent(failureError(context.result)) ? 0 : cooldownMs,
        next: halfOpenAfter,
      });
      this.breaker = circuitBreaker(
        handleWhen((error) => isOutage(error) || (wasNotSent(error) && this.breaker?.state === CircuitState.HalfOpen)),
        { halfOpenAfter: { next: halfOpenAfter }, breaker: new ConsecutiveBreaker(settings.failureThreshold) },
      );
      this.breaker.onBreak((reason) => {
        if (wasNotSent(failureError(reason))) return;
        this.halfOpenAt = Date.now() + cooldownMs;
        this.telemetry.report({ type: 'breaker.opened', failureThreshold: settings.failureThreshold, cooldownMs });
      });
      this.breaker.onReset(() =>
        this.telemetry.report({ type: 'breaker.closed', failureThreshold: settings.failureThreshold, cooldownMs }),
      );
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
   * the deadline (`deadlineMs` from now) would be passed, or shutdown begins.
   * @param mode `never`: an operation that must not be repeated once PerformChat may have acted
   *   on it; only failures that prove it did not (no connection, a 429) are retried
   * @throws the last error of an attempt that was sent; a refusal (budget, open circuit,
   * shutdown) when nothing was; `UPSTREAM_UNAVAILABLE` while the circuit is open.
   */
  async run<T>(attempt: (info: PerformChatAttempt) => Promise<T>, mode: PerformChatRetryMode = 'safe'): Promise<T> {
    const deadlineAt = Date.now() + this.options.resilience.deadlineMs;
    const breaker = this.breaker;
    if (!breaker) return this.retrying(attempt, deadlineAt, mode);
    try {
      // The breaker sees one outcome per call (after its retries) and, while open, stops the
      // call before its first attempt: nothing is sent and nothing is spent. While half-open,
      // cockatiel makes calls wait for the trial call: it started before them, so its deadline
      // comes first, and their own attempts get only what is left of theirs.
      return await breaker.execute(() => this.retrying(attempt, deadlineAt, mode));
    } catch (error) {
      if (isBrokenCircuitError(error)) {
        const { retryAfterMs } = this.state();
        throw markNotSent(
          new PerformChatError(PerformChatErrorCode.UPSTREAM_UNAVAILABLE, Messages.circuitOpen(retryAfterMs ?? 0), {
            retryAfterMs,
          }),
        );
      }
      throw error;
    }
  }

  private async retrying<T>(
    attempt: (info: PerformChatAttempt) => Promise<T>,
    deadlineAt: number,
    mode: PerformChatRetryMode,
  ): Promise<T> {
    const { retries, baseDelayMs, maxDelayMs } = this.options.resilience;
    let lastSent: unknown;
    for (let number = 1; ; number++) {
      try {
        const timeoutMs = Math.max(1, Math.min(this.options.timeoutMs, deadlineAt - Date.now()));
        return await attempt({ attempt: number, timeoutMs, deadlineAt });
      } catch (error) {
        // A retry that was not sent (the budget could not pay for it): the call ends with what
        // PerformChat last did, not with the refusal.
        if (wasNotSent(error)) throw number > 1 ? lastSent : error;
        if (number > retries || this.shutdown.closing || !this.worthRetrying(error, deadlineAt, mode)) throw error;
        lastSent = error;
        // Full jitter: retry n waits a random time in [0, min(maxDelayMs, baseDelayMs·2^(n-1))),
        // or PerformChat's Retry-After; never past the point where one more attempt still fits.
        const retryAfterMs = (error as PerformChatError).retryAfterMs;
        const delay = retryAfterMs ?? fullJitterDelay(number, baseDelayMs, maxDelayMs);
        await this.shutdown.pause(Math.max(0, Math.min(delay, deadlineAt - Date.now() - MIN_ATTEMPT_MS)));
        if (this.shutdown.closing) throw error; // no retry once shutdown has begun
      }
    }
  }

  /**
   * Connection errors, timeouts, 500/502/503/504 and PerformChat's 429, if the wait it asks
   * for (`Retry-After`) and one more attempt fit before the deadline. With `mode` `never`, only
   * a connection that was never made and PerformChat's 429 (it refused the request unread): a
   * timeout, a dropped connection or a 5xx may come after PerformChat applied the request.
   */
  private worthRetrying(error: unknown, deadlineAt: number, mode: PerformChatRetryMode): boolean {
    if (!isPerformChatError(error)) return false;
    const refusedUnread = error.code === PerformChatErrorCode.RATE_LIMITED && error.status === 429;
    const retryable =
      mode === 'never'
        ? refusedUnread || wasNeverReceived(error)
        : error.code === PerformChatErrorCode.TIMEOUT ||
          error.code === PerformChatErrorCode.UNREACHABLE ||
          refusedUnread ||
          (error.status !== undefined &&
            RETRYABLE_STATUSES.has(error.status) &&
            error.code === PerformChatErrorCode.UPSTREAM_ERROR);
    if (!retryable) return false;
    return Date.now() + (error.retryAfterMs ?? 0) + MIN_ATTEMPT_MS < deadlineAt;
  }
}
