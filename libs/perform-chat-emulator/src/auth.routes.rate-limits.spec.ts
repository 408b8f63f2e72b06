import { useDateClock } from '@test/utils';
import { invalidateBody, request, tokenBody } from '../test/http';
import { startPerformChatEmulator, type PerformChatEmulator, type PerformChatEmulatorOptions } from './index';

const TOKEN = '/rest/v1/auth/token';
const INVALIDATE = '/rest/v1/auth/invalidate-token';
const TOO_MANY = { statusCode: 429, message: 'Too Many Requests', error: 'Too Many Requests' };

describe('emulator: documented rate limits', () => {
  let emulator: PerformChatEmulator | undefined;
  let now = 0;
  const start = async (options: PerformChatEmulatorOptions): Promise<PerformChatEmulator> => {
    now = 1_000_000;
    emulator = await startPerformChatEmulator({ clock: () => now, ...options });
    return emulator;
  };
  const post = (path: string, body: unknown) => request(emulator!.url, 'POST', path, body);

  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  it('defaults to the documented limits: 100 token generations per minute per key', async () => {
    await start({});
    const statuses: number[] = [];
    for (let i = 0; i < 101; i++) statuses.push((await post(TOKEN, tokenBody({ userId: `user_${i}` }))).status);
    expect(statuses.slice(0, 100)).toEqual(Array(100).fill(200));
    const refused = await post(TOKEN, tokenBody());
    expect(refused.status).toBe(429);
    expect(refused.json).toEqual(TOO_MANY);
    expect(refused.headers.get('retry-after')).toBe('60');
    now += 59_001;
    expect((await post(TOKEN, tokenBody())).headers.get('retry-after')).toBe('1');
    now += 999;
    expect((await post(TOKEN, tokenBody())).status).toBe(200);
  });

  it('counts token generations per key, with Retry-After in whole seconds rounded up', async () => {
    await start({
      keys: [
        { keyId: 'pk_a', keySecret: 'sk_a', companyId: 'co' },
        { keyId: 'pk_b', keySecret: 'sk_b', companyId: 'co' },
      ],
      agents: [{ id: 'agent', name: 'Agent' }],
      rateLimits: { tokenGenerations: { points: 2, windowMs: 5000 } },
    });
    const body = (key: string) => tokenBody({ keyId: `pk_${key}`, keySecret: `sk_${key}`, agentId: 'agent' });
    expect((await post(TOKEN, body('a'))).status).toBe(200);
    now += 1200;
    expect((await post(TOKEN, body('a'))).status).toBe(200);
    const refused = await post(TOKEN, body('a'));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('4');
    expect((await post(TOKEN, body('b'))).status).toBe(200);
    now += 3800;
    expect((await post(TOKEN, body('a'))).status).toBe(200);
  });

  it('locks a key out after 10 failed authentications in 5 minutes, even for the right secret', async () => {
    await start({});
    for (let i = 0; i < 10; i++) expect((await post(TOKEN, tokenBody({ keySecret: 'wrong' }))).status).toBe(401);
    const locked = await post(TOKEN, tokenBody());
    expect(locked.status).toBe(429);
    expect(locked.json).toEqual(TOO_MANY);
    expect(locked.headers.get('retry-after')).toBe('300');
    expect((await post(INVALIDATE, invalidateBody('any'))).status).toBe(429);
    now += 300_000;
    expect((await post(TOKEN, tokenBody())).status).toBe(200);
  });

  it('counts every 401 (expired key included) and buckets unknown key ids per client address', async () => {
    await start({
      keys: [
        { keyId: 'pk_expired', keySecret: 'sk', companyId: 'company_demo', expiresAt: 0 },
        { keyId: 'pk_demo_performchat', keySecret: 'sk_demo_performchat_emulator_secret', companyId: 'company_demo' },
      ],
      rateLimits: { failedAuth: { points: 2, windowMs: 10_000 } },
    });
    const expired = tokenBody({ keyId: 'pk_expired', keySecret: 'sk' });
    expect((await post(TOKEN, expired)).status).toBe(401);
    expect((await post(TOKEN, expired)).status).toBe(401);
    expect((await post(TOKEN, expired)).status).toBe(429);
    expect((await post(TOKEN, tokenBody({ keyId: 'pk_random_1' }))).status).toBe(401);
    expect((await post(TOKEN, tokenBody({ keyId: 'pk_random_2' }))).status).toBe(401);
    expect((await post(TOKEN, tokenBody({ keyId: 'pk_random_3' }))).status).toBe(429);
    expect((await post(TOKEN, tokenBody())).status).toBe(200);
  });

  it('limits authenticated API requests per key across both endpoints', async () => {
    await start({ rateLimits: { apiRequests: { points: 3, windowMs: 60_000 } } });
    const id = (await post(TOKEN, tokenBody())).json.customerUser.id;
    expect((await post(INVALIDATE, invalidateBody(id))).status).toBe(200);
    expect((await post(TOKEN, tokenBody())).status).toBe(200);
    const refused = await post(INVALIDATE, invalidateBody(id));
    expect(refused.status).toBe(429);
    expect(refused.json).toEqual(TOO_MANY);
    expect(refused.headers.get('retry-after')).toBe('60');
  });

  it('counts on Date.now() by default: it recovers when the clock passes a millisecond window', async () => {
    // A Date clock (installed before the emulator reads Date.now) moves time with no sleep.
    const clock = useDateClock();
    try {
      emulator = await startPerformChatEmulator({ rateLimits: { tokenGenerations: { points: 1, windowMs: 150 } } });
      expect((await post(TOKEN, tokenBody())).status).toBe(200);
      const refused = await post(TOKEN, tokenBody());
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('1');
      await clock.advance(149);
      expect((await post(TOKEN, tokenBody())).status).toBe(429);
      await clock.advance(1);
      expect((await post(TOKEN, tokenBody())).status).toBe(200);
    } finally {
      clock.restore();
    }
  });

  it('can disable a limit with false or Infinity', async () => {
    await start({ rateLimits: { tokenGenerations: false, apiRequests: { points: Infinity }, failedAuth: false } });
    const statuses = await Promise.all(
      Array.from({ length: 120 }, (_, i) => post(TOKEN, tokenBody({ userId: `u${i}` })).then((r) => r.status)),
    );
    expect(new Set(statuses)).toEqual(new Set([200]));
    for (let i = 0; i < 12; i++) expect((await post(TOKEN, tokenBody({ keySecret: 'no' }))).status).toBe(401);
  });

  it('reset clears rate-limit windows', async () => {
    await start({ rateLimits: { tokenGenerations: { points: 1, windowMs: 60_000 } } });
    expect((await post(TOKEN, tokenBody())).status).toBe(200);
    expect((await post(TOKEN, tokenBody())).status).toBe(429);
    emulator!.reset();
    expect((await post(TOKEN, tokenBody())).status).toBe(200);
  });
});
