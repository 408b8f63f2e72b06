import { Test, TestingModule } from '@nestjs/testing';
import { captureLogs, CapturedLogs, HoldingProxy, startHoldingProxy } from '@test/utils';
import { TEST_REDIS_URL, deleteRedisPrefix, uniqueRedisPrefix } from '@test/utils/redis';
import { Redis } from 'ioredis';
import { decodeJwt } from 'jose';
import {
  EMULATOR_COUNTER_KEYS,
  EMULATOR_DEMO_AGENT_ID,
  EMULATOR_DEMO_KEY,
  PerformChatEmulator,
  startPerformChatEmulator,
} from '../../../perform-chat-emulator/src';
import { PerformChatModuleOptions } from '../options/perform-chat-options.interface';
import { PerformChatModule } from '../perform-chat.module';
import { PerformChatTelemetry } from '../telemetry/perform-chat-telemetry';
import type { PerformChatTelemetryEvent } from '../telemetry/perform-chat-telemetry.events';
import { PerformChatTokenSealer } from '../token-reuse/token-sealer';
import { PerformChatAuthService } from './perform-chat-auth.service';

const TOKEN_PATH = '/rest/v1/auth/token';

type StoreKind = 'memory' | 'redis';

/**
 * Token reuse, exact revocation and shared generations (issue 15), through PerformChatModule
 * against the emulator, with the token store in memory and in Redis (where two module
 * instances stand for two app instances).
 */
describe.each<StoreKind>(['memory', 'redis'])('token reuse with the %s token store', (kind) => {
  let emulator: PerformChatEmulator;
  let proxy: HoldingProxy;
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
          baseUrl: proxy.url,
          defaultAgentId: EMULATOR_DEMO_AGENT_ID,
          retry: false,
          tokenReuse: {
            minRemaining: '5m',
            store: kind === 'redis' ? { redis: TEST_REDIS_URL, keyPrefix: `${prefix}tokens` } : 'memory',
          },
          ...(kind === 'redis' ? { rateLimit: { store: { redis: TEST_REDIS_URL, keyPrefix: `${prefix}rl` } } } : {}),
          ...overrides,
        }),
      ],
    }).compile();
    await ref.init();
    refs.push(ref);
    ref.get(PerformChatTelemetry).subscribe((event) => events.push(event));
    return ref.get(PerformChatAuthService);
  }

  const valid = (token: string) => emulator.verify(token);

  beforeAll(async () => {
    redis = new Redis(TEST_REDIS_URL);
  });
  afterAll(() => redis.quit());
  beforeEach(async () => {
    refs = [];
    events = [];
    prefix = uniqueRedisPrefix(`reuse-${kind}`);
    emulator = await startPerformChatEmulator({ rateLimits: { tokenGenerations: false, apiRequests: false } });
    proxy = await startHoldingProxy(emulator.url);
    logs = captureLogs();
  });
  afterEach(async () => {
    logs.restore();
    for (const ref of refs) await ref.close();
    await proxy.close();
    await emulator.close();
    await deleteRedisPrefix(redis, prefix);
  });

  it("hands the same (user, agent, lifetime) its live token again, with the token's own expiry; anything else generates", async () => {
    const auth = await instance();
    const first = await auth.generateToken({ userId: 'alice', expiresIn: '1h' });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const again = await auth.generateToken({ userId: 'alice', expiresIn: '1h' });
    expect(generations()).toBe(1);
    expect(again.token).toBe(first.token);
    expect(again.expiresAt.getTime()).toBe((decodeJwt(first.token).exp as number) * 1000);
    expect(again.expiresInSeconds).toBeLessThan(first.expiresInSeconds);
    expect(again.customerUser).toEqual(first.customerUser);
    expect(events.filter((event) => event.type === 'token.reused')).toEqual([
      { type: 'token.reused', agentId: EMULATOR_DEMO_AGENT_ID, remainingSeconds: again.expiresInSeconds },
    ]);

    await auth.generateToken({ userId: 'alice', expiresIn: '2h' }); // another lifetime
    await auth.generateToken({ userId: 'alice', expiresIn: '1h', agentId: 'agent_sales' }); // another agent
    await auth.generateToken({ userId: 'bob', expiresIn: '1h' }); // another user
    await auth.generateToken({ userId: 'alice', expiresIn: '1h', sessionId: 'session-1' }); // another session
    await auth.generateToken({ userId: 'alice', expiresIn: '1h', reuse: false }); // asked for a fresh one
    await auth.generateToken({ userId: 'alice', expiresIn: '4m' }); // a lifetime not above minRemaining
    await auth.generateToken({ userId: 'alice', expiresIn: '4m' });
    expect(generations()).toBe(8);
    expect((await auth.generateToken({ userId: 'alice', expiresIn: '1h', sessionId: 'session-1' })).token).not.toBe(
      first.token,
    );
    expect(generations()).toBe(8);
  });

  it('never hands out a token with less than minRemaining left', async () => {
    // An emulator whose clock is 57 minutes behind: its 1 h tokens have 3 minutes left.
    const late = await startPerformChatEmulator({ clock: () => Date.now() - 57 * 60_000 });
    try {
      const auth = await instance({ baseUrl: late.url });
      const first = await auth.generateToken({ userId: 'carol', expiresIn: '1h' });
      expect(first.expiresInSeconds).toBeLessThan(200);
      await auth.generateToken({ userId: 'carol', expiresIn: '1h' });
      expect(late.state.counter(EMULATOR_COUNTER_KEYS.token).attempts).toBe(2);
      expect(events.filter((event) => event.type === 'token.reused')).toEqual([]);
    } finally {
      await late.close();
    }
  });

  it('fresh: a token the chat server refused is not handed out again; the new one replaces it', async () => {
    const auth = await instance();
    await auth.generateToken({ userId: 'fresh-user', expiresIn: '1h' });
    await auth.generateToken({ userId: 'fresh-user', expiresIn: '1h' });
    expect(generations()).toBe(1);
    await auth.generateToken({ userId: 'fresh-user', expiresIn: '1h', fresh: true });
    expect(generations()).toBe(2);
    await auth.generateToken({ userId: 'fresh-user', expiresIn: '1h' });
    expect(generations()).toBe(2); // the new one, reused
    expect(events.filter((event) => event.type === 'token.reused')).toHaveLength(2);
  });

  it('shares one generation among concurrent requests for the same token (and not with others)', async () => {
    const auth = await instance();
    await auth.generateToken({ userId: 'warm-up' }); // past the one-at-a-time probe of a new instance
    proxy.hold(TOKEN_PATH);
    const burst = Array.from({ length: 10 }, () => auth.generateToken({ userId: 'dave', expiresIn: '1h' }));
    const other = auth.generateToken({ userId: 'erin', expiresIn: '1h' });
    while (proxy.held < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    proxy.release();
    const tokens = await Promise.all(burst);
    await other;
    expect(generations()).toBe(3);
    expect(new Set(tokens.map((token) => token.token)).size).toBe(1);
    expect(events.filter((event) => event.type === 'token.shared')).toHaveLength(9);
  });

  it('with shareConcurrentGenerations: false and no reuse, each request generates its own', async () => {
    const auth = await instance({ tokenReuse: false, shareConcurrentGenerations: false });
    await Promise.all(Array.from({ length: 4 }, () => auth.generateToken({ userId: 'frank', expiresIn: '1h' })));
    expect(generations()).toBe(4);
  });

  it('after invalidateUserTokens returns, the stored token is never served again: the next one is valid', async () => {
    const auth = await instance();
    const before = await auth.generateToken({ userId: 'grace', expiresIn: '1h' });
    expect((await auth.generateToken({ userId: 'grace', expiresIn: '1h' })).token).toBe(before.token);
    await auth.invalidateUserTokens('grace');
    expect(valid(before.token)).toEqual({ valid: false, reason: 'token_version' });
    const after = await auth.generateToken({ userId: 'grace', expiresIn: '1h' });
    expect(after.token).not.toBe(before.token);
    expect(valid(after.token).valid).toBe(true);
    // The new token is stored and reused in turn.
    expect((await auth.generateToken({ userId: 'grace', expiresIn: '1h' })).token).toBe(after.token);
  });

  it('a generation in flight while the revocation runs is never served: it is generated again, valid', async () => {
    const auth = await instance();
    await auth.generateToken({ userId: 'heidi', expiresIn: '1h', reuse: false }); // the customer user is known
    proxy.hold(TOKEN_PATH);
    const inFlight = auth.generateToken({ userId: 'heidi', expiresIn: '1h' });
    while (proxy.held < 1) await new Promise((resolve) => setTimeout(resolve, 5));
    // PerformChat has signed it with the current version; the answer is still on its way.
    await auth.invalidateUserTokens('heidi');
    proxy.release();
    const served = await inFlight;
    expect(valid(served.token).valid).toBe(true);
    expect(generations()).toBe(3);
    expect(events.filter((event) => event.type === 'token.stale')).toEqual([
      { type: 'token.stale', source: 'generated' },
    ]);
  });

  it('under concurrency: no token served after a revocation returned fails verify', async () => {
    const [a, b] = kind === 'redis' ? [await instance(), await instance()] : [await instance(), undefined];
    const users = ['u1', 'u2', 'u3', 'u4'];
    for (const user of users) await a.generateToken({ userId: user, expiresIn: '1h' });
    const served: { token: string; startedAfterRevoke: boolean }[] = [];
    let revokedAt = Number.POSITIVE_INFINITY;
    const load = Promise.all(
      Array.from({ length: 80 }, async (_, i) => {
        await new Promise((resolve) => setTimeout(resolve, i * 2));
        const startedAt = Date.now();
        const auth = b && i % 2 ? b : a;
        const token = await auth.generateToken({ userId: users[i % users.length], expiresIn: '1h' });
        served.push({ token: token.token, startedAfterRevoke: startedAt > revokedAt });
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 40));
    await Promise.all(users.map((user) => (b ?? a).invalidateUserTokens(user)));
    revokedAt = Date.now();
    await load;
    const judged = served.filter((entry) => entry.startedAfterRevoke);
    expect(judged.length).toBeGreaterThan(10);
    expect(judged.filter((entry) => !valid(entry.token).valid)).toEqual([]);
  });

  it('keeps only sealed tokens in the store: the raw value holds no usable token, and a rotated secret drops them', async () => {
    const auth = await instance();
    const { token } = await auth.generateToken({ userId: 'ivan', expiresIn: '1h' });
    if (kind === 'redis') {
      const keys = await redis.keys(`${prefix}tokens:*`);
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) expect(key).not.toContain('ivan');
      const values = await Promise.all(keys.filter((key) => key.includes(':entry:')).map((key) => redis.get(key)));
      expect(values).toHaveLength(1);
      for (const part of [token, ...token.split('.')]) expect(values[0]).not.toContain(part);
      expect(values[0]).toMatch(/^v1\./);
    }
    // A rotated secret: other keys, so the old entries are neither found nor readable.
    emulator.state.keys.get(EMULATOR_DEMO_KEY.keyId)!.keySecret = 'sk_rotated_secret';
    const rotated = await instance({ keySecret: 'sk_rotated_secret' });
    await rotated.generateToken({ userId: 'ivan', expiresIn: '1h' });
    expect(generations()).toBe(2);
    expect(events.filter((event) => event.type === 'token.reused')).toEqual([]);
    const oldSealer = new PerformChatTokenSealer(EMULATOR_DEMO_KEY.keyId, EMULATOR_DEMO_KEY.keySecret);
    const newSealer = new PerformChatTokenSealer(EMULATOR_DEMO_KEY.keyId, 'sk_rotated_secret');
    const name = oldSealer.name([EMULATOR_DEMO_KEY.keyId, 'ivan', EMULATOR_DEMO_AGENT_ID, 3600, null]);
    expect(newSealer.open(name, oldSealer.seal(name, token))).toBeUndefined();
  });

  if (kind === 'redis') {
    it('requests on two instances for the same new token share one generation (claimed in Redis)', async () => {
      const [a, b] = [await instance(), await instance()];
      proxy.hold(TOKEN_PATH);
      const burst = Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? b : a).generateToken({ userId: 'judy', expiresIn: '1h' }),
      );
      while (proxy.held < 1) await new Promise((resolve) => setTimeout(resolve, 5));
      await new Promise((resolve) => setTimeout(resolve, 60)); // the other instance is polling by now
      proxy.release();
      const tokens = await Promise.all(burst);
      expect(generations()).toBe(1);
      expect(new Set(tokens.map((token) => token.token)).size).toBe(1);
    });

    it('a token store that does not answer is a miss: tokens are generated, nothing fails, the outage is logged once', async () => {
      const auth = await instance({
        tokenReuse: { store: { redis: 'redis://127.0.0.1:1', keyPrefix: `${prefix}down` } },
      });
      await auth.generateToken({ userId: 'kim', expiresIn: '1h' });
      await auth.generateToken({ userId: 'kim', expiresIn: '1h' });
      await auth.invalidateUserTokens('kim');
      expect(generations()).toBe(2);
      expect(events.filter((event) => event.type === 'token-store.down')).toHaveLength(1);
      expect(logs.lines.filter((line) => line.includes('The token store (Redis at 127.0.0.1:1) failed'))).toHaveLength(
        1,
      );
      expect(logs.lines.some((line) => line.includes('could not record it'))).toBe(true);
    });
  }

  it('never logs or reports a token', async () => {
    const auth = await instance();
    const { token } = await auth.generateToken({ userId: 'leo', expiresIn: '1h' });
    await auth.generateToken({ userId: 'leo', expiresIn: '1h' });
    await auth.invalidateUserTokens('leo');
    await auth.generateToken({ userId: 'leo', expiresIn: '1h' });
    const seen = JSON.stringify(events) + logs.text();
    for (const part of [token, ...token.split('.').slice(1), EMULATOR_DEMO_KEY.keySecret])
      expect(seen).not.toContain(part);
  });
});
