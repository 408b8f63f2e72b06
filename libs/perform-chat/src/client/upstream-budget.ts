import { Inject, Injectable } from '@nestjs/common';
import { PerformChatError, isPerformChatError } from '../errors/perform-chat.error';
import { PerformChatErrorCode } from '../errors/perform-chat-error-code';
import type { PerformChatBudgetCharge } from './perform-chat-resource.interfaces';
import { PERFORM_CHAT_BUDGET_SLICE, PerformChatBudgetSlice } from '../options/perform-chat-options.slices';
import { PerformChatTelemetry } from '../telemetry/perform-chat-telemetry';
import { Messages } from '../perform-chat.messages';
import { ResolvedUpstreamBudget } from '../options/rate-limit.options';
import { PerformChatRateLimitStore } from '../rate-limit/perform-chat-rate-limit.store';
import { PerformChatLimiter } from '../rate-limit/perform-chat-limiter';
import type { SlidingWindowGrant, SlidingWindowLog } from '../rate-limit/sliding-window-log';
import { PerformChatUserShare, UserShareSpent } from '../rate-limit/perform-chat-user-share';

/** An attempt the budget let through; report how it ended with `settle`. */
export interface PerformChatUpstreamPermit {
  /**
   * Reports the outcome: nothing for a success, the {@link PerformChatError} otherwise.
   * Never throws.
   */
  settle(error?: unknown): Promise<void>;
}

const UNLIMITED: PerformChatUpstreamPermit = { settle: async () => undefined };

/**
 * What a waited-for slot must leave of the call's deadline for its attempt (ms, or `timeoutMs`
 * when shorter): a slot later than that would be spent on an attempt cut short.
 */
const ATTEMPT_RESERVE_MS = 1_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** True when `promise` settles within `ms`, false when the time runs out first. */
async function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const settled = await Promise.race([
    promise.then(() => true),
    new Promise<boolean>((resolve) => (timer = setTimeout(resolve, ms, false))),
  ]);
  clearTimeout(timer);
  return settled;
}

/**
 * The module's own budget in front of PerformChat, key-wide and shared across instances through
 * `rateLimit.store` (counter names `upstream-budget.token-log` / `upstream-budget.auth-failures`,
 * keyed by `keyId`):
 *
 * - every attempt of a token generation (retries included) takes one slot of `tokensPerMinute`
 *   before it is sent, and only once the circuit breaker has let the call through: PerformChat
 *   counts every generation it receives, and a call that sends nothing costs nothing. The slots
 *   are a sliding-window log (`upstream-budget.token-log`): never more than `tokensPerMinute`
 *   attempts in any window of `tokenWindowSeconds`, each counted from its slot until the window
 *   after its answer (while it is in flight, until the window after its timeout), so PerformChat
 *   never sees more than the limit in any window, however it aligns its own. When the budget is
 *   spent, an attempt waits for the next free slot, in arrival order across instances, if that
 *   is within `maxWaitMs` and leaves time before its deadline; otherwise it is refused with the
 *   true wait as `retryAfterMs`;
 * - every attempt of a token generation also spends one of its user's share
 *   (`tokensPerUser`, {@link PerformChatUserShare}) before its slot: refused at once when spent;
 * - every PerformChat 401 (`INVALID_CREDENTIALS`) spends one point of `authFailuresPer5Minutes`;
 *   once they are spent, every call (generation and invalidation) is refused until the window
 *   ends, so a wrong or revoked secret cannot get the key locked out by PerformChat.
 *
 * A refusal is a `PerformChatError` `RATE_LIMITED` with `retryAfterMs`, thrown before any
 * network call (no `status`: PerformChat never saw it). The HTTP client asks once per attempt.
 *
 * Bursts with a bad key: until this instance has seen an answer other than a 401 (at boot, and
 * again after any 401), calls go to PerformChat one at a time as probes; the others wait for the
 * probe's outcome, at most until their own deadline (then `TIMEOUT`, not sent, with
 * `retryAfterMs` = when the probe will have its answer). A probe also reserves its auth-failure
 * point in the shared count before it is sent and gets it back unless PerformChat answers 401.
 * So a wrong secret never costs more
 * than `authFailuresPer5Minutes` 401s, even with many instances and a burst of requests. Once an
 * answer other than 401 has come back, calls run concurrently and are only checked against the
 * count; if the key is revoked then, the calls already in flight can still add 401s.
 */
@Injectable()
export class PerformChatUpstreamBudget {
  private readonly budget: ResolvedUpstreamBudget | false;
  private readonly tokens?: SlidingWindowLog;
  private readonly authFailures?: PerformChatLimiter;
  private readonly key: string;
  /** The longest an attempt can take: how long its slot counts while it is in flight. */
  private readonly timeoutMs: number;
  /** PerformChat answered something other than 401 since this instance's last 401 (or boot). */
  private proven = false;
  /** Settles when the probe in flight ends; unset when there is none. */
  private probe?: Promise<void>;
  /** When the probe in flight reaches its deadline (epoch ms): it has its answer by then. */
  private probeEndsBy = 0;
  /** The permit of every attempt that is not a probe (one object, not one per attempt). */
  private readonly checkedPermit: PerformChatUpstreamPermit = { settle: (error) => this.settle(false, error) };
  /** Until when the current refusal periods have been logged (one line per period). */
  private readonly loggedUntil = { tokens: 0, auth: 0 };

  constructor(
    @Inject(PERFORM_CHAT_BUDGET_SLICE) options: PerformChatBudgetSlice,
    store: PerformChatRateLimitStore,
    private readonly telemetry: PerformChatTelemetry,
    private readonly userShare: PerformChatUserShare,
  ) {
    this.budget = options.upstreamBudget;
    this.key = options.keyId;
    this.timeoutMs = options.timeoutMs;
    if (this.budget) {
      this.tokens = store.slidingWindow({
        name: 'upstream-budget.token-log',
        limit: this.budget.tokensPerWindow,
        windowMs: Math.round(this.budget.tokenWindowSeconds * 1000),
      });
      this.authFailures = store.limiter({
        name: 'upstream-budget.auth-failures',
        points: this.budget.authFailuresPerWindow,
        duration: this.budget.authFailureWindowSeconds,
        blockDuration: 0,
      });
    }
  }

  /**
   * Call before sending each attempt to PerformChat, once the circuit breaker has let the call
   * through.
   * @param charge what the attempt spends: a `token-generation` point, or only the key-wide
   * auth-failure check (`none`)
   * @param deadlineAt the call's deadline (epoch ms): waiting for a probe ends by then.
   * @param shareKey whose share of the token budget the attempt spends too (a token generation's user)
   * @throws PerformChatError `RATE_LIMITED` (with `retryAfterMs`) when the budget refuses the
   * attempt (for tokens: the next slot is further than the attempt may wait), `USER_RATE_LIMITED`
   * when the user's share is spent, `TIMEOUT` when the deadline passes while it waits for a probe.
   */
  async beforeAttempt(charge: PerformChatBudgetCharge, deadlineAt: number, shareKey?: string): Promise<PerformChatUpstreamPermit> {
    const { budget, tokens, authFailures } = this;
    if (!budget || !tokens || !authFailures) return UNLIMITED;

    while (!this.proven && this.probe) {
      const waitMs = deadlineAt - Date.now();
      if (waitMs <= 0 || !(await settlesWithin(this.probe, waitMs))) {
        throw new PerformChatError(PerformChatErrorCode.TIMEOUT, Messages.probeWaitTimedOut(), {
          retryAfterMs: Math.max(1, this.probeEndsBy - Date.now()),
        });
      }
    }
    let endProbe: (() => void) | undefined;
    if (!this.proven) {
      this.probe = new Promise<void>((resolve) => (endProbe = resolve));
      this.probeEndsBy = deadlineAt;
    }
    const finish = () => {
      if (!endProbe) return;
      this.probe = undefined;
      endProbe();
    };

    try {
      const reserved = endProbe !== undefined;
      const auth = reserved ? await authFailures.consume(this.key) : await authFailures.get(this.key);
      if (!auth.allowed) throw this.refuse('auth', auth.msBeforeReset, budget);
      let slot: SlidingWindowGrant | undefined;
      let share: UserShareSpent | undefined;
      if (charge === 'token-generation') {
        const maxWaitMs = this.waitAllowed(budget, deadlineAt);
        // The user's share first (refused at once, never queued), held like the slot until the answer.
        try {
          if (shareKey !== undefined) share = await this.userShare.spend(shareKey, maxWaitMs + this.timeoutMs);
        } catch (refusal) {
          if (reserved) await authFailures.reward(this.key);
          throw refusal;
        }
        const verdict = await tokens.acquire(this.key, { maxWaitMs, holdMs: this.timeoutMs });
        if (!verdict.granted) {
          await share?.release();
          if (reserved) await authFailures.reward(this.key);
          throw this.refuse('tokens', verdict.retryAfterMs, budget, maxWaitMs);
        }
        slot = verdict;
        if (slot.waitMs > 0) await this.wait(slot, budget);
      }
      if (!reserved && !slot) return this.checkedPermit;
      return {
        settle: async (error?: unknown) => {
          await slot?.settle();
          await share?.settle();
          await this.settle(reserved, error);
          if (reserved) finish();
        },
      };
    } catch (refusal) {
      finish();
      throw refusal;
    }
  }

  /** Never throws: the budget never fails an attempt that already happened. */
  private async settle(reserved: boolean, error: unknown): Promise<void> {
    const { budget, authFailures } = this;
    if (!budget || !authFailures) return;
    try {
      if (isPerformChatError(error, PerformChatErrorCode.INVALID_CREDENTIALS)) {
        this.proven = false;
        const count = reserved ? await authFailures.get(this.key) : await authFailures.consume(this.key);
        if (count.consumed >= budget.authFailuresPerWindow) this.logOnce('auth', count.msBeforeReset, budget);
        return;
      }
      this.proven = true;
      if (reserved) await authFailures.reward(this.key);
    } catch {
      // A store failure here must not turn an answered attempt into a failure.
    }
  }

  /** How long a token attempt may wait for a slot: `maxWaitMs`, and never past what its deadline leaves for the attempt. */
  private waitAllowed(budget: ResolvedUpstreamBudget, deadlineAt: number): number {
    const reserve = Math.min(this.timeoutMs, ATTEMPT_RESERVE_MS);
    return Math.max(0, Math.min(budget.maxWaitMs, deadlineAt - Date.now() - reserve));
  }

  /** Waits for a reserved slot, then reports the wait (how long it took, its arrival ticket and slot). */
  private async wait(slot: SlidingWindowGrant, budget: ResolvedUpstreamBudget): Promise<void> {
    const started = Date.now();
    await sleep(slot.waitMs);
    this.telemetry.report({
      type: 'budget.waited',
      waitMs: Date.now() - started,
      plannedMs: slot.waitMs,
      ticket: slot.ticket,
      slotAt: slot.slotAt,
      limit: budget.tokensPerWindow,
      windowSeconds: budget.tokenWindowSeconds,
    });
  }

  private refuse(kind: 'tokens' | 'auth', msBeforeReset: number, budget: ResolvedUpstreamBudget, maxWaitMs = 0): PerformChatError {
    this.logOnce(kind, msBeforeReset, budget);
    const retryAfterMs = Math.max(1, msBeforeReset);
    let message: string;
    if (kind === 'auth') {
      message = Messages.upstreamAuthBudgetSpent(budget.authFailuresPerWindow, budget.authFailureWindowSeconds, retryAfterMs);
    } else if (maxWaitMs > 0) {
      message = Messages.upstreamTokenWaitTooLong(budget.tokensPerWindow, budget.tokenWindowSeconds, retryAfterMs, maxWaitMs);
    } else {
      message = Messages.upstreamTokenBudgetSpent(budget.tokensPerWindow, budget.tokenWindowSeconds, retryAfterMs);
    }
    return new PerformChatError(PerformChatErrorCode.RATE_LIMITED, message, { retryAfterMs });
  }

  /** Reports a refusal; the first of each refusal period and kind says so (the log line is once per period). */
  private logOnce(kind: 'tokens' | 'auth', msBeforeReset: number, budget: ResolvedUpstreamBudget): void {
    const now = Date.now();
    const firstInWindow = now >= this.loggedUntil[kind];
    if (firstInWindow) this.loggedUntil[kind] = now + msBeforeReset;
    this.telemetry.report({
      type: 'budget.refused',
      budget: kind,
      limit: kind === 'tokens' ? budget.tokensPerWindow : budget.authFailuresPerWindow,
      windowSeconds: kind === 'tokens' ? budget.tokenWindowSeconds : budget.authFailureWindowSeconds,
      retryAfterMs: msBeforeReset,
      firstInWindow,
    });
  }
}
