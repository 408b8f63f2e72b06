import { INestApplication } from '@nestjs/common';
import { CapturedLogs, captureLogs } from '@test/utils';
import { PLATFORMS, emulatorConfig, startDemoApp } from '@test/utils/demo-harness';
import {
  EMULATOR_COUNTER_KEYS,
  EMULATOR_DEMO_KEY,
  PerformChatEmulator,
  startPerformChatEmulator,
} from 'nestjs-performchat/emulator';
import request from 'supertest';

const USER = 'x-demo-user';

describe.each(PLATFORMS)('token route through the demo app on %s', (platform) => {
  let emulator: PerformChatEmulator;
  let app: INestApplication;
  let logs: CapturedLogs;
  const http = () => request(app.getHttpServer());
  const tokenCalls = () => emulator.state.counter(EMULATOR_COUNTER_KEYS.token).attempts;

  beforeAll(async () => {
    emulator = await startPerformChatEmulator();
    app = await startDemoApp(
      platform,
      emulatorConfig(emulator, {
        PERFORMCHAT_ALLOWED_AGENT_IDS: 'agent_support,agent_retired',
        PERFORMCHAT_MAX_EXPIRES_IN: '2h',
        // Failures here are one per test; the breaker has its own tests and would open midway.
        PERFORMCHAT_CIRCUIT_BREAKER_THRESHOLD: '0',
        // The per-user limit has its own tests; here every test reuses a few users.
        PERFORMCHAT_RATE_LIMIT_POINTS: '1000',
        // A fresh token per request: the emulator forgets its customer users between tests
        // (reset), which would make a reused token invalid. Reuse has login-storm.e2e-spec.ts.
        PERFORMCHAT_TOKEN_REUSE: 'false',
      }),
    );
  });
  afterAll(async () => {
    await app.close();
    await emulator.close();
  });
  beforeEach(() => {
    emulator.reset();
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  it.each(['get', 'post'] as const)(
    '%s /api/chat/token issues a valid token for the logged-in user',
    async (method) => {
      const call = method === 'get' ? http().get('/api/chat/token') : http().post('/api/chat/token').send({});
      const response = await call.set(USER, 'alice').expect(200);

      expect(response.body).toEqual({
        token: expect.stringMatching(/^ey[\w-]+\.[\w-]+\.[\w-]+$/),
        expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        expiresIn: expect.any(Number),
        agent: { id: 'agent_support', name: 'Customer Support Agent' },
      });
      expect(response.body.expiresIn).toBeGreaterThan(3590);
      expect(response.body.expiresIn).toBeLessThanOrEqual(3600);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers.pragma).toBe('no-cache');
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.headers['x-ratelimit-limit']).toBe('1000');

      const verdict = emulator.verify(response.body.token);
      expect(verdict).toMatchObject({ valid: true, payload: { agentId: 'agent_support' } });
      const customerUser = emulator.state.findCustomerUser(EMULATOR_DEMO_KEY.companyId, 'alice');
      expect(customerUser).toBeDefined();
      // Nothing internal reaches the browser.
      for (const secretish of [
        customerUser!.id,
        EMULATOR_DEMO_KEY.companyId,
        EMULATOR_DEMO_KEY.keyId,
        EMULATOR_DEMO_KEY.keySecret,
      ]) {
        expect(JSON.stringify(response.body).replace(response.body.token, '')).not.toContain(secretish);
      }
    },
  );

  it('takes agentId and expiresIn from the query of a GET and the body of a POST', async () => {
    const get = await http().get('/api/chat/token?expiresIn=15m').set(USER, 'bob').expect(200);
    expect(get.body.expiresIn).toBeLessThanOrEqual(900);
    const post = await http().post('/api/chat/token').set(USER, 'bob').send({ expiresIn: '30m' }).expect(200);
    expect(post.body.expiresIn).toBeGreaterThan(900);
    expect(post.body.expiresIn).toBeLessThanOrEqual(1800);
  });

  it.each([
    [
      'anonymous GET',
      () => http().get('/api/chat/token'),
      401,
      /authentication guard must run before .* resolveUserId/,
      'UNAUTHENTICATED',
    ],
    ['anonymous POST', () => http().post('/api/chat/token').send({}), 401, /resolveUserId/, 'UNAUTHENTICATED'],
    ['anonymous revoke', () => http().post('/api/chat/token/revoke').send({}), 401, /resolveUserId/, 'UNAUTHENTICATED'],
    [
      'userId in the body',
      () => http().post('/api/chat/token').set(USER, 'eve').send({ userId: 'alice' }),
      400,
      /userId must not be sent/,
      'INVALID_ARGUMENT',
    ],
    [
      'userId in the query',
      () => http().get('/api/chat/token?userId=alice').set(USER, 'eve'),
      400,
      /userId must not be sent/,
      'INVALID_ARGUMENT',
    ],
    [
      'an unknown field',
      () => http().post('/api/chat/token').set(USER, 'eve').send({ agent: 'x' }),
      400,
      /property agent should not exist/,
      'INVALID_ARGUMENT',
    ],
    [
      'a JSON array',
      () => http().post('/api/chat/token').set(USER, 'eve').send([]),
      400,
      /must be a JSON object/,
      'INVALID_ARGUMENT',
    ],
    [
      'a disallowed agent',
      () => http().get('/api/chat/token?agentId=agent_sales').set(USER, 'eve'),
      403,
      /not in the allowedAgentIds/,
      'AGENT_NOT_ALLOWED',
    ],
    [
      'expiresIn over the cap',
      () => http().get('/api/chat/token?expiresIn=3h').set(USER, 'eve'),
      400,
      /maximum of "2h" \(maxExpiresIn\)/,
      'INVALID_EXPIRES_IN',
    ],
    [
      'a malformed expiresIn',
      () => http().get('/api/chat/token?expiresIn=1.5h').set(USER, 'eve'),
      400,
      /expiresIn must be a positive whole number/,
      'INVALID_EXPIRES_IN',
    ],
    [
      'a text/plain POST',
      () => http().post('/api/chat/token').set(USER, 'eve').set('content-type', 'text/plain').send(''),
      415,
      /application\/json/,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
  ])('refuses %s before calling PerformChat, with a code in the body', async (_name, call, status, message, code) => {
    const response = await call().expect(status);
    expect([response.body.message].flat().join(' ')).toMatch(message);
    expect(response.body).toEqual({
      statusCode: status,
      message: response.body.message,
      error: expect.any(String),
      code,
    });
    expect(tokenCalls()).toBe(0);
  });

  it('answers 400 AGENT_NOT_FOUND when the caller chose an agent PerformChat does not know', async () => {
    const response = await http().get('/api/chat/token?agentId=agent_retired').set(USER, 'eve').expect(400);
    expect(response.body).toEqual({
      statusCode: 400,
      message: expect.stringContaining('"agent_retired"'),
      error: 'Bad Request',
      code: 'AGENT_NOT_FOUND',
    });
  });

  it('revokes every token of the current user, and later tokens are valid', async () => {
    const first = await http().get('/api/chat/token').set(USER, 'carol').expect(200);
    const second = await http().post('/api/chat/token').set(USER, 'carol').send({}).expect(200);

    const revoke = await http().post('/api/chat/token/revoke').set(USER, 'carol').send({}).expect(200);
    expect(revoke.body).toEqual({ revoked: 1 });
    expect(revoke.headers['cache-control']).toBe('no-store');
    expect(emulator.verify(first.body.token)).toEqual({ valid: false, reason: 'token_version' });
    expect(emulator.verify(second.body.token)).toEqual({ valid: false, reason: 'token_version' });

    const fresh = await http().get('/api/chat/token').set(USER, 'carol').expect(200);
    expect(emulator.verify(fresh.body.token)).toMatchObject({ valid: true });
  });

  it('answers { revoked: 0 } for a user with nothing stored', async () => {
    await http().post('/api/chat/token/revoke').set(USER, 'nobody-yet').send({}).expect(200, { revoked: 0 });
  });

  describe('when PerformChat fails, the browser gets a status that does not lie', () => {
    it.each([
      [
        '401 (our key is wrong)',
        { status: 401, body: { statusCode: 401, message: 'Invalid API credentials', error: 'Unauthorized' } },
        502,
        'INVALID_CREDENTIALS',
        undefined,
      ],
      ['429 with Retry-After', { status: 429, retryAfter: 7 }, 429, 'RATE_LIMITED', '7'],
      ['503 with Retry-After', { status: 503, retryAfter: 3 }, 503, 'UPSTREAM_ERROR', '3'],
      ['500', { status: 500 }, 503, 'UPSTREAM_ERROR', '5'],
      ['a dropped connection', { kind: 'drop' }, 503, 'UNREACHABLE', '5'],
      ['an HTML page with 200', { kind: 'html' }, 502, 'INVALID_RESPONSE', undefined],
      ['a 200 without token', { kind: 'no-token' }, 502, 'INVALID_RESPONSE', undefined],
    ] as const)('%s', async (name, fault, status, code, retryAfter) => {
      emulator.addFault({ path: EMULATOR_COUNTER_KEYS.token.split(' ')[1], times: -1, ...fault });
      // A user per case: retried attempts spend the user's share of the budget (10 per minute).
      const response = await http().get('/api/chat/token').set(USER, `dave ${name}`).expect(status);
      expect(response.body).toEqual({
        statusCode: status,
        message: expect.any(String),
        error: expect.any(String),
        code,
      });
      expect(response.headers['retry-after']).toBe(retryAfter);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(JSON.stringify(response.body) + logs.text()).not.toContain(EMULATOR_DEMO_KEY.keySecret);
    });

    it('does not leak why our key was refused to the browser, but logs it', async () => {
      emulator.addFault({
        path: '/rest/v1/auth/token',
        status: 401,
        body: { statusCode: 401, message: 'Expired API key' },
      });
      const response = await http().get('/api/chat/token').set(USER, 'dave-refused-key').expect(502);
      expect(response.body.message).not.toMatch(/Expired|pk_demo/);
      expect(logs.text()).toMatch(/INVALID_CREDENTIALS.*pk_demo_performchat.*Expired API key/);
    });
  });
});

describe.each(PLATFORMS)('the default per-user limit of the token routes on %s', (platform) => {
  let emulator: PerformChatEmulator;
  let app: INestApplication;

  beforeAll(async () => {
    emulator = await startPerformChatEmulator();
    // Every request reaches PerformChat, so its count is the limit's (the demo reuses tokens otherwise).
    app = await startDemoApp(platform, emulatorConfig(emulator, { PERFORMCHAT_TOKEN_REUSE: 'false' }));
  });
  afterAll(async () => {
    await app.close();
    await emulator.close();
  });

  it('allows 10 token requests per user per minute, then 429 with Retry-After; other users are not affected', async () => {
    const http = () => request(app.getHttpServer());
    for (let i = 0; i < 10; i++) {
      const ok = await http().get('/api/chat/token').set(USER, 'busy').expect(200);
      expect(ok.headers['x-ratelimit-remaining']).toBe(String(9 - i));
    }
    const refused = await http().post('/api/chat/token').set(USER, 'busy').send({}).expect(429);
    expect(refused.body).toEqual({
      statusCode: 429,
      message: expect.stringMatching(/limit/),
      error: 'Too Many Requests',
      code: 'USER_RATE_LIMITED',
    });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(emulator.state.counter(EMULATOR_COUNTER_KEYS.token).attempts).toBe(10);
    await http().get('/api/chat/token').set(USER, 'calm').expect(200);
  });

  it('HEAD /api/chat/token and cross-site POSTs issue no token and spend none of the limit', async () => {
    const http = () => request(app.getHttpServer());
    const before = emulator.state.counter(EMULATOR_COUNTER_KEYS.token).attempts;
    for (let i = 0; i < 12; i++) {
      const head = await http().head('/api/chat/token').set(USER, 'prefetched').expect(405);
      expect(head.headers.allow).toBe('GET, POST');
      expect(head.headers['x-ratelimit-remaining']).toBeUndefined();
      await http()
        .post('/api/chat/token')
        .set(USER, 'prefetched')
        .set('content-type', 'text/plain')
        .send('')
        .expect(415);
      await http().post('/api/chat/token/revoke').set(USER, 'prefetched').expect(415);
    }
    expect(emulator.state.counter(EMULATOR_COUNTER_KEYS.token).attempts).toBe(before);
    const ok = await http().get('/api/chat/token').set(USER, 'prefetched').expect(200);
    expect(ok.headers['x-ratelimit-remaining']).toBe('9');
    const revoked = await http().post('/api/chat/token/revoke').set(USER, 'prefetched').send({}).expect(200);
    expect(revoked.headers['x-ratelimit-remaining']).toBe('9');
  });
});

describe.each(['customerUser', 'user'] as const)(
  'the whole flow when PerformChat answers with the customer user under `%s` only',
  (responseShape) => {
    let emulator: PerformChatEmulator;
    let app: INestApplication;

    beforeAll(async () => {
      emulator = await startPerformChatEmulator({ responseShape });
      app = await startDemoApp('express', emulatorConfig(emulator));
    });
    afterAll(async () => {
      await app.close();
      await emulator.close();
    });

    it('issues a valid token, revokes it, and issues a valid one again', async () => {
      const http = () => request(app.getHttpServer());
      const first = await http().get('/api/chat/token').set(USER, 'frank').expect(200);
      expect(emulator.verify(first.body.token)).toMatchObject({ valid: true });

      await http().post('/api/chat/token/revoke').set(USER, 'frank').send({}).expect(200, { revoked: 1 });
      expect(emulator.verify(first.body.token)).toEqual({ valid: false, reason: 'token_version' });

      const second = await http().get('/api/chat/token').set(USER, 'frank').expect(200);
      expect(emulator.verify(second.body.token)).toMatchObject({ valid: true, payload: { tokenVersion: 1 } });
    });
  },
);
