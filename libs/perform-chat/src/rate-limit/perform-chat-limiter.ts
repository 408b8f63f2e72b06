import { RateLimiterLike, RateLimiterRes } from 'rate-limiter-flexible';
import { LimiterCallOptions, RedisOutageMonitor, answeredByInsurance } from './redis-outage.monitor';

/**
 * A rate-limiter-flexible answer, recognised by its shape rather than by class (STYLE 19:
 * a second copy of the package would make `instanceof` miss).
 */
function isRateLimiterRes(value: unknown): value is RateLimiterRes {
  if (typeof value !== 'object' || value === null) return false;
  const res = value as Partial<Record<keyof RateLimiterRes, unknown>>;
  return (
    typeof res.msBeforeNext === 'number' &&
    typeof res.remainingPoints === 'number' &&
    typeof res.consumedPoints === 'number'
  );
}

/** A rate-limiter-flexible limiter (Redis) or one of ours (memory): both know their points. */
export type PerformChatLimiterBackend = RateLimiterLike & { readonly points: number };

/** What a limiter decided for one caller. */
export interface RateLimitVerdict {
  /** False when the caller is over the limit (or blocked). */
  allowed: boolean;
  /** Points allowed per window. */
  limit: number;
  /** Points left in the current window. */
  remaining: number;
  /** Points consumed in the current window (0 when the key has no record). */
  consumed: number;
  /** Milliseconds until the window (or the block) ends; 0 when the key has no record. */
  msBeforeReset: number;
}

const asIs = (key: string) => key;

/**
 * One rate-limiter-flexible limiter (memory, or Redis with its in-memory insurance) behind a
 * small API that never rejects for "over the limit" (it answers a verdict) and reports to the
 * outage monitor who answered.
 */
export class PerformChatLimiter {
  constructor(
    /** Counter name, one segment of the store key. */
    readonly name: string,
    private readonly limiter: PerformChatLimiterBackend,
    private readonly monitor?: RedisOutageMonitor,
    /** The caller key as the store writes it (Redis: a hash tag, `{u:42}`). */
    private readonly storeKey: (key: string) => string = asIs,
  ) {}

  /** Points per window. */
  get points(): number {
    return this.limiter.points;
  }

  /** Consumes points for `key`; an over-the-limit answer is a verdict with `allowed: false`. */
  async consume(key: string, points = 1): Promise<RateLimitVerdict> {
    const options: LimiterCallOptions = {};
    let res: RateLimiterRes;
    let allowed = true;
    try {
      res = await this.limiter.consume(this.storeKey(key), points, options);
    } catch (rejection) {
      // Anything but a RateLimiterRes is a programming error: Redis failures go to the insurance limiter.
      if (!isRateLimiterRes(rejection)) throw rejection;
      res = rejection;
      allowed = false;
    }
    this.monitor?.observe(answeredByInsurance(options));
    return this.verdict(res, allowed);
  }

  /** Reads the state of `key` without consuming. */
  async get(key: string): Promise<RateLimitVerdict> {
    const options: LimiterCallOptions = {};
    const res = await this.limiter.get(this.storeKey(key), options);
    this.monitor?.observe(answeredByInsurance(options));
    if (res === null)
      return { allowed: true, limit: this.points, remaining: this.points, consumed: 0, msBeforeReset: 0 };
    return this.verdict(res, res.consumedPoints < this.points);
  }

  /** Gives points back (a reservation that turned out not to be needed). */
  async reward(key: string, points = 1): Promise<void> {
    const options: LimiterCallOptions = {};
    await this.limiter.reward(this.storeKey(key), points, options);
    this.monitor?.observe(answeredByInsurance(options));
  }

  private verdict(res: RateLimiterRes, allowed: boolean): RateLimitVerdict {
    return {
      allowed,
      limit: this.points,
      remaining: allowed ? Math.max(0, this.points - res.consumedPoints) : 0,
      consumed: res.consumedPoints,
      msBeforeReset: Math.max(0, res.msBeforeNext),
    };
  }
}
