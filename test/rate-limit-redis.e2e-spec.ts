import { Redis } from 'ioredis';
import request from 'supertest';
import { PLATFORMS, RunningRateLimitApp, startRateLimitApp } from './utils/rate-limit-app';
import { TEST_REDIS_URL, deleteRedisPrefix, uniqueRedisPrefix } from './utils/redis';

const USER_HEADER = 'x-demo-user';

/** Redis tests always run (CI starts Redis); an unreachable Redis fails them. */
describe('PerformChatRateLimitGuard with the Redis store', () => {
  let redis: Redis;
  const prefixes: string[] = [];
  const newPrefix = (name: string) => {
    const prefix = uniqueRedisPrefix(`rate-limit:${name}`).replace(/:$/, '');
    prefixes.push(prefix);
    return prefix;
  };

  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    for (const prefix of prefixes) await deleteRedisPrefix(redis, prefix);
    await redis.quit();
  });

  describe.each(PLATFORMS)('on %s', (platform) => {
    let server: RunningRateLimitApp;
    let prefix: string;
    beforeAll(async () => {
      prefix = newPrefix(platform);
      server = await startRateLimitApp({
        platform,
        module: { rateLimit: { points: 4, duration: 60, store: { redis: TEST_REDIS_URL, keyPrefix: prefix } } },
      });
    });
    afterAll(() => server.close());

    it('is exact under concurrency: 500 concurrent requests of one user with points = 50 → 50 pass, 450 get 429', async () => {
      const answers = await Promise.all(
        Array.from({ length: 500 }, () => request(server.url).get('/rl/exact').set(USER_HEADER, 'concurrent-user')),
      );
      const passed = answers.filter((a) => a.status === 200);
      const refused = answers.filter((a) => a.status === 429);
      expect(passed).toHaveLength(50);
      expect(refused).toHaveLength(450);
      expect(passed.map((a) => Number(a.headers['x-ratelimit-remaining'])).sort((x, y) => x - y)).toEqual(
        Array.from({ length: 50 }, (_, i) => i),
      );
      for (const answer of refused) {
        expect(answer.body).toEqual({
          statusCode: 429,
          message: `Too many requests: you have reached the limit of this route; try again in ${answer.headers['retry-after']} s`,
          error: 'Too Many Requests',
          code: 'USER_RATE_LIMITED',
        });
        expect(Number(answer.headers['retry-after'])).toBeGreaterThanOrEqual(59);
        expect(Number(answer.headers['retry-after'])).toBeLessThanOrEqual(60);
        expect(answer.headers['x-ratelimit-limit']).toBe('50');
        expect(answer.headers['x-ratelimit-remaining']).toBe('0');
        expect(answer.headers['x-ratelimit-reset']).toBe(answer.headers['retry-after']);
      }
      // The counter lives in Redis, under the documented key, with the window as TTL.
      const key = `${prefix}:RateLimitedController.exact:{u:concurrent-user}`;
      expect(await redis.get(key)).toBe('500');
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(55_000);
      expect(ttl).toBeLessThanOrEqual(60_000);
    });

    it('keeps users and routes independent', async () => {
      for (let i = 0; i < 3; i++)
        expect((await request(server.url).get('/rl/a').set(USER_HEADER, 'u1')).status).toBe(200);
      expect((await request(server.url).get('/rl/a').set(USER_HEADER, 'u1')).status).toBe(429);
      expect((await request(server.url).get('/rl/a').set(USER_HEADER, 'u2')).status).toBe(200);
      expect((await request(server.url).get('/rl/b').set(USER_HEADER, 'u1')).status).toBe(200);
      expect(await redis.get(`${prefix}:RateLimitedController.a:{u:u1}`)).toBe('4');
      expect(await redis.get(`${prefix}:RateLimitedController.b:{u:u1}`)).toBe('1');
    });
  });

  it('holds exactly across instances: 300 concurrent requests of one user split over two apps sharing Redis → exactly 50 pass', async () => {
    const prefix = newPrefix('instances');
    const store = { redis: TEST_REDIS_URL, keyPrefix: prefix };
    const [one, two] = await Promise.all([
      startRateLimitApp({ platform: 'express', module: { rateLimit: { store } } }),
      startRateLimitApp({ platform: 'fastify', module: { rateLimit: { store } } }),
    ]);
    try {
      const answers = await Promise.all(
        Array.from({ length: 300 }, (_, i) =>
          request(i % 2 === 0 ? one.url : two.url)
            .get('/rl/exact')
            .set(USER_HEADER, 'shared-user'),
        ),
      );
      const passed = answers.filter((a) => a.status === 200);
      expect(passed).toHaveLength(50);
      expect(answers.filter((a) => a.status === 429)).toHaveLength(250);
      // Both instances served some of the 50: the counter really is shared.
      expect(answers.slice(0).filter((a, i) => a.status === 200 && i % 2 === 0).length).toBeGreaterThan(0);
      expect(answers.filter((a, i) => a.status === 200 && i % 2 === 1).length).toBeGreaterThan(0);
      expect(await redis.get(`${prefix}:RateLimitedController.exact:{u:shared-user}`)).toBe('300');
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  it('uses your own ioredis client as is and never closes it', async () => {
    const prefix = newPrefix('client');
    const client = new Redis(TEST_REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    await new Promise((resolve) => client.once('ready', resolve));
    const server = await startRateLimitApp({
      platform: 'express',
      module: { rateLimit: { points: 2, duration: 60, store: { redis: client, keyPrefix: prefix } } },
    });
    try {
      expect((await request(server.url).get('/rl/default').set(USER_HEADER, 'own')).status).toBe(200);
      expect(await redis.get(`${prefix}:RateLimitedController.default:{u:own}`)).toBe('1');
    } finally {
      await server.close();
    }
    expect(client.status).toBe('ready');
    await client.quit();
  });
});
