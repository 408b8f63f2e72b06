import {
  RateLimiterCompatibleAbstract,
  RateLimiterLike,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import { ExpiringMemoryStorage, SWEEP_INTERVAL_MS, SWEEP_SLICE } from './expiring-memory.storage';
import { PerformChatMemoryLimiter } from './perform-chat-memory-limiter';

const recordsOf = (limiter: PerformChatMemoryLimiter) => limiter.storage.records;

describe('PerformChatMemoryLimiter on ExpiringMemoryStorage', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  // The contract with rate-limiter-flexible: our limiter answers as its RateLimiterMemory does,
  // step by step. A release that changes those answers fails here, not in production.
  it('answers exactly as RateLimiterMemory does: counts, refusals, blocks, rewards, reads and deletes', async () => {
    const options = { points: 2, duration: 10, blockDuration: 30, keyPrefix: 'spec:Chat.send' };
    const ours = new PerformChatMemoryLimiter(options);
    const reference = new RateLimiterMemory(options);
    const settle = (promise: Promise<RateLimiterRes | boolean | null>) =>
      promise.then(
        (res) => ({ ok: true, res: res && typeof res === 'object' ? { ...res } : res }),
        (res: RateLimiterRes) => ({ ok: false, res: { ...res } }),
      );
    const steps: [number, (limiter: RateLimiterLike) => Promise<RateLimiterRes | boolean | null>][] = [
      [0, (l) => l.consume('u:1')],
      [1_000, (l) => l.consume('u:1')],
      [500, (l) => l.get('u:1')],
      [0, (l) => l.consume('u:1')], // over the limit: blocked for 30 s
      [15_000, (l) => l.consume('u:1')], // the window has ended, the block has not
      [0, (l) => l.reward('u:1', 2)],
      [0, (l) => l.penalty('u:2', 3)],
      [0, (l) => l.get('u:2')],
      [0, (l) => l.delete('u:2')],
      [0, (l) => l.get('u:2')],
      [20_000, (l) => l.get('u:1')], // block over: no record
      [0, (l) => l.consume('u:1', 2)],
      [0, (l) => l.block('u:3', 5)],
      [0, (l) => l.consume('u:3')],
      [6_000, (l) => l.consume('u:3')],
      [0, (l) => l.consume('u:4', 5)], // more than the points at once: blocked
      [0, (l) => l.get('u:4')],
      [0, (l) => l.penalty('u:5', 7)],
      [0, (l) => l.reward('u:6', 3)], // below zero
      [0, (l) => l.consume('u:6')],
      [0, (l) => l.set('u:7', 1, 20)],
      [0, (l) => l.set('u:8', 1, 0)], // for good
      [0, (l) => l.set('u:9', 2, -1)], // the limiter's duration
      [0, (l) => l.get('u:9')],
      [0, (l) => l.block('u:10', 0)],
      [0, (l) => l.consume('u:10')],
      [0, (l) => l.consume('u:11', 1, { customDuration: 3 })],
      [0, (l) => l.consume('u:11', 1, { customDuration: 30 })], // the window is set already
      [3_500, (l) => l.get('u:11')],
      [0, (l) => l.consume('u:12', 1, { customDuration: 0 })], // for good
      [0, (l) => l.get('u:12')],
      [20_000, (l) => l.get('u:7')],
      [0, (l) => l.get('u:8')],
      [0, (l) => l.delete('u:nobody')],
    ];
    for (const [advanceMs, step] of steps) {
      jest.advanceTimersByTime(advanceMs);
      const [a, b] = [await settle(step(ours)), await settle(step(reference))];
      expect(a).toEqual(b);
    }
  });

  it('spreads calls like RateLimiterMemory with execEvenly', async () => {
    const options = { points: 4, duration: 10, execEvenly: true, keyPrefix: 'spec:even' };
    const [ours, reference] = [new PerformChatMemoryLimiter(options), new RateLimiterMemory(options)];
    for (const limiter of [ours, reference]) {
      await limiter.consume('u:1'); // the first of a window is not delayed
    }
    const answered: Record<string, number[]> = { ours: [], reference: [] };
    const pending = [ours, reference].flatMap((limiter, i) =>
      [1, 2].map(() =>
        limiter.consume('u:1').then((res) => answered[i === 0 ? 'ours' : 'reference'].push(res.msBeforeNext)),
      ),
    );
    for (let elapsed = 0; elapsed < 10_000; elapsed += 250) await jest.advanceTimersByTimeAsync(250);
    await Promise.all(pending);
    expect(answered.ours).toHaveLength(2);
    expect(answered.ours).toEqual(answered.reference);
  });

  it("is a RateLimiterCompatibleAbstract: rate-limiter-flexible's Redis limiter takes it as its insurance", () => {
    const insurance = new PerformChatMemoryLimiter({ points: 1, duration: 1 });
    expect(insurance).toBeInstanceOf(RateLimiterCompatibleAbstract);
    // What the Redis store does with it; the setter refuses anything else.
    const redis = new RateLimiterRedis({
      storeClient: {},
      points: 1,
      duration: 1,
      blockDuration: 3,
      insuranceLimiter: insurance,
    });
    expect((redis as unknown as { insuranceLimiter: unknown }).insuranceLimiter).toBe(insurance);
    expect(insurance.blockDuration).toBe(3);
  });

  it('keeps one timer per limiter, not one per key, and frees every key once its window has ended', async () => {
    const limiter = new PerformChatMemoryLimiter({ points: 5, duration: 2, keyPrefix: 'spec' });
    for (let i = 0; i < 1_000; i++) await limiter.consume(`u:${i}`);
    expect(jest.getTimerCount()).toBe(1);
    expect(recordsOf(limiter).size).toBe(1_000);

    jest.advanceTimersByTime(1_000);
    for (let i = 1_000; i < 1_500; i++) await limiter.consume(`u:${i}`);
    expect(jest.getTimerCount()).toBe(1);

    jest.advanceTimersByTime(1_000); // the first 1000 windows end
    expect(recordsOf(limiter).size).toBe(500);
    jest.advanceTimersByTime(SWEEP_INTERVAL_MS); // and the last 500
    expect(recordsOf(limiter).size).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });

  it("stores keys without the prefix (the storage is the limiter's own), keeping keyPrefix as its property", async () => {
    const limiter = new PerformChatMemoryLimiter({ points: 5, duration: 60, keyPrefix: 'performchat:rl:Chat.send' });
    await limiter.consume('u:42', 2);
    expect([...recordsOf(limiter).keys()]).toEqual(['u:42']);
    expect(limiter.keyPrefix).toBe('performchat:rl:Chat.send');
    await expect(limiter.get('u:42')).resolves.toMatchObject({ consumedPoints: 2, msBeforeNext: 60_000 });
  });

  it('never lets a longer record (a block) hold back the windows behind it', async () => {
    const limiter = new PerformChatMemoryLimiter({ points: 1, duration: 1, blockDuration: 60, keyPrefix: 'spec' });
    await limiter.consume('blocked');
    await expect(limiter.consume('blocked')).rejects.toBeInstanceOf(RateLimiterRes); // blocked for 60 s
    for (let i = 0; i < 100; i++) await limiter.consume(`u:${i}`);

    jest.advanceTimersByTime(1_000 + SWEEP_INTERVAL_MS);
    expect([...recordsOf(limiter).keys()]).toEqual(['blocked']);
    await expect(limiter.get('blocked')).resolves.toMatchObject({ consumedPoints: 2 });

    jest.advanceTimersByTime(60_000);
    expect(recordsOf(limiter).size).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('keeps records that never expire (duration 0) without stalling the sweep', async () => {
    const limiter = new PerformChatMemoryLimiter({ points: 1, duration: 1, keyPrefix: 'spec' });
    await limiter.block('forever', 0);
    await limiter.consume('u:1');
    jest.advanceTimersByTime(1_000 + SWEEP_INTERVAL_MS);
    expect([...recordsOf(limiter).keys()]).toEqual(['forever']);
    expect(jest.getTimerCount()).toBe(0);
    await expect(limiter.consume('forever')).rejects.toMatchObject({ msBeforeNext: -1 });
  });

  it('deletes a large expiry in slices, yielding to the event loop between them', async () => {
    const limiter = new PerformChatMemoryLimiter({ points: 1, duration: 1, keyPrefix: 'spec' });
    for (let i = 0; i < SWEEP_SLICE * 2 + 10; i++) await limiter.consume(`u:${i}`);
    jest.advanceTimersByTime(1_000);
    expect(recordsOf(limiter).size).toBe(SWEEP_SLICE + 10);
    jest.advanceTimersByTime(1); // setTimeout(0) is 1 ms, as in Node
    expect(recordsOf(limiter).size).toBe(10);
    jest.advanceTimersByTime(1); // setTimeout(0) is 1 ms, as in Node
    expect(recordsOf(limiter).size).toBe(0);
  });

  it("does not keep the process alive (the sweep timer is unref'd)", () => {
    jest.useRealTimers();
    const storage = new ExpiringMemoryStorage();
    storage.set('k', 1, 60);
    const timer = (storage as unknown as { timer: NodeJS.Timeout }).timer;
    expect(timer.hasRef()).toBe(false);
    clearTimeout(timer);
  });
});

describe('ExpiringMemoryStorage with a window longer than setTimeout can wait', () => {
  it('arms no timer beyond 2^31-1 ms (Node would fire it at once, with a TimeoutOverflowWarning) and keeps the record', async () => {
    const setTimeoutSpy = jest.spyOn(global, 'setTimeout');
    try {
      // 30 days, through the public limiter API (block() takes seconds).
      const limiter = new PerformChatMemoryLimiter({ points: 1, duration: 60, keyPrefix: 'spec:long' });
      await limiter.block('u:long', 30 * 24 * 3600);
      const delays = setTimeoutSpy.mock.calls.map(([, delay]) => delay ?? 0);
      expect(delays.length).toBeGreaterThan(0);
      expect(Math.max(...delays)).toBeLessThanOrEqual(2 ** 31 - 1);
      expect(await limiter.get('u:long')).not.toBeNull();
    } finally {
      setTimeoutSpy.mockRestore();
    }
  });
});
