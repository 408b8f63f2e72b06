import { fullJitterDelay, RandomSource } from './backoff';

/** mulberry32: a small seeded generator of uniform numbers in [0, 1), so every run draws the same. */
function seeded(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DRAWS = 5_000;
/** The largest double below 1: what `Math.random` can return at most. */
const ALMOST_ONE = 1 - 2 ** -53;

describe('fullJitterDelay', () => {
  describe('lies in [0, min(maxDelayMs, baseDelayMs·2^(n-1))) over many seeded draws, and fills it', () => {
    const rows: [baseDelayMs: number, maxDelayMs: number, retry: number, ceiling: number][] = [
      // The defaults (100 ms, 2 s): doubling, then capped.
      [100, 2_000, 1, 100],
      [100, 2_000, 2, 200],
      [100, 2_000, 3, 400],
      [100, 2_000, 4, 800],
      [100, 2_000, 5, 1_600],
      [100, 2_000, 6, 2_000],
      [100, 2_000, 10, 2_000],
      // A cap below the first ceiling wins from the start.
      [500, 300, 1, 300],
      [30, 60, 1, 30],
      [30, 60, 2, 60],
      [30, 60, 3, 60],
      // The largest settings: 2^(n-1) overflows to Infinity, the cap still holds.
      [60_000, 60_000, 1, 60_000],
      [1, 60_000, 17, 60_000],
      [1, 60_000, 1_100, 60_000],
      // A 1 ms ceiling: always 0.
      [1, 1, 1, 1],
      [1, 1, 5, 1],
    ];

    it.each(rows)('base %i ms, cap %i ms, retry %i: [0, %i)', (baseDelayMs, maxDelayMs, retry, ceiling) => {
      const random = seeded(baseDelayMs * 7919 + maxDelayMs * 104729 + retry);
      const delays = Array.from({ length: DRAWS }, () => fullJitterDelay(retry, baseDelayMs, maxDelayMs, random));
      const min = Math.min(...delays);
      const max = Math.max(...delays);
      const mean = delays.reduce((sum, delay) => sum + delay, 0) / DRAWS;

      expect(delays.every(Number.isInteger)).toBe(true);
      // Both bounds of the interval.
      expect(min).toBeGreaterThanOrEqual(0);
      expect(max).toBeLessThan(ceiling);
      // Full jitter reaches both ends: no floor under the wait (equal jitter waits at least
      // half), no ceiling below the documented one (a wrong exponent or cap).
      expect(min).toBeLessThanOrEqual(Math.floor(ceiling * 0.01));
      expect(max).toBeGreaterThanOrEqual(Math.floor(ceiling * 0.99) - 1);
      // Uniform: the mean is the middle of [0, ceiling - 1].
      expect(Math.abs(mean - (ceiling - 1) / 2)).toBeLessThanOrEqual(ceiling * 0.03);
    });
  });

  it.each<[string, number, number, RandomSource]>([
    ['the smallest draw', 3, 0, () => 0],
    ['the largest draw', 3, 399, () => ALMOST_ONE],
    ['the middle', 3, 200, () => 0.5],
    ['rounded down, never up', 1, 99, () => 0.999],
    ['the largest draw at the cap', 8, 1_999, () => ALMOST_ONE],
  ])('%s: retry %i of base 100 ms, cap 2 s → %i ms', (_name, retry, delay, random) => {
    expect(fullJitterDelay(retry, 100, 2_000, random)).toBe(delay);
  });

  it('draws once per call from Math.random by default', () => {
    const random = jest.spyOn(Math, 'random').mockReturnValue(0.25);
    try {
      expect(fullJitterDelay(2, 100, 2_000)).toBe(50);
      expect(random).toHaveBeenCalledTimes(1);
    } finally {
      random.mockRestore();
    }
  });
});
