interface Window {
  count: number;
  resetAt: number;
}

/** Entries kept before expired windows are swept (no timers: sweeping happens on insert). */
const SWEEP_THRESHOLD = 10_000;

/**
 * Fixed-window counter per key: a window opens at a key's first hit and lasts `windowMs`.
 * Memory is bounded by sweeping expired windows when the map grows; no timer per hit.
 */
export class FixedWindowRateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    readonly points: number,
    readonly windowMs: number,
  ) {}

  /** Counts one hit. Returns 0 when allowed, else the milliseconds until the window resets. */
  consume(key: string, now: number): number {
    const window = this.current(key, now);
    window.count++;
    return window.count > this.points ? window.resetAt - now : 0;
  }

  /** Without counting: 0 when the key may still be counted, else the ms until the window resets. */
  blockedFor(key: string, now: number): number {
    const window = this.windows.get(key);
    if (window === undefined || window.resetAt <= now || window.count < this.points) return 0;
    return window.resetAt - now;
  }

  /** Forgets every window. */
  reset(): void {
    this.windows.clear();
  }

  private current(key: string, now: number): Window {
    let window = this.windows.get(key);
    if (window === undefined) {
      if (this.windows.size >= SWEEP_THRESHOLD) this.sweep(now);
      window = { count: 0, resetAt: now + this.windowMs };
      this.windows.set(key, window);
    } else if (window.resetAt <= now) {
      window.count = 0;
      window.resetAt = now + this.windowMs;
    }
    return window;
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) {
      if (window.resetAt <= now) this.windows.delete(key);
    }
  }
}

/** Whole seconds for a `Retry-After` header: the ceiling, at least 1. */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
