import { IRateLimiterOptions, RateLimiterCompatibleAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import { ExpiringMemoryStorage } from './expiring-memory.storage';

type CallOptions = { [key: string]: unknown };
/** RateLimiterRes's fields are setters at runtime; its typings mark them read-only. */
type MutableRes = { -readonly [K in keyof RateLimiterRes]: RateLimiterRes[K] };

/**
 * An in-memory limiter with the answers of rate-limiter-flexible's `RateLimiterMemory` (same
 * consume/penalty/reward/block/set/get/delete logic, blocks and `execEvenly` included; the spec
 * compares the two step by step) on {@link ExpiringMemoryStorage}: no timer per key, and keys
 * stored without the `keyPrefix` (the storage belongs to this limiter alone, so the prefix told
 * nothing apart and cost its length on every tracked key). `keyPrefix` is still the limiter's
 * property.
 *
 * It extends `RateLimiterCompatibleAbstract`, the base rate-limiter-flexible exports for
 * limiters of one's own (a Redis limiter accepts it as its `insuranceLimiter`), instead of
 * swapping `RateLimiterMemory`'s private `_memoryStorage`, which any release could rename or
 * reshape. (`RateLimiterAbstract` and `RateLimiterStoreAbstract` are typed but not exported.)
 */
export class PerformChatMemoryLimiter extends RateLimiterCompatibleAbstract {
  /** The counts by key. Internal; read by specs and bench B4. */
  readonly storage = new ExpiringMemoryStorage();
  /** Points allowed per window. */
  readonly points: number;
  /** Window in seconds (0: counts never expire). */
  readonly duration: number;
  // Own fields (class fields are defined on the instance, ES2022) in place of the base class's
  // accessors, which only throw "You have to implement ...".
  override readonly keyPrefix: string;
  /** Seconds a key is blocked once over the limit (0: no block); a Redis limiter sets its insurance's. */
  override blockDuration: number;
  override execEvenly: boolean;
  /** The least delay of a call spread by `execEvenly`, in ms. */
  readonly execEvenlyMinDelayMs: number;

  constructor(options: IRateLimiterOptions) {
    super();
    this.points = options.points;
    this.duration = options.duration;
    this.keyPrefix = options.keyPrefix ?? 'rlflx';
    this.blockDuration = options.blockDuration ?? 0;
    this.execEvenly = Boolean(options.execEvenly);
    this.execEvenlyMinDelayMs =
      options.execEvenlyMinDelayMs ?? (this.points > 0 ? Math.ceil((this.duration * 1000) / this.points) : 0);
  }

  getKey(key: string | number): string {
    return String(key);
  }

  parseKey(rlKey: string): string {
    return rlKey;
  }

  override consume(key: string | number, pointsToConsume = 1, options: CallOptions = {}): Promise<RateLimiterRes> {
    const rlKey = this.getKey(key);
    let res = this.withRemaining(this.storage.incrby(rlKey, pointsToConsume, this.secDuration(options)));
    if (res.consumedPoints > this.points) {
      // Block only the first time the points are exceeded in this window.
      if (this.blockDuration > 0 && res.consumedPoints <= this.points + pointsToConsume) {
        res = this.storage.set(rlKey, res.consumedPoints, this.blockDuration);
      }
      return Promise.reject(res);
    }
    if (this.execEvenly && this.points > 0 && res.msBeforeNext > 0 && !res.isFirstInDuration) {
      let delay = Math.ceil(res.msBeforeNext / (res.remainingPoints + 2));
      if (delay < this.execEvenlyMinDelayMs) delay = res.consumedPoints * this.execEvenlyMinDelayMs;
      (res as MutableRes).msBeforeNext = Math.max(res.msBeforeNext - delay, 0);
      return new Promise((resolve) => setTimeout(resolve, delay, res));
    }
    return Promise.resolve(res);
  }

  override penalty(key: string | number, points = 1, options: CallOptions = {}): Promise<RateLimiterRes> {
    return Promise.resolve(
      this.withRemaining(this.storage.incrby(this.getKey(key), points, this.secDuration(options))),
    );
  }

  override reward(key: string | number, points = 1, options: CallOptions = {}): Promise<RateLimiterRes> {
    return Promise.resolve(
      this.withRemaining(this.storage.incrby(this.getKey(key), -points, this.secDuration(options))),
    );
  }

  /** Blocks `key` for `secDuration` seconds (0: for good) by setting its count to points + 1. */
  override block(key: string | number, secDuration: number): Promise<RateLimiterRes> {
    const initPoints = this.points + 1;
    this.storage.set(this.getKey(key), initPoints, secDuration);
    return Promise.resolve(new RateLimiterRes(0, secDuration === 0 ? -1 : secDuration * 1000, initPoints));
  }

  override set(key: string | number, points: number, secDuration: number): Promise<RateLimiterRes> {
    const msDuration = (secDuration >= 0 ? secDuration : this.duration) * 1000;
    this.storage.set(this.getKey(key), points, secDuration);
    return Promise.resolve(new RateLimiterRes(0, msDuration === 0 ? -1 : msDuration, points));
  }

  override get(key: string | number): Promise<RateLimiterRes | null> {
    const res = this.storage.get(this.getKey(key));
    return Promise.resolve(res === null ? null : this.withRemaining(res));
  }

  override delete(key: string | number): Promise<boolean> {
    return Promise.resolve(this.storage.delete(this.getKey(key)));
  }

  private withRemaining(res: RateLimiterRes): RateLimiterRes {
    (res as MutableRes).remainingPoints = Math.max(this.points - res.consumedPoints, 0);
    return res;
  }

  /** The window of a new key: the call's `customDuration` (seconds) when given, else `duration`. */
  private secDuration(options: CallOptions): number {
    const custom = options?.customDuration;
    return typeof custom === 'number' && custom >= 0 ? custom : this.duration;
  }
}
