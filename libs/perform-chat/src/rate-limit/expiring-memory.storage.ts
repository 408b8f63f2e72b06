import { RateLimiterRes } from 'rate-limiter-flexible';

/** One key's count: points consumed in its window and when the window (or block) ends (epoch ms; null: never). */
class MemoryRecord {
  constructor(
    public value: number,
    public expiresAt: number | null,
  ) {}
}

/** The longest delay setTimeout honours. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A sweep runs at most this often (ms): an expired window is ignored at once, its memory is freed within this. */
export const SWEEP_INTERVAL_MS = 1_000;
/** Deletions per sweep before it yields to the event loop (a million expiring keys never block it for long). */
export const SWEEP_SLICE = 10_000;

/**
 * The storage of `PerformChatMemoryLimiter`: the methods and answers of rate-limiter-flexible's
 * internal `MemoryStorage` without its one `setTimeout` per key and window, which is most of
 * the heap per tracked key (bench B4: 466 → about 140 bytes per user).
 *
 * Expired records are never answered (each read checks `expiresAt`) and are deleted by a
 * single unref'd sweep timer per storage. A new window re-inserts its key, so the Map's
 * insertion order is the order in which windows end: a sweep deletes from the front until the
 * first live record, and is due again when that one ends (at most every
 * {@link SWEEP_INTERVAL_MS}). A record that ends later than the newest window (a block, a custom
 * duration, no expiry) is moved to the back when it reaches the front, so it never holds back
 * the records behind it.
 */
export class ExpiringMemoryStorage {
  /** The records by key, in insertion order. */
  readonly records = new Map<string, MemoryRecord>();
  private timer: NodeJS.Timeout | undefined;
  private sweepDueAt = Number.POSITIVE_INFINITY;
  /** `expiresAt` of the most recently inserted record that expires. */
  private newestExpiresAt = Number.NEGATIVE_INFINITY;

  incrby(key: string, value: number, durationSec: number): RateLimiterRes {
    const record = this.records.get(key);
    if (record) {
      const msBeforeExpires = record.expiresAt === null ? -1 : record.expiresAt - Date.now();
      if (record.expiresAt === null || msBeforeExpires > 0) {
        record.value = Math.trunc(record.value + value);
        return new RateLimiterRes(0, msBeforeExpires, record.value, false);
      }
    }
    return this.set(key, value, durationSec);
  }

  set(key: string, value: number, durationSec: number): RateLimiterRes {
    const durationMs = durationSec * 1000;
    const record = new MemoryRecord(Math.trunc(value), durationMs > 0 ? Date.now() + durationMs : null);
    this.insert(key, record);
    return new RateLimiterRes(0, durationMs === 0 ? -1 : durationMs, record.value, true);
  }

  get(key: string): RateLimiterRes | null {
    const record = this.records.get(key);
    if (!record) return null;
    if (record.expiresAt === null) return new RateLimiterRes(0, -1, record.value, false);
    const msBeforeExpires = record.expiresAt - Date.now();
    if (msBeforeExpires <= 0) {
      this.records.delete(key);
      return null;
    }
    return new RateLimiterRes(0, msBeforeExpires, record.value, false);
  }

  delete(key: string): boolean {
    return this.records.delete(key);
  }

  /** Puts the record at the back (its window is the newest) and makes sure a sweep is due when it ends. */
  private insert(key: string, record: MemoryRecord): void {
    this.records.delete(key);
    this.records.set(key, record);
    const { expiresAt } = record;
    if (expiresAt === null) return;
    this.newestExpiresAt = expiresAt;
    // Normally a sweep is already due before this record ends; re-arm only when it is not.
    if (expiresAt + SWEEP_INTERVAL_MS < this.sweepDueAt) this.arm(expiresAt - Date.now());
  }

  private arm(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    // setTimeout takes at most 2^31-1 ms (longer fires at once, with a TimeoutOverflowWarning);
    // a sweep that wakes before its record ends simply re-arms for the rest.
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, delayMs));
    this.sweepDueAt = Date.now() + delay;
    this.timer = setTimeout(this.sweep, delay);
    this.timer.unref?.();
  }

  private readonly sweep = (): void => {
    this.timer = undefined;
    this.sweepDueAt = Number.POSITIVE_INFINITY;
    const now = Date.now();
    let deletions = SWEEP_SLICE;
    let moves = this.records.size;
    for (const [key, record] of this.records) {
      const { expiresAt } = record;
      if (expiresAt !== null && expiresAt <= now) {
        this.records.delete(key);
        if (--deletions === 0) return this.arm(0);
        continue;
      }
      if ((expiresAt === null || expiresAt > this.newestExpiresAt) && moves-- > 0) {
        // Ends after the newest window: records behind it may end first.
        this.records.delete(key);
        this.records.set(key, record);
        continue;
      }
      // The first live record: nothing in front of it is left, everything behind ends later.
      if (expiresAt !== null) this.arm(Math.max(expiresAt - now, SWEEP_INTERVAL_MS));
      return;
    }
  };
}
