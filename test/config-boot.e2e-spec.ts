import { INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { inspect } from 'node:util';
import request from 'supertest';
import { PerformChatModule, PerformChatModuleOptions } from 'nestjs-performchat';
import {
  EMULATOR_DEMO_AGENT_ID,
  EMULATOR_DEMO_KEY,
  PerformChatEmulator,
  startPerformChatEmulator,
} from 'nestjs-performchat/emulator';
import { DEMO_USER_HEADER } from '../src/auth/demo-auth.guard';
import { createDemoApp } from '../src/demo-app';
import { CapturedLogs, captureLogs } from './utils';
import { TEST_REDIS_URL } from './utils/redis';
import { RedisServerProcess, startRedisServer } from './utils/redis-server';

/**
 * Configuration that can never work stops the boot with a message naming the option and its
 * variable, and never shows a Redis password: not in the thrown error (message, stack, own
 * properties, util.inspect) nor in anything logged meanwhile (Nest logs a failed boot's error).
 */
const SECRET = 'SECRET_cfg_boot_7c21';

function exposed(error: unknown): string {
  const own = error instanceof Error ? JSON.stringify(Object.getOwnPropertyDescriptors(error)) : '';
  return [
    String((error as Error)?.message),
    String((error as Error)?.stack),
    own,
    inspect(error, { depth: 10, showHidden: true }),
  ].join('\n');
}

/** Boots the demo app as `npm start` does (env path: ConfigModule + performChatConfig), then initialises it. */
async function bootDemo(config: Record<string, string>): Promise<{ app?: INestApplication; error?: unknown }> {
  let app: INestApplication | undefined;
  try {
    app = await createDemoApp({ config, logger: false });
    await app.init();
    return { app };
  } catch (error) {
    return { app, error };
  }
}

describe('configuration at boot', () => {
  let emulator: PerformChatEmulator;
  let logs: CapturedLogs;
  const opened: INestApplication[] = [];

  const demoEnv = (extra: Record<string, string>) => ({
    PERFORMCHAT_BASE_URL: emulator.url,
    PERFORMCHAT_KEY_ID: EMULATOR_DEMO_KEY.keyId,
    PERFORMCHAT_KEY_SECRET: EMULATOR_DEMO_KEY.keySecret,
    PERFORMCHAT_DEFAULT_AGENT_ID: EMULATOR_DEMO_AGENT_ID,
    ...extra,
  });

  beforeAll(async () => {
    emulator = await startPerformChatEmulator();
  });
  afterAll(() => emulator.close());
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(async () => {
    logs.restore();
    await Promise.all(opened.splice(0).map((app) => app.close()));
  });

  describe('URL options never print a password (item 10)', () => {
    it.each([
      [
        'PERFORMCHAT_REDIS_URL with port 99999 (the report)',
        { PERFORMCHAT_REDIS_URL: `redis://:${SECRET}@127.0.0.1:99999` },
        /rateLimit\.store\.redis and customerUserStore\.redis \(env PERFORMCHAT_REDIS_URL\) is not a valid URL/,
      ],
      [
        'PERFORMCHAT_REDIS_URL with another scheme',
        { PERFORMCHAT_REDIS_URL: `http://:${SECRET}@127.0.0.1:6379` },
        /\(env PERFORMCHAT_REDIS_URL\) must use redis:\/\/ or rediss:\/\/ \(redis\+cluster:\/\/ or rediss\+cluster:\/\/ for a Redis Cluster\); got http:\/\/:\*\*\*\*@127\.0\.0\.1:6379\//,
      ],
      [
        'PERFORMCHAT_BASE_URL with credentials',
        { PERFORMCHAT_BASE_URL: `https://ops:${SECRET}@api.performchat.com` },
        /baseUrl \(env PERFORMCHAT_BASE_URL\) must not contain a user or password.*got https:\/\/ops:\*\*\*\*@api\.performchat\.com\//,
      ],
    ])('demo boot, %s: refused naming the variable', async (_name, extra, expected) => {
      const { app, error } = await bootDemo(demoEnv(extra));
      if (app) opened.push(app);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(expected);
      expect(exposed(error)).not.toContain(SECRET);
      expect(logs.text()).not.toContain(SECRET);
    });

    it.each<[string, Partial<PerformChatModuleOptions>, RegExp]>([
      [
        'rateLimit.store.redis',
        { rateLimit: { store: { redis: `redis://:${SECRET}@127.0.0.1:99999` } } },
        /rateLimit\.store\.redis \(env PERFORMCHAT_REDIS_URL\) is not a valid URL/,
      ],
      [
        'customerUserStore.redis',
        { customerUserStore: { redis: `redis://:${SECRET}@127.0.0.1:99999` } },
        /customerUserStore\.redis \(env PERFORMCHAT_REDIS_URL\) is not a valid URL/,
      ],
      [
        'baseUrl',
        { baseUrl: `https://:${SECRET}@api.performchat.com/rest/v1` },
        /baseUrl \(env PERFORMCHAT_BASE_URL\) must not contain a user or password/,
      ],
    ])('forRoot, %s: refused naming the option', async (_name, override, expected) => {
      @Module({ imports: [PerformChatModule.forRoot({ keyId: 'pk_cfg', keySecret: 'sk_cfg', ...override })] })
      class AppModule {}
      const error = await NestFactory.create(AppModule, { logger: false, abortOnError: false }).then(
        (app) => (opened.push(app), app.init()).then(() => undefined),
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(expected);
      expect(exposed(error)).not.toContain(SECRET);
      // Nest's ExceptionHandler logs the failed boot's error: nothing of the password either.
      expect(logs.text()).toMatch(expected);
      expect(logs.text()).not.toContain(SECRET);
    });
  });

  describe('a Redis URL naming a database the server does not have (item 12)', () => {
    it('demo boot with the shared Redis and database 999: refused, naming the variable and the count', async () => {
      const { app, error } = await bootDemo(demoEnv({ PERFORMCHAT_REDIS_URL: `${TEST_REDIS_URL}/999` }));
      if (app) opened.push(app);
      expect((error as Error)?.message).toMatch(
        /^Invalid PerformChatModule options: rateLimit\.store\.redis and customerUserStore\.redis \(env PERFORMCHAT_REDIS_URL\): database 999 does not exist on the server at [\w.:]+ \(it has 16: 0 to 15\)$/,
      );
    });

    describe('with a private redis-server (password, 4 databases)', () => {
      let redis: RedisServerProcess;
      beforeAll(async () => {
        redis = await startRedisServer(['--requirepass', SECRET, '--databases', '4']);
      });
      afterAll(() => redis.kill());
      const url = (db: number) => `redis://:${SECRET}@127.0.0.1:${redis.port}/${db}`;

      it('refuses database 4 at boot, without the password anywhere', async () => {
        const { app, error } = await bootDemo(demoEnv({ PERFORMCHAT_REDIS_URL: url(4) }));
        if (app) opened.push(app);
        expect((error as Error)?.message).toContain(
          `(env PERFORMCHAT_REDIS_URL): database 4 does not exist on the server at 127.0.0.1:${redis.port} (it has 4: 0 to 3)`,
        );
        expect(exposed(error)).not.toContain(SECRET);
        expect(logs.text()).not.toContain(SECRET);
      });

      it('boots with database 3 and writes there; when the server comes back without it, says so and stops writing', async () => {
        const { app, error } = await bootDemo(demoEnv({ PERFORMCHAT_REDIS_URL: url(3) }));
        if (app) opened.push(app);
        expect(error).toBeUndefined();
        const { Redis } = await import('ioredis');
        const server = app!.getHttpServer();
        await request(server).get('/api/chat/token').set(DEMO_USER_HEADER, 'alice').expect(200);
        const db3 = new Redis(url(3));
        try {
          expect(await db3.dbsize()).toBeGreaterThan(0); // rate-limit counters and alice's customer user
        } finally {
          db3.disconnect();
        }

        // Restarted with 2 databases: on reconnection ioredis's own SELECT 3 fails and it would go on in database 0.
        await redis.kill();
        await redis.start(['--requirepass', SECRET, '--databases', '2']);
        const deadline = Date.now() + 10_000;
        while (!/database 3 does not exist/.test(logs.text()) && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 25));
        expect(logs.lines.filter((line) => /database 3 does not exist/.test(line))).toHaveLength(1);
        expect(
          logs.entries.filter((entry) => (entry.message as { event?: string }).event === 'redis.database-stopped'),
        ).toEqual([
          {
            level: 'error',
            message: {
              msg: expect.stringMatching(
                /^.*\(env PERFORMCHAT_REDIS_URL\): database 3 does not exist on the server at 127\.0\.0\.1:\d+ \(it has 2: 0 to 1\); this connection is closed/,
              ),
              event: 'redis.database-stopped',
              label: expect.stringContaining('PERFORMCHAT_REDIS_URL'),
              server: `127.0.0.1:${redis.port}`,
              db: 3,
              problem: 'missing',
              databases: 2,
            },
            params: [],
            context: 'PerformChat',
          },
        ]);

        // Tokens are still issued (limits count in memory), nothing lands in database 0, and readiness says why.
        await request(server).get('/api/chat/token').set(DEMO_USER_HEADER, 'bob').expect(200);
        const db0 = new Redis(url(0));
        try {
          expect(await db0.dbsize()).toBe(0);
        } finally {
          db0.disconnect();
        }
        const ready = await request(server).get('/health/ready').expect(503);
        expect(ready.body.error.performchat_redis).toMatchObject({ status: 'down' });
        expect(logs.text()).not.toContain(SECRET);
        expect(JSON.stringify(ready.body)).not.toContain(SECRET);
      });
    });
  });
});
