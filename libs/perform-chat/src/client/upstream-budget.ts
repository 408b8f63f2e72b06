import { Inject, Injectable } from '@nestjs/common';
import { PerformChatError, isPerformChatError } from '../errors/perform-chat.error';
import { PerformChatErrorCode } from '../errors/perform-chat-error-code';
import type { PerformChatBudgetCharge } from './perform-chat-resource.interfaces';
import { PERFORM_CHAT_BUDGET_SLICE, PerformChatBudgetSlice } from '../options/perform-chat-options.slices';
import { PerformChatTelemetry } from '../telemetry/perform-chat-telemetry';
import type { PerformChatBudgetRefusedEvent } from '../telemetry/perform-chat-telemetry.events';
import { Messages } from '../perform-chat.messages';
import { ResolvedUpstreamBudget } from '../options/rate-limit.options';
import { PerformChatRateLimitStore } from '../rate-limit/perform-chat-rate-limit.store';
import { PerformChatLimiter, RateLimitVerdict } from '../rate-limit/perform-chat-limiter';


/** An attempt the budget let through; report how it ended with `settle`. */
export interface PerformChatUpstreamPermit {
  /**
   * Reports the outcome: nothing for a success, the {@link PerformChatError} otherwise.
   * Never throws.
   */
  settle(error?: unknown): Promise<void>;
}

const UNLIMITED: PerformChatUpstreamPermit = { settle: async () => undefined };

/** The budgets, as named in `budget.refused` events. */
type BudgetKind = PerformChatBudgetRefusedEvent['budget'];

function limitOf(kind: BudgetKind, budget: ResolvedUpstreamBudget): { limit: number; windowSeconds: number } {
  if (kind === 'tokens') return { limit: budget.tokensPerWindow, windowSeconds: budget.tokenWindowSeconds };
  if (kind === 'api-requests') return { limit: budget.apiRequestsPerWindow, windowSeconds: budget.apiRequestWindowSeconds };
  return { limit: budget.authFailuresPerWindow, windowSeconds: budget.authFailureWindowSeconds };
}

/** The message of a refusal by one budget (the same text in the error and the log line). */
export function budgetSpentMessage(kind: BudgetKind, limit: number, windowSeconds: number, retryAfterMs: number): string {
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
 * `rateLimit.store` (counter names `upstream-budget.tokens`, `upstream-budget.api-requests` and
 * `upstream-budget.auth-failures`, keyed by `keyId`):
 *
 * - every attempt (retries included) spends one point of each budget its resource lists before
 *   it is sent, and only once the circuit breaker has let the call through: PerformChat counts
 *   every request it receives, and a call that sends nothing costs nothing. A token generation
 *   spends a point of `tokensPerMinute` and one of `apiRequestsPerMinute`, every other operation
 *   one of `apiRequestsPerMinute`; when one budget refuses, the points already taken for that
 *   attempt are given back;
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
  private readonly tokens?: PerformChatLimiter;
  private readonly apiRequests?: PerformChatLimiter;
  private readonly authFailures?: PerformChatLimiter;
  private readonly key: string;
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
  ) {
    this.budget = options.upstreamBudget;
    // The configured key; the client names the key of each attempt (the keyring's, which may rotate).
    this.key = options.keyId ?? '';
    if (this.budget) {
      this.tokens = store.limiter({
        name: 'upstream-budget.tokens',
        keyWide: true,
        points: this.budget.tokensPerWindow,
        duration: this.budget.tokenWindowSeconds,
        blockDuration: 0,
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
   * Call before sending each attempt to PerformChat, once the circuit breaker has let the call
   * through.
   * @param charges what the attempt spends: a point of each budget listed (`token-generation`,
   * `api-request`); the key-wide auth-failure check applies whatever is listed
   * @param deadlineAt the call's deadline (epoch ms): waiting for a probe ends by then.
   * @param keyId the key the attempt is sent with: the budget is the key's, shared by every
   * instance using it. @default the `keyId` option
   * @throws PerformChatError `RATE_LIMITED` (with `retryAfterMs`) when the budget refuses the
   * attempt, `TIMEOUT` when the deadline passes while it waits for a probe.
   */
  async beforeAttempt(
    charges: readonly PerformChatBudgetCharge[],
    deadlineAt: number,
    keyId = this.key,
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
      if (!auth.allowed) throw this.refuse('auth', auth, budget);
      const refusal = await this.spend(charges, budget, keyId);
      if (refusal) {
        if (reserved) await authFailures.reward(keyId);
        throw refusal;
      }
      if (!reserved) return this.checkedPermit(keyId);
      return {
        settle: async (error?: unknown) => {
          await this.settle(true, error, keyId);
          finish();
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
   * Takes one point of each budget in `charges`, in order; on the first refusal gives back the
   * points already taken (the attempt is not sent, so PerformChat counts none of them).
   * @returns the refusal, or undefined when every point was taken
   */
  private async spend(
    charges: readonly PerformChatBudgetCharge[],
    budget: ResolvedUpstreamBudget,
    keyId: string,
  ): Promise<PerformChatError | undefined> {
    const taken: PerformChatLimiter[] = [];
    for (const charge of charges) {
      const [kind, limiter] = charge === 'token-generation' ? (['tokens', this.tokens] as const) : (['api-requests', this.apiRequests] as const);
      if (!limiter) continue;
      const spent = await limiter.consume(keyId);
      if (!spent.allowed) {
        for (const earlier of taken) await earlier.reward(keyId);
        return this.refuse(kind, spent, budget);
      }
      taken.push(limiter);
    }
    return undefined;
  }

  /** Never throws: the budget never fails an attempt that already happened. */
  private async settle(reserved: boolean, error: unknown, keyId: string): Promise<void> {
    const { budget, authFailures } = this;
    if (!budget || !authFailures) return;
    try {
      if (isPerformChatError(error, PerformChatErrorCode.INVALID_CREDENTIALS)) {
        this.proven = false;
        const count = reserved ? await authFailures.get(keyId) : await authFailures.consume(keyId);
        if (count.consumed >= budget.authFailuresPerWindow) this.logOnce('auth', count, budget);
        return;
      }
      this.proven = true;
      if (reserved) await authFailures.reward(keyId);
    } catch {
      // A store failure here must not turn an answered attempt into a failure.
    }
  }

  private refuse(kind: BudgetKind, verdict: RateLimitVerdict, budget: ResolvedUpstreamBudget): PerformChatError {
    this.logOnce(kind, verdict, budget);
    const retryAfterMs = Math.max(1, verdict.msBeforeReset);
    const { limit, windowSeconds } = limitOf(kind, budget);
    return new PerformChatError(PerformChatErrorCode.RATE_LIMITED, budgetSpentMessage(kind, limit, windowSeconds, retryAfterMs), {
      retryAfterMs,
    });
  }

  /** Reports a refusal; the first of each refusal period and kind says so (the log line is once per period). */
  private logOnce(kind: BudgetKind, verdict: RateLimitVerdict, budget: ResolvedUpstreamBudget): void {
    const now = Date.now();
    const firstInWindow = now >= this.loggedUntil[kind];
    if (firstInWindow) this.loggedUntil[kind] = now + verdict.msBeforeReset;
    this.telemetry.report({
      type: 'budget.refused',
      budget: kind,
      ...limitOf(kind, budget),
      retryAfterMs: verdict.msBeforeReset,
      firstInWindow,
    });
  }
}
