import { Controller, Get, INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { CapturedLogs, captureLogs } from '@test/utils';
import { TEST_REDIS_URL, deleteRedisPrefix, uniqueRedisPrefix } from '@test/utils/redis';
import { Redis } from 'ioredis';
import {
  PerformChatAuthService,
  PerformChatCustomerUserRecord,
  PerformChatCustomerUserStore,
  PerformChatModule,
  PerformChatModuleOptions,
  PerformChatTokenIssuedEvent,
  PerformChatTokensInvalidatedEvent,
} from 'nestjs-performchat';
import {
  EMULATOR_COUNTER_KEYS,
  EMULATOR_DEMO_AGENT_ID,
  EMULATOR_DEMO_KEY,
  PerformChatEmulator,
  startPerformChatEmulator,
} from 'nestjs-performchat/emulator';
import request from 'supertest';

describe('customer-user storage and invalidation flows against the emulator', () => {
  let emulator: PerformChatEmulator;
  let logs: CapturedLogs;
  const apps: { close(): Promise<unknown> }[] = [];

  const baseOptions = (): PerformChatModuleOptions => ({
    keyId: EMULATOR_DEMO_KEY.keyId,
    keySecret: EMULATOR_DEMO_KEY.keySecret,
    baseUrl: emulator.url,
    defaultAgentId: EMULATOR_DEMO_AGENT_ID,
  });

  async function serviceWith(options: Partial<PerformChatModuleOptions> = {}, extras: object = {}) {
    const moduleRef = await Test.createTestingModule({
      imports: [PerformChatModule.forRoot({ ...baseOptions(), ...options, ...extras })],
    }).compile();
    apps.push(moduleRef);
    return {
      auth: moduleRef.get(PerformChatAuthService),
      store: moduleRef.get<PerformChatCustomerUserStore>(PerformChatCustomerUserStore),
    };
  }

  beforeAll(async () => {
    emulator = await startPerformChatEmulator();
  });
  beforeEach(() => {
    emulator.reset();
    logs = captureLogs();
  });
  afterEach(async () => {
    logs.restore();
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });
  afterAll(() => emulator.close());

  it('records the customer user of every token and revokes all of a user across agents', async () => {
    const { auth, store } = await serviceWith();
    const support = await auth.generateToken({ userId: 'alice' });
    const sales = await auth.generateToken({ userId: 'alice', agentId: 'agent_sales' });
    await auth.generateToken({ userId: 'bob' });

    const records = await store.listByExternalId('alice');
    expect(records).toEqual([
      {
        externalId: 'alice',
        agentId: 'agent_sales',
        customerUserId: support.customerUser.id,
        companyId: EMULATOR_DEMO_KEY.companyId,
        updatedAt: expect.any(Date),
      },
    ]);
    // The emulator (like the docs) keeps one customer user per (company, user): both tokens share it.
    expect(sales.customerUser.id).toBe(support.customerUser.id);

    const results = await auth.invalidateUserTokens('alice');
    expect(results).toEqual([{ customerUserId: support.customerUser.id, newTokenVersion: 1 }]);
    expect(emulator.verify(support.token)).toEqual({ valid: false, reason: 'token_version' });
    expect(emulator.verify(sales.token)).toEqual({ valid: false, reason: 'token_version' });
    expect(await auth.invalidateUserTokens('nobody')).toEqual([]);
  });

  it('drops a stored customer user PerformChat no longer knows, without counting it', async () => {
    const { auth, store } = await serviceWith();
    await store.save({
      externalId: 'ghost',
      agentId: 'a',
      customerUserId: 'cu_gone',
      companyId: 'c',
      updatedAt: new Date(),
    });
    expect(await auth.invalidateUserTokens('ghost')).toEqual([]);
    expect(await store.listByExternalId('ghost')).toEqual([]);
  });

  it('fails a revocation when PerformChat fails, so the caller can retry', async () => {
    const { auth } = await serviceWith();
    await auth.generateToken({ userId: 'alice' });
    emulator.addFault({ path: '/rest/v1/auth/invalidate-token', status: 500, times: -1 });
    await expect(auth.invalidateUserTokens('alice')).rejects.toMatchObject({ code: 'UPSTREAM_ERROR' });
  });

  it('revokes many users with bounded concurrency, one result each', async () => {
    const { auth } = await serviceWith();
    const users = Array.from({ length: 12 }, (_, i) => `user-${i}`);
    const tokens = await Promise.all(users.map((userId) => auth.generateToken({ userId })));
    emulator.addFault({ path: '/rest/v1/auth/invalidate-token', delayMs: 30, times: -1 });

    const started = Date.now();
    const results = await auth.invalidateUsers([...users, 'user-0', 'unknown'], { concurrency: 3 });
    const elapsed = Date.now() - started;

    expect(results).toHaveLength(13);
    expect(results.find((r) => r.userId === 'unknown')).toEqual({ userId: 'unknown', invalidations: [] });
    expect(results.filter((r) => r.invalidations.length === 1)).toHaveLength(12);
    for (const token of tokens) expect(emulator.verify(token.token)).toEqual({ valid: false, reason: 'token_version' });
    // 12 invalidations of ~30 ms each, at most 3 at a time: at least 4 waves (an unbounded run takes one).
    expect(elapsed).toBeGreaterThanOrEqual(4 * 30 - 5);
  });

  it('revokes every known user for an incident, reporting progress and failures', async () => {
    const { auth, store } = await serviceWith();
    for (const userId of ['a', 'b', 'c', 'd']) await auth.generateToken({ userId });
    await store.save({
      externalId: 'ghost',
      agentId: 'x',
      customerUserId: 'cu_gone',
      companyId: 'c',
      updatedAt: new Date(),
    });
    const progress: number[] = [];

    const summary = await auth.invalidateAllKnownUsers({
      concurrency: 2,
      onProgress: ({ done }) => progress.push(done),
    });

    expect(summary).toEqual({ total: 5, invalidated: 4, gone: 1, failed: [] });
    expect(progress).toEqual([1, 2, 3, 4, 5]);
    expect(emulator.state.counter(EMULATOR_COUNTER_KEYS.invalidateToken).attempts).toBe(5);
  });

  it('collects failures of an app-wide revoke instead of stopping', async () => {
    const { auth } = await serviceWith();
    for (const userId of ['a', 'b', 'c']) await auth.generateToken({ userId });
    // The first call fails on all of its attempts (one try and two retries).
    emulator.addFault({ path: '/rest/v1/auth/invalidate-token', status: 503, times: 3 });
    const summary = await auth.invalidateAllKnownUsers({ concurrency: 1 });
    expect(summary.total).toBe(3);
    expect(summary.invalidated).toBe(2);
    expect(summary.failed).toHaveLength(1);
    expect(summary.failed[0].error).toMatchObject({ code: 'UPSTREAM_ERROR' });
  });

  it('issues the token even when the store fails, and says so in the log', async () => {
    const failing: PerformChatCustomerUserStore = {
      save: async () => {
        throw new Error('database is down');
      },
      listByExternalId: async () => [],
      remove: async () => undefined,
      iterate: async function* () {},
    };
    const { auth } = await serviceWith({ customerUserStore: failing });
    const token = await auth.generateToken({ userId: 'alice' });
    expect(emulator.verify(token.token)).toMatchObject({ valid: true });
    expect(logs.text()).toMatch(
      /Could not save the customer user of user "alice" \(Error: database is down\); the token was issued and is valid/,
    );
    expect(logs.text()).not.toContain(token.token);
  });

  describe('with a store that cannot be read (issue 13, item 5)', () => {
    /** Saves work (tokens get issued), reads fail: the database went away after the tokens. */
    const unreadable = (): PerformChatCustomerUserStore => {
      const saved: PerformChatCustomerUserRecord[] = [];
      return {
        save: async (record) => void saved.push(record),
        listByExternalId: async () => {
          throw new Error('database is down');
        },
        remove: async () => undefined,
        iterate: async function* () {
          yield* saved.slice(0, 1);
          throw new Error('database is down');
        },
      };
    };
    /** The store's log lines as `<level> <msg>`, each checked to be one object with its event and reason. */
    const storeLines = () =>
      logs.entries
        .filter((entry) => /^store\./.test(String((entry.message as { event?: unknown }).event)))
        .map(({ level, message }) => {
          expect(message).toMatchObject({ reason: 'Error: database is down' });
          return `${level} ${(message as { event: string }).event} ${(message as { msg: string }).msg}`;
        });
    const invalidations = () => emulator.state.counter(EMULATOR_COUNTER_KEYS.invalidateToken).attempts;

    it('invalidateUserTokens fails with STORE_UNAVAILABLE, never [] as if nothing were stored, and logs one line', async () => {
      const { auth } = await serviceWith({ customerUserStore: unreadable() });
      const token = await auth.generateToken({ userId: 'alice' });

      const failure = await auth.invalidateUserTokens('alice').catch((error: unknown) => error);

      expect(failure).toMatchObject({
        name: 'PerformChatError',
        code: 'STORE_UNAVAILABLE',
        message:
          'Could not read the customer users of user "alice" from the store: Error: database is down; nothing was revoked, retry when the store answers',
      });
      expect(invalidations()).toBe(0);
      expect(emulator.verify(token.token)).toMatchObject({ valid: true });
      expect(storeLines()).toEqual([`warn store.read-failed ${(failure as Error).message}`]);
      expect(logs.events('store.read-failed')).toEqual([expect.objectContaining({ userId: 'alice' })]);
    });

    it('invalidateUsers reports the error in each result and logs one line for all users', async () => {
      const { auth } = await serviceWith({ customerUserStore: unreadable() });

      const results = await auth.invalidateUsers(['a', 'b', 'c']);

      expect(results).toEqual(
        ['a', 'b', 'c'].map((userId) => ({
          userId,
          invalidations: [],
          error: expect.objectContaining({
            code: 'STORE_UNAVAILABLE',
            message: expect.stringContaining(`user "${userId}"`),
          }),
        })),
      );
      expect(storeLines()).toEqual([
        "warn store.read-failed-for-users Could not read the customer users of 3 of 3 users from the store: Error: database is down; they were not revoked (see each result's error), retry when the store answers",
      ]);
      expect(logs.events('store.read-failed-for-users')).toEqual([
        expect.objectContaining({ failedUsers: 3, totalUsers: 3 }),
      ]);
    });

    it('invalidateAllKnownUsers fails with STORE_UNAVAILABLE before revoking anyone when the listing breaks midway', async () => {
      const { auth } = await serviceWith({ customerUserStore: unreadable() });
      await auth.generateToken({ userId: 'alice' });

      await expect(auth.invalidateAllKnownUsers()).rejects.toMatchObject({
        code: 'STORE_UNAVAILABLE',
        message:
          'Could not list the customer users in the store: Error: database is down; nothing was revoked, retry when the store answers',
      });
      expect(invalidations()).toBe(0);
      expect(storeLines()).toEqual([
        'warn store.list-failed Could not list the customer users in the store: Error: database is down; nothing was revoked, retry when the store answers',
      ]);
    });
  });

  it('uses an app-provided store', async () => {
    const saved: PerformChatCustomerUserRecord[] = [];
    const mine: PerformChatCustomerUserStore = {
      save: async (record) => void saved.push(record),
      listByExternalId: async (id) => saved.filter((r) => r.externalId === id),
      remove: async () => undefined,
      iterate: async function* () {
        yield* saved;
      },
    };
    const { auth, store } = await serviceWith({ customerUserStore: mine });
    expect(store).toBe(mine);
    await auth.generateToken({ userId: 'alice' });
    expect(saved).toEqual([expect.objectContaining({ externalId: 'alice' })]);
    expect(await auth.invalidateUserTokens('alice')).toHaveLength(1);
  });

  it('refuses an incomplete app-provided store at boot', async () => {
    await expect(serviceWith({ customerUserStore: { save: async () => undefined } as never })).rejects.toThrow(
      /customerUserStore is missing the method\(s\) listByExternalId, remove, iterate/,
    );
  });

  describe('with the Redis store from a URL', () => {
    let redis: Redis;
    let prefix: string;
    beforeAll(() => {
      redis = new Redis(TEST_REDIS_URL);
    });
    beforeEach(() => {
      prefix = uniqueRedisPrefix('invalidation').replace(/:$/, '');
    });
    afterEach(() => deleteRedisPrefix(redis, prefix));
    afterAll(() => redis.quit());

    it('shares records between two instances and closes only its own connection', async () => {
      const one = await serviceWith({ customerUserStore: { redis: TEST_REDIS_URL, keyPrefix: prefix } });
      const two = await serviceWith({ customerUserStore: { redis: TEST_REDIS_URL, keyPrefix: prefix } });
      const token = await one.auth.generateToken({ userId: 'alice' });
      expect(await redis.hlen(`${prefix}:{alice}`)).toBe(1);

      expect(await two.auth.invalidateUserTokens('alice')).toHaveLength(1);
      expect(emulator.verify(token.token)).toEqual({ valid: false, reason: 'token_version' });

      await Promise.all(apps.splice(0).map((app) => app.close()));
      expect(await redis.ping()).toBe('PONG'); // the test's own client is untouched
    });

    it('uses a client it is given and leaves it open', async () => {
      const { auth } = await serviceWith({ customerUserStore: { redis, keyPrefix: prefix, ttlSeconds: 60 } });
      await auth.generateToken({ userId: 'bob' });
      await Promise.all(apps.splice(0).map((app) => app.close()));
      expect(redis.status).toBe('ready');
      expect(await redis.ttl(`${prefix}:{bob}`)).toBeGreaterThan(0);
    });
  });

  it('calls the audit hooks without the token or the secret, and survives a failing hook', async () => {
    const issued: PerformChatTokenIssuedEvent[] = [];
    const invalidated: PerformChatTokensInvalidatedEvent[] = [];
    const { auth } = await serviceWith({
      onTokenIssued: (event) => void issued.push(event),
      onTokensInvalidated: async (event) => {
        invalidated.push(event);
        throw new Error('audit sink down');
      },
    });
    const token = await auth.generateToken({ userId: 'alice', expiresIn: '15m' });
    const results = await auth.invalidateUserTokens('alice');

    expect(issued).toEqual([
      {
        userId: 'alice',
        agentId: EMULATOR_DEMO_AGENT_ID,
        customerUserId: token.customerUser.id,
        companyId: EMULATOR_DEMO_KEY.companyId,
        expiresAt: token.expiresAt,
        expiresInSeconds: token.expiresInSeconds,
        source: 'generated',
      },
    ]);
    expect(invalidated).toEqual([{ userId: 'alice', customerUserId: token.customerUser.id, newTokenVersion: 1 }]);
    expect(results).toHaveLength(1);
    expect(logs.text()).toMatch(/The onTokensInvalidated hook failed \(Error: audit sink down\)/);
    expect(JSON.stringify(issued) + JSON.stringify(invalidated)).not.toContain(token.token);
  });

  describe('the controller extra', () => {
    @Controller('probe')
    class ProbeController {
      @Get()
      ok() {
        return { ok: true };
      }
    }

    async function appWith(controller: object | false | undefined): Promise<INestApplication> {
      @Module({
        imports: [
          PerformChatModule.forRoot({ ...baseOptions(), ...(controller === undefined ? {} : { controller }) } as never),
        ],
        controllers: [ProbeController],
      })
      class HostModule {}
      const moduleRef = await Test.createTestingModule({ imports: [HostModule] }).compile();
      const app = moduleRef.createNestApplication({ logger: false });
      await app.init();
      apps.push(app);
      return app;
    }

    it('serves /chat/token by default', async () => {
      const app = await appWith(undefined);
      await request(app.getHttpServer()).get('/chat/token').expect(401);
    });

    it('registers no route with controller: false', async () => {
      const app = await appWith(false);
      await request(app.getHttpServer()).get('/chat/token').expect(404);
      await request(app.getHttpServer()).post('/chat/token/revoke').expect(404);
      await request(app.getHttpServer()).get('/probe').expect(200);
    });

    it('serves a custom path', async () => {
      const app = await appWith({ path: 'support/performchat' });
      await request(app.getHttpServer()).get('/support/performchat/token').expect(401);
      await request(app.getHttpServer()).get('/chat/token').expect(404);
    });
  });
});
