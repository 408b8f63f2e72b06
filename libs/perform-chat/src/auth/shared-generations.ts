/**
 * Concurrent requests for the same token in this instance share one generation (double clicks,
 * several tabs opening at once): the first runs it, the others await its outcome, success or
 * failure. The entry goes as soon as it settles, so a later request starts afresh.
 */
export class SharedGenerations<T> {
  private readonly inFlight = new Map<string, Promise<T>>();

  /** Generations in flight (for tests). */
  get size(): number {
    return this.inFlight.size;
  }

  /** Runs `generate` for `key`, unless one is in flight for it: then `shared` and its promise. */
  run(key: string, generate: () => Promise<T>): { promise: Promise<T>; shared: boolean } {
    const running = this.inFlight.get(key);
    if (running) return { promise: running, shared: true };
    const promise = generate().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, promise);
    return { promise, shared: false };
  }
}
