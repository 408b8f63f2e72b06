import { Test, TestingModule } from '@nestjs/testing';
import { captureLogs, CapturedLogs } from '@test/utils';
import { TEST_REDIS_URL, deleteRedisPrefix, uniqueRedisPrefix } from '@test/utils/redis';
import { Redis } from 'ioredis';
import {
  EMULATOR_COUNTER_KEYS,
  EMULATOR_DEMO_AGENT_ID,
  EMULATOR_DEMO_KEY,
  PerformChatEmulator,
  startPerformChatEmulator,
} from '../../../perform-chat-emulator/src';
import { PerformChatError } from '../errors/perform-chat.error';
import { toPerformChatHttpError } from '../errors/perform-chat-error.http';
import { PerformChatModuleOptions } from '../options/perform-chat-options.interface';
import { PerformChatModule } from '../perform-chat.module';
import { PerformChatUserShare } from '../rate-limit/perform-chat-user-share';
import { PerformChatTelemetry } from '../telemetry/perform-chat-telemetry';
import type { PerformChatTelemetryEvent } from '../telemetry/perform-chat-telemetry.events';
import { PerformChatAuthService } from './perform-chat-auth.service';

/**
 * The report: one user calling the service 105 times took the whole key's budget and
 * every other user got 503. The per-user share is enforced in the service itself.
 */
describe('fairness: each user spends at most its share of the key-wide budget, in the service', () => {
  let emulator: PerformChatEmulator;
  let refs: TestingModule[];
  let logs: CapturedLogs;
  let redis: Redis;
  let prefix: string;
  let events: PerformChatTelemetryEvent[];
  const generations = () => emulator.state.counter(EMULATOR_COUNTER_KEYS.token).attempts;

  async function instance(overrides: Partial<PerformChatModuleOptions> = {}) {
    const ref = await Test.createTestingModule({
      imports: [
        PerformChatModule.forRoot({
          keyId: EMULATOR_DEMO_KEY.keyId,
          keySecret: EMULATOR_DEMO_KEY.keySecret,
          baseUrl: emulator.url,
          defaultAgentId: EMULATOR_DEMO_AGENT_ID,
          retry: false,
          ...overrides,
        }),
      ],
    }).compile();
    await ref.init();
    refs.push(ref);
    ref.get(PerformChatTelemetry).subscribe((event) => events.push(event));
    return ref;
  }

  beforeAll(async () => {
    redis = new Redis(TEST_REDIS_URL);
    emulator = await startPerformChatEmulator({ rateLimits: { tokenGenerations: false, apiRequests: false } });
  });
  afterAll(async () => {
    await redis.quit();
    await emulator.close();
  });
  beforeEach(() => {
    refs = [];
    events = [];
    prefix = uniqueRedisPrefix('fairness');
    emulator.reset();
    logs = captureLogs();
  });
  afterEach(async () => {
    logs.restore();
    for (const ref of refs) await ref.close();
    await deleteRedisPrefix(redis, prefix);
  });

  it('by default a tenth of the budget: one user looping 105 times gets 10, the others still get theirs', async () => {
    const auth = (await instance()).get(PerformChatAuthService);
    let issued = 0;
    const refused: PerformChatError[] = [];
    for (let i = 0; i < 105; i++) {
      await auth.generateToken({ userId: 'runaway' }).then(
        () => issued++,
        (error: PerformChatError) => refused.push(error),
      );
    }
    expect(issued).toBe(10);
    expect(new Set(refused.map((error) => error.code))).toEqual(new Set(['USER_RATE_LIMITED']));
    expect(refused[0].retryAfterMs).toBeGreaterThan(55_000);
    expect(refused[0].message).toContain(
      'this user has spent its share of 10 token generations per 60 s (upstreamBudget.tokensPerUser)',
    );
    // The route's answer for it: 429 with a true Retry-After, not the 503 of a spent key.
    expect(toPerformChatHttpError(refused[0])).toMatchObject({
      status: 429,
      retryAfterSeconds: 60,
      body: { code: 'USER_RATE_LIMITED' },
    });
    expect(generations()).toBe(10); // nothing was sent for the refused ones

    for (const user of ['ann', 'ben', 'cid']) await expect(auth.generateToken({ userId: user })).resolves.toBeDefined();
    expect(events.filter((event) => event.type === 'budget.refused')).toHaveLength(95);
    expect(events.find((event) => event.type === 'budget.refused')).toMatchObject({
      budget: 'user',
      limit: 10,
      windowSeconds: 60,
    });
    expect(logs.lines.filter((line) => line.startsWith('warn'))).toEqual([]); // a user's 429 is not a server problem
  });

  it('shares the count across instances with a Redis store', async () => {
    const options: Partial<PerformChatModuleOptions> = {
      upstreamBudget: { tokensPerUser: 3 },
      rateLimit: { store: { redis: TEST_REDIS_URL, keyPrefix: `${prefix}rl` } },
    };
    const [a, b] = [
      (await instance(options)).get(PerformChatAuthService),
      (await instance(options)).get(PerformChatAuthService),
    ];
    await a.generateToken({ userId: 'dora' });
    await b.generateToken({ userId: 'dora' });
    await a.generateToken({ userId: 'dora' });
    await expect(b.generateToken({ userId: 'dora' })).rejects.toMatchObject({ code: 'USER_RATE_LIMITED' });
    await expect(a.generateToken({ userId: 'eve' })).resolves.toBeDefined();
  });

  it('gives the share back when nothing was sent (the key-wide budget refused the call)', async () => {
    const ref = await instance({ upstreamBudget: { tokensPerMinute: 3, tokensPerUser: 2, maxWaitMs: 0 } });
    const auth = ref.get(PerformChatAuthService);
    await auth.generateToken({ userId: 'fay' });
    await auth.generateToken({ userId: 'gus' });
    await auth.generateToken({ userId: 'gus' });
    await expect(auth.generateToken({ userId: 'fay' })).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    // fay spent 1 of 2: one more is left, not zero.
    const share = ref.get(PerformChatUserShare);
    await expect(share.spend(EMULATOR_DEMO_KEY.keyId, 'fay', 0)).resolves.toBeDefined();
    await expect(share.spend(EMULATOR_DEMO_KEY.keyId, 'fay', 0)).rejects.toMatchObject({ code: 'USER_RATE_LIMITED' });
  });

  it('does not spend the share on a reused or shared token', async () => {
    const auth = (await instance({ upstreamBudget: { tokensPerUser: 1 }, tokenReuse: {} })).get(PerformChatAuthService);
    await Promise.all(Array.from({ length: 5 }, () => auth.generateToken({ userId: 'hal' })));
    for (let i = 0; i < 5; i++) await auth.generateToken({ userId: 'hal' });
    expect(generations()).toBe(1);
  });

  it('tokensPerUser: false lets one user spend the whole budget', async () => {
    const auth = (await instance({ upstreamBudget: { tokensPerUser: false } })).get(PerformChatAuthService);
    for (let i = 0; i < 15; i++) await auth.generateToken({ userId: 'ivy' });
    expect(generations()).toBe(15);
    expect(events.filter((event) => event.type === 'budget.refused')).toEqual([]);
  });
});
