import { Controller, Get, INestApplication, Module, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test, TestingModule } from '@nestjs/testing';
import { CapturedLogs, captureLogs } from '@test/utils';
import {
  PerformChatAgentsService,
  PerformChatAuthService,
  PerformChatConversationsService,
  PerformChatCustomerUsersService,
  PerformChatError,
  PerformChatErrorCode,
  PerformChatModule,
  PerformChatModuleOptions,
} from 'nestjs-performchat';
import {
  EMULATOR_DEMO_AGENT_ID,
  EMULATOR_DEMO_KEY,
  PERFORMCHAT_REST_ROUTES,
  PerformChatEmulator,
  startPerformChatEmulator,
} from 'nestjs-performchat/emulator';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import request from 'supertest';

const R = PERFORMCHAT_REST_ROUTES;
const SECRET = EMULATOR_DEMO_KEY.keySecret;

/** Every documented error of every endpoint, and the pipeline's own behaviour, against the emulator. */
describe('agents, customer-users and conversations through the client pipeline (emulator)', () => {
  let emulator: PerformChatEmulator;
  let logs: CapturedLogs;
  const refs: TestingModule[] = [];
  /** Every error thrown in this file, for the secret scan. */
  const errors: unknown[] = [];

  async function services(options: Partial<PerformChatModuleOptions> = {}) {
    const ref = await Test.createTestingModule({
      imports: [
        PerformChatModule.forRoot({
          keyId: EMULATOR_DEMO_KEY.keyId,
          keySecret: SECRET,
          baseUrl: emulator.url,
          defaultAgentId: EMULATOR_DEMO_AGENT_ID,
          timeoutMs: 2000,
          retry: { retries: 2, baseDelayMs: 5, maxDelayMs: 10 },
          circuitBreaker: false,
          ...options,
        }),
      ],
    }).compile();
    refs.push(ref);
    return {
      agents: ref.get(PerformChatAgentsService),
      customerUsers: ref.get(PerformChatCustomerUsersService),
      conversations: ref.get(PerformChatConversationsService),
      auth: ref.get(PerformChatAuthService),
    };
  }

  const failure = async (promise: Promise<unknown>): Promise<PerformChatError> => {
    const error = await promise.then(
      () => {
        throw new Error('expected a rejection');
      },
      (e: unknown) => e,
    );
    errors.push(error);
    expect(error).toBeInstanceOf(PerformChatError);
    return error as PerformChatError;
  };
  const attempts = (route: string) => emulator.state.counter(route).attempts;
  /** Customer users the documented way: one token generation each. */
  async function customerUsers(auth: PerformChatAuthService, ...ids: string[]) {
    const made = [];
    for (const userId of ids) made.push((await auth.generateToken({ userId })).customerUser);
    return made;
  }

  beforeAll(async () => {
    emulator = await startPerformChatEmulator();
  });
  afterAll(() => emulator.close());
  beforeEach(() => {
    emulator.reset();
    logs = captureLogs();
  });
  afterEach(async () => {
    logs.restore();
    await Promise.all(refs.splice(0).map((ref) => ref.close()));
  });

  describe('agents', () => {
    it('lists one page in camelCase with Date times, sending the credentials in the GET body to /rest/v1/agents', async () => {
      const { agents } = await services();
      const page = await agents.list({ limit: 2 });
      expect(page).toEqual({
        data: [
          {
            id: 'agent_support',
            name: 'Customer Support Agent',
            active: true,
            createdAt: expect.any(Date),
            updatedAt: expect.any(Date),
          },
          {
            id: 'agent_sales',
            name: 'Sales Agent',
            active: true,
            createdAt: expect.any(Date),
            updatedAt: expect.any(Date),
          },
        ],
        pagination: { page: 1, limit: 2, total: 3, totalPages: 2 },
      });
      // One call to the single-prefix path (the docs' /rest/v1/v1/agents would be "unmatched").
      expect(attempts(R.listAgents)).toBe(1);
      expect(emulator.state.counter('unmatched').attempts).toBe(0);
    });

    it('iterates every agent across pages and stops after the last page', async () => {
      const { agents } = await services();
      const ids: string[] = [];
      for await (const agent of agents.listAll({ limit: 1 })) ids.push(agent.id);
      expect(ids).toEqual(['agent_support', 'agent_sales', 'agent_retired']);
      expect(attempts(R.listAgents)).toBe(3); // three pages, no call for a fourth
    });

    it('stops fetching when the loop breaks', async () => {
      const { agents } = await services();
      for await (const agent of agents.listAll({ limit: 1 })) {
        expect(agent.id).toBe('agent_support');
        break;
      }
      expect(attempts(R.listAgents)).toBe(1);
    });

    it('gets one agent with its prompt template, an inactive one too', async () => {
      const { agents } = await services();
      await expect(agents.get('agent_support')).resolves.toMatchObject({
        id: 'agent_support',
        active: true,
        promptTemplate: expect.any(String),
      });
      await expect(agents.get('agent_retired')).resolves.toMatchObject({ active: false });
    });

    it('maps the 404 of an unknown agent to AGENT_NOT_FOUND with status 404, and its 400 to INVALID_ARGUMENT', async () => {
      const { agents } = await services();
      expect(await failure(agents.get('agent_nope'))).toMatchObject({
        code: PerformChatErrorCode.AGENT_NOT_FOUND,
        status: 404,
        field: 'agentId',
        message: `PerformChat has no agent "agent_nope" in this key's company (Agent not found or doesn't belong to company)`,
      });
      expect(await failure(agents.get('agent x'))).toMatchObject({
        code: PerformChatErrorCode.INVALID_ARGUMENT,
        status: 400,
        upstreamMessage: 'Invalid agent ID format',
      });
      expect(attempts(R.getAgent)).toBe(2); // neither is retried
    });

    it('maps a 401 to INVALID_CREDENTIALS without retrying', async () => {
      const { agents } = await services({ keySecret: 'sk_wrong_secret_for_the_scan' });
      expect(await failure(agents.list())).toMatchObject({
        code: PerformChatErrorCode.INVALID_CREDENTIALS,
        status: 401,
      });
      expect(attempts(R.listAgents)).toBe(1);
    });

    it('retries a GET that got a 503 or a dropped connection', async () => {
      const { agents } = await services();
      emulator.addFault({ path: '/rest/v1/agents/agent_support', method: 'GET', status: 503 });
      emulator.addFault({ path: '/rest/v1/agents/agent_support', method: 'GET', kind: 'drop' });
      await expect(agents.get('agent_support')).resolves.toMatchObject({ id: 'agent_support' });
      expect(attempts(R.getAgent)).toBe(3);
    });

    it('refuses bad input before any call', async () => {
      const { agents } = await services();
      for (const query of [{ limit: 101 }, { limit: 0 }, { page: 0 }, { page: 1.5 }, { pgae: 2 }] as never[]) {
        expect(await failure(agents.list(query))).toMatchObject({ code: PerformChatErrorCode.INVALID_ARGUMENT });
      }
      expect(() => agents.listAll({ limit: 500 })).toThrow(PerformChatError);
      expect(await failure(agents.get(''))).toMatchObject({
        code: PerformChatErrorCode.INVALID_ARGUMENT,
        field: 'agentId',
      });
      expect(attempts(R.listAgents) + attempts(R.getAgent)).toBe(0);
    });

    it('refuses an answer that is not the documented shape as INVALID_RESPONSE', async () => {
      const { agents } = await services({ retry: false });
      emulator.addFault({
        path: '/rest/v1/agents',
        status: 200,
        body: { data: [{ id: 'a', name: 'A', active: 'yes' }], pagination: {} },
      });
      expect(await failure(agents.list())).toMatchObject({
        code: PerformChatErrorCode.INVALID_RESPONSE,
        message: 'PerformChat sent an invalid response: data[0].active is missing or not a boolean',
      });
      emulator.addFault({
        path: '/rest/v1/agents/agent_sales',
        status: 200,
        body: {
          id: 'agent_support',
          name: 'x',
          active: true,
          created_at: '2025-01-15T10:30:00Z',
          updated_at: '2025-01-15T10:30:00Z',
        },
      });
      expect(await failure(agents.get('agent_sales'))).toMatchObject({
        message: expect.stringContaining('id is not the id that was asked for'),
      });
    });
  });

  describe('customer users', () => {
    it('lists the customer users token generation created, filtered by externalId in the body', async () => {
      const { customerUsers: service, auth } = await services();
      const [ada] = await customerUsers(auth, 'ada', 'bob');
      const page = await service.list({ externalId: 'ada' });
      expect(page).toEqual({
        data: [
          {
            id: ada.id,
            externalId: 'ada',
            name: null,
            email: null,
            metadata: null,
            active: true,
            createdAt: expect.any(Date),
            lastSeenAt: expect.any(Date),
          },
        ],
        pagination: { page: 1, limit: 20, total: 1, totalPages: 1 },
      });
    });

    it('iterates every customer user across pages', async () => {
      const { customerUsers: service, auth } = await services();
      const made = await customerUsers(auth, 'u1', 'u2', 'u3', 'u4', 'u5');
      const seen: string[] = [];
      for await (const user of service.listAll({ limit: 2 })) seen.push(user.id);
      expect(seen).toEqual(made.map((u) => u.id));
      expect(attempts(R.listCustomerUsers)).toBe(3);
    });

    it('updates name, email and metadata', async () => {
      const { customerUsers: service, auth } = await services();
      const [ada] = await customerUsers(auth, 'ada');
      await expect(
        service.update(ada.id, { name: 'Ada', email: 'ada@example.com', metadata: { plan: 'pro' } }),
      ).resolves.toEqual({
        id: ada.id,
        externalId: 'ada',
        name: 'Ada',
        email: 'ada@example.com',
        metadata: { plan: 'pro' },
        active: true,
        updatedAt: expect.any(Date),
      });
      expect((await service.list({ externalId: 'ada' })).data[0]).toMatchObject({
        name: 'Ada',
        email: 'ada@example.com',
      });
    });

    it('maps the 404 to CUSTOMER_USER_NOT_FOUND and the 400 "Invalid request body" to INVALID_ARGUMENT', async () => {
      const { customerUsers: service, auth } = await services();
      const [ada] = await customerUsers(auth, 'ada');
      expect(await failure(service.update('cu_nope', { name: 'x' }))).toMatchObject({
        code: PerformChatErrorCode.CUSTOMER_USER_NOT_FOUND,
        status: 404,
        field: 'customerUserId',
      });
      expect(await failure(service.update(ada.id, { email: 'not-an-email' }))).toMatchObject({
        code: PerformChatErrorCode.INVALID_ARGUMENT,
        status: 400,
        field: 'changes',
        upstreamMessage: 'Invalid request body',
      });
    });

    it('refuses empty or malformed changes before any call', async () => {
      const { customerUsers: service } = await services();
      for (const changes of [
        {},
        { nickname: 'x' },
        { name: 1 },
        { metadata: [] },
        { metadata: { big: 'x'.repeat(17_000) } },
      ] as never[]) {
        expect(await failure(service.update('cu_1', changes))).toMatchObject({
          code: PerformChatErrorCode.INVALID_ARGUMENT,
        });
      }
      expect(await failure(service.update('cu_1', { name: 'x' }, { retry: 'sometimes' as never }))).toMatchObject({
        field: 'retry',
      });
      expect(() => service.listAll({ external_id: 'x' } as never)).toThrow(/has no field "external_id"/);
      expect(attempts(R.updateCustomerUser) + attempts(R.listCustomerUsers)).toBe(0);
    });

    it('does not retry a PUT that timed out (PerformChat may have applied it)', async () => {
      const { customerUsers: service, auth } = await services({ timeoutMs: 100 });
      const [ada] = await customerUsers(auth, 'ada');
      emulator.addFault({ path: `/rest/v1/customer-users/${ada.id}`, method: 'PUT', delayMs: 400 });
      expect(await failure(service.update(ada.id, { name: 'Ada' }))).toMatchObject({
        code: PerformChatErrorCode.TIMEOUT,
      });
      expect(attempts(R.updateCustomerUser)).toBe(1);
    });

    it('does not retry a PUT that got a 503, but retries one refused with 429', async () => {
      const { customerUsers: service, auth } = await services();
      const [ada] = await customerUsers(auth, 'ada');
      emulator.addFault({ path: `/rest/v1/customer-users/${ada.id}`, status: 503 });
      expect(await failure(service.update(ada.id, { name: 'Ada' }))).toMatchObject({
        code: PerformChatErrorCode.UPSTREAM_ERROR,
      });
      expect(attempts(R.updateCustomerUser)).toBe(1);
      emulator.addFault({ path: `/rest/v1/customer-users/${ada.id}`, status: 429 });
      await expect(service.update(ada.id, { name: 'Ada' })).resolves.toMatchObject({ name: 'Ada' });
      expect(attempts(R.updateCustomerUser)).toBe(3);
    });

    it('retries a PUT whose connection was refused (PerformChat cannot have received it)', async () => {
      const closed = await new Promise<number>((resolve) => {
        const server = createServer().listen(0, '127.0.0.1', () => {
          const { port } = server.address() as AddressInfo;
          server.close(() => resolve(port));
        });
      });
      const { customerUsers: service } = await services({ baseUrl: `http://127.0.0.1:${closed}` });
      expect(await failure(service.update('cu_1', { name: 'Ada' }))).toMatchObject({
        code: PerformChatErrorCode.UNREACHABLE,
      });
      expect(
        logs
          .events('attempt.failed')
          .filter((entry) => entry.operation === 'updateCustomerUser')
          .map((e) => e.attempt),
      ).toEqual([1, 2, 3]);
    });

    it("retries a PUT that timed out when the call says it is safe (retry: 'safe')", async () => {
      const { customerUsers: service, auth } = await services({ timeoutMs: 100 });
      const [ada] = await customerUsers(auth, 'ada');
      emulator.addFault({ path: `/rest/v1/customer-users/${ada.id}`, method: 'PUT', delayMs: 400 });
      await expect(service.update(ada.id, { name: 'Ada' }, { retry: 'safe' })).resolves.toMatchObject({ name: 'Ada' });
      expect(attempts(R.updateCustomerUser)).toBe(2);
    });
  });

  describe('conversations', () => {
    async function seeded(auth: PerformChatAuthService) {
      const [ada] = await customerUsers(auth, 'ada');
      const messages = Array.from(
        { length: 5 },
        (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `m${i}` }) as const,
      );
      return {
        ada,
        id: emulator.addConversation({ customerUserId: ada.id, title: 'Order 42', messages: [...messages] }).id,
      };
    }

    it('lists, gets and reads the messages of a conversation', async () => {
      const { conversations, auth } = await services();
      const { ada, id } = await seeded(auth);
      const conversation = {
        id,
        title: 'Order 42',
        customerUserId: ada.id,
        messageCount: 5,
        createdAt: expect.any(Date),
        updatedAt: expect.any(Date),
      };
      await expect(conversations.list()).resolves.toEqual({
        data: [conversation],
        pagination: { page: 1, limit: 20, total: 1, totalPages: 1 },
      });
      await expect(conversations.get(id)).resolves.toEqual(conversation);
      await expect(conversations.listMessages(id, { limit: 2, page: 3 })).resolves.toEqual({
        data: [
          { id: expect.any(String), content: 'm4', role: 'user', conversationId: id, createdAt: expect.any(Date) },
        ],
        pagination: { page: 3, limit: 2, total: 5, totalPages: 3 },
        conversation: { id, title: 'Order 42' },
      });
    });

    it('iterates every message across pages, oldest first, and stops after the last page', async () => {
      const { conversations, auth } = await services();
      const { id } = await seeded(auth);
      const contents: string[] = [];
      for await (const message of conversations.listAllMessages(id, { limit: 2 }))
        contents.push(`${message.role}:${message.content}`);
      expect(contents).toEqual(['user:m0', 'assistant:m1', 'user:m2', 'assistant:m3', 'user:m4']);
      expect(attempts(R.listMessages)).toBe(3);
      const all = [];
      for await (const conversation of conversations.listAll()) all.push(conversation.id);
      expect(all).toEqual([id]);
      expect(attempts(R.listConversations)).toBe(1);
    });

    it('iterates an empty list with one call', async () => {
      const { conversations } = await services();
      const all = [];
      for await (const conversation of conversations.listAll()) all.push(conversation);
      expect(all).toEqual([]);
      expect(attempts(R.listConversations)).toBe(1);
    });

    it('maps the 404 of an unknown conversation to CONVERSATION_NOT_FOUND, for the conversation and its messages', async () => {
      const { conversations } = await services();
      for (const promise of [conversations.get('conv_nope'), conversations.listMessages('conv_nope')]) {
        expect(await failure(promise)).toMatchObject({
          code: PerformChatErrorCode.CONVERSATION_NOT_FOUND,
          status: 404,
          field: 'conversationId',
        });
      }
    });

    it('maps a 404 that is about the path (a wrong baseUrl), not the record, to UPSTREAM_BAD_REQUEST', async () => {
      const { conversations } = await services({ baseUrl: `${emulator.url}/prefix` });
      expect(await failure(conversations.get('conv_1'))).toMatchObject({
        code: PerformChatErrorCode.UPSTREAM_BAD_REQUEST,
        status: 404,
      });
    });
  });

  describe('the upstream budget', () => {
    it('spends one API-request point per attempt and refuses locally once spent, token generations included', async () => {
      const { agents, auth } = await services({ upstreamBudget: { apiRequestsPerMinute: 3 } });
      await auth.generateToken({ userId: 'ada' });
      await agents.list();
      await agents.get('agent_support');
      expect(await failure(agents.list())).toMatchObject({
        code: PerformChatErrorCode.RATE_LIMITED,
        message: expect.stringContaining('3 API requests per 60 s (upstreamBudget.apiRequestsPerMinute)'),
      });
      expect(await failure(auth.generateToken({ userId: 'bob' }))).toMatchObject({
        code: PerformChatErrorCode.RATE_LIMITED,
      });
      expect(attempts(R.listAgents)).toBe(1); // the refused call was never sent
    });
  });

  it('never shows the secret in an error, a log line or an answer (secret scan)', async () => {
    const { agents, customerUsers: service, conversations, auth } = await services();
    const [ada] = await customerUsers(auth, 'ada');
    const answers = [
      await agents.list(),
      await agents.get('agent_support'),
      await service.list(),
      await service.update(ada.id, { name: 'Ada' }),
    ];
    // Faults echoing the secret back: the redaction must catch it in every error.
    emulator.addFault({
      path: '/rest/v1/conversations',
      status: 400,
      body: { statusCode: 400, message: `bad ${SECRET}` },
    });
    errors.push(await failure(conversations.list()));
    emulator.addFault({
      path: '/rest/v1/agents',
      status: 500,
      body: { statusCode: 500, message: `boom ${SECRET}` },
      times: 5,
    });
    errors.push(await failure(agents.list()));
    const everything = [
      ...answers.map((answer) => JSON.stringify(answer)),
      ...errors.map((error) => `${JSON.stringify(error)} ${inspect(error)} ${String((error as Error).stack)}`),
      logs.text(),
    ].join('\n');
    expect(errors.length).toBeGreaterThan(10);
    expect(everything).toContain('[REDACTED]');
    expect(everything).not.toContain(SECRET);
  });
});

/** The app's own admin routes calling the services: the honest statuses over both platforms. */
describe.each(['express', 'fastify'] as const)('app routes calling the REST services (%s)', (platform) => {
  let emulator: PerformChatEmulator;
  let app: INestApplication;

  @Controller('admin')
  class AdminController {
    constructor(
      private readonly agents: PerformChatAgentsService,
      private readonly conversations: PerformChatConversationsService,
    ) {}

    @Get('agents/:id')
    agent(@Param('id') id: string) {
      return this.agents.get(id);
    }

    @Get('conversations/:id/messages')
    messages(@Param('id') id: string) {
      return this.conversations.listMessages(id);
    }
  }

  beforeAll(async () => {
    emulator = await startPerformChatEmulator();
    @Module({
      imports: [
        PerformChatModule.forRoot({
          keyId: EMULATOR_DEMO_KEY.keyId,
          keySecret: SECRET,
          baseUrl: emulator.url,
          circuitBreaker: false,
        }),
      ],
      controllers: [AdminController],
    })
    class AdminModule {}
    app =
      platform === 'fastify'
        ? await NestFactory.create(AdminModule, new FastifyAdapter(), { logger: false })
        : await NestFactory.create(AdminModule, { logger: false });
    await app.init();
    if (platform === 'fastify') await (app as NestFastifyApplication).getHttpAdapter().getInstance().ready();
  });
  afterAll(async () => {
    await app.close();
    await emulator.close();
  });

  it('answers an agent as JSON with ISO times', async () => {
    const res = await request(app.getHttpServer()).get('/admin/agents/agent_support');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: 'agent_support',
      active: true,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('answers 404 for an unknown agent and an unknown conversation, with the code', async () => {
    for (const [path, code] of [
      ['/admin/agents/agent_nope', 'AGENT_NOT_FOUND'],
      ['/admin/conversations/conv_nope/messages', 'CONVERSATION_NOT_FOUND'],
    ]) {
      const res = await request(app.getHttpServer()).get(path);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found', code });
    }
  });

  it('answers 400 for an agent id PerformChat refuses', async () => {
    const res = await request(app.getHttpServer()).get('/admin/agents/agent%20x');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
