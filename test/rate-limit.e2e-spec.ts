import request from 'supertest';
import { TestClock, useDateClock } from './utils/clock';
import { PLATFORMS, RunningRateLimitApp, startRateLimitApp } from './utils/rate-limit-app';

const USER_HEADER = 'x-demo-user';

/** The exact 429 body of the guard. */
const refusal = (retryAfter: number) => ({
  statusCode: 429,
  message: `Too many requests: you have reached the limit of this route; try again in ${retryAfter} s`,
  error: 'Too Many Requests',
  code: 'USER_RATE_LIMITED',
});

describe.each(PLATFORMS)('PerformChatRateLimitGuard, memory store, on %s', (platform) => {
  let server: RunningRateLimitApp;
  beforeAll(async () => {
    server = await startRateLimitApp({
      platform,
      trustProxy: true,
      module: { rateLimit: { points: 4, duration: 60 } },
    });
  });
  afterAll(() => server.close());

  const get = (path: string, user?: string) => {
    const call = request(server.url).get(path);
    return user === undefined ? call : call.set(USER_HEADER, user);
  };

  it('sends X-RateLimit-* on every counted answer, then a 429 with the whole body and Retry-After', async () => {
    for (let i = 1; i <= 3; i++) {
      const ok = await get('/rl/a', 'headers-user');
      expect(ok.status).toBe(200);
      expect(ok.body).toEqual({ route: 'a' });
      expect(ok.headers['x-ratelimit-limit']).toBe('3');
      expect(ok.headers['x-ratelimit-remaining']).toBe(String(3 - i));
      expect(ok.headers['x-ratelimit-reset']).toBe('60');
      expect(ok.headers['retry-after']).toBeUndefined();
    }
    const refused = await get('/rl/a', 'headers-user');
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual(refusal(60));
    expect(refused.headers['retry-after']).toBe('60');
    expect(refused.headers['x-ratelimit-limit']).toBe('3');
    expect(refused.headers['x-ratelimit-remaining']).toBe('0');
    expect(refused.headers['x-ratelimit-reset']).toBe('60');
  });

  it('is exact under concurrency: 500 concurrent requests of one user with points = 50 → 50 pass, 450 get 429', async () => {
    const answers = await Promise.all(Array.from({ length: 500 }, () => get('/rl/exact', 'concurrent-user')));
    const passed = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status === 429);
    expect(passed).toHaveLength(50);
    expect(refused).toHaveLength(450);
    // Each success saw a distinct remaining count: 49, 48, ..., 0.
    expect(passed.map((a) => Number(a.headers['x-ratelimit-remaining'])).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 50 }, (_, i) => i),
    );
    for (const answer of refused) {
      expect(answer.body).toEqual(refusal(Number(answer.headers['retry-after'])));
      expect(Number(answer.headers['retry-after'])).toBeGreaterThanOrEqual(59);
      expect(answer.headers['x-ratelimit-limit']).toBe('50');
      expect(answer.headers['x-ratelimit-remaining']).toBe('0');
    }
  });

  it('keeps users independent: one user over the limit does not touch another', async () => {
    for (let i = 0; i < 3; i++) expect((await get('/rl/a', 'user-a')).status).toBe(200);
    expect((await get('/rl/a', 'user-a')).status).toBe(429);
    const other = await get('/rl/a', 'user-b');
    expect(other.status).toBe(200);
    expect(other.headers['x-ratelimit-remaining']).toBe('2');
  });

  it('counts each route on its own, unless routes share a keyPrefix', async () => {
    for (let i = 0; i < 3; i++) await get('/rl/a', 'routes-user');
    expect((await get('/rl/a', 'routes-user')).status).toBe(429);
    const b = await get('/rl/b', 'routes-user');
    expect(b.status).toBe(200);
    expect(b.headers['x-ratelimit-remaining']).toBe('2');

    expect((await get('/rl/shared-1', 'routes-user')).headers['x-ratelimit-remaining']).toBe('1');
    expect((await get('/rl/shared-2', 'routes-user')).headers['x-ratelimit-remaining']).toBe('0');
    expect((await get('/rl/shared-1', 'routes-user')).status).toBe(429);
  });

  it('uses the module default limit on a guarded route without a decorator', async () => {
    const first = await get('/rl/default', 'default-user');
    expect(first.status).toBe(200);
    expect(first.headers['x-ratelimit-limit']).toBe('4');
    for (let i = 0; i < 3; i++) await get('/rl/default', 'default-user');
    expect((await get('/rl/default', 'default-user')).status).toBe(429);
  });

  it('applies a controller-level limit to each of its routes separately; a route-level limit wins', async () => {
    expect((await get('/class/one', 'class-user')).headers['x-ratelimit-limit']).toBe('2');
    expect((await get('/class/one', 'class-user')).status).toBe(200);
    expect((await get('/class/one', 'class-user')).status).toBe(429);
    expect((await get('/class/two', 'class-user')).headers['x-ratelimit-remaining']).toBe('1');
    const override = await get('/class/override', 'class-user');
    expect(override.headers['x-ratelimit-limit']).toBe('5');
    expect(override.headers['x-ratelimit-remaining']).toBe('4');
  });

  it('does not count @SkipPerformChatRateLimit routes and sends no rate-limit headers there', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => get('/rl/skip', 'skip-user')));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(answers[0].headers['x-ratelimit-limit']).toBeUndefined();
  });

  // Windows and blocks of the memory store are counted with Date.now(): a Date clock ends them
  // (the HTTP stays real), with no sleep.
  let clock: TestClock | undefined;
  afterEach(() => {
    clock?.restore();
    clock = undefined;
  });

  it('starts a new window once the duration is over (fractional seconds: 250 ms)', async () => {
    clock = useDateClock();
    expect((await get('/rl/short', 'window-user')).status).toBe(200);
    expect((await get('/rl/short', 'window-user')).status).toBe(200);
    const refused = await get('/rl/short', 'window-user');
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('1');
    await clock.advance(249);
    expect((await get('/rl/short', 'window-user')).status).toBe(429);
    await clock.advance(1);
    const again = await get('/rl/short', 'window-user');
    expect(again.status).toBe(200);
    expect(again.headers['x-ratelimit-remaining']).toBe('1');
  });

  it('keeps refusing for blockDuration after the limit is exceeded, even once the window is over', async () => {
    clock = useDateClock();
    expect((await get('/rl/blocking', 'block-user')).status).toBe(200);
    expect((await get('/rl/blocking', 'block-user')).status).toBe(429);
    await clock.advance(250); // the 150 ms window is over, the 600 ms block is not
    expect((await get('/rl/blocking', 'block-user')).status).toBe(429);
    await clock.advance(349);
    expect((await get('/rl/blocking', 'block-user')).status).toBe(429);
    await clock.advance(1);
    expect((await get('/rl/blocking', 'block-user')).status).toBe(200);
  });

  describe('requests without a user (guard order, proxies)', () => {
    it('keys anonymous requests by client IP, honouring trust proxy (X-Forwarded-For)', async () => {
      const anonymous = (ip: string) => get('/rl/a').set('x-forwarded-for', ip);
      for (let i = 0; i < 3; i++) expect((await anonymous('203.0.113.10')).status).toBe(200);
      expect((await anonymous('203.0.113.10')).status).toBe(429);
      expect((await anonymous('203.0.113.11')).status).toBe(200);
    });

    it('never lets a user id and an IP share a counter', async () => {
      const ip = '203.0.113.20';
      for (let i = 0; i < 3; i++) await get('/rl/a').set('x-forwarded-for', ip);
      expect((await get('/rl/a').set('x-forwarded-for', ip)).status).toBe(429);
      // A user whose id is that same address, from that same address, has its own counter.
      const user = await get('/rl/a', ip).set('x-forwarded-for', ip);
      expect(user.status).toBe(200);
      expect(user.headers['x-ratelimit-remaining']).toBe('2');
    });

    it('counts per user on both guard orders when authentication is a global guard (global guards run first)', async () => {
      // Same client address, two different users.
      const call = (path: string, user: string) => get(path, user).set('x-forwarded-for', '203.0.113.30');
      for (const path of ['/order/auth-first', '/order/limit-first']) {
        expect((await call(path, 'order-1')).status).toBe(200);
        expect((await call(path, 'order-1')).status).toBe(200);
        expect((await call(path, 'order-1')).status).toBe(429);
        expect((await call(path, 'order-2')).status).toBe(200);
      }
    });
  });
});

describe.each(PLATFORMS)('guard order without a global auth guard, on %s', (platform) => {
  let server: RunningRateLimitApp;
  beforeAll(async () => {
    server = await startRateLimitApp({ platform, trustProxy: true, globalAuth: false });
  });
  afterAll(() => server.close());

  const call = (path: string, user: string) =>
    request(server.url).get(path).set(USER_HEADER, user).set('x-forwarded-for', '198.51.100.7');

  it('a limit that runs before authentication silently falls back to the IP: users share a counter', async () => {
    expect((await call('/order/limit-first', 'alice')).status).toBe(200);
    expect((await call('/order/limit-first', 'bob')).status).toBe(200);
    const carol = await call('/order/limit-first', 'carol');
    expect(carol.status).toBe(429);
    expect(carol.body.code).toBe('USER_RATE_LIMITED');
  });

  it('a limit listed after the auth guard counts per user', async () => {
    for (const user of ['alice', 'alice', 'bob', 'bob', 'carol']) {
      expect((await call('/order/auth-first', user)).status).toBe(200);
    }
    expect((await call('/order/auth-first', 'alice')).status).toBe(429);
  });
});

describe.each(PLATFORMS)('rateLimit: false, on %s', (platform) => {
  let server: RunningRateLimitApp;
  beforeAll(async () => {
    server = await startRateLimitApp({ platform, module: { rateLimit: false } });
  });
  afterAll(() => server.close());

  it('leaves guarded routes without a decorator unlimited and without headers', async () => {
    const answers = await Promise.all(
      Array.from({ length: 30 }, () => request(server.url).get('/rl/default').set(USER_HEADER, 'u')),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(30).fill(200));
    expect(answers[0].headers['x-ratelimit-limit']).toBeUndefined();
  });

  it('still applies explicit @PerformChatRateLimit limits', async () => {
    for (let i = 0; i < 3; i++) expect((await request(server.url).get('/rl/a').set(USER_HEADER, 'u')).status).toBe(200);
    expect((await request(server.url).get('/rl/a').set(USER_HEADER, 'u')).status).toBe(429);
  });
});

describe('trust proxy off', () => {
  it.each(PLATFORMS)(
    'ignores X-Forwarded-For on %s: every forged address shares the socket address counter',
    async (platform) => {
      const server = await startRateLimitApp({ platform, trustProxy: false });
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 4; i++) {
          statuses.push((await request(server.url).get('/rl/a').set('x-forwarded-for', `192.0.2.${i}`)).status);
        }
        expect(statuses).toEqual([200, 200, 200, 429]);
      } finally {
        await server.close();
      }
    },
  );
});
