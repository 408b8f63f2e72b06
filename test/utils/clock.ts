/**
 * Clocks for tests that move time without sleeping (STYLE 15).
 *
 * Both keep IO real (loopback HTTP, supertest, Redis, the emulator), so they work in specs
 * and e2e tests alike; both are undone with `restore()` (call it in a `finally` or `afterEach`).
 */

/** Jest's fakeable APIs that IO and promise scheduling need: these always stay real. */
const IO_APIS = ['nextTick', 'setImmediate', 'clearImmediate', 'queueMicrotask', 'hrtime', 'performance'] as const;
const TIMER_APIS = ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] as const;

export interface TestClock {
  /** Moves the clock forward by `ms`. */
  advance(ms: number): Promise<void>;
  /** Back to the real clock (and real timers). */
  restore(): void;
}

/**
 * Fakes `Date` only, from `now` on; it stands still until `advance()`. For what counts time
 * with `Date.now()`: rate-limit windows and blocks (the memory store), the upstream budget,
 * circuit-breaker cooldowns (cockatiel), the health cache, the emulator's limits. Timers stay
 * real, so nothing that waits on a timer is affected.
 */
export function useDateClock(now = Date.now()): TestClock {
  jest.useFakeTimers({ now, doNotFake: [...IO_APIS, ...TIMER_APIS] });
  return {
    advance: async (ms) => {
      jest.setSystemTime(Date.now() + ms);
    },
    restore: () => jest.useRealTimers(),
  };
}

/**
 * Fakes `Date` and the timers (`setTimeout`, `setInterval`), from `now` on: a wait (a backoff,
 * a `Retry-After`, a time limit) ends when `advance()` passes it, and `Date.now()` moves with
 * it. IO stays real; use {@link until} to wait for it.
 */
export function useTimerClock(now = Date.now()): TestClock {
  jest.useFakeTimers({ now, doNotFake: [...IO_APIS] });
  return {
    advance: (ms) => jest.advanceTimersByTimeAsync(ms).then(() => undefined),
    restore: () => jest.useRealTimers(),
  };
}

/**
 * Resolves once `condition()` holds, checking after each turn of the event loop (real
 * `setImmediate`, so real IO gets its turn between checks, fake timers or not).
 */
export async function until(condition: () => boolean, what = 'the condition', maxTurns = 200_000): Promise<void> {
  for (let turn = 0; !condition(); turn++) {
    if (turn === maxTurns) throw new Error(`until: ${what} did not hold after ${maxTurns} event-loop turns`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
