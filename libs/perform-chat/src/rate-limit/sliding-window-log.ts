/** What a sliding-window log counts: at most `limit` entries in any window of `windowMs`. */
export interface SlidingWindowSpec {
  /** Counter name, one segment of the store key. */
  name: string;
  limit: number;
  windowMs: number;
}

/** One request for a slot. */
export interface SlidingWindowRequest {
  /** The longest wait accepted for a slot, in ms (0: now or never). */
  maxWaitMs: number;
  /**
   * How long, after its slot, an entry may still be in use before it is settled, in ms: until
   * then it counts as if it were used at the last moment (an HTTP attempt can reach the server
   * until its timeout). 0 for an entry used at once.
   */
  holdMs: number;
}

/** A slot: its wait, its place in the arrival order, and how to report how it was used. */
export interface SlidingWindowGrant {
  granted: true;
  /** How long to wait before using the slot (0: now). */
  waitMs: number;
  /** When the slot starts, in the log's clock (epoch ms; Redis' clock for a Redis log). */
  slotAt: number;
  /** Arrival number of this request in the log (across instances for a Redis log). */
  ticket: number;
  /** The slot was used and is over now: it counts until now + the window, no longer. */
  settle(): Promise<void>;
  /** The slot was never used (nothing was sent): it counts no more. */
  release(): Promise<void>;
}

export interface SlidingWindowRefusal {
  granted: false;
  /** When a slot frees (if nobody takes it first), in ms: a true Retry-After. */
  retryAfterMs: number;
}

export type SlidingWindowVerdict = SlidingWindowGrant | SlidingWindowRefusal;

/**
 * A sliding-window log with reservations: never more than `limit` entries in any window of
 * `windowMs`, whatever its alignment (a fixed window would allow twice the limit across a window
 * boundary). An entry counts from its slot until `windowMs` after it was settled (or after its
 * slot plus `holdMs` while it is not), so a slot used late still keeps the limit where it is
 * counted (at PerformChat).
 *
 * A request the log cannot serve now gets the earliest slot at which it can, if that is within
 * `maxWaitMs`: the slot is reserved at once, so requests are served in arrival order (a slot is
 * never earlier than one given before), and the refusal of a longer wait says exactly when the
 * next slot frees.
 */
export interface SlidingWindowLog {
  acquire(key: string, request: SlidingWindowRequest): Promise<SlidingWindowVerdict>;
}

/**
 * The earliest start of a slot, from the expiries (epoch ms, all after `now`) of the entries that
 * count: with `limit` or more of them, the one whose expiry leaves `limit - 1` after it.
 */
export function earliestSlot(expiries: number[], limit: number, now: number): number {
  if (expiries.length < limit) return now;
  const sorted = [...expiries].sort((a, b) => a - b);
  return sorted[sorted.length - limit];
}

interface Log {
  /** Entry id → when it stops counting (epoch ms). */
  entries: Map<number, number>;
  /** The latest slot given: later arrivals never get an earlier one. */
  lastSlot: number;
  /** When expired entries were last dropped (epoch ms). */
  sweptAt: number;
}

/**
 * How often a log below its limit drops its expired entries (ms). At or over the limit every
 * acquire drops them (the slot depends on exactly which count); below it they cannot change the
 * answer, so dropping them once in a while bounds memory without a pass over every entry per
 * acquire (a budget of 1e9 a minute would hold a minute of entries).
 */
const LOG_SWEEP_INTERVAL_MS = 1_000;

/** Logs kept before the empty ones are swept (no timers: sweeping happens on acquire). */
const SWEEP_THRESHOLD = 10_000;

/**
 * The log in this process (memory store, and the fallback of the Redis one): a FIFO of
 * reservations per key. Memory is bounded: expired entries go on each acquire, and logs with
 * nothing left are swept when the map grows.
 */
export class MemorySlidingWindowLog implements SlidingWindowLog {
  private readonly logs = new Map<string, Log>();
  private nextId = 0;
  private tickets = 0;

  constructor(
    readonly spec: SlidingWindowSpec,
    // Read at each call (not `Date.now` itself), so a clock faked after construction is seen.
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Keys with a log (for tests of the memory bound). */
  get size(): number {
    return this.logs.size;
  }

  /** Entries kept for `key`, expired ones not yet dropped included (for tests of the memory bound). */
  entryCount(key: string): number {
    return this.logs.get(key)?.entries.size ?? 0;
  }

  async acquire(key: string, { maxWaitMs, holdMs }: SlidingWindowRequest): Promise<SlidingWindowVerdict> {
    const now = this.now();
    const log = this.logOf(key, now);
    const { limit, windowMs } = this.spec;
    // Below the limit (expired entries included) the slot is now: no pass over the entries.
    const earliest = log.entries.size < limit ? now : earliestSlot([...log.entries.values()], limit, now);
    const slotAt = Math.max(earliest, log.lastSlot);
    const waitMs = slotAt - now;
    if (waitMs > maxWaitMs) return { granted: false, retryAfterMs: Math.max(1, waitMs) };
    const id = ++this.nextId;
    log.entries.set(id, slotAt + holdMs + windowMs);
    log.lastSlot = Math.max(log.lastSlot, slotAt);
    return {
      granted: true,
      waitMs,
      slotAt,
      ticket: ++this.tickets,
      settle: async () => {
        const expiry = log.entries.get(id);
        if (expiry !== undefined) log.entries.set(id, Math.min(expiry, Math.max(this.now(), slotAt) + windowMs));
      },
      release: async () => {
        log.entries.delete(id);
      },
    };
  }

  private logOf(key: string, now: number): Log {
    let log = this.logs.get(key);
    if (!log) {
      if (this.logs.size >= SWEEP_THRESHOLD) this.sweep(now);
      log = { entries: new Map(), lastSlot: 0, sweptAt: now };
      this.logs.set(key, log);
      return log;
    }
    if (log.entries.size >= this.spec.limit || now - log.sweptAt >= LOG_SWEEP_INTERVAL_MS) {
      for (const [id, expiry] of log.entries) if (expiry <= now) log.entries.delete(id);
      log.sweptAt = now;
    }
    return log;
  }

  private sweep(now: number): void {
    for (const [key, log] of this.logs) {
      for (const [id, expiry] of log.entries) if (expiry <= now) log.entries.delete(id);
      if (log.entries.size === 0 && log.lastSlot <= now) this.logs.delete(key);
    }
  }
}
