import { PerformChatHealthCache } from './perform-chat-health.cache';

describe('PerformChatHealthCache (injected clock)', () => {
  let now: number;
  let runs: number;
  let cache: PerformChatHealthCache<number>;
  const run = () => Promise.resolve(++runs);

  beforeEach(() => {
    now = 1_000;
    runs = 0;
    cache = new PerformChatHealthCache<number>(() => now);
  });

  it.each([
    ['a result younger than the TTL is reused', 5_000, 4_999, [1, 1]],
    ['a result exactly TTL old is renewed', 5_000, 5_000, [1, 2]],
    ['a result older than the TTL is renewed', 5_000, 7_000, [1, 2]],
    ['TTL 0 never reuses a finished result', 0, 0, [1, 2]],
  ])('%s', async (_name, ttl, advance, expected) => {
    const first = await cache.get(ttl, run);
    now += advance;
    const second = await cache.get(ttl, run);

    expect([first, second]).toEqual(expected);
    expect(runs).toBe(expected[1]);
  });

  it('callers during a run share it, whatever their TTL', async () => {
    let finish!: (value: number) => void;
    const slow = () => {
      runs++;
      return new Promise<number>((resolve) => (finish = resolve));
    };
    const pending = [cache.get(5_000, slow), cache.get(0, slow), cache.get(10, slow)];
    finish(42);

    await expect(Promise.all(pending)).resolves.toEqual([42, 42, 42]);
    expect(runs).toBe(1);
  });

  it('a run that throws is not cached and the next call runs again', async () => {
    await expect(cache.get(5_000, () => Promise.reject(new Error('bug')))).rejects.toThrow('bug');

    await expect(cache.get(5_000, run)).resolves.toBe(1);
    expect(runs).toBe(1);
  });
});
