import { captureLogs, CapturedLogs } from '@test/utils';
import { Redis } from 'ioredis';
import request from 'supertest';
import { RunningRateLimitApp, startRateLimitApp } from './utils/rate-limit-app';
import { RedisServerProcess, startRedisServer } from './utils/redis-server';

const USER_HEADER = 'x-demo-user';
const PREFIX = 'outage';
const keyOf = (user: string) => `${PREFIX}:RateLimitedController.default:{u:${user}}`;

/** GET on a fresh connection (the shared one may still be reconnecting). */
async function readKey(url: string, key: string): Promise<string | null> {
  const probe = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return await probe.get(key);
  } finally {
    probe.disconnect();
  }
}

/**
 * A private redis-server on its own port (never the shared 6379 one): started, killed with
 * SIGKILL under load, and restarted on the same port. Fails, never skips, without redis-server.
 */
describe('PerformChatRateLimitGuard through a Redis outage', () => {
  let redis: RedisServerProcess;
  let server: RunningRateLimitApp;
  let logs: CapturedLogs;

  beforeAll(async () => {
    redis = await startRedisServer();
    server = await startRateLimitApp({
      platform: 'express',
      module: { rateLimit: { points: 5, duration: 60, store: { redis: redis.url, keyPrefix: PREFIX } } },
    });
  });
  afterAll(async () => {
    logs?.restore();
    await server?.close();
    await redis?.kill();
  });

  const hit = (user: string) => request(server.url).get('/rl/default').set(USER_HEADER, user);
  const outageWarnings = () => logs.lines.filter((line) => line.startsWith('warn') && line.includes('does not answer'));
  const recoveries = () => logs.lines.filter((line) => line.startsWith('log') && line.includes('answers again'));

  it('counts in memory while Redis is down (no 5xx, limits still hold, one warning), then in Redis again', async () => {
    logs = captureLogs();

    // Redis up: the counts are in Redis.
    for (let i = 0; i < 3; i++) expect((await hit('before')).status).toBe(200);
    expect(await readKey(redis.url, keyOf('before'))).toBe('3');

    await redis.kill();

    // Under load while Redis is down: every answer is 200 or 429, and the limit of 5 still holds.
    const during = await Promise.all(Array.from({ length: 40 }, () => hit('during')));
    expect(during.filter((a) => a.status >= 500)).toEqual([]);
    expect(during.filter((a) => a.status === 200)).toHaveLength(5);
    expect(during.filter((a) => a.status === 429)).toHaveLength(35);
    expect(during.find((a) => a.status === 429)?.body.code).toBe('USER_RATE_LIMITED');
    // The insurance limiter counts on its own: a user counted in Redis starts afresh in memory.
    const before = await hit('before');
    expect(before.status).toBe(200);
    expect(before.headers['x-ratelimit-remaining']).toBe('4');
    for (let i = 0; i < 10; i++) expect((await hit(`sequential-${i}`)).status).toBe(200);

    expect(outageWarnings()).toHaveLength(1);
    expect(outageWarnings()[0]).toContain(`127.0.0.1:${redis.port}`);
    expect(recoveries()).toHaveLength(0);

    // Redis back on the same port (empty: no persistence). The limiter uses it again by itself.
    await redis.start();
    const deadline = Date.now() + 8_000;
    let inRedis: string | null = null;
    while (inRedis === null && Date.now() < deadline) {
      expect((await hit('after')).status).toBeLessThan(500);
      inRedis = await readKey(redis.url, keyOf('after'));
      if (inRedis === null) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(inRedis).toBe('1');
    const next = await hit('after');
    expect(next.headers['x-ratelimit-remaining']).toBe('3');
    expect(await readKey(redis.url, keyOf('after'))).toBe('2');

    expect(recoveries()).toHaveLength(1);
    expect(outageWarnings()).toHaveLength(1);
  });
});
