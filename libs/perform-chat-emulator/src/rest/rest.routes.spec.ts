import { credentials, request, requestWithBody, tokenBody } from '../../test/http';
import {
  EMULATOR_DEMO_KEY,
  EmulatorConversationSeedError,
  startPerformChatEmulator,
  type PerformChatEmulator,
  type PerformChatEmulatorOptions,
} from '../index';

const NOW = Date.UTC(2025, 0, 15, 10, 30, 0);
const NOW_ISO = '2025-01-15T10:30:00.000Z';
const OTHER_KEY = { keyId: 'pk_other', keySecret: 'sk_other', companyId: 'company_other' };

describe('emulator: agents, customer-users and conversations APIs', () => {
  let emulator: PerformChatEmulator;
  let now: number;
  const start = async (options: PerformChatEmulatorOptions = {}): Promise<void> => {
    await emulator?.close();
    now = NOW;
    emulator = await startPerformChatEmulator({
      clock: () => now,
      keys: [{ ...EMULATOR_DEMO_KEY }, OTHER_KEY],
      agents: [
        { id: 'agent_support', name: 'Support', promptTemplate: 'Be kind.' },
        { id: 'agent_retired', name: 'Retired', active: false },
        { id: 'agent_other', name: 'Other company', companyId: 'company_other' },
      ],
      ...options,
    });
  };
  const call = (method: string, path: string, body: unknown = credentials(), headers?: Record<string, string>) =>
    requestWithBody(emulator.url, method, path, body, headers);
  /** Creates customer users the documented way: a token generation each. */
  const users = async (...ids: string[]) => {
    for (const userId of ids)
      expect((await request(emulator.url, 'POST', '/rest/v1/auth/token', tokenBody({ userId }))).status).toBe(200);
    return ids.map((id) => emulator.state.findCustomerUser('company_demo', id)!);
  };

  beforeEach(() => start());
  afterAll(() => emulator.close());

  describe('GET /rest/v1/agents', () => {
    it('lists the key company’s agents with the documented fields and pagination (credentials in the GET body)', async () => {
      const res = await call('GET', '/rest/v1/agents');
      expect(res.status).toBe(200);
      expect(res.json).toEqual({
        data: [
          { id: 'agent_support', name: 'Support', active: true, created_at: NOW_ISO, updated_at: NOW_ISO },
          { id: 'agent_retired', name: 'Retired', active: false, created_at: NOW_ISO, updated_at: NOW_ISO },
        ],
        pagination: { page: 1, limit: 20, total: 2, total_pages: 1 },
      });
    });

    it('pages with page and limit, and an empty page past the end', async () => {
      expect((await call('GET', '/rest/v1/agents?page=2&limit=1')).json).toMatchObject({
        data: [{ id: 'agent_retired' }],
        pagination: { page: 2, limit: 1, total: 2, total_pages: 2 },
      });
      expect((await call('GET', '/rest/v1/agents?page=3&limit=1')).json).toEqual({
        data: [],
        pagination: { page: 3, limit: 1, total: 2, total_pages: 2 },
      });
    });

    it.each(['limit=101', 'limit=0', 'page=0', 'page=-1', 'page=x', 'limit=1.5'])(
      'answers 400 Invalid query parameters for %s',
      async (query) => {
        const res = await call('GET', `/rest/v1/agents?${query}`);
        expect(res).toMatchObject({
          status: 400,
          json: { statusCode: 400, message: 'Invalid query parameters', error: 'Bad Request' },
        });
      },
    );

    it('answers 401 Invalid API credentials for a wrong secret, and 400 when the body has no credentials', async () => {
      expect(await call('GET', '/rest/v1/agents', credentials({ keySecret: 'wrong' }))).toMatchObject({
        status: 401,
        json: { statusCode: 401, message: 'Invalid API credentials', error: 'Unauthorized' },
      });
      expect(await requestWithBody(emulator.url, 'GET', '/rest/v1/agents')).toMatchObject({
        status: 400,
        json: { message: 'keyId is required' },
      });
    });

    it('refuses another method with 405 and Allow', async () => {
      const res = await call('POST', '/rest/v1/agents');
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe('GET');
    });
  });

  describe('GET /rest/v1/agents/:id', () => {
    it('returns one agent with its prompt template, inactive ones too', async () => {
      expect((await call('GET', '/rest/v1/agents/agent_support')).json).toEqual({
        id: 'agent_support',
        name: 'Support',
        prompt_template: 'Be kind.',
        active: true,
        created_at: NOW_ISO,
        updated_at: NOW_ISO,
      });
      expect((await call('GET', '/rest/v1/agents/agent_retired')).json).toMatchObject({
        active: false,
        prompt_template: null,
      });
    });

    it('answers 404 for an unknown agent or one of another company (not the 400 of token generation)', async () => {
      for (const id of ['agent_nope', 'agent_other']) {
        expect(await call('GET', `/rest/v1/agents/${id}`)).toMatchObject({
          status: 404,
          json: { statusCode: 404, message: "Agent not found or doesn't belong to company", error: 'Not Found' },
        });
      }
    });

    it('answers 400 Invalid agent ID format for an id with whitespace', async () => {
      expect(await call('GET', '/rest/v1/agents/agent%20x')).toMatchObject({
        status: 400,
        json: { message: 'Invalid agent ID format' },
      });
    });
  });

  describe('GET /rest/v1/customer-users', () => {
    it('lists the customer users token generation created, with the documented fields', async () => {
      const [ada] = await users('ada');
      now += 60_000;
      await users('ada');
      expect((await call('GET', '/rest/v1/customer-users')).json).toEqual({
        data: [
          {
            id: ada.id,
            external_id: 'ada',
            name: null,
            email: null,
            metadata: null,
            active: true,
            created_at: NOW_ISO,
            last_seen_at: '2025-01-15T10:31:00.000Z',
          },
        ],
        pagination: { page: 1, limit: 20, total: 1, total_pages: 1 },
      });
    });

    it('filters by the body filters external_id (exact), name and email (substrings), and only the key company', async () => {
      const [ada, bob] = await users('ada', 'bob');
      ada.name = 'Ada Lovelace';
      bob.email = 'bob@example.com';
      const ids = async (filter: Record<string, unknown>) =>
        ((await call('GET', '/rest/v1/customer-users', credentials(filter))).json.data as { id: string }[]).map(
          (u) => u.id,
        );
      expect(await ids({ external_id: 'bob' })).toEqual([bob.id]);
      expect(await ids({ external_id: 'bo' })).toEqual([]);
      expect(await ids({ name: 'lovelace' })).toEqual([ada.id]);
      expect(await ids({ email: 'EXAMPLE' })).toEqual([bob.id]);
      expect(
        (await call('GET', '/rest/v1/customer-users', { keyId: 'pk_other', keySecret: 'sk_other' })).json.data,
      ).toEqual([]);
      expect(await call('GET', '/rest/v1/customer-users', credentials({ name: 1 }))).toMatchObject({
        status: 400,
        json: { message: 'name must be a string' },
      });
    });
  });

  describe('PUT /rest/v1/customer-users/:id', () => {
    it('sets name, email and metadata and answers the documented fields', async () => {
      const [ada] = await users('ada');
      now += 1000;
      const res = await call(
        'PUT',
        `/rest/v1/customer-users/${ada.id}`,
        credentials({ name: 'Ada', email: 'ada@example.com', metadata: { plan: 'pro' } }),
      );
      expect(res).toMatchObject({ status: 200 });
      expect(res.json).toEqual({
        id: ada.id,
        external_id: 'ada',
        name: 'Ada',
        email: 'ada@example.com',
        metadata: { plan: 'pro' },
        active: true,
        updated_at: '2025-01-15T10:30:01.000Z',
      });
      expect(emulator.state.customerUsers.get(ada.id)).toMatchObject({ name: 'Ada', email: 'ada@example.com' });
    });

    it.each([
      ['an unknown field', { nickname: 'x' }],
      ['a name that is not a string', { name: 1 }],
      ['an email without @', { email: 'ada' }],
      ['metadata that is an array', { metadata: [1] }],
    ])('answers 400 Invalid request body for %s', async (_what, change) => {
      const [ada] = await users('ada');
      expect(await call('PUT', `/rest/v1/customer-users/${ada.id}`, credentials(change))).toMatchObject({
        status: 400,
        json: { statusCode: 400, message: 'Invalid request body', error: 'Bad Request' },
      });
    });

    it('answers 404 for an unknown customer user or one of another company', async () => {
      const [ada] = await users('ada');
      for (const [id, key] of [
        ['cu_nope', credentials()],
        [ada.id, { keyId: 'pk_other', keySecret: 'sk_other' }],
      ] as const) {
        expect(await call('PUT', `/rest/v1/customer-users/${id}`, { ...key, name: 'x' })).toMatchObject({
          status: 404,
          json: { message: "Customer user not found or doesn't belong to company" },
        });
      }
    });
  });

  describe('conversations and messages (seeded)', () => {
    async function seeded() {
      const [ada] = await users('ada');
      const messages = Array.from(
        { length: 5 },
        (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `m${i}` }) as const,
      );
      const { id } = emulator.addConversation({ customerUserId: ada.id, title: 'Order 42', messages: [...messages] });
      return { ada, id };
    }

    it('lists, gets and pages messages with the documented shapes', async () => {
      const { ada, id } = await seeded();
      const conversation = {
        id,
        title: 'Order 42',
        customer_user_id: ada.id,
        message_count: 5,
        created_at: '2025-01-15T10:29:56.000Z',
        updated_at: NOW_ISO,
      };
      expect((await call('GET', '/rest/v1/conversations')).json).toEqual({
        data: [conversation],
        pagination: { page: 1, limit: 20, total: 1, total_pages: 1 },
      });
      expect((await call('GET', `/rest/v1/conversations/${id}`)).json).toEqual(conversation);
      const page = (await call('GET', `/rest/v1/conversations/${id}/messages?page=2&limit=2`)).json;
      expect(page).toEqual({
        data: [
          {
            id: expect.any(String),
            content: 'm2',
            role: 'user',
            conversation_id: id,
            created_at: '2025-01-15T10:29:58.000Z',
          },
          {
            id: expect.any(String),
            content: 'm3',
            role: 'assistant',
            conversation_id: id,
            created_at: '2025-01-15T10:29:59.000Z',
          },
        ],
        pagination: { page: 2, limit: 2, total: 5, total_pages: 3 },
        conversation: { id, title: 'Order 42' },
      });
      expect((await call('GET', `/rest/v1/conversations/${id}/messages`)).json.pagination).toEqual({
        page: 1,
        limit: 50,
        total: 5,
        total_pages: 1,
      });
    });

    it('answers 404 for an unknown conversation or one of another company, and 400 Invalid parameters', async () => {
      const { id } = await seeded();
      const other = { keyId: 'pk_other', keySecret: 'sk_other' };
      for (const [path, key] of [
        ['/rest/v1/conversations/nope', credentials()],
        [`/rest/v1/conversations/${id}`, other],
        [`/rest/v1/conversations/${id}/messages`, other],
      ] as const) {
        expect(await call('GET', path, key)).toMatchObject({
          status: 404,
          json: { message: "Conversation not found or doesn't belong to company" },
        });
      }
      expect(await call('GET', '/rest/v1/conversations?limit=500')).toMatchObject({
        status: 400,
        json: { message: 'Invalid parameters' },
      });
    });

    it('seeds over POST /__emulator/conversations, refuses bad seeds naming the field, and reset clears them', async () => {
      const [ada] = await users('ada');
      const res = await request(emulator.url, 'POST', '/__emulator/conversations', {
        customerUserId: ada.id,
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(res).toMatchObject({ status: 201, json: { title: null, customer_user_id: ada.id, message_count: 1 } });
      expect(
        await request(emulator.url, 'POST', '/__emulator/conversations', {
          customerUserId: ada.id,
          messages: [{ role: 'agent', content: 'x' }],
        }),
      ).toMatchObject({
        status: 400,
        json: { message: 'messages[0].role must be "user" or "assistant"' },
      });
      expect(() => emulator.addConversation({ customerUserId: 'cu_nope' })).toThrow(EmulatorConversationSeedError);
      emulator.reset();
      expect((await call('GET', '/rest/v1/conversations')).json.data).toEqual([]);
    });
  });

  it('counts every REST call by method and pattern, and spends the API-request limit shared with token generation', async () => {
    await start({ rateLimits: { apiRequests: { points: 3, windowMs: 60_000 } } });
    await users('ada');
    await call('GET', '/rest/v1/agents/agent_support');
    await call('GET', '/rest/v1/agents/agent_nope');
    const limited = await call('GET', '/rest/v1/agents');
    expect(limited).toMatchObject({ status: 429, json: { statusCode: 429, message: 'Too Many Requests' } });
    expect(limited.headers['retry-after']).toBe('60');
    expect(emulator.state.counter('GET /rest/v1/agents/:id')).toMatchObject({
      attempts: 2,
      successes: 1,
      failures: { 404: 1 },
    });
    expect(emulator.state.counter('GET /rest/v1/agents')).toMatchObject({ attempts: 1, failures: { 429: 1 } });
  });

  it('locks a key out of the REST endpoints after its failed authentications, like the auth endpoints', async () => {
    await start({ rateLimits: { failedAuth: { points: 2, windowMs: 60_000 } } });
    for (let i = 0; i < 2; i++)
      expect((await call('GET', '/rest/v1/agents', credentials({ keySecret: 'wrong' }))).status).toBe(401);
    expect((await call('GET', '/rest/v1/agents')).status).toBe(429);
  });

  it('applies faults to the REST paths', async () => {
    emulator.addFault({ path: '/rest/v1/agents', method: 'GET', status: 503 });
    expect((await call('GET', '/rest/v1/agents')).status).toBe(503);
    expect((await call('GET', '/rest/v1/agents')).status).toBe(200);
  });
});
