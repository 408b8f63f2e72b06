import { Inject, Injectable } from '@nestjs/common';
import { PerformChatError, isPerformChatError } from '../errors/perform-chat.error';
import { PerformChatErrorCode } from '../errors/perform-chat-error-code';
import type { PerformChatBudgetCharge } from './perform-chat-resource.interfaces';
import { PERFORM_CHAT_BUDGET_SLICE, PerformChatBudgetSlice } from '../options/perform-chat-options.slices';
import { PerformChatTelemetry } from '../telemetry/perform-chat-telemetry';
import type { PerformChatBudgetRefusedEvent } from '../telemetry/perform-chat-telemetry.events';
import type { PerformChatBudgetState } from '../telemetry/perform-chat-channels';
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

/** What one attempt holds of the token budget: its slot and its user's share, settled with the attempt. */
interface TokenHold {
  slot?: SlidingWindowGrant;
  share?: UserShareSpent;
}

/** The key-wide budgets, as named in `budget.refused` events (`user`, one user's share, has its own class). */
type BudgetKind = Exclude<PerformChatBudgetRefusedEvent['budget'], 'user'>;

function limitOf(kind: BudgetKind, budget: ResolvedUpstreamBudget): { limit: number; windowSeconds: number } {
  if (kind === 'tokens') return { limit: budget.tokensPerWindow, windowSeconds: budget.tokenWindowSeconds };
  if (kind === 'api-requests')
    return { limit: budget.apiRequestsPerWindow, windowSeconds: budget.apiRequestWindowSeconds };
  return { limit: budget.authFailuresPerWindow, windowSeconds: budget.authFailureWindowSeconds };
}

/** The message of a refusal by one budget (the same text in the error and the log line). */
export function budgetSpentMessage(
  kind: BudgetKind,
  limit: number,
  windowSeconds: number,
  retryAfterMs: number,
): string {
  if (kind === 'tokens') return Messages.upstreamTokenBudgetSpent(limit, windowSeconds, retryAfterMs);
  if (kind === 'api-requests') return Messages.upstreamApiBudgetSpent(limit, windowSeconds, retryAfterMs);
  return Messages.upstreamAuthBudgetSpent(limit, windowSeconds, retryAfterMs);
}

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
 * `rateLimit.store` (counter names `upstream-budget.token-log`, `upstream-budget.api-requests` and
 * `upstream-budget.auth-failures`, keyed by `keyId`):
 *
 * - every attempt (retries included) spends one point of each budget its resource lists before
 *   it is sent, and only once the circuit breaker has let the call through: PerformChat counts
 *   every request it receives, and a call that sends nothing costs nothing. A token generation
 *   spends a point of `tokensPerMinute` and one of `apiRequestsPerMinute`, every other operation
 *   one of `apiRequestsPerMinute`; when one budget refuses, what was already taken for that
 *   attempt is given back;
 * - the token points are slots of a sliding-window log (`upstream-budget.token-log`): never more
 *   than `tokensPerMinute` attempts in any window of `tokenWindowSeconds`, each counted from its
 *   slot until the window after its answer (while it is in flight, until the window after its
 *   timeout), so PerformChat never sees more than the limit in any window, however it aligns its
 *   own. When the budget is spent, an attempt waits for the next free slot, in arrival order
 *   across instances, if that is within `maxWaitMs` and leaves time before its deadline;
 *   otherwise it is refused with the true wait as `retryAfterMs`;
 * - every attempt of a token generation also spends one of its user's share (`tokensPerUser`,
 *   {@link PerformChatUserShare}, named by the resource) before its slot, refused at once when spent;
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
  private readonly apiRequests?: PerformChatLimiter;
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
  /** The permit of every attempt of a key that is not a probe (one object per key, not one per attempt). */
  private readonly checkedPermits = new Map<string, PerformChatUpstreamPermit>();
  /** Until when the current refusal periods have been logged (one line per period). */
  private readonly loggedUntil: Record<BudgetKind, number> = { tokens: 0, 'api-requests': 0, auth: 0 };

  constructor(
    @Inject(PERFORM_CHAT_BUDGET_SLICE) options: PerformChatBudgetSlice,
    store: PerformChatRateLimitStore,
    private readonly telemetry: PerformChatTelemetry,
    private readonly userShare: PerformChatUserShare,
  ) {
    this.budget = options.upstreamBudget;
    // The configured key; the client names the key of each attempt (the keyring's, which may rotate).
    this.key = options.keyId ?? '';
    this.timeoutMs = options.timeoutMs;
    if (this.budget) {
      this.tokens = store.slidingWindow({
        name: 'upstream-budget.token-log',
        keyWide: true,
        limit: this.budget.tokensPerWindow,
        windowMs: Math.round(this.budget.tokenWindowSeconds * 1000),
      });
      this.apiRequests = store.limiter({
        name: 'upstream-budget.api-requests',
        keyWide: true,
        points: this.budget.apiRequestsPerWindow,
        duration: this.budget.apiRequestWindowSeconds,
        blockDuration: 0,
      });
      this.authFailures = store.limiter({
        name: 'upstream-budget.auth-failures',
        keyWide: true,
        points: this.budget.authFailuresPerWindow,
        duration: this.budget.authFailureWindowSeconds,
        blockDuration: 0,
      });
    }
  }

  /**
   * What is left of the key-wide budgets of `keyId` now (for the budget-left gauge): reads only,
   * spends nothing. `remaining: null` for a budget whose store did not answer. `[]` when
   * `upstreamBudget` is off.
   */
  async state(keyId = this.key): Promise<PerformChatBudgetState[]> {
    const { budget, tokens, apiRequests } = this;
    if (!budget || !tokens || !apiRequests) return [];
    const [tokensLeft, apiLeft] = await Promise.all([
      tokens.remaining(keyId).catch(() => null),
      apiRequests.get(keyId).then(
        (verdict) => verdict.remaining,
        () => null,
      ),
    ]);
    return [
      { budget: 'tokens', ...limitOf('tokens', budget), remaining: tokensLeft },
      { budget: 'api-requests', ...limitOf('api-requests', budget), remaining: apiLeft },
    ];
  }

  /**
   * Call before sending each attempt to PerformChat, once the circuit breaker has let the call
   * through.
   * @param charges what the attempt spends: a point of each budget listed (`token-generation`,
   * `api-request`); the key-wide auth-failure check applies whatever is listed
   * @param deadlineAt the call's deadline (epoch ms): waiting for a probe or a slot ends by then.
   * @param keyId the key the attempt is sent with: the budget is the key's, shared by every
   * instance using it. @default the `keyId` option
   * @param shareKey whose share of the token budget the attempt spends too (a token generation's user)
   * @throws PerformChatError `RATE_LIMITED` (with `retryAfterMs`) when the budget refuses the
   * attempt (for tokens: the next slot is further than the attempt may wait), `USER_RATE_LIMITED`
   * when the user's share is spent, `TIMEOUT` when the deadline passes while it waits for a probe.
   */
  async beforeAttempt(
    charges: readonly PerformChatBudgetCharge[],
    deadlineAt: number,
    keyId = this.key,
    shareKey?: string,
  ): Promise<PerformChatUpstreamPermit> {
    const { budget, authFailures } = this;
    if (!budget || !authFailures) return UNLIMITED;

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
      const auth = reserved ? await authFailures.consume(keyId) : await authFailures.get(keyId);
      if (!auth.allowed) throw this.refuse('auth', auth.msBeforeReset, budget);
      let hold: TokenHold;
      try {
        hold = await this.spend(charges, budget, keyId, deadlineAt, shareKey);
      } catch (refusal) {
        if (reserved) await authFailures.reward(keyId);
        throw refusal;
      }
      if (hold.slot && hold.slot.waitMs > 0) await this.wait(hold.slot, budget);
      if (!reserved && !hold.slot && !hold.share) return this.checkedPermit(keyId);
      return {
        settle: async (error?: unknown) => {
          await hold.slot?.settle();
          await hold.share?.settle();
          await this.settle(reserved, error, keyId);
          if (reserved) finish();
        },
      };
    } catch (refusal) {
      finish();
      throw refusal;
    }
  }

  private checkedPermit(keyId: string): PerformChatUpstreamPermit {
    let permit = this.checkedPermits.get(keyId);
    if (!permit) {
      permit = { settle: (error) => this.settle(false, error, keyId) };
      this.checkedPermits.set(keyId, permit);
    }
    return permit;
  }

  /**
   * Takes what the attempt spends: for a token generation the user's share (refused at once) and
   * a slot of the token log (perhaps a later one: the caller waits for it), then a point of the
   * API-request budget. On the first refusal gives back what was already taken (the attempt is
   * not sent, so PerformChat counts none of it) and throws it.
   */
  private async spend(
    charges: readonly PerformChatBudgetCharge[],
    budget: ResolvedUpstreamBudget,
    keyId: string,
    deadlineAt: number,
    shareKey: string | undefined,
  ): Promise<TokenHold> {
    const hold: TokenHold = {};
    try {
      if (charges.includes('token-generation') && this.tokens) {
        const maxWaitMs = this.waitAllowed(budget, deadlineAt);
        // Held like the slot (until a window after the answer), so the share holds at PerformChat too.
        if (shareKey !== undefined)
          hold.share = await this.userShare.spend(keyId, shareKey, maxWaitMs + this.timeoutMs);
        const verdict = await this.tokens.acquire(keyId, { maxWaitMs, holdMs: this.timeoutMs });
        if (!verdict.granted) throw this.refuse('tokens', verdict.retryAfterMs, budget, maxWaitMs);
        hold.slot = verdict;
      }
      if (charges.includes('api-request') && this.apiRequests) {
        const spent = await this.apiRequests.consume(keyId);
        if (!spent.allowed) throw this.refuse('api-requests', spent.msBeforeReset, budget);
      }
      return hold;
    } catch (refusal) {
      await hold.slot?.release();
      await hold.share?.release();
      throw refusal;
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

  /** Never throws: the budget never fails an attempt that already happened. */
  private async settle(reserved: boolean, error: unknown, keyId: string): Promise<void> {
    const { budget, authFailures } = this;
    if (!budget || !authFailures) return;
    try {
      if (isPerformChatError(error, PerformChatErrorCode.INVALID_CREDENTIALS)) {
        this.proven = false;
        const count = reserved ? await authFailures.get(keyId) : await authFailures.consume(keyId);
        if (count.consumed >= budget.authFailuresPerWindow) this.logOnce('auth', count.msBeforeReset, budget);
        return;
      }
      this.proven = true;
      if (reserved) await authFailures.reward(keyId);
    } catch {
      // A store failure here must not turn an answered attempt into a failure.
    }
  }

  /** A refusal (`maxWaitMs`: how long a token attempt could have waited, for its message). */
  private refuse(
    kind: BudgetKind,
    msBeforeReset: number,
    budget: ResolvedUpstreamBudget,
    maxWaitMs = 0,
  ): PerformChatError {
    this.logOnce(kind, msBeforeReset, budget);
    const retryAfterMs = Math.max(1, msBeforeReset);
    const { limit, windowSeconds } = limitOf(kind, budget);
    const message =
      kind === 'tokens' && maxWaitMs > 0
        ? Messages.upstreamTokenWaitTooLong(limit, windowSeconds, retryAfterMs, maxWaitMs)
        : budgetSpentMessage(kind, limit, windowSeconds, retryAfterMs);
    return new PerformChatError(PerformChatErrorCode.RATE_LIMITED, message, { retryAfterMs });
  }

  /** Reports a refusal; the first of each refusal period and kind says so (the log line is once per period). */
  private logOnce(kind: BudgetKind, msBeforeReset: number, budget: ResolvedUpstreamBudget): void {
    const now = Date.now();
    const firstInWindow = now >= this.loggedUntil[kind];
    if (firstInWindow) this.loggedUntil[kind] = now + msBeforeReset;
    this.telemetry.report({
      type: 'budget.refused',
      budget: kind,
      ...limitOf(kind, budget),
      retryAfterMs: msBeforeReset,
      firstInWindow,
    });
  }
}
