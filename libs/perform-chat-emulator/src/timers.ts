/** Timers of delayed or trickled answers, tracked so `close()` can cancel them all. */
export class TimerRegistry {
  private readonly pending = new Set<NodeJS.Timeout>();

  /** Runs `fn` once after `ms`. */
  timeout(fn: () => void, ms: number): NodeJS.Timeout {
    const handle = setTimeout(() => {
      this.pending.delete(handle);
      fn();
    }, ms);
    this.pending.add(handle);
    return handle;
  }

  /** Runs `fn` every `ms` until {@link clear}ed. */
  interval(fn: () => void, ms: number): NodeJS.Timeout {
    const handle = setInterval(fn, ms);
    this.pending.add(handle);
    return handle;
  }

  /** Cancels one timer. */
  clear(handle: NodeJS.Timeout): void {
    clearTimeout(handle);
    this.pending.delete(handle);
  }

  /** Cancels every pending timer. */
  clearAll(): void {
    for (const handle of this.pending) clearTimeout(handle);
    this.pending.clear();
  }
}
