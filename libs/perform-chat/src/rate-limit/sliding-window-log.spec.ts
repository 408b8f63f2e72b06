import { Redis } from 'ioredis';
import { TEST_REDIS_URL, deleteRedisPrefix, uniqueRedisPrefix } from '@test/utils/redis';
import { RedisSlidingWindowLog } from './redis-sliding-window-log';
import {
  MemorySlidingWindowLog,
  SlidingWindowGrant,
  SlidingWindowLog,
  SlidingWindowVerdict,
} from './sliding-window-log';

/** The largest number of `times` inside any window [t, t + windowMs). */
function mostInAnyWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i] - sorted[j] >= windowMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

const granted = (verdict: SlidingWindowVerdict): SlidingWindowGrant => {
  if (!verdict.granted) throw new Error(`refused (retry after ${verdict.retryAfterMs} ms)`);
  return verdict;
};

describe('MemorySlidingWindowLog (injected clock)', () => {
  let now: number;
  const clock = () => now;
  beforeEach(() => (now = 1_000_000));

  it('grants `limit` at once, then refuses with the exact time until the oldest entry leaves the window', async () => {
    const log = new MemorySlidingWindowLog({ name: 't', limit: 3, windowMs: 1_000 }, clock);
    for (let i = 0; i < 3; i++) {
      expect(granted(await log.acquire('k', { maxWaitMs: 0, holdMs: 0 }))).toMatchObject({ waitMs: 0, slotAt: now });
      now += 100;
    }
    // Entries at 0, 100, 200 (relative): the first leaves at 1000, i.e. 700 ms from now (300).
    expect(await log.acquire('k', { maxWaitMs: 0, holdMs: 0 })).toEqual({ granted: false, retryAfterMs: 700 });
    now += 700;
    expect(granted(await log.acquire('k', { maxWaitMs: 0, holdMs: 0 })).waitMs).toBe(0);
    // Keys count apart.
    expect(granted(await log.acquire('other', { maxWaitMs: 0, holdMs: 0 })).waitMs).toBe(0);
  });

  it('is a sliding window: no alignment lets more than `limit` through (a fixed window would give 2x at its edge)', async () => {
    const log = new MemorySlidingWindowLog({ name: 't', limit: 5, windowMs: 1_000 }, clock);
    const used: number[] = [];
    // Requests every 37 ms for 10 s: each takes a slot now or not at all.
    for (let t = 0; t < 10_000; t += 37) {
      now = 1_000_000 + t;
      const verdict = await log.acquire('k', { maxWaitMs: 0, holdMs: 0 });
      if (verdict.granted) used.push(verdict.slotAt);
    }
    expect(mostInAnyWindow(used, 1_000)).toBe(5);
    expect(used.length).toBeGreaterThanOrEqual(45); // and the budget is used: 5 per second over 10 s
  });

  it('reserves future slots in arrival order within maxWaitMs, and says how long the next one is when it is further', async () => {
    const log = new MemorySlidingWindowLog({ name: 't', limit: 2, windowMs: 1_000 }, clock);
    const grants: SlidingWindowGrant[] = [];
    for (let i = 0; i < 6; i++) {
      const verdict = await log.acquire('k', { maxWaitMs: 2_500, holdMs: 0 });
      grants.push(granted(verdict));
      now += 10;
    }
    // Two now, two a window later, two two windows later: in the order they came.
    expect(grants.map((g) => g.slotAt - 1_000_000)).toEqual([0, 10, 1_000, 1_010, 2_000, 2_010]);
    expect(grants.map((g) => g.ticket)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(grants.map((g) => g.waitMs)).toEqual([0, 0, 980, 980, 1_960, 1_960]);
    // The 7th would wait 2,940 ms > 2,500: refused with that wait, nothing reserved.
    expect(await log.acquire('k', { maxWaitMs: 2_500, holdMs: 0 })).toEqual({ granted: false, retryAfterMs: 2_940 });
    expect(
      mostInAnyWindow(
        grants.map((g) => g.slotAt),
        1_000,
      ),
    ).toBe(2);
  });

  it('never gives a later arrival an earlier slot, even when an entry settles early', async () => {
    const log = new MemorySlidingWindowLog({ name: 't', limit: 1, windowMs: 1_000 }, clock);
    const first = granted(await log.acquire('k', { maxWaitMs: 5_000, holdMs: 2_000 })); // in flight: counts to 3000
    const second = granted(await log.acquire('k', { maxWaitMs: 5_000, holdMs: 0 }));
    expect(second.slotAt - 1_000_000).toBe(3_000);
    await first.settle(); // answered at once: counts to 1000 only
    const third = granted(await log.acquire('k', { maxWaitMs: 5_000, holdMs: 0 }));
    expect(third.slotAt).toBeGreaterThanOrEqual(second.slotAt);
  });

  it('counts an entry in flight until its hold ends, and only a window after it settles', async () => {
    const log = new MemorySlidingWindowLog({ name: 't', limit: 1, windowMs: 1_000 }, clock);
    const inFlight = granted(await log.acquire('k', { maxWaitMs: 0, holdMs: 5_000 }));
    expect(await log.acquire('k', { maxWaitMs: 0, holdMs: 0 })).toEqual({ granted: false, retryAfterMs: 6_000 });
    now += 300; // the answer comes back after 300 ms: PerformChat counted it by then
    await inFlight.settle();
    expect(await log.acquire('k', { maxWaitMs: 0, holdMs: 0 })).toEqual({ granted: false, retryAfterMs: 1_000 });
  });

  it('below its limit, drops expired entries once a second, not at every acquire; at the limit, at every one', async () => {
    const log = new MemorySlidingWindowLog({ name: 't', limit: 1_000_000, windowMs: 100 }, clock);
    const entries = () => log.entryCount('k');
    for (let i = 0; i < 50; i++) await granted(await log.acquire('k', { maxWaitMs: 0, holdMs: 0 })).settle();
    now += 101; // all 50 expired
    await log.acquire('k', { maxWaitMs: 0, holdMs: 0 });
    expect(entries()).toBe(51); // not swept yet: below the limit the answer cannot depend on them
    expect(await log.remaining('k')).toBe(1_000_000 - 1); // counted right all the same
    now += 1_000;
    await log.acquire('k', { maxWaitMs: 0, holdMs: 0 });
    expect(entries()).toBe(1); // swept: memory stays bounded

    const tight = new MemorySlidingWindowLog({ name: 't', limit: 2, windowMs: 100 }, clock);
    await granted(await tight.acquire('k', { maxWaitMs: 0, holdMs: 0 })).settle();
    await granted(await tight.acquire('k', { maxWaitMs: 0, holdMs: 0 })).settle();
    now += 101;
    expect(granted(await tight.acquire('k', { maxWaitMs: 0, holdMs: 0 })).waitMs).toBe(0);
    expect(tight.entryCount('k')).toBe(1);
  });

  it('forgets a released slot (nothing was sent), and keeps at most the logs still counting', async () => {
    const log = new MemorySlidingWindowLog({ name: 't', limit: 1, windowMs: 1_000 }, clock);
    await granted(await log.acquire('k', { maxWaitMs: 0, holdMs: 0 })).release();
    expect(granted(await log.acquire('k', { maxWaitMs: 0, holdMs: 0 })).waitMs).toBe(0);
    for (let i = 0; i < 10_050; i++) await log.acquire(`user-${i}`, { maxWaitMs: 0, holdMs: 0 });
    expect(log.size).toBeGreaterThan(10_000);
    now += 1_001;
    await log.acquire('late', { maxWaitMs: 0, holdMs: 0 });
    expect(log.size).toBeLessThan(100);
  });
});

describe('RedisSlidingWindowLog (one log shared by instances)', () => {
  let redis: Redis;
  let prefix: string;
  const logs = (count: number, limit: number, windowMs: number): RedisSlidingWindowLog[] =>
    Array.from(
      { length: count },
      () => new RedisSlidingWindowLog({ name: 'budget', limit, windowMs }, redis, `${prefix}budget`),
    );

  beforeAll(async () => {
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    await redis.ping();
  });
  beforeEach(() => (prefix = uniqueRedisPrefix('sliding-log')));
  afterEach(() => deleteRedisPrefix(redis, prefix));
  afterAll(() => redis.quit());

  it('grants the limit across three instances under concurrency, then reserves slots in ticket order', async () => {
    const instances = logs(3, 5, 400);
    const verdicts = await Promise.all(
      Array.from({ length: 12 }, (_, i) => instances[i % 3].acquire('pk_1', { maxWaitMs: 1_000, holdMs: 0 })),
    );
    const grants = verdicts.filter((v): v is SlidingWindowGrant => v.granted);
    expect(grants).toHaveLength(12);
    expect(grants.filter((g) => g.waitMs === 0)).toHaveLength(5);
    const byTicket = [...grants].sort((a, b) => a.ticket - b.ticket);
    for (let i = 1; i < byTicket.length; i++) expect(byTicket[i].slotAt).toBeGreaterThanOrEqual(byTicket[i - 1].slotAt);
    expect(
      mostInAnyWindow(
        grants.map((g) => g.slotAt),
        400,
      ),
    ).toBeLessThanOrEqual(5);
    // 15 would need a third window (> 800 ms away): refused with the wait.
    const refusal = await instances[0].acquire('pk_1', { maxWaitMs: 500, holdMs: 0 });
    expect(refusal.granted).toBe(false);
    expect((refusal as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(500);
    expect((refusal as { retryAfterMs: number }).retryAfterMs).toBeLessThanOrEqual(800);
  });

  it('keeps the keys of one log in one hash tag, expiring with the last entry; settle and release shorten it', async () => {
    const [log] = logs(1, 1, 300);
    const first = granted(await log.acquire('pk_tag', { maxWaitMs: 0, holdMs: 10_000 }));
    const [logKey, lastKey, ticketKey] = log.keysOf('pk_tag');
    expect([logKey, lastKey, ticketKey].map((key) => /\{pk_tag\}/.test(key))).toEqual([true, true, true]);
    expect(await redis.pttl(logKey)).toBeGreaterThan(10_000);
    expect((await log.acquire('pk_tag', { maxWaitMs: 0, holdMs: 0 })).granted).toBe(false);
    await first.settle(); // now counts 300 ms from now only
    const refusal = await log.acquire('pk_tag', { maxWaitMs: 0, holdMs: 0 });
    expect((refusal as { retryAfterMs: number }).retryAfterMs).toBeLessThanOrEqual(300);
    const second = granted(await log.acquire('pk_tag', { maxWaitMs: 400, holdMs: 0 }));
    await second.release();
    expect(await redis.zcard(logKey)).toBe(1);
  });

  it('counts in memory while Redis is not ready, and never fails', async () => {
    const offline = new Redis(TEST_REDIS_URL, { lazyConnect: true });
    const log: SlidingWindowLog = new RedisSlidingWindowLog(
      { name: 'budget', limit: 1, windowMs: 1_000 },
      offline,
      `${prefix}x`,
    );
    expect((await log.acquire('pk', { maxWaitMs: 0, holdMs: 0 })).granted).toBe(true);
    expect((await log.acquire('pk', { maxWaitMs: 0, holdMs: 0 })).granted).toBe(false);
    offline.disconnect();
  });
});
