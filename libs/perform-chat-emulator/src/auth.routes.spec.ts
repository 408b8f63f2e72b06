import { jwtVerify } from 'jose';
import { decodePayload, invalidateBody, request, tokenBody } from '../test/http';
import {
  EMULATOR_DEMO_KEY,
  startPerformChatEmulator,
  type PerformChatEmulator,
  type PerformChatEmulatorOptions,
} from './index';

const TOKEN = '/rest/v1/auth/token';
const INVALIDATE = '/rest/v1/auth/invalidate-token';
const NOW = Date.UTC(2025, 0, 15, 10, 30, 0);

describe('emulator: documented auth endpoints', () => {
  let emulator: PerformChatEmulator;
  let now: number;
  const start = async (options: PerformChatEmulatorOptions = {}): Promise<void> => {
    await emulator?.close();
    now = NOW;
    emulator = await startPerformChatEmulator({ clock: () => now, signingSecret: 'test-secret', ...options });
  };
  const post = (path: string, body: unknown, headers?: Record<string, string>) =>
    request(emulator.url, 'POST', path, body, headers);

  beforeEach(() => start());
  afterAll(() => emulator.close());

  describe('POST /rest/v1/auth/token', () => {
    it('answers 200 with the token, the customer user under both names, the agent and the API key', async () => {
      const res = await post(TOKEN, tokenBody({ expiresIn: '1h' }));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      const user = emulator.state.findCustomerUser('company_demo', 'user_123')!;
      const customerUser = { id: user.id, externalId: 'user_123', companyId: 'company_demo', agentId: 'agent_support' };
      expect(res.json).toEqual({
        token: expect.any(String),
        customerUser,
        user: customerUser,
        agent: { id: 'agent_support', name: 'Customer Support Agent', active: true },
        apiKey: { id: 'pk_demo_performchat', name: 'Emulator Demo Key', environment: 'development' },
      });
      expect(user.id).toMatch(/^c[0-9a-z]{24}$/);
    });

    it('signs an HS256 JWT whose claims are sub, tokenVersion, companyId, agentId, iat, exp (seconds)', async () => {
      const res = await post(TOKEN, tokenBody({ expiresIn: '1h' }));
      const iat = Math.floor(NOW / 1000);
      const expected = {
        sub: res.json.customerUser.id,
        tokenVersion: 0,
        companyId: 'company_demo',
        agentId: 'agent_support',
        iat,
        exp: iat + 3600,
      };
      expect(decodePayload(res.json.token)).toEqual(expected);
      const verified = await jwtVerify(res.json.token, new TextEncoder().encode('test-secret'), {
        currentDate: new Date(NOW),
      });
      expect(verified.payload).toEqual(expected);
      expect(verified.protectedHeader).toEqual({ alg: 'HS256', typ: 'JWT' });
      expect(emulator.verify(res.json.token)).toEqual({ valid: true, payload: expected });
    });

    it.each([
      [undefined, 86_400],
      ['3600s', 3600],
      ['30m', 1800],
      ['7d', 604_800],
    ])('expiresIn %p gives a lifetime of %d seconds', async (expiresIn, seconds) => {
      const res = await post(TOKEN, tokenBody(expiresIn === undefined ? {} : { expiresIn }));
      const claims = decodePayload(res.json.token);
      expect((claims.exp as number) - (claims.iat as number)).toBe(seconds);
    });

    it('creates the customer user once per (company, userId), reuses it and updates lastSeenAt', async () => {
      const first = await post(TOKEN, tokenBody());
      const created = emulator.state.findCustomerUser('company_demo', 'user_123')!;
      expect(created).toEqual({
        id: first.json.customerUser.id,
        externalId: 'user_123',
        companyId: 'company_demo',
        agentId: 'agent_support',
        tokenVersion: 0,
        active: true,
        createdAt: new Date(NOW),
        lastSeenAt: new Date(NOW),
      });
      now += 5000;
      const second = await post(TOKEN, tokenBody({ agentId: 'agent_sales' }));
      expect(second.json.customerUser).toEqual({
        id: first.json.customerUser.id,
        externalId: 'user_123',
        companyId: 'company_demo',
        agentId: 'agent_sales',
      });
      expect(emulator.state.customerUsers.size).toBe(1);
      expect(created.lastSeenAt).toEqual(new Date(NOW + 5000));
      expect(created.createdAt).toEqual(new Date(NOW));
      expect(created.agentId).toBe('agent_sales');
      const other = await post(TOKEN, tokenBody({ userId: 'user_456' }));
      expect(other.json.customerUser.id).not.toBe(first.json.customerUser.id);
      expect(emulator.state.customerUsers.size).toBe(2);
    });

    it('scopes customer users by company: the same userId under another company is another customer user', async () => {
      await start({
        keys: [EMULATOR_DEMO_KEY, { keyId: 'pk_other', keySecret: 'sk_other', companyId: 'company_other' }],
        agents: [
          { id: 'agent_support', name: 'Support', companyId: 'company_demo' },
          { id: 'agent_other', name: 'Other', companyId: 'company_other' },
        ],
      });
      const a = await post(TOKEN, tokenBody());
      const b = await post(TOKEN, tokenBody({ keyId: 'pk_other', keySecret: 'sk_other', agentId: 'agent_other' }));
      expect(b.status).toBe(200);
      expect(b.json.customerUser).toEqual({
        id: expect.any(String),
        externalId: 'user_123',
        companyId: 'company_other',
        agentId: 'agent_other',
      });
      expect(b.json.customerUser.id).not.toBe(a.json.customerUser.id);
      expect(b.json.apiKey).toEqual({ id: 'pk_other', name: 'Emulator API Key', environment: 'development' });
    });

    it('serialises ids and names that need JSON escaping', async () => {
      const userId = 'we"ird\\id\n\u2028é😀</script>';
      await start({ agents: [{ id: 'agent_"q"', name: 'Name with "quotes" and \\ backslash' }] });
      const res = await post(TOKEN, tokenBody({ userId, agentId: 'agent_"q"' }));
      expect(res.status).toBe(200);
      expect(res.json.customerUser).toEqual({
        id: expect.any(String),
        externalId: userId,
        companyId: 'company_demo',
        agentId: 'agent_"q"',
      });
      expect(res.json.agent).toEqual({ id: 'agent_"q"', name: 'Name with "quotes" and \\ backslash', active: true });
      expect(decodePayload(res.json.token).agentId).toBe('agent_"q"');
    });

    it('creates exactly one customer user for 50 concurrent first requests of the same new user', async () => {
      const responses = await Promise.all(
        Array.from({ length: 50 }, () => post(TOKEN, tokenBody({ userId: 'user_concurrent' }))),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200));
      expect(new Set(responses.map((r) => r.json.customerUser.id)).size).toBe(1);
      expect([...emulator.state.customerUsers.values()].filter((u) => u.externalId === 'user_concurrent')).toHaveLength(
        1,
      );
      expect(emulator.state.counter('POST /rest/v1/auth/token')).toEqual({
        attempts: 50,
        successes: 50,
        failures: {},
        faulted: 0,
        dropped: 0,
      });
    });

    it.each([
      [{ keyId: undefined }, 'keyId is required'],
      [{ keySecret: undefined }, 'keySecret is required'],
      [{ userId: undefined }, 'userId is required'],
      [{ agentId: undefined }, 'agentId is required'],
      [{ keyId: 42 }, 'keyId must be a string'],
      [{ keySecret: true }, 'keySecret must be a string'],
      [{ userId: { id: 1 } }, 'userId must be a string'],
      [{ agentId: ['a'] }, 'agentId must be a string'],
      [{ userId: '' }, 'userId must not be empty'],
      [{ agentId: null }, 'agentId is required'],
      [{ expiresIn: 3600 }, 'expiresIn must be a string'],
      [
        { expiresIn: '1w' },
        'expiresIn must be a positive integer followed by s, m, h or d (e.g. "15m", "1h", "24h", "7d")',
      ],
      [
        { expiresIn: '0h' },
        'expiresIn must be a positive integer followed by s, m, h or d (e.g. "15m", "1h", "24h", "7d")',
      ],
    ])('answers 400 naming the field for %p', async (overrides, message) => {
      const res = await post(TOKEN, tokenBody(overrides));
      expect(res.status).toBe(400);
      expect(res.json).toEqual({ statusCode: 400, message, error: 'Bad Request' });
    });

    it('answers 400 for invalid JSON, a non-object body, a non-JSON content type; 413 for a huge body', async () => {
      expect((await post(TOKEN, '{"keyId":', { 'content-type': 'application/json' })).json).toEqual({
        statusCode: 400,
        message: 'Request body must be valid JSON',
        error: 'Bad Request',
      });
      expect((await post(TOKEN, '[1,2]', { 'content-type': 'application/json' })).json).toEqual({
        statusCode: 400,
        message: 'Request body must be a JSON object',
        error: 'Bad Request',
      });
      const form = await post(TOKEN, 'keyId=a&keySecret=b', { 'content-type': 'application/x-www-form-urlencoded' });
      expect(form.status).toBe(400);
      expect(form.json).toEqual({
        statusCode: 400,
        message: 'Content-Type must be application/json',
        error: 'Bad Request',
      });
      const big = await post(TOKEN, tokenBody({ userId: 'x'.repeat(200_000) }));
      expect(big.status).toBe(413);
      expect(big.json).toEqual({ statusCode: 413, message: 'request entity too large', error: 'Payload Too Large' });
    });

    it('answers 401 Invalid API credentials for an unknown key or a wrong secret', async () => {
      for (const overrides of [{ keyId: 'pk_unknown' }, { keySecret: 'sk_wrong' }]) {
        const res = await post(TOKEN, tokenBody(overrides));
        expect(res.status).toBe(401);
        expect(res.json).toEqual({ statusCode: 401, message: 'Invalid API credentials', error: 'Unauthorized' });
      }
      expect(emulator.state.customerUsers.size).toBe(0);
    });

    it('answers 401 Expired API key once the key has expired (per the injected clock)', async () => {
      await start({ keys: [{ ...EMULATOR_DEMO_KEY, expiresAt: new Date(NOW + 60_000) }] });
      expect((await post(TOKEN, tokenBody())).status).toBe(200);
      now += 60_000;
      const res = await post(TOKEN, tokenBody());
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ statusCode: 401, message: 'Expired API key', error: 'Unauthorized' });
    });

    it('answers 401 Insufficient permissions when the key lists permissions without chat:send', async () => {
      await start({ keys: [{ ...EMULATOR_DEMO_KEY, permissions: ['tools:use'] }] });
      const res = await post(TOKEN, tokenBody());
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ statusCode: 401, message: 'Insufficient permissions', error: 'Unauthorized' });
      await start({ keys: [{ ...EMULATOR_DEMO_KEY, permissions: ['chat:send'] }] });
      expect((await post(TOKEN, tokenBody())).status).toBe(200);
    });

    it.each(['agent_unknown', 'agent_retired'])('answers 400 Agent not found for %s', async (agentId) => {
      const res = await post(TOKEN, tokenBody({ agentId }));
      expect(res.status).toBe(400);
      expect(res.json).toEqual({ statusCode: 400, message: 'Agent not found', error: 'Bad Request' });
    });

    it("answers 400 Agent not found for another company's agent, and No active agents when the company has none", async () => {
      await start({
        keys: [EMULATOR_DEMO_KEY, { keyId: 'pk_empty', keySecret: 'sk_empty', companyId: 'company_empty' }],
        agents: [
          { id: 'agent_support', name: 'Support', companyId: 'company_demo' },
          { id: 'agent_idle', name: 'Idle', active: false, companyId: 'company_empty' },
        ],
      });
      const foreign = await post(
        TOKEN,
        tokenBody({ keyId: 'pk_empty', keySecret: 'sk_empty', agentId: 'agent_support' }),
      );
      expect(foreign.json).toEqual({ statusCode: 400, message: 'No active agents', error: 'Bad Request' });
      emulator.state.agents.get('agent_idle')!.active = true;
      const other = await post(
        TOKEN,
        tokenBody({ keyId: 'pk_empty', keySecret: 'sk_empty', agentId: 'agent_support' }),
      );
      expect(other.json).toEqual({ statusCode: 400, message: 'Agent not found', error: 'Bad Request' });
    });
  });

  describe('responseShape', () => {
    it("'customerUser' reproduces the token-generation page (customerUser + apiKey, no user)", async () => {
      await start({ responseShape: 'customerUser' });
      const res = await post(TOKEN, tokenBody());
      expect(Object.keys(res.json)).toEqual(['token', 'customerUser', 'agent', 'apiKey']);
    });

    it("'user' reproduces the examples page (user, no apiKey)", async () => {
      await start({ responseShape: 'user' });
      const res = await post(TOKEN, tokenBody());
      expect(res.json).toEqual({
        token: expect.any(String),
        user: { id: expect.any(String), externalId: 'user_123', companyId: 'company_demo', agentId: 'agent_support' },
        agent: { id: 'agent_support', name: 'Customer Support Agent', active: true },
      });
    });

    it("'both' (default) carries customerUser, user and apiKey", async () => {
      const res = await post(TOKEN, tokenBody());
      expect(Object.keys(res.json)).toEqual(['token', 'customerUser', 'user', 'agent', 'apiKey']);
      expect(res.json.user).toEqual(res.json.customerUser);
    });
  });

  describe('POST /rest/v1/auth/invalidate-token', () => {
    it('answers 200 with the new version; old tokens fail verify with token_version, new ones are valid', async () => {
      const first = await post(TOKEN, tokenBody());
      const id = first.json.customerUser.id;
      const res = await post(INVALIDATE, invalidateBody(id));
      expect(res.status).toBe(200);
      expect(res.json).toEqual({
        message: 'All tokens invalidated successfully',
        customerUserId: id,
        newTokenVersion: 1,
      });
      expect(emulator.verify(first.json.token)).toEqual({ valid: false, reason: 'token_version' });
      const second = await post(TOKEN, tokenBody());
      expect(decodePayload(second.json.token).tokenVersion).toBe(1);
      expect(emulator.verify(second.json.token)).toMatchObject({ valid: true });
      expect((await post(INVALIDATE, invalidateBody(id))).json.newTokenVersion).toBe(2);
      expect(emulator.verify(second.json.token)).toEqual({ valid: false, reason: 'token_version' });
    });

    it('answers 401 Invalid API credentials (no error field, as the invalidation page shows)', async () => {
      const id = (await post(TOKEN, tokenBody())).json.customerUser.id;
      const res = await post(INVALIDATE, invalidateBody(id, { keySecret: 'sk_wrong' }));
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ statusCode: 401, message: 'Invalid API credentials' });
      expect(emulator.state.customerUsers.get(id)!.tokenVersion).toBe(0);
    });

    it("answers 400 for an unknown customer user and for another company's user", async () => {
      await start({
        keys: [EMULATOR_DEMO_KEY, { keyId: 'pk_other', keySecret: 'sk_other', companyId: 'company_other' }],
        agents: [{ id: 'agent_support', name: 'Support', companyId: 'company_demo' }],
      });
      const id = (await post(TOKEN, tokenBody())).json.customerUser.id;
      const body = { statusCode: 400, message: 'Customer user not found or does not belong to your company' };
      const unknown = await post(INVALIDATE, invalidateBody('cuser_unknown'));
      expect(unknown.status).toBe(400);
      expect(unknown.json).toEqual(body);
      const foreign = await post(INVALIDATE, invalidateBody(id, { keyId: 'pk_other', keySecret: 'sk_other' }));
      expect(foreign.status).toBe(400);
      expect(foreign.json).toEqual(body);
      expect(emulator.state.customerUsers.get(id)!.tokenVersion).toBe(0);
    });

    it('answers 400 naming a missing customerUserId', async () => {
      const res = await post(INVALIDATE, invalidateBody('x', { customerUserId: undefined }));
      expect(res.json).toEqual({ statusCode: 400, message: 'customerUserId is required', error: 'Bad Request' });
    });
  });

  describe('unknown routes and health probes', () => {
    it.each([
      // The docs' snippets double the prefix: a doc error, answered like any unknown path.
      ['GET', '/rest/v1/v1/agents'],
      ['GET', '/nope?x=1'],
      ['GET', '/rest/v1/rest/v1/auth/token'],
      ['GET', '/__emulator/unknown'],
    ])("answers %s %s with Nest's 404 body", async (method, path) => {
      const res = await request(emulator.url, method, path);
      expect(res.status).toBe(404);
      expect(res.json).toEqual({ statusCode: 404, message: `Cannot ${method} ${path}`, error: 'Not Found' });
    });

    it.each([
      ['PUT', TOKEN],
      ['GET', TOKEN],
      ['GET', `${INVALIDATE}?x=1`],
      ['DELETE', INVALIDATE],
    ])('answers %s %s with 405 and Allow: POST (the path exists, the method does not)', async (method, path) => {
      const res = await request(emulator.url, method, path);
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
      expect(res.json).toEqual({ statusCode: 405, message: `Cannot ${method} ${path}`, error: 'Method Not Allowed' });
    });

    it('answers HEAD/GET probes of the auth endpoints 405 without spending the failed-auth budget', async () => {
      await start({ rateLimits: { failedAuth: { points: 1 } } });
      for (let i = 0; i < 5; i++) {
        expect((await request(emulator.url, 'HEAD', TOKEN)).status).toBe(405);
        expect((await request(emulator.url, 'GET', INVALIDATE)).status).toBe(405);
      }
      expect((await post(TOKEN, tokenBody())).status).toBe(200);
      expect(emulator.state.counter('HEAD /rest/v1/auth/token')).toEqual({
        attempts: 5,
        successes: 0,
        failures: { 405: 5 },
        faulted: 0,
        dropped: 0,
      });
    });
  });

  it('never echoes a key secret in any answer', async () => {
    const secret = EMULATOR_DEMO_KEY.keySecret;
    const answers = [
      await post(TOKEN, tokenBody()),
      await post(TOKEN, tokenBody({ keySecret: 'sk_wrong_secret_value' })),
      await post(TOKEN, tokenBody({ agentId: 42 })),
      await post(TOKEN, tokenBody({ expiresIn: 'forever' })),
      await post(INVALIDATE, invalidateBody('nobody')),
      await request(emulator.url, 'GET', '/__emulator/state'),
      await request(emulator.url, 'GET', '/__emulator/faults'),
    ];
    for (const answer of answers) {
      expect(answer.text).not.toContain(secret);
      expect(answer.text).not.toContain('sk_wrong_secret_value');
      expect(answer.text).not.toContain('keySecret');
    }
  });
});
