interface CachedResult<T> {
  result: T;
  at: number;
}

/**
 * One result shared by every caller: reused while younger than the caller's TTL, and while a
 * run is in flight every caller awaits that same run. A run that throws is not cached.
 */
export class PerformChatHealthCache<T> {
  private cached: CachedResult<T> | undefined;
  private inFlight: Promise<T> | undefined;

  /** @param now clock in milliseconds (injectable for tests) */
  constructor(private readonly now: () => number = Date.now) {}

  /** The cached result when younger than `ttlMs`, else the in-flight run, else a new run of `run`. */
  get(ttlMs: number, run: () => Promise<T>): Promise<T> {
    if (this.cached && this.now() - this.cached.at < ttlMs) return Promise.resolve(this.cached.result);
    this.inFlight ??= run()
      .then((result) => {
        this.cached = { result, at: this.now() };
        return result;
      })
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }
}
