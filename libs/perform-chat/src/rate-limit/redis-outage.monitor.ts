import { Logger } from '@nestjs/common';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { Messages } from '../perform-chat.messages';
import { performChatLogEntry } from '../telemetry/perform-chat-log.listener';
import { PerformChatRedisClient, isRedisCluster } from '../redis/redis-client';
import { describeRedisClient } from '../redis/redis-client-name';
import { PerformChatMemoryLimiter } from './perform-chat-memory-limiter';

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
 * On a Redis Cluster, how long no call may have gone to the insurance limiter before Redis counts
 * as back. While one master is down (or failing over) the keys of the other masters still answer:
 * without this the monitor would log "down" and "back" on every other call.
 */
export const CLUSTER_RECOVERY_QUIET_MS = 1_000;

/**
 * Logs a Redis outage of the rate-limit store once, when the first call falls back to the
 * insurance limiter, and once more when Redis answers again: never one line per request.
 * One node is back at its first answer; a cluster once no call has needed the insurance limiter
 * for {@link CLUSTER_RECOVERY_QUIET_MS} (a partial outage answers for some keys only).
 */
export class RedisOutageMonitor {
  private readonly logger: Logger;
  private down = false;
  private readonly where: string;
  private readonly cluster: boolean;
  private lastInsuranceAt = 0;

  constructor(
    client: PerformChatRedisClient,
    loggerContext: string,
    private readonly now: () => number = Date.now,
  ) {
    this.logger = new Logger(loggerContext);
    this.where = describeRedisClient(client);
    this.cluster = isRedisCluster(client);
  }

  /** True while Redis counts as down (the insurance limiter answered and Redis has not been back since). */
  get isDown(): boolean {
    return this.down;
  }

  /** Records who answered one call. */
  observe(viaInsurance: boolean): void {
    if (viaInsurance) {
      this.lastInsuranceAt = this.now();
      if (this.down) return;
      this.down = true;
      this.logger.warn(
        performChatLogEntry(
          'rate-limit-store.down',
          this.cluster ? Messages.rateLimitRedisClusterDown(this.where) : Messages.rateLimitRedisDown(this.where),
          { where: this.where, cluster: this.cluster },
        ),
      );
      return;
    }
    if (!this.down) return;
    if (this.cluster && this.now() - this.lastInsuranceAt < CLUSTER_RECOVERY_QUIET_MS) return;
    this.down = false;
    this.logger.log(
      performChatLogEntry(
        'rate-limit-store.up',
        this.cluster ? Messages.rateLimitRedisClusterBack(this.where) : Messages.rateLimitRedisBack(this.where),
        { where: this.where, cluster: this.cluster },
      ),
    );
  }
}
