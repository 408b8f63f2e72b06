import { Injectable, Logger, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Test, TestingModule } from '@nestjs/testing';
import { HealthIndicatorService } from '@nestjs/terminus';
import { captureLogs, CapturedLogs, HTTP_PLATFORMS, ListeningApp, listenOn } from '@test/utils';
import { Redis } from 'ioredis';
import {
  getPerformChatHealthIndicatorToken,
  getPerformChatToken,
  InjectPerformChat,
  InjectPerformChatHealthIndicator,
  PerformChatAuthService,
  PerformChatErrorCode,
  PerformChatHealthIndicator,
  PerformChatModule,
  PerformChatModuleOptions,
} from 'nestjs-performchat';
import { EMULATOR_COUNTER_KEYS, PerformChatEmulator, startPerformChatEmulator } from 'nestjs-performchat/emulator';
import { DemoAuthGuard, DEMO_USER_HEADER } from '../src/auth/demo-auth.guard';
import { TEST_REDIS_URL, deleteRedisPrefix, uniqueRedisPrefix } from './utils/redis';

/** Two PerformChat companies: one per emulator, each with its own key and agent. */
const US = { keyId: 'pk_us', keySecret: 'sk_us_SECRET_a1', companyId: 'company_us' };
const EU = { keyId: 'pk_eu', keySecret: 'sk_eu_SECRET_b2', companyId: 'company_eu' };
const usEmulator = () =>
  startPerformChatEmulator({ keys: [US], agents: [{ id: 'agent_us', name: 'US Agent', companyId: US.companyId }] });
const euEmulator = () =>
  startPerformChatEmulator({ keys: [EU], agents: [{ id: 'agent_eu', name: 'EU Agent', companyId: EU.companyId }] });
const keyOf = ({ keyId, keySecret }: { keyId: string; keySecret: string }) => ({ keyId, keySecret });

/** A user's service with both instances, the EU one by name. */
@Injectable()
class ChatSessions {
  constructor(
    readonly us: PerformChatAuthService,
    @InjectPerformChat('eu') readonly eu: PerformChatAuthService,
    @InjectPerformChatHealthIndicator('eu') readonly euHealth: PerformChatHealthIndicator,
    readonly usHealth: PerformChatHealthIndicator,
  ) {}
}

function twoInstancesModule(
  us: PerformChatEmulator,
  eu: PerformChatEmulator,
  extra: Partial<PerformChatModuleOptions> = {},
) {
  @Module({
    imports: [
      PerformChatModule.forRoot({ ...keyOf(US), baseUrl: us.url, defaultAgentId: 'agent_us', ...extra }),
      PerformChatModule.forRootAsync({
        name: 'eu',
        controller: { path: 'eu/chat' },
        useFactory: async () => ({ ...keyOf(EU), baseUrl: eu.url, defaultAgentId: 'agent_eu', ...extra }),
      }),
    ],
    providers: [ChatSessions, { provide: APP_GUARD, useClass: DemoAuthGuard }, HealthIndicatorService],
  })
  class TwoRegionsModule {}
  return TwoRegionsModule;
}

describe('several PerformChat instances in one app', () => {
  let us: PerformChatEmulator;
  let eu: PerformChatEmulator;
  let logs: CapturedLogs;
  beforeAll(async () => {
    [us, eu] = await Promise.all([usEmulator(), euEmulator()]);
  });
  afterAll(async () => {
    await Promise.all([us.close(), eu.close()]);
  });
  beforeEach(() => {
    us.reset();
    eu.reset();
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  describe('two instances, two keys, two emulators', () => {
    let ref: TestingModule;
    beforeEach(async () => {
      ref = await Test.createTestingModule({ imports: [twoInstancesModule(us, eu)] }).compile();
      await ref.init();
    });
    afterEach(() => ref.close());

    it('injects each instance where asked: @InjectPerformChat("eu") gets the EU company, the class the default one', async () => {
      const sessions = ref.get(ChatSessions);
      const [usToken, euToken] = await Promise.all([
        sessions.us.generateToken({ userId: 'alice' }),
        sessions.eu.generateToken({ userId: 'alice' }),
      ]);
      expect(usToken.customerUser.companyId).toBe(US.companyId);
      expect(euToken.customerUser.companyId).toBe(EU.companyId);
      expect(us.verify(usToken.token)).toMatchObject({ valid: true });
      expect(eu.verify(euToken.token)).toMatchObject({ valid: true });
      expect(us.verify(euToken.token)).toMatchObject({ valid: false });
      expect(us.state.counter(EMULATOR_COUNTER_KEYS.token).attempts).toBe(1);
      expect(eu.state.counter(EMULATOR_COUNTER_KEYS.token).attempts).toBe(1);

      // Name-based tokens: each instance's own service (a class token could be any instance's internal provider).
      expect(ref.get(getPerformChatToken())).toBe(sessions.us);
      expect(ref.get(getPerformChatToken('default'))).toBe(sessions.us);
      expect(ref.get(getPerformChatToken('eu'))).toBe(sessions.eu);
      expect(sessions.eu).not.toBe(sessions.us);
      expect(ref.get(getPerformChatHealthIndicatorToken('eu'))).toBe(sessions.euHealth);
    });

    it('keeps customer users apart: revoking through one instance never touches the other company', async () => {
      const sessions = ref.get(ChatSessions);
      await sessions.us.generateToken({ userId: 'bob' });
      const euToken = await sessions.eu.generateToken({ userId: 'bob' });
      const revoked = await sessions.us.invalidateUserTokens('bob');
      expect(revoked).toHaveLength(1);
      expect(eu.verify(euToken.token)).toMatchObject({ valid: true });
      expect(eu.state.counter(EMULATOR_COUNTER_KEYS.invalidateToken).attempts).toBe(0);
    });

    it('gives each instance its own breaker, and says which instance its log lines are about', async () => {
      const sessions = ref.get(ChatSessions);
      const contexts: unknown[] = [];
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(function (this: Logger) {
        contexts.push((this as unknown as { context?: string }).context);
      });
      eu.addFault({ path: '/rest/v1/auth/token', status: 503, times: null });
      for (let i = 0; i < 5; i++)
        await expect(sessions.eu.generateToken({ userId: `u${i}` })).rejects.toMatchObject({ code: 'UPSTREAM_ERROR' });
      expect(sessions.eu.circuitBreakerState()).toMatchObject({ state: 'open' });
      expect(sessions.us.circuitBreakerState()).toEqual({ state: 'closed', failureThreshold: 5 });
      await expect(sessions.us.generateToken({ userId: 'carol' })).resolves.toMatchObject({
        agent: { id: 'agent_us' },
      });
      warn.mockRestore();
      expect(contexts.length).toBeGreaterThan(0);
      expect(new Set(contexts)).toEqual(new Set(['PerformChat(eu)']));
      eu.clearFaults();
    });

    it('gives each instance its own health key', async () => {
      const sessions = ref.get(ChatSessions);
      eu.addFault({ status: 500, times: null });
      const [usHealth, euHealth] = await Promise.all([sessions.usHealth.isHealthy(), sessions.euHealth.isHealthy()]);
      expect(usHealth).toEqual({ performchat: expect.objectContaining({ status: 'up' }) });
      expect(euHealth).toEqual({ 'performchat:eu': expect.objectContaining({ status: 'down', statusCode: 500 }) });
      eu.clearFaults();
    });
  });

  describe.each(HTTP_PLATFORMS)('routes over %s', (platform) => {
    let running: ListeningApp;
    beforeAll(async () => {
      running = await listenOn(platform, twoInstancesModule(us, eu, { rateLimit: { points: 2, duration: 60 } }));
    });
    afterAll(() => running.close());

    const get = (path: string, user: string) =>
      fetch(`${running.url}${path}`, { headers: { [DEMO_USER_HEADER]: user } });

    it('serves each instance on its own path, with its own company and its own per-user limit', async () => {
      const usAnswer = await get('/chat/token', 'dana');
      const euAnswer = await get('/eu/chat/token', 'dana');
      expect(usAnswer.status).toBe(200);
      expect(euAnswer.status).toBe(200);
      const usBody = (await usAnswer.json()) as { token: string; agent: { id: string } };
      const euBody = (await euAnswer.json()) as { token: string; agent: { id: string } };
      expect(usBody.agent).toEqual({ id: 'agent_us', name: 'US Agent' });
      expect(euBody.agent).toEqual({ id: 'agent_eu', name: 'EU Agent' });
      expect(us.verify(usBody.token)).toMatchObject({ valid: true });
      expect(eu.verify(euBody.token)).toMatchObject({ valid: true });

      // Two points per user on each instance: the US limit spent does not touch the EU one.
      expect((await get('/chat/token', 'dana')).status).toBe(200);
      const refused = await get('/chat/token', 'dana');
      expect(refused.status).toBe(429);
      const stillEu = await get('/eu/chat/token', 'dana');
      expect(stillEu.status).toBe(200);
      expect(stillEu.headers.get('x-ratelimit-remaining')).toBe('0');
    });
  });

  describe('the key-wide budget belongs to the key', () => {
    const budget = { tokensPerMinute: 3, tokenWindowSeconds: 30 };

    async function sameKeyTwice(
      emulator: PerformChatEmulator,
      extra: Partial<PerformChatModuleOptions>,
      keys = [US, US],
    ) {
      @Injectable()
      class Both {
        constructor(
          readonly first: PerformChatAuthService,
          @InjectPerformChat('second') readonly second: PerformChatAuthService,
        ) {}
      }
      const options = (key: typeof US) => ({
        ...keyOf(key),
        baseUrl: emulator.url,
        defaultAgentId: 'agent_us',
        upstreamBudget: budget,
        ...extra,
      });
      const ref = await Test.createTestingModule({
        imports: [
          PerformChatModule.forRoot({ ...options(keys[0]), controller: false }),
          PerformChatModule.forRoot({ ...options(keys[1]), name: 'second', controller: false }),
        ],
        providers: [Both],
      }).compile();
      await ref.init();
      return { ref, both: ref.get(Both) };
    }

    it('two instances with the same keyId spend one budget (memory)', async () => {
      const { ref, both } = await sameKeyTwice(us, {});
      try {
        await both.first.generateToken({ userId: 'a' });
        await both.second.generateToken({ userId: 'b' });
        await both.first.generateToken({ userId: 'c' });
        await expect(both.second.generateToken({ userId: 'd' })).rejects.toMatchObject({
          code: PerformChatErrorCode.RATE_LIMITED,
        });
        await expect(both.first.generateToken({ userId: 'e' })).rejects.toMatchObject({
          code: PerformChatErrorCode.RATE_LIMITED,
        });
        expect(us.state.counter(EMULATOR_COUNTER_KEYS.token).attempts).toBe(3);
      } finally {
        await ref.close();
      }
    });

    it('two instances with the same keyId spend one budget (Redis, under the key-wide prefix)', async () => {
      const redis = new Redis(TEST_REDIS_URL);
      const keyPrefix = uniqueRedisPrefix('instances-budget').replace(/:$/, '');
      const { ref, both } = await sameKeyTwice(us, { rateLimit: { store: { redis: TEST_REDIS_URL, keyPrefix } } });
      try {
        for (const [service, user] of [
          [both.first, 'a'],
          [both.second, 'b'],
          [both.second, 'c'],
        ] as const) {
          await service.generateToken({ userId: user });
        }
        await expect(both.first.generateToken({ userId: 'd' })).rejects.toMatchObject({
          code: PerformChatErrorCode.RATE_LIMITED,
        });
        expect(us.state.counter(EMULATOR_COUNTER_KEYS.token).attempts).toBe(3);
        // The sliding token log of issue 15: one log (and its last-slot and ticket keys) for the key.
        expect((await redis.keys(`${keyPrefix}:upstream-budget.token-log:*`)).sort()).toEqual([
          `${keyPrefix}:upstream-budget.token-log:last:{${US.keyId}}`,
          `${keyPrefix}:upstream-budget.token-log:ticket:{${US.keyId}}`,
          `${keyPrefix}:upstream-budget.token-log:{${US.keyId}}`,
        ]);
      } finally {
        await ref.close();
        await deleteRedisPrefix(redis, keyPrefix);
        redis.disconnect();
      }
    });

    it('two instances with different keys on one emulator each have their own budget', async () => {
      const shared = await startPerformChatEmulator({
        keys: [US, { ...EU, companyId: US.companyId }],
        agents: [{ id: 'agent_us', name: 'US Agent', companyId: US.companyId }],
      });
      const { ref, both } = await sameKeyTwice(shared, {}, [US, EU]);
      try {
        for (const user of ['a', 'b', 'c']) await both.first.generateToken({ userId: user });
        for (const user of ['a', 'b', 'c']) await both.second.generateToken({ userId: user });
        await expect(both.second.generateToken({ userId: 'd' })).rejects.toMatchObject({
          code: PerformChatErrorCode.RATE_LIMITED,
        });
        expect(shared.state.counter(EMULATOR_COUNTER_KEYS.token).attempts).toBe(6);
      } finally {
        await ref.close();
        await shared.close();
      }
    });
  });

  describe('registration mistakes stop the boot, naming the instance', () => {
    const key = { ...keyOf(US), baseUrl: 'http://127.0.0.1:9' };
    async function bootError(imports: ReturnType<typeof PerformChatModule.forRoot>[]): Promise<string> {
      expect.hasAssertions();
      try {
        const ref = await Test.createTestingModule({ imports }).compile();
        await ref.close();
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('expected the boot to fail');
    }

    it('two instances under one name', async () => {
      const message = await bootError([
        PerformChatModule.forRoot({ ...key, name: 'eu', controller: false }),
        PerformChatModule.forRootAsync({ name: 'eu', controller: { path: 'other' }, useFactory: () => key }),
      ]);
      expect(message).toBe(
        'Invalid PerformChatModule options of the instance "eu": Two PerformChatModule instances are named "eu": give each forRoot/forRootAsync its own name (the one without a name is "default")',
      );
    });

    it('two unnamed instances (both "default")', async () => {
      const message = await bootError([
        PerformChatModule.forRoot(key),
        PerformChatModule.forRoot({ ...key, controller: false }),
      ]);
      expect(message).toContain('Two PerformChatModule instances are named "default"');
    });

    it('two instances serving the token routes on one path', async () => {
      const message = await bootError([
        PerformChatModule.forRoot(key),
        PerformChatModule.forRoot({ ...key, name: 'eu', controller: { path: '/chat/' } }),
      ]);
      expect(message).toContain(
        'The PerformChatModule instances "default" and "eu" both serve the token routes under /chat: give one another controller.path, or controller: false',
      );
    });

    it('two instances keeping customer users in one Redis under one prefix', async () => {
      const client = new Redis({ lazyConnect: true });
      try {
        const message = await bootError([
          PerformChatModule.forRoot({
            ...key,
            controller: false,
            customerUserStore: { redis: client, keyPrefix: 'app:users' },
          }),
          PerformChatModule.forRoot({
            ...key,
            name: 'eu',
            controller: false,
            customerUserStore: { redis: client, keyPrefix: 'app:users' },
          }),
        ]);
        expect(message).toContain(
          'The PerformChatModule instances "default" and "eu" keep customer users in one Redis under one key prefix ("app:users")',
        );
      } finally {
        client.disconnect();
      }
    });

    it("a bad name, with the options' own problems, never the secret", async () => {
      const message = await bootError([
        PerformChatModule.forRoot({ ...key, name: 'eu west', timeoutMs: 0, controller: false }),
      ]);
      expect(message).toBe(
        'Invalid PerformChatModule options of the instance "eu west": name may only contain letters, digits, ".", "_" and "-" (1 to 100 characters); timeoutMs must be a whole number of milliseconds, at least 1',
      );
      expect(message).not.toContain(US.keySecret);
    });

    it('a named instance exports only its name-based tokens, never the classes', async () => {
      @Injectable()
      class WantsTheClass {
        constructor(readonly auth: PerformChatAuthService) {}
      }
      await expect(
        Test.createTestingModule({
          imports: [PerformChatModule.forRoot({ ...key, name: 'eu', controller: false })],
          providers: [WantsTheClass],
        }).compile(),
      ).rejects.toThrow(/PerformChatAuthService/);
    });
  });
});
