import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { Messages } from '../perform-chat.messages';
import { PerformChatMemoryLimiter } from './perform-chat-memory-limiter';
import { describeRedisClient } from '../redis/redis-client-name';

/** Property set on the per-call options object when the insurance limiter answered instead of Redis. */
const VIA_INSURANCE = 'performChatViaInsurance';

/** Per-call options handed to rate-limiter-flexible; the insurance limiter marks the ones it answered. */
export type LimiterCallOptions = { [key: string]: unknown };

export function answeredByInsurance(options: LimiterCallOptions): boolean {
  return options[VIA_INSURANCE] === true;
}

/**
 * The in-memory limiter rate-limiter-flexible falls back to while Redis does not answer
 * (`insuranceLimiter`). It only marks the call's options so the caller knows who answered:
 * rate-limiter-flexible passes the same options object to the insurance limiter.
 */
export class InsuranceLimiter extends PerformChatMemoryLimiter {
  override consume(key: string | number, points?: number, options: LimiterCallOptions = {}): Promise<RateLimiterRes> {
    options[VIA_INSURANCE] = true;
    return super.consume(key, points, options);
  }

  override reward(key: string | number, points?: number, options: LimiterCallOptions = {}): Promise<RateLimiterRes> {
    options[VIA_INSURANCE] = true;
    return super.reward(key, points, options);
  }

  override get(key: string | number, options: LimiterCallOptions = {}): Promise<RateLimiterRes | null> {
    options[VIA_INSURANCE] = true;
    return super.get(key);
  }
}

/**
 * Logs a Redis outage of the rate-limit store once, when the first call falls back to the
 * insurance limiter, and once more when Redis answers again: never one line per request.
 */
export class RedisOutageMonitor {
  private readonly logger: Logger;
  private down = false;
  private readonly where: string;

  constructor(client: Redis, loggerContext: string) {
    this.logger = new Logger(loggerContext);
    this.where = describeRedisClient(client);
  }

  /** True while the last answered call came from the insurance limiter. */
  get isDown(): boolean {
    return this.down;
  }

  /** Records who answered one call. */
  observe(viaInsurance: boolean): void {
    if (viaInsurance === this.down) return;
    this.down = viaInsurance;
    if (viaInsurance) this.logger.warn(Messages.rateLimitRedisDown(this.where));
    else this.logger.log(Messages.rateLimitRedisBack(this.where));
  }
}
