import { INestApplication } from '@nestjs/common';
import { CapturedLogs, captureLogs } from '@test/utils';
import { PLATFORMS, emulatorConfig, startDemoApp } from '@test/utils/demo-harness';
import { RedisServerProcess, startRedisServer } from '@test/utils/redis-server';
import { Redis } from 'ioredis';
import {
  EMULATOR_COUNTER_KEYS,
  EMULATOR_DEMO_KEY,
  PerformChatEmulator,
  startPerformChatEmulator,
} from 'nestjs-performchat/emulator';
import request from 'supertest';

const USER = 'x-demo-user';
/** The demo's customer-user store keeps one hash per user under the default prefix, the user id a hash tag. */
const recordKey = (user: string) => `performchat:cu:{${user}}`;
/** Far below ioredis's reconnection backoff (up to 2 s), far above a local answer. */
const FAST_MS = 500;

/** EXISTS on a fresh connection (the app's own client may still be reconnecting). */
async function exists(url: string, key: string): Promise<boolean> {
  const probe = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return (await probe.exists(key)) === 1;
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/**
 * The demo app with `PERFORMCHAT_REDIS_URL` on a private redis-server (never the shared one),
 * killed with SIGKILL mid-test: revoke must not answer a bare 500 (issue 13, item 5).
 */
describe.each(PLATFORMS)('the customer-user store through a Redis outage on %s', (platform) => {
  let redis: RedisServerProcess;
  let emulator: PerformChatEmulator;
  let app: INestApplication;
  let logs: CapturedLogs;
  const http = () => request(app.getHttpServer());
  const revoke = (user: string) => http().post('/api/chat/token/revoke').set(USER, user).send({});
  const token = (user: string) => http().get('/api/chat/token').set(USER, user);
  const invalidations = () => emulator.state.counter(EMULATOR_COUNTER_KEYS.invalidateToken).attempts;
  /** Log lines since `mark` (the whole log is kept for the final secret check). */
  let mark = 0;
  const recent = () => logs.lines.slice(mark);
  /** The entries of `event` since `mark` (entries and lines are recorded together: same indexes). */
  const recentEvents = (event: string) =>
    logs.entries.slice(mark).filter((entry) => (entry.message as { event?: unknown }).event === event);
  const timed = async <T>(run: () => Promise<T>): Promise<[T, number]> => {
    const startedAt = Date.now();
    const result = await run();
    return [result, Date.now() - startedAt];
  };

  beforeAll(async () => {
    logs = captureLogs();
    redis = await startRedisServer();
    emulator = await startPerformChatEmulator();
    app = await startDemoApp(
      platform,
      emulatorConfig(emulator, { PERFORMCHAT_REDIS_URL: redis.url, PERFORMCHAT_RATE_LIMIT_POINTS: '1000' }),
    );
  });
  afterAll(async () => {
    await app?.close();
    await emulator?.close();
    await redis?.kill();
    logs.restore();
  });

  let aliceToken: string;

  it('revoke while Redis is down: 503 + Retry-After, nothing revoked, one log line per request, no stack', async () => {
    aliceToken = (await token('alice').expect(200)).body.token;
    expect(await exists(redis.url, recordKey('alice'))).toBe(true);
    await redis.kill();
    mark = logs.lines.length;

    // Sequential calls: each is answered fast, although ioredis's reconnection backoff grows.
    for (let i = 0; i < 6; i++) {
      const [response, elapsed] = await timed(() => revoke('alice'));
      expect(response.status).toBe(503);
      expect(response.headers['retry-after']).toBe('5');
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.body).toEqual({
        statusCode: 503,
        error: 'Service Unavailable',
        code: 'STORE_UNAVAILABLE',
        message: 'The chat session store is temporarily unavailable, so nothing was revoked; please try again later',
      });
      expect(elapsed).toBeLessThan(FAST_MS);
    }
    // And concurrent ones.
    const burst = await Promise.all(Array.from({ length: 10 }, () => revoke('alice')));
    expect(burst.map((response) => response.status)).toEqual(Array(10).fill(503));

    // Never `revoked: 0` as if it worked: nothing reached PerformChat and the token is still valid.
    expect(invalidations()).toBe(0);
    expect(emulator.verify(aliceToken)).toMatchObject({ valid: true });

    const storeLines = recentEvents('store.read-failed');
    expect(storeLines).toHaveLength(16);
    expect(storeLines[0]).toMatchObject({
      level: 'warn',
      message: {
        msg: expect.stringMatching(
          new RegExp(
            `^Could not read the customer users of user "alice" from the store: Redis at 127\\.0\\.0\\.1:${redis.port} .*nothing was revoked`,
          ),
        ),
        userId: 'alice',
        reason: expect.stringMatching(new RegExp(`^Redis at 127\\.0\\.0\\.1:${redis.port} `)),
      },
    });
    // One line per failed call, and no stack trace anywhere (the bare 500 logged one per call).
    expect(recent().filter((line) => /\n\s+at /.test(line))).toEqual([]);
    expect(recent().join('\n')).not.toMatch(/Internal server error|ExceptionsHandler/);
  });

  it('a token is still issued while Redis is down, fast, with one log line', async () => {
    mark = logs.lines.length;
    const [response, elapsed] = await timed(() => token('bob'));

    expect(response.status).toBe(200);
    expect(emulator.verify(response.body.token)).toMatchObject({ valid: true });
    expect(elapsed).toBeLessThan(FAST_MS);
    const lines = recentEvents('store.save-failed');
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'error',
        message: expect.objectContaining({
          msg: expect.stringMatching(
            /^Could not save the customer user of user "bob" \(Redis at 127\.0\.0\.1:\d+ .*the token was issued and is valid/,
          ),
          userId: 'bob',
          reason: expect.stringMatching(/^Redis at 127\.0\.0\.1:\d+ /),
        }),
      }),
    ]);
    expect(logs.text()).not.toContain(response.body.token);
    expect(recent().filter((line) => /\n\s+at /.test(line))).toEqual([]);
  });

  it('recovers by itself when Redis is back; records lost with a non-persistent Redis revoke nothing', async () => {
    await redis.start();
    // ioredis reconnects on its own backoff (at most 2 s): the first saved token shows it.
    const deadline = Date.now() + 8_000;
    let carolToken: string | undefined;
    while (Date.now() < deadline) {
      carolToken = (await token('carol').expect(200)).body.token;
      if (await exists(redis.url, recordKey('carol'))) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await exists(redis.url, recordKey('carol'))).toBe(true);

    await expect(revoke('carol').expect(200)).resolves.toMatchObject({ body: { revoked: 1 } });
    expect(emulator.verify(carolToken as string)).toEqual({ valid: false, reason: 'token_version' });
    // This redis-server keeps nothing across a restart: alice's record is gone, so the lookup
    // succeeds and finds nothing (README: run the store's Redis with persistence).
    await expect(revoke('alice').expect(200)).resolves.toMatchObject({ body: { revoked: 0 } });
  });

  it('no answer or log line carries the key secret', () => {
    expect(logs.text()).not.toContain(EMULATOR_DEMO_KEY.keySecret);
  });
});
