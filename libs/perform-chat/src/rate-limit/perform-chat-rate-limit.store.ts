import { Inject, Injectable, Logger, OnModuleInit, Optional } from '@nestjs/common';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { PERFORM_CHAT_STORES_SLICE, PerformChatStoresSlice } from '../options/perform-chat-options.slices';
import { LOGGER_CONTEXT } from '../perform-chat.constants';
import { Messages } from '../perform-chat.messages';
import { performChatLogEntry } from '../telemetry/perform-chat-log.listener';
import { PerformChatRedisConnections } from '../redis/perform-chat-redis.connections';
import { PerformChatRedisClient } from '../redis/redis-client';
import { hashTag, redisKey } from '../redis/redis-keys';
import { REDIS_READY_TIMEOUT_MS, whenRedisReady } from '../redis/redis-ready';
import { ResolvedRateLimit, ResolvedRateLimitStore } from '../options/rate-limit.options';
import { PerformChatLimiter } from './perform-chat-limiter';
import { PerformChatMemoryLimiter } from './perform-chat-memory-limiter';
import { InsuranceLimiter, RedisOutageMonitor } from './redis-outage.monitor';
import { PerformChatKeyWideLimiters } from './key-wide-limiters';
import { RedisSlidingWindowLog } from './redis-sliding-window-log';
import { MemorySlidingWindowLog, SlidingWindowLog, SlidingWindowSpec } from './sliding-window-log';

/** What a limiter counts: a name (one key segment) and its limit. */
export interface PerformChatLimiterSpec extends ResolvedRateLimit {
  name: string;
  /**
   * Counts for the API key rather than for this instance (the upstream budget): under the
   * configured key prefix without the instance's name, and in memory one limiter for every
   * instance of the app ({@link PerformChatKeyWideLimiters}), so two instances using one key
   * spend one budget.
   */
  keyWide?: boolean;
}

/**
 * Makes and keeps the limiters of the `rateLimit.store`: {@link PerformChatMemoryLimiter} (the
 * answers of rate-limiter-flexible's `RateLimiterMemory`, without a timer per key), or
 * rate-limiter-flexible's `RateLimiterRedis` with such an in-memory insurance limiter
 * (same points and duration) that answers while Redis does not, so a Redis outage never
 * fails a request. One limiter per counter name and limit, made on first use.
 *
 * Keys: `<store keyPrefix>:<counter name>:{<caller>}`, e.g. `performchat:rl:ChatController.send:{u:42}`
 * (in Redis, the caller a hash tag so one user's counters share a Redis Cluster slot; in memory
 * each counter has a storage of its own, keyed by `<caller>`). Every Redis call touches one key
 * (rate-limiter-flexible's one-key Lua script, or a MULTI on one key), so nothing crosses slots.
 * A named instance counts under `<store keyPrefix>:<instance name>:...`; the upstream budget, which
 * belongs to the API key, under `<store keyPrefix>:upstream-budget.*:{<keyId>}` for every instance.
 */
@Injectable()
export class PerformChatRateLimitStore implements OnModuleInit {
  private readonly logger = new Logger(LOGGER_CONTEXT);
  private readonly limiters = new Map<string, PerformChatLimiter>();
  private readonly logs = new Map<string, SlidingWindowLog>();
  private readonly store: ResolvedRateLimitStore;
  private client?: PerformChatRedisClient;
  private monitor?: RedisOutageMonitor;

  constructor(
    @Inject(PERFORM_CHAT_STORES_SLICE) options: PerformChatStoresSlice,
    private readonly connections: PerformChatRedisConnections,
    /** The app's key-wide memory limiters; without it (a store built by hand) they are this store's own. */
    @Optional() private readonly keyWide: PerformChatKeyWideLimiters = new PerformChatKeyWideLimiters(),
  ) {
    this.store = options.rateLimit.store;
  }

  /**
   * Opens (or takes) the Redis connection at boot, so it is registered for health checks and
   * shutdown, and waits up to {@link REDIS_READY_TIMEOUT_MS} for it to be ready: until then every
   * count would go to the per-instance insurance limiter. A Redis that is down at boot does not
   * stop the app; the limits count in memory until it answers.
   */
  async onModuleInit(): Promise<void> {
    if (this.store.kind === 'redis') await whenRedisReady(this.redis(), REDIS_READY_TIMEOUT_MS);
  }

  /** `'memory'` or `'redis'`. */
  get kind(): ResolvedRateLimitStore['kind'] {
    return this.store.kind;
  }

  /**
   * The store key prefix of a counter: `<store keyPrefix>:<name>` (with `:<instance name>` after
   * the store's prefix for a named instance), or without the instance for a key-wide counter.
   */
  keyPrefixOf(name: string, keyWide = false): string {
    return redisKey(keyWide ? this.store.keyWidePrefix : this.store.keyPrefix, name);
  }

  /**
   * The sliding-window log of a counter (the upstream token budget, the per-user share), made on
   * first use and then reused: in memory, or in Redis (milliseconds, Redis' clock) with a memory
   * fallback during an outage. Keys `<prefix>:<name>:{<key>}`; a key-wide one (`keyWide`) under
   * the prefix without the instance's name, and in memory one log for every instance of the app.
   */
  slidingWindow(spec: SlidingWindowSpec & { keyWide?: boolean }): SlidingWindowLog {
    const keyPrefix = this.keyPrefixOf(spec.name, spec.keyWide);
    const id = `log|${keyPrefix}|${spec.limit}|${spec.windowMs}`;
    const create = (): SlidingWindowLog =>
      this.store.kind === 'memory'
        ? new MemorySlidingWindowLog(spec)
        : new RedisSlidingWindowLog(spec, this.redis(), keyPrefix, this.monitor);
    if (spec.keyWide && this.store.kind === 'memory') return this.keyWide.get(id, create);
    let log = this.logs.get(id);
    if (!log) {
      log = create();
      this.logs.set(id, log);
    }
    return log;
  }

  /** The limiter of a counter, made on first use and then reused. */
  limiter(spec: PerformChatLimiterSpec): PerformChatLimiter {
    const id = `${this.keyPrefixOf(spec.name, spec.keyWide)}|${spec.points}|${spec.duration}|${spec.blockDuration}`;
    if (spec.keyWide && this.store.kind === 'memory') return this.keyWide.get(id, () => this.create(spec));
    let limiter = this.limiters.get(id);
    if (!limiter) {
      limiter = this.create(spec);
      this.limiters.set(id, limiter);
    }
    return limiter;
  }

  private create(spec: PerformChatLimiterSpec): PerformChatLimiter {
    const keyPrefix = this.keyPrefixOf(spec.name, spec.keyWide);
    if (this.store.kind === 'memory') {
      const limiter = new PerformChatMemoryLimiter({ ...this.limits(spec), keyPrefix });
      return new PerformChatLimiter(spec.name, limiter);
    }
    const limits = this.wholeSeconds(spec);
    const storeClient = this.redis();
    const insuranceLimiter = new InsuranceLimiter({ ...limits, keyPrefix });
    const limiter = new RateLimiterRedis({
      ...limits,
      keyPrefix,
      storeClient,
      // ioredis not "ready" (reconnecting, ...): go to the insurance limiter at once instead of queueing.
      rejectIfRedisNotReady: true,
      insuranceLimiter,
    });
    return new PerformChatLimiter(spec.name, limiter, this.monitor, hashTag);
  }

  private limits(spec: ResolvedRateLimit): ResolvedRateLimit {
    return { points: spec.points, duration: spec.duration, blockDuration: spec.blockDuration };
  }

  /**
   * rate-limiter-flexible's Redis store sets TTLs in whole seconds (rounding down, and a 0 TTL
   * would never expire): a fractional duration from a decorator is rounded up, with a warning.
   */
  private wholeSeconds(spec: PerformChatLimiterSpec): ResolvedRateLimit {
    const duration = Math.max(1, Math.ceil(spec.duration));
    const blockDuration = Math.ceil(spec.blockDuration);
    if (duration !== spec.duration || blockDuration !== spec.blockDuration) {
      this.logger.warn(
        performChatLogEntry('rate-limit.rounded-up', Messages.rateLimitRoundedUp(spec.name, duration, blockDuration), {
          limitName: spec.name,
          durationSeconds: duration,
          blockDurationSeconds: blockDuration,
        }),
      );
    }
    return { points: spec.points, duration, blockDuration };
  }

  private redis(): PerformChatRedisClient {
    if (!this.client) {
      const store = this.store as Extract<ResolvedRateLimitStore, { kind: 'redis' }>;
      this.client = this.connections.get(store.redis);
      this.monitor = new RedisOutageMonitor(this.client, LOGGER_CONTEXT);
    }
    return this.client;
  }
}
