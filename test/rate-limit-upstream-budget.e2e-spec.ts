import { Test, TestingModule } from '@nestjs/testing';
import { captureLogs, CapturedLogs, TestClock, until, useDateClock } from '@test/utils';
import { Redis } from 'ioredis';
import {
  PerformChatAuthService,
  PerformChatError,
  PerformChatErrorCode,
  PerformChatModule,
  PerformChatModuleOptions,
} from 'nestjs-performchat';
import {
  EMULATOR_COUNTER_KEYS,
  EMULATOR_DEMO_AGENT_ID,
  EMULATOR_DEMO_KEY,
  PerformChatEmulator,
  PerformChatEmulatorOptions,
  startPerformChatEmulator,
} from 'nestjs-performchat/emulator';
import { TEST_REDIS_URL, deleteRedisPrefix, uniqueRedisPrefix } from './utils/redis';

const LOCAL_REFUSAL = 'Refused locally without calling PerformChat';
const TOKEN_PATH = '/rest/v1/auth/token';

/** The real PerformChatAuthService, through PerformChatModule.forRoot, against the emulator. */
async function createAuthService(emulator: PerformChatEmulator, options: Partial<PerformChatModuleOptions>) {
  const ref: TestingModule = await Test.createTestingModule({
    imports: [
      PerformChatModule.forRoot({
        keyId: EMULATOR_DEMO_KEY.keyId,
        keySecret: EMULATOR_DEMO_KEY.keySecret,
        baseUrl: emulator.url,
        defaultAgentId: EMULATOR_DEMO_AGENT_ID,
        ...options,
      }),
    ],
  }).compile();
  await ref.init();
  return { ref, auth: ref.get(PerformChatAuthService) };
}

/** Settles every promise and sorts the outcomes by error code (`'ok'` for successes). */
async function outcomes(calls: Promise<unknown>[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const result of await Promise.allSettled(calls)) {
    const code = result.status === 'fulfilled' ? 'ok' : (result.reason as PerformChatError).code;
    counts[code] = (counts[code] ?? 0) + 1;
  }
  return counts;
}

describe('upstream budget (key-wide, in front of PerformChat)', () => {
  let emulator: PerformChatEmulator;
  let refs: TestingModule[];
  let logs: CapturedLogs;
  const tokenCalls = () => emulator.state.counter(EMULATOR_COUNTER_KEYS.token);
  const invalidateCalls = () => emulator.state.counter(EMULATOR_COUNTER_KEYS.invalidateToken);

  async function start(emulatorOptions: PerformChatEmulatorOptions, options: Partial<PerformChatModuleOptions>) {
    emulator = await startPerformChatEmulator(emulatorOptions);
    const { ref, auth } = await createAuthService(emulator, options);
    refs.push(ref);
    return auth;
  }

  // The budget's windows, the breaker's cooldown and the emulator's limits are counted with
  // Date.now(): a Date clock (installed before the emulator starts) ends them, with no sleep.
  let clock: TestClock | undefined;
  beforeEach(() => {
    refs = [];
    logs = captureLogs();
  });
  afterEach(async () => {
    clock?.restore();
    clock = undefined;
    logs.restore();
    for (const ref of refs) await ref.close();
    await emulator?.close();
  });

  it('refuses the 6th token generation of a 5-per-window budget locally: PerformChat never sees it', async () => {
    // maxWaitMs 0: refused at once instead of waiting for the next slot (login-storm.e2e-spec.ts has the wait).
    clock = useDateClock();
    const auth = await start({}, { upstreamBudget: { tokensPerMinute: 5, tokenWindowSeconds: 0.4, maxWaitMs: 0 } });
    for (let i = 0; i < 5; i++) await auth.generateToken({ userId: `budget-${i}` });
    expect(tokenCalls().attempts).toBe(5);

    const refused = auth.generateToken({ userId: 'budget-6' });
    await expect(refused).rejects.toBeInstanceOf(PerformChatError);
    const error = (await refused.catch((e: unknown) => e)) as PerformChatError;
    expect(error.code).toBe(PerformChatErrorCode.RATE_LIMITED);
    expect(error.message).toContain(LOCAL_REFUSAL);
    expect(error.message).toContain('5 token generations per 0.4 s');
    expect(error.status).toBeUndefined(); // PerformChat never answered
    expect(error.retryAfterMs).toBeGreaterThan(0);
    expect(error.retryAfterMs).toBeLessThanOrEqual(400);
    expect(tokenCalls().attempts).toBe(5);

    await expect(auth.generateToken({ userId: 'budget-8' })).rejects.toMatchObject({
      code: PerformChatErrorCode.RATE_LIMITED,
    });
    expect(tokenCalls().attempts).toBe(5);

    // Invalidation does not need token-generation points.
    const customerUserId = emulator.snapshot().customerUsers[0].id;
    await expect(auth.invalidateTokens(customerUserId)).resolves.toMatchObject({ customerUserId });
    expect(invalidateCalls().attempts).toBe(1);

    // One warning for the refusal period, not one per refused call.
    expect(logs.lines.filter((line) => line.startsWith('warn') && line.includes('token generations per'))).toHaveLength(
      1,
    );

    await clock.advance(399);
    await expect(auth.generateToken({ userId: 'budget-7' })).rejects.toMatchObject({
      code: PerformChatErrorCode.RATE_LIMITED,
    });
    await clock.advance(1);
    await expect(auth.generateToken({ userId: 'budget-7' })).resolves.toMatchObject({ token: expect.any(String) });
    expect(tokenCalls().attempts).toBe(6);
  });

  it('lets exactly the budget through when many generations run at once', async () => {
    const auth = await start({}, { upstreamBudget: { tokensPerMinute: 5, tokenWindowSeconds: 60 } });
    const counts = await outcomes(Array.from({ length: 20 }, (_, i) => auth.generateToken({ userId: `burst-${i}` })));
    expect(counts).toEqual({ ok: 5, RATE_LIMITED: 15 });
    expect(tokenCalls().attempts).toBe(5);
  });

  it('after 10 upstream 401s stops calling PerformChat (tokens and invalidation) until the window ends', async () => {
    // The emulator's own failed-auth window matches ours, so the key is never locked there.
    clock = useDateClock();
    const auth = await start(
      { rateLimits: { failedAuth: { points: 10, windowMs: 500 } } },
      { keySecret: 'sk_wrong_secret', upstreamBudget: { authFailureWindowSeconds: 0.5 } },
    );
    for (let i = 0; i < 10; i++) {
      await expect(auth.generateToken({ userId: `bad-${i}` })).rejects.toMatchObject({
        code: PerformChatErrorCode.INVALID_CREDENTIALS,
        status: 401,
      });
    }
    expect(tokenCalls()).toMatchObject({ attempts: 10, failures: { '401': 10 } });

    const refused = auth.generateToken({ userId: 'bad-11' });
    await expect(refused).rejects.toMatchObject({ code: PerformChatErrorCode.RATE_LIMITED, status: undefined });
    const error = (await refused.catch((e: unknown) => e)) as PerformChatError;
    expect(error.message).toContain(LOCAL_REFUSAL);
    expect(error.message).toContain("PerformChat's lockout after 10 failed authentications per 5 minutes");
    expect(error.retryAfterMs).toBeGreaterThan(0);
    expect(error.retryAfterMs).toBeLessThanOrEqual(500);
    await expect(auth.invalidateTokens('cm_someone')).rejects.toMatchObject({
      code: PerformChatErrorCode.RATE_LIMITED,
    });
    expect(tokenCalls().attempts).toBe(10);
    expect(invalidateCalls().attempts).toBe(0);
    expect(tokenCalls().failures['429']).toBeUndefined(); // the emulator never had to refuse the key
    expect(
      logs.lines.filter((line) => line.startsWith('warn') && line.includes('rejected the API key 10 times')),
    ).toHaveLength(1);

    await clock.advance(500);
    await expect(auth.generateToken({ userId: 'bad-12' })).rejects.toMatchObject({
      code: PerformChatErrorCode.INVALID_CREDENTIALS,
    });
    expect(tokenCalls()).toMatchObject({ attempts: 11, failures: { '401': 11 } });
  });

  it('never sends more failing calls than the budget when a bad key meets a burst', async () => {
    const auth = await start({ rateLimits: { failedAuth: false } }, { keySecret: 'sk_wrong_secret' });
    const counts = await outcomes(Array.from({ length: 30 }, (_, i) => auth.generateToken({ userId: `storm-${i}` })));
    expect(counts).toEqual({ INVALID_CREDENTIALS: 10, RATE_LIMITED: 20 });
    expect(tokenCalls().attempts).toBe(10);
  });

  it('never refuses a burst right after boot with a working key: calls wait for the first answer, then run together', async () => {
    const auth = await start({}, {});
    const counts = await outcomes(Array.from({ length: 30 }, (_, i) => auth.generateToken({ userId: `busy-${i}` })));
    expect(counts).toEqual({ ok: 30 });
    expect(tokenCalls().attempts).toBe(30);
    const later = await outcomes(Array.from({ length: 30 }, (_, i) => auth.generateToken({ userId: `later-${i}` })));
    expect(later).toEqual({ ok: 30 });
  });

  it('upstreamBudget: false lets every call through to PerformChat (which then answers 429 itself)', async () => {
    const auth = await start(
      { rateLimits: { tokenGenerations: { points: 3, windowMs: 60_000 } } },
      { upstreamBudget: false },
    );
    const counts = await outcomes(Array.from({ length: 5 }, (_, i) => auth.generateToken({ userId: `free-${i}` })));
    expect(counts).toEqual({ ok: 3, RATE_LIMITED: 2 });
    expect(tokenCalls()).toMatchObject({ attempts: 5, failures: { '429': 2 } });
  });

  describe('paid per attempt sent (issue 13)', () => {
    it('a call the open breaker stops costs nothing: after the storm the trial call is sent and PerformChat answers', async () => {
      clock = useDateClock();
      const auth = await start(
        {},
        {
          retry: false,
          circuitBreaker: { failureThreshold: 2, cooldownMs: 150 },
          upstreamBudget: { tokensPerMinute: 4 },
        },
      );
      emulator.addFault({ path: TOKEN_PATH, status: 500, times: -1 });
      expect(await outcomes([auth.generateToken({ userId: 'storm-0' })])).toEqual({ UPSTREAM_ERROR: 1 });
      expect(await outcomes([auth.generateToken({ userId: 'storm-1' })])).toEqual({ UPSTREAM_ERROR: 1 });
      // The breaker is open: 10 fast failures, nothing sent, no budget point spent.
      const fast = await outcomes(Array.from({ length: 10 }, (_, i) => auth.generateToken({ userId: `fast-${i}` })));
      expect(fast).toEqual({ UPSTREAM_UNAVAILABLE: 10 });
      expect(tokenCalls().attempts).toBe(2);

      emulator.clearFaults();
      await clock.advance(150);
      await expect(auth.generateToken({ userId: 'trial' })).resolves.toMatchObject({ token: expect.any(String) });
      expect(auth.circuitBreakerState().state).toBe('closed');
      // 2 points for the 500s, 1 for the trial: one generation left in the window.
      expect(await outcomes([0, 1].map((i) => auth.generateToken({ userId: `after-${i}` })))).toEqual({
        ok: 1,
        RATE_LIMITED: 1,
      });
      expect(tokenCalls().attempts).toBe(4);
    });

    it('every attempt sent spends a point, retries included', async () => {
      // tokensPerUser false: every attempt would spend the user's share too (1 of 3 by default).
      const auth = await start(
        {},
        {
          retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 1 },
          upstreamBudget: { tokensPerMinute: 3, tokensPerUser: false },
        },
      );
      emulator.addFault({ path: TOKEN_PATH, kind: 'drop-mid-response', times: 1 });
      await expect(auth.generateToken({ userId: 'retried' })).resolves.toMatchObject({ token: expect.any(String) });
      expect(tokenCalls().attempts).toBe(2); // one dropped, one answered: two points
      await expect(auth.generateToken({ userId: 'second' })).resolves.toMatchObject({ token: expect.any(String) });
      const refused = await auth.generateToken({ userId: 'third' }).catch((e: unknown) => e as PerformChatError);
      expect(refused).toMatchObject({ code: PerformChatErrorCode.RATE_LIMITED, status: undefined });
      expect(tokenCalls().attempts).toBe(3);
    });

    it("a retry the budget cannot pay for is not sent: the call fails with the last attempt's error", async () => {
      const auth = await start(
        {},
        {
          retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 1 },
          upstreamBudget: { tokensPerMinute: 1, tokensPerUser: false },
        },
      );
      emulator.addFault({ path: TOKEN_PATH, kind: 'drop-mid-response', times: -1 });
      const error = await auth.generateToken({ userId: 'dropped' }).catch((e: unknown) => e as PerformChatError);
      expect(error).toMatchObject({ name: 'PerformChatError', code: PerformChatErrorCode.UNREACHABLE });
      expect(tokenCalls().attempts).toBe(1);
      // The refusal is logged (once per period), so the missing retries are explained.
      expect(
        logs.lines.filter((line) => line.startsWith('warn') && line.includes('1 token generations per 60 s')),
      ).toHaveLength(1);
    });

    it('N calls whose connections drop never send more attempts than the budget', async () => {
      const auth = await start(
        {},
        { retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 5 }, upstreamBudget: { tokensPerMinute: 10 } },
      );
      emulator.addFault({ path: TOKEN_PATH, kind: 'drop-mid-response', times: -1 });
      const counts = await outcomes(Array.from({ length: 20 }, (_, i) => auth.generateToken({ userId: `drop-${i}` })));
      // Each call ends with its own last sent attempt (UNREACHABLE) or, if none was, the refusal.
      expect(Object.keys(counts).sort()).toEqual(['RATE_LIMITED', 'UNREACHABLE']);
      expect(counts.RATE_LIMITED + counts.UNREACHABLE).toBe(20);
      expect(tokenCalls().attempts).toBe(10);
    });
  });

  describe('the deadline covers the probe queue (issue 13)', () => {
    it('calls queued behind a slow first call right after boot end at their own deadline', async () => {
      const auth = await start({}, { timeoutMs: 400, deadlineMs: 400, retry: false, circuitBreaker: false });
      emulator.addFault({ path: TOKEN_PATH, delayMs: 2_000, times: -1 });
      const timed = (userId: string) => {
        const started = Date.now();
        return auth.generateToken({ userId }).then(
          () => ({ code: 'ok', elapsed: Date.now() - started }),
          (error: PerformChatError) => ({ code: error.code, elapsed: Date.now() - started }),
        );
      };
      const first = timed('first'); // the probe: PerformChat has not answered yet
      await until(() => tokenCalls().attempts === 1, 'the first call at PerformChat');
      const queued = await Promise.all(Array.from({ length: 4 }, (_, i) => timed(`queued-${i}`)));
      const results = [await first, ...queued];
      expect(results.map((result) => result.code)).toEqual(Array(5).fill('TIMEOUT'));
      for (const { elapsed } of results) expect(elapsed).toBeLessThan(400 + 150);
    });
  });

  describe('shared across instances through the Redis store', () => {
    let redis: Redis;
    let prefix: string;
    beforeEach(() => {
      redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
      prefix = uniqueRedisPrefix('upstream-budget').replace(/:$/, '');
    });
    afterEach(async () => {
      await deleteRedisPrefix(redis, prefix);
      await redis.quit();
    });

    it('two instances together send at most the budget', async () => {
      const options: Partial<PerformChatModuleOptions> = {
        rateLimit: { store: { redis: TEST_REDIS_URL, keyPrefix: prefix } },
        upstreamBudget: { tokensPerMinute: 5 },
      };
      const one = await start({}, options);
      const { ref, auth: two } = await createAuthService(emulator, options);
      refs.push(ref);

      const counts = await outcomes(
        Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? one : two).generateToken({ userId: `pair-${i}` })),
      );
      expect(counts).toEqual({ ok: 5, RATE_LIMITED: 7 });
      expect(tokenCalls().attempts).toBe(5);
      // One sliding-window log for both: 5 entries, 12 arrivals (tickets).
      expect(await redis.zcard(`${prefix}:upstream-budget.token-log:{${EMULATOR_DEMO_KEY.keyId}}`)).toBe(5);
      expect(await redis.get(`${prefix}:upstream-budget.token-log:ticket:{${EMULATOR_DEMO_KEY.keyId}}`)).toBe('12');
    });

    it('two instances with a wrong secret together send exactly authFailuresPer5Minutes failing calls', async () => {
      const options: Partial<PerformChatModuleOptions> = {
        keySecret: 'sk_wrong_secret',
        rateLimit: { store: { redis: TEST_REDIS_URL, keyPrefix: prefix } },
      };
      const one = await start({ rateLimits: { failedAuth: false } }, options);
      const { ref, auth: two } = await createAuthService(emulator, options);
      refs.push(ref);

      const counts = await outcomes(
        Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? one : two).generateToken({ userId: `storm-${i}` })),
      );
      expect(counts).toEqual({ INVALID_CREDENTIALS: 10, RATE_LIMITED: 30 });
      expect(tokenCalls()).toMatchObject({ attempts: 10, failures: { '401': 10 } });
    });
  });
});
