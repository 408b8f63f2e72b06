import type { ExecutionContext } from '@nestjs/common';
import {
  PerformChatSkipIf,
  PerformChatTracker,
  ResolvedPerformChatRateLimit,
  ResolvedRateLimitRule,
} from '../options/rate-limit.options';
import { resolveAnsweredLimit } from '../options/rate-limit.validation';
import { RATE_LIMIT_HEADERS } from './perform-chat-rate-limit.constants';
import { PerformChatLimiter } from './perform-chat-limiter';
import { PerformChatRateLimitStore } from './perform-chat-rate-limit.store';

/** Distinct answers of a limit's functions kept per limit (a function should answer one of a few values). */
const MAX_ANSWERED_LIMITERS = 1000;

const answer = async (value: unknown, context: ExecutionContext): Promise<unknown> =>
  typeof value === 'function' ? (value as (context: ExecutionContext) => unknown)(context) : value;

/**
 * One limit of one route, ready for requests: its counter name, its header names, its limiter
 * (made once when its values are fixed; per distinct answer when they are functions of the
 * context), and what it does besides counting (the limit's own settings, else the module's).
 */
export class PlannedRateLimit {
  /** The counter: the limit's `keyPrefix`, else `<route counter>` (`.<name>` for a named limit). */
  readonly counter: string;
  readonly headerNames: { limit: string; remaining: string; reset: string };
  /** Its limiter when points and durations are values (the common case: no work per request). */
  readonly limiter?: PerformChatLimiter;
  readonly skipIf?: PerformChatSkipIf;
  readonly tracker?: PerformChatTracker;
  readonly headers: boolean;
  readonly subscriptions: boolean;
  private readonly answered = new Map<string, PerformChatLimiter>();

  constructor(
    private readonly rule: ResolvedRateLimitRule,
    routeCounter: string,
    module: ResolvedPerformChatRateLimit,
    private readonly store: PerformChatRateLimitStore,
  ) {
    const named = rule.name !== undefined && rule.name !== 'default';
    this.counter = rule.keyPrefix ?? (named ? `${routeCounter}.${rule.name}` : routeCounter);
    // @nestjs/throttler's convention: the `default` limit's headers have no suffix.
    const suffix = named ? `-${rule.name}` : '';
    this.headerNames = {
      limit: `${RATE_LIMIT_HEADERS.limit}${suffix}`,
      remaining: `${RATE_LIMIT_HEADERS.remaining}${suffix}`,
      reset: `${RATE_LIMIT_HEADERS.reset}${suffix}`,
    };
    this.skipIf = rule.skipIf;
    this.tracker = rule.tracker ?? module.tracker;
    this.headers = rule.headers ?? module.headers;
    this.subscriptions = rule.subscriptions ?? module.subscriptions;
    const { points, duration, blockDuration } = rule;
    if (typeof points === 'number' && typeof duration === 'number' && typeof blockDuration === 'number') {
      this.limiter = store.limiter({ name: this.counter, points, duration, blockDuration });
    }
  }

  /**
   * The limiter for what the limit's functions answer for this request, checked with the rows
   * of the options the first time each distinct answer is seen.
   * @throws Error naming the limit and the field when an answer is not a valid value.
   */
  async limiterFor(context: ExecutionContext): Promise<PerformChatLimiter> {
    const [points, duration, blockDuration] = await Promise.all([
      answer(this.rule.points, context),
      answer(this.rule.duration, context),
      answer(this.rule.blockDuration, context),
    ]);
    const id = `${typeof points}:${String(points)}|${typeof duration}:${String(duration)}|${typeof blockDuration}:${String(blockDuration)}`;
    let limiter = this.answered.get(id);
    if (!limiter) {
      const limit = resolveAnsweredLimit({ points, duration, blockDuration }, this.counter);
      limiter = this.store.limiter({ name: this.counter, ...limit });
      if (this.answered.size < MAX_ANSWERED_LIMITERS) this.answered.set(id, limiter);
    }
    return limiter;
  }
}
