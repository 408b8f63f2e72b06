import { Redis } from 'ioredis';
import request from 'supertest';
import { PLATFORMS, RunningRateLimitApp, startRateLimitApp } from './utils/rate-limit-app';
import { RateLimitParityController } from './utils/rate-limit-parity.controller';
import { TEST_REDIS_URL, deleteRedisPrefix, uniqueRedisPrefix } from './utils/redis';

const USER = 'x-demo-user';
const STORES = ['memory', 'redis'] as const;
const CELLS = PLATFORMS.flatMap((platform) => STORES.map((store) => [platform, store] as const));

/**
 * What @nestjs/throttler users rely on, one row per feature (README "Coming from
 * @nestjs/throttler"), on Express and Fastify, with the memory store and with Redis.
 */
describe.each(CELLS)('throttler parity on %s with the %s store', (platform, storeKind) => {
  let server: RunningRateLimitApp;
  let redis: Redis | undefined;
  let prefix: string | undefined;

  beforeAll(async () => {
    if (storeKind === 'redis') {
      redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
      prefix = uniqueRedisPrefix(`parity:${platform}`).replace(/:$/, '');
    }
    const store = storeKind === 'redis' ? { redis: TEST_REDIS_URL, keyPrefix: prefix } : ('memory' as const);
    server = await startRateLimitApp({
      platform,
      trustProxy: true,
      controllers: [RateLimitParityController],
      module: {
        rateLimit: {
          // The module's own limits (guarded routes without a decorator): two named ones.
          limits: [
            { name: 'burst', points: 2, duration: '1m' },
            { name: 'sustained', points: 4, duration: '1h' },
          ],
          // A module-wide skipIf (throttler's `skipIf` in forRoot).
          skipIf: (context) => context.switchToHttp().getRequest().headers['x-skip-all'] === 'yes',
          store,
        },
      },
    });
  });
  afterAll(async () => {
    await server.close();
    if (redis && prefix) await deleteRedisPrefix(redis, prefix);
    await redis?.quit();
  });

  const get = (path: string, user?: string) => {
    const call = request(server.url).get(path);
    return user === undefined ? call : call.set(USER, user);
  };
  const statuses = async (path: string, times: number, user: string, headers: Record<string, string> = {}) => {
    const answers: number[] = [];
    for (let i = 0; i < times; i++) answers.push((await get(path, user).set(headers)).status);
    return answers;
  };

  it('limits as functions of the context: a "pro" user gets 5 a minute, a "free" one 2', async () => {
    const pro = await get('/parity/plan', 'pro-user').set('x-plan', 'pro');
    expect(pro.headers['x-ratelimit-limit']).toBe('5');
    expect(await statuses('/parity/plan', 5, 'pro-user', { 'x-plan': 'pro' })).toEqual([200, 200, 200, 200, 429]);
    const free = await get('/parity/plan', 'free-user');
    expect(free.headers['x-ratelimit-limit']).toBe('2');
    expect(free.headers['x-ratelimit-reset']).toBe('60');
    expect(await statuses('/parity/plan', 2, 'free-user')).toEqual([200, 429]);
  });

  it('skipIf: a request it skips is not counted and has no headers; the module-wide skipIf skips every limit', async () => {
    for (let i = 0; i < 3; i++) {
      const skipped = await get('/parity/skip-if', 'skip-user').set('x-internal', 'yes');
      expect(skipped.status).toBe(200);
      expect(skipped.headers['x-ratelimit-limit']).toBeUndefined();
    }
    expect(await statuses('/parity/skip-if', 2, 'skip-user')).toEqual([200, 429]);
    expect(await statuses('/parity/skip-if', 3, 'skip-user', { 'x-skip-all': 'yes' })).toEqual([200, 200, 200]);
  });

  it('tracker: the users of one organisation share a counter; no answer falls back to the user', async () => {
    expect((await get('/parity/org', 'org-alice').set('x-org', 'acme')).status).toBe(200);
    expect((await get('/parity/org', 'org-bob').set('x-org', 'acme')).status).toBe(200);
    expect((await get('/parity/org', 'org-carol').set('x-org', 'acme')).status).toBe(429);
    expect((await get('/parity/org', 'org-carol').set('x-org', 'globex')).status).toBe(200);
    // No x-org: the tracker answers undefined, so the user's own counter.
    expect(await statuses('/parity/org', 3, 'org-carol')).toEqual([200, 200, 429]);
  });

  it('headers: false sends no X-RateLimit-* headers; a refusal still says Retry-After', async () => {
    const ok = await get('/parity/quiet', 'quiet-user').expect(200);
    expect(Object.keys(ok.headers).filter((name) => name.startsWith('x-ratelimit'))).toEqual([]);
    const refused = await get('/parity/quiet', 'quiet-user').expect(429);
    expect(Object.keys(refused.headers).filter((name) => name.startsWith('x-ratelimit'))).toEqual([]);
    expect(refused.headers['retry-after']).toBe('60');
    expect(refused.body.code).toBe('USER_RATE_LIMITED');
  });

  it("durations with their unit: duration '2m' and blockDuration '5m'", async () => {
    const ok = await get('/parity/units', 'units-user').expect(200);
    expect(ok.headers['x-ratelimit-reset']).toBe('120');
    const refused = await get('/parity/units', 'units-user').expect(429);
    expect(refused.headers['retry-after']).toBe('300');
  });

  it('several named limits on one route, each with its own headers, the first one to refuse answering', async () => {
    const first = await get('/parity/stacked', 'stack-user').expect(200);
    expect(first.headers).toMatchObject({
      'x-ratelimit-limit-burst': '3',
      'x-ratelimit-remaining-burst': '2',
      'x-ratelimit-reset-burst': '60',
      'x-ratelimit-limit-sustained': '5',
      'x-ratelimit-remaining-sustained': '4',
      'x-ratelimit-reset-sustained': '3600',
    });
    expect(first.headers['x-ratelimit-limit']).toBeUndefined();
    expect(await statuses('/parity/stacked', 3, 'stack-user')).toEqual([200, 200, 429]);
    const refused = await get('/parity/stacked', 'stack-user').expect(429);
    expect(refused.headers['retry-after']).toBe('60');
    expect(refused.headers['x-ratelimit-remaining-burst']).toBe('0');
    // Refused by the burst limit, so not counted by the sustained one.
    expect(refused.headers['x-ratelimit-remaining-sustained']).toBeUndefined();
  });

  it('is exact under concurrency with stacked limits: 60 concurrent → exactly 3 pass, each seen by both limits once', async () => {
    const answers = await Promise.all(Array.from({ length: 60 }, () => get('/parity/stacked', 'stack-concurrent')));
    const passed = answers.filter((a) => a.status === 200);
    expect(passed).toHaveLength(3);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(57);
    expect(passed.map((a) => a.headers['x-ratelimit-remaining-burst']).sort()).toEqual(['0', '1', '2']);
    // The 57 the burst limit refused never reached the sustained one: it counted 3 (5 - 3 = 2 left).
    expect(passed.map((a) => a.headers['x-ratelimit-remaining-sustained']).sort()).toEqual(['2', '3', '4']);
  });

  it('is exact under concurrency when the second limit is the tighter: 100 concurrent → exactly 3 pass', async () => {
    const answers = await Promise.all(Array.from({ length: 100 }, () => get('/parity/stacked-tight', 'tight-user')));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(3);
    const refused = answers.filter((a) => a.status === 429);
    // 5 got through the burst limit: 3 passed the sustained one, 2 were refused by it (an hour to wait).
    expect(refused.filter((a) => Number(a.headers['retry-after']) > 3000)).toHaveLength(2);
    expect(refused.filter((a) => Number(a.headers['retry-after']) <= 60)).toHaveLength(95);
  });

  it("@SkipPerformChatRateLimit('burst') leaves the other named limits", async () => {
    const answer = await get('/parity/no-burst', 'skip-burst').expect(200);
    expect(answer.headers['x-ratelimit-limit-burst']).toBeUndefined();
    expect(answer.headers['x-ratelimit-limit-sustained']).toBe('5');
    expect(await statuses('/parity/no-burst', 5, 'skip-burst')).toEqual([200, 200, 200, 200, 429]);
  });

  it('the module-wide named limits apply to guarded routes without a decorator', async () => {
    const first = await get('/rl/default', 'module-user').expect(200);
    expect(first.headers['x-ratelimit-limit-burst']).toBe('2');
    expect(first.headers['x-ratelimit-limit-sustained']).toBe('4');
    expect(await statuses('/rl/default', 2, 'module-user')).toEqual([200, 429]);
  });

  it('IPv6 callers without a user are counted by their /64, IPv4-mapped ones as IPv4', async () => {
    const from = (address: string) => get('/parity/anonymous').set('x-forwarded-for', address);
    expect((await from('2001:db8:1:2::1')).status).toBe(200);
    expect((await from('2001:db8:1:2:ffff::2')).status).toBe(200);
    expect((await from('2001:db8:1:2::3')).status).toBe(429);
    expect((await from('2001:db8:1:3::1')).status).toBe(200);
    expect((await from('198.51.100.4')).status).toBe(200);
    expect((await from('::ffff:198.51.100.4')).status).toBe(200);
    expect((await from('198.51.100.4')).status).toBe(429);
  });
});
