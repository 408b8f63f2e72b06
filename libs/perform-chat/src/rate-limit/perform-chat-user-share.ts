import { Inject, Injectable } from '@nestjs/common';
import { PerformChatError } from '../errors/perform-chat.error';
import { PerformChatErrorCode } from '../errors/perform-chat-error-code';
import { PERFORM_CHAT_BUDGET_SLICE, PerformChatBudgetSlice } from '../options/perform-chat-options.slices';
import { Messages } from '../perform-chat.messages';
import { PerformChatTelemetry } from '../telemetry/perform-chat-telemetry';
import { PerformChatRateLimitStore } from './perform-chat-rate-limit.store';
import type { SlidingWindowGrant, SlidingWindowLog } from './sliding-window-log';

/** A user's share spent on one attempt: report how it ended. */
export interface UserShareSpent {
  /** The attempt was sent and is over: it counts one window from now, no longer. */
  settle(): Promise<void>;
  /** Nothing was sent (the key-wide budget refused it): it counts no more. */
  release(): Promise<void>;
}

const NOTHING: UserShareSpent = { settle: async () => undefined, release: async () => undefined };

/**
 * One user's share of the key-wide token budget (`upstreamBudget.tokensPerUser`, by default a
 * tenth of `tokensPerMinute`): a sliding window per user and key, in the `rateLimit` store
 * (counter `upstream-budget.user-share`, shared by instances with Redis). Every attempt of a
 * generation that `PerformChatAuthService` makes (never for a reused or shared token) spends it,
 * in the upstream budget, before its key-wide slot, wherever the service is called from, so one
 * user, or one runaway loop calling the service, cannot take the budget of everyone else (the
 * route guard's per-user limit only covers the token routes). Like a key-wide slot, a share
 * counts from when it is taken until one window after its attempt's answer, so PerformChat
 * never sees more than the share of one user in any window, waits and retries included.
 */
@Injectable()
export class PerformChatUserShare {
  private readonly log?: SlidingWindowLog;
  private readonly limit: number;
  private readonly windowSeconds: number;

  constructor(
    @Inject(PERFORM_CHAT_BUDGET_SLICE) options: PerformChatBudgetSlice,
    store: PerformChatRateLimitStore,
    private readonly telemetry: PerformChatTelemetry,
  ) {
    const budget = options.upstreamBudget;
    this.limit = budget && budget.tokensPerUser !== false ? budget.tokensPerUser : 0;
    this.windowSeconds = budget ? budget.tokenWindowSeconds : 0;
    if (budget && budget.tokensPerUser !== false) {
      this.log = store.slidingWindow({
        name: 'upstream-budget.user-share',
        // The key's, like the budget it is a share of: every instance using the key counts it.
        keyWide: true,
        limit: budget.tokensPerUser,
        windowMs: Math.round(budget.tokenWindowSeconds * 1000),
      });
    }
  }

  /**
   * Spends one attempt of `userId`'s share of `keyId`'s budget.
   * @param holdMs how long after now the attempt may still reach PerformChat (its wait for a slot and its timeout)
   * @throws PerformChatError `USER_RATE_LIMITED` (with `retryAfterMs`) when it is spent.
   */
  async spend(keyId: string, userId: string, holdMs: number): Promise<UserShareSpent> {
    if (!this.log) return NOTHING;
    // One log per key and user (its Redis hash tag: README "Redis keys").
    const verdict = await this.log.acquire(`${keyId}:u:${userId}`, { maxWaitMs: 0, holdMs });
    if (!verdict.granted) {
      const { retryAfterMs } = verdict;
      this.telemetry.report({
        type: 'budget.refused',
        budget: 'user',
        limit: this.limit,
        windowSeconds: this.windowSeconds,
        retryAfterMs,
        firstInWindow: false,
      });
      throw new PerformChatError(
        PerformChatErrorCode.USER_RATE_LIMITED,
        Messages.userShareSpent(this.limit, this.windowSeconds, retryAfterMs),
        { retryAfterMs },
      );
    }
    const grant: SlidingWindowGrant = verdict;
    return { settle: () => grant.settle(), release: () => grant.release() };
  }
}
