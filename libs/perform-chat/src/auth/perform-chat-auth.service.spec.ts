import { Test, TestingModule } from '@nestjs/testing';
import {
  CapturedLogs,
  LoopbackServer,
  captureLogs,
  closedPort,
  fakeJwt,
  sendJson,
  startLoopbackServer,
  tokenBody,
} from '@test/utils';
import { inspect } from 'node:util';
import { PerformChatError } from '../errors/perform-chat.error';
import { PerformChatErrorCode } from '../errors/perform-chat-error-code';
import { PerformChatModuleOptions } from '../options/perform-chat-options.interface';
import { PerformChatModule } from '../perform-chat.module';
import { PerformChatAuthService } from './perform-chat-auth.service';

const SECRET = 'sk_service_spec_S3CR3T_9f8e7d';
const TIMEOUT_MS = 300;

describe('PerformChatAuthService against a loopback PerformChat', () => {
  let upstream: LoopbackServer;
  let moduleRef: TestingModule;
  let service: PerformChatAuthService;
  let logs: CapturedLogs;

  async function createService(overrides: Partial<PerformChatModuleOptions> = {}) {
    const ref = await Test.createTestingModule({
      imports: [
        PerformChatModule.forRoot({
          keyId: 'pk_spec',
          keySecret: SECRET,
          baseUrl: upstream.url,
          defaultAgentId: 'agent_abc',
          timeoutMs: TIMEOUT_MS,
          // One attempt per call here: retries and the breaker have their own spec.
          retry: false,
          circuitBreaker: false,
          // Every case here asks for user-1: its share of the budget (10 a minute) is another spec's.
          upstreamBudget: { tokensPerUser: false },
          ...overrides,
        }),
      ],
    }).compile();
    return { ref, service: ref.get(PerformChatAuthService) };
  }

  beforeAll(async () => {
    upstream = await startLoopbackServer();
    ({ ref: moduleRef, service } = await createService());
  });
  afterAll(async () => {
    await moduleRef.close();
    await upstream.close();
  });
  beforeEach(() => {
    upstream.requests.length = 0;
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  describe('generateToken', () => {
    it('sends the documented body and normalises a customerUser answer with apiKey', async () => {
      const exp = Math.floor(Date.now() / 1000) + 3600;
      upstream.handle((_req, res) => sendJson(res, 200, tokenBody({ userId: 'user-1', exp })));

      const result = await service.generateToken({ userId: 'user-1', expiresIn: '1h' });

      expect(upstream.requests).toHaveLength(1);
      const [request] = upstream.requests;
      expect(request.method).toBe('POST');
      expect(request.url).toBe('/rest/v1/auth/token');
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers.connection).toBe('keep-alive');
      expect(JSON.parse(request.body)).toEqual({
        keyId: 'pk_spec',
        keySecret: SECRET,
        userId: 'user-1',
        agentId: 'agent_abc',
        expiresIn: '1h',
      });
      expect(result).toEqual({
        token: expect.stringMatching(/^ey/),
        expiresAt: new Date(exp * 1000),
        expiresInSeconds: expect.any(Number),
        customerUser: { id: 'cm4abc123xyz', externalId: 'user-1', companyId: 'company_xyz', agentId: 'agent_abc' },
        agent: { id: 'agent_abc', name: 'Customer Support Agent', active: true },
        apiKey: { id: 'key_id', name: 'Production API Key', environment: 'production' },
      });
      expect(result.expiresInSeconds).toBeGreaterThan(3590);
      expect(result.expiresInSeconds).toBeLessThanOrEqual(3600);
    });

    it('reads the customer user from `user` (the examples page) and works without apiKey', async () => {
      upstream.handle((_req, res) =>
        sendJson(res, 200, tokenBody({ userId: 'user-2', userKey: 'user', withApiKey: false })),
      );
      const result = await service.generateToken({ userId: 'user-2' });
      expect(result.customerUser).toEqual({
        id: 'cm4abc123xyz',
        externalId: 'user-2',
        companyId: 'company_xyz',
        agentId: 'agent_abc',
      });
      expect(result).not.toHaveProperty('apiKey');
    });

    it('accepts 201 as success', async () => {
      upstream.handle((_req, res) => sendJson(res, 201, tokenBody({ userId: 'user-3' })));
      await expect(service.generateToken({ userId: 'user-3' })).resolves.toMatchObject({ agent: { id: 'agent_abc' } });
    });

    it('without exp in the JWT, takes expiresAt from the requested lifetime and a clock read before the call', async () => {
      upstream.handle((_req, res) => setTimeout(() => sendJson(res, 200, tokenBody({ userId: 'user-4' })), 50));
      const before = Date.now();
      const result = await service.generateToken({ userId: 'user-4', expiresIn: '15m' });
      const after = Date.now();
      expect(result.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 900_000);
      expect(result.expiresAt.getTime()).toBeLessThan(after + 900_000 - 40);
    });

    it('uses the request agent over the default, and the default lifetime 1h', async () => {
      upstream.handle((_req, res, body) =>
        sendJson(res, 200, tokenBody({ userId: 'u', agentId: JSON.parse(body).agentId })),
      );
      await service.generateToken({ userId: 'u', agentId: 'agent_sales' });
      expect(JSON.parse(upstream.requests[0].body)).toMatchObject({ agentId: 'agent_sales', expiresIn: '1h' });
    });

    describe('input checks before any network call', () => {
      it.each<[string, Record<string, unknown>, PerformChatErrorCode, RegExp]>([
        ['missing userId', {}, 'INVALID_ARGUMENT', /userId must be a non-empty string/],
        ['numeric userId', { userId: 42 }, 'INVALID_ARGUMENT', /userId must be a non-empty string; got 42/],
        ['blank userId', { userId: '   ' }, 'INVALID_ARGUMENT', /userId must not be empty/],
        ['257-character userId', { userId: 'u'.repeat(257) }, 'INVALID_ARGUMENT', /at most 256 characters/],
        ['userId with a newline', { userId: 'a\nb' }, 'INVALID_ARGUMENT', /control characters/],
        ['userId with NUL', { userId: 'a\u0000b' }, 'INVALID_ARGUMENT', /control characters/],
        ['empty agentId', { userId: 'u', agentId: '' }, 'INVALID_ARGUMENT', /agentId must not be empty/],
        [
          'object agentId',
          { userId: 'u', agentId: {} },
          'INVALID_ARGUMENT',
          /agentId must be a non-empty string; got an object/,
        ],
        ['bad expiresIn', { userId: 'u', expiresIn: '1 h' }, 'INVALID_EXPIRES_IN', /positive whole number/],
        ['numeric expiresIn', { userId: 'u', expiresIn: 3600 }, 'INVALID_EXPIRES_IN', /got 3600/],
      ])('%s', async (_name, request, code, message) => {
        await expect(service.generateToken(request as never)).rejects.toMatchObject({
          code,
          message: expect.stringMatching(message),
        });
        expect(upstream.requests).toHaveLength(0);
      });

      it('accepts a 256-character userId', async () => {
        const userId = 'u'.repeat(256);
        upstream.handle((_req, res) => sendJson(res, 200, tokenBody({ userId })));
        await expect(service.generateToken({ userId })).resolves.toMatchObject({
          customerUser: { externalId: userId },
        });
      });

      it('refuses a missing agent when no defaultAgentId is configured', async () => {
        const { ref, service: bare } = await createService({ defaultAgentId: undefined });
        await expect(bare.generateToken({ userId: 'u' })).rejects.toMatchObject({
          code: 'INVALID_ARGUMENT',
          field: 'agentId',
          message: expect.stringContaining('no defaultAgentId is configured'),
        });
        expect(upstream.requests).toHaveLength(0);
        await ref.close();
      });

      it('enforces allowedAgentIds and maxExpiresIn', async () => {
        const { ref, service: strict } = await createService({ allowedAgentIds: ['agent_abc'], maxExpiresIn: '1h' });
        await expect(strict.generateToken({ userId: 'u', agentId: 'agent_other' })).rejects.toMatchObject({
          code: 'AGENT_NOT_ALLOWED',
        });
        await expect(strict.generateToken({ userId: 'u', expiresIn: '2h' })).rejects.toMatchObject({
          code: 'INVALID_EXPIRES_IN',
          message: expect.stringContaining('maximum of "1h"'),
        });
        expect(upstream.requests).toHaveLength(0);
        await ref.close();
      });
    });
  });

  describe('invalidateTokens', () => {
    it('posts the documented body and returns the new version', async () => {
      upstream.handle((_req, res) =>
        sendJson(res, 200, {
          message: 'All tokens invalidated successfully',
          customerUserId: 'cm4abc123xyz',
          newTokenVersion: 1,
        }),
      );
      await expect(service.invalidateTokens('cm4abc123xyz')).resolves.toEqual({
        customerUserId: 'cm4abc123xyz',
        newTokenVersion: 1,
      });
      expect(upstream.requests[0].url).toBe('/rest/v1/auth/invalidate-token');
      expect(JSON.parse(upstream.requests[0].body)).toEqual({
        keyId: 'pk_spec',
        keySecret: SECRET,
        customerUserId: 'cm4abc123xyz',
      });
    });

    it('checks customerUserId before any call', async () => {
      await expect(service.invalidateTokens('' as string)).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
        field: 'customerUserId',
      });
      await expect(service.invalidateTokens(undefined as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      expect(upstream.requests).toHaveLength(0);
    });
  });

  /** Every way PerformChat can answer badly, and the error each must become. */
  const failures: {
    name: string;
    operation: 'generateToken' | 'invalidateTokens';
    respond: Parameters<LoopbackServer['handle']>[0];
    code: PerformChatErrorCode;
    status?: number;
    message?: RegExp;
    retryAfterMs?: number;
  }[] = [
    {
      name: '401 Invalid API credentials',
      operation: 'generateToken',
      respond: (_q, res) =>
        sendJson(res, 401, { statusCode: 401, message: 'Invalid API credentials', error: 'Unauthorized' }),
      code: 'INVALID_CREDENTIALS',
      status: 401,
      message: /rejected API key "pk_spec" \(HTTP 401: Invalid API credentials\)/,
    },
    {
      name: '401 on invalidation without an error field',
      operation: 'invalidateTokens',
      respond: (_q, res) => sendJson(res, 401, { statusCode: 401, message: 'Invalid API credentials' }),
      code: 'INVALID_CREDENTIALS',
      status: 401,
    },
    {
      name: '403 (undocumented) is a key problem too',
      operation: 'generateToken',
      respond: (_q, res) => sendJson(res, 403, { statusCode: 403, message: 'Forbidden' }),
      code: 'INVALID_CREDENTIALS',
      status: 403,
    },
    {
      name: '400 Agent not found names the agent',
      operation: 'generateToken',
      respond: (_q, res) => sendJson(res, 400, { statusCode: 400, message: 'Agent not found', error: 'Bad Request' }),
      code: 'AGENT_NOT_FOUND',
      status: 400,
      message: /no active agent "agent_abc"/,
    },
    {
      name: '400 No active agents',
      operation: 'generateToken',
      respond: (_q, res) => sendJson(res, 400, { statusCode: 400, message: 'No active agents', error: 'Bad Request' }),
      code: 'AGENT_NOT_FOUND',
    },
    {
      name: '400 customer user not found on invalidation',
      operation: 'invalidateTokens',
      respond: (_q, res) =>
        sendJson(res, 400, { statusCode: 400, message: 'Customer user not found or does not belong to your company' }),
      code: 'CUSTOMER_USER_NOT_FOUND',
      status: 400,
      message: /no customer user "cu_1"/,
    },
    {
      name: 'another 400',
      operation: 'generateToken',
      respond: (_q, res) =>
        sendJson(res, 400, { statusCode: 400, message: ['expiresIn must be valid'], error: 'Bad Request' }),
      code: 'UPSTREAM_BAD_REQUEST',
      status: 400,
      message: /HTTP 400: expiresIn must be valid/,
    },
    {
      name: '404 (wrong base URL)',
      operation: 'generateToken',
      respond: (_q, res) => sendJson(res, 404, { statusCode: 404, message: 'Cannot POST /rest/v1/auth/token' }),
      code: 'UPSTREAM_BAD_REQUEST',
      status: 404,
    },
    {
      name: '429 with Retry-After seconds',
      operation: 'generateToken',
      respond: (_q, res) =>
        sendJson(res, 429, { statusCode: 429, message: 'Too Many Requests' }, { 'retry-after': '7' }),
      code: 'RATE_LIMITED',
      status: 429,
      retryAfterMs: 7000,
    },
    {
      name: '500',
      operation: 'generateToken',
      respond: (_q, res) => sendJson(res, 500, { statusCode: 500, message: 'Internal server error' }),
      code: 'UPSTREAM_ERROR',
      status: 500,
    },
    {
      name: '503 with an HTML page',
      operation: 'invalidateTokens',
      respond: (_q, res) => {
        res.writeHead(503, { 'content-type': 'text/html' });
        res.end('<html><body>Service Unavailable</body></html>');
      },
      code: 'UPSTREAM_ERROR',
      status: 503,
    },
    {
      name: '302 redirect (never followed)',
      operation: 'generateToken',
      respond: (_q, res) => {
        res.writeHead(302, { location: 'http://127.0.0.1:1/steal' });
        res.end();
      },
      code: 'INVALID_RESPONSE',
      status: 302,
      message: /redirect/,
    },
    {
      name: '200 with a body that is not JSON',
      operation: 'generateToken',
      respond: (_q, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('OK');
      },
      code: 'INVALID_RESPONSE',
      message: /not JSON \(text\/plain\)/,
    },
    {
      name: '200 with an HTML page',
      operation: 'generateToken',
      respond: (_q, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end('<!doctype html><title>Login</title>');
      },
      code: 'INVALID_RESPONSE',
      message: /not JSON \(text\/html\)/,
    },
    {
      name: '200 without token',
      operation: 'generateToken',
      respond: (_q, res) => sendJson(res, 200, { ...tokenBody({ userId: 'u' }), token: undefined }),
      code: 'INVALID_RESPONSE',
      message: /token is missing/,
    },
    {
      name: '200 with a numeric token',
      operation: 'generateToken',
      respond: (_q, res) => sendJson(res, 200, { ...tokenBody({ userId: 'u' }), token: 12345 }),
      code: 'INVALID_RESPONSE',
    },
    {
      name: '200 without customer user',
      operation: 'generateToken',
      respond: (_q, res) => sendJson(res, 200, { ...tokenBody({ userId: 'u' }), customerUser: undefined }),
      code: 'INVALID_RESPONSE',
      message: /user is missing/,
    },
    {
      name: '200 with a customer user id that is a number',
      operation: 'generateToken',
      respond: (_q, res) => {
        const body = tokenBody({ userId: 'u' });
        sendJson(res, 200, { ...body, customerUser: { ...(body.customerUser as object), id: 7 } });
      },
      code: 'INVALID_RESPONSE',
      message: /customerUser.id/,
    },
    {
      name: '200 for another user',
      operation: 'generateToken',
      respond: (_q, res) => sendJson(res, 200, tokenBody({ userId: 'someone-else' })),
      code: 'INVALID_RESPONSE',
      message: /not the user the token was asked for/,
    },
    {
      name: '200 with a JSON array',
      operation: 'generateToken',
      respond: (_q, res) => sendJson(res, 200, '[]'),
      code: 'INVALID_RESPONSE',
    },
    {
      name: 'invalidation 200 without newTokenVersion',
      operation: 'invalidateTokens',
      respond: (_q, res) =>
        sendJson(res, 200, { message: 'All tokens invalidated successfully', customerUserId: 'cu_1' }),
      code: 'INVALID_RESPONSE',
      message: /newTokenVersion/,
    },
    {
      name: 'a body over maxResponseBytes',
      operation: 'generateToken',
      respond: (_q, res) => sendJson(res, 200, { ...tokenBody({ userId: 'u' }), padding: 'x'.repeat(70_000) }),
      code: 'INVALID_RESPONSE',
      message: /larger than maxResponseBytes/,
    },
    {
      name: 'a dropped connection',
      operation: 'generateToken',
      respond: (req) => req.socket.destroy(),
      code: 'UNREACHABLE',
      message: /closed without a complete response/,
    },
    {
      name: 'a connection dropped mid-response',
      operation: 'generateToken',
      respond: (_q, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' });
        res.write('{"token":"ey');
        setTimeout(() => res.socket?.destroy(), 10);
      },
      code: 'UNREACHABLE',
    },
    {
      name: 'a server that never answers',
      operation: 'generateToken',
      respond: () => undefined,
      code: 'TIMEOUT',
      message: new RegExp(`timeout of ${TIMEOUT_MS} ms exceeded`),
    },
    {
      name: 'a server that trickles its answer',
      operation: 'generateToken',
      respond: (_q, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        const body = JSON.stringify(tokenBody({ userId: 'u' }));
        let i = 0;
        const timer = setInterval(() => {
          if (res.destroyed || i >= body.length) return clearInterval(timer);
          res.write(body[i++]);
        }, 20);
      },
      code: 'TIMEOUT',
    },
  ];

  describe.each(failures)(
    'when PerformChat answers with $name',
    ({ operation, respond, code, status, message, retryAfterMs }) => {
      it(`fails with ${code}, secret-free`, async () => {
        upstream.handle(respond);
        const call =
          operation === 'generateToken' ? service.generateToken({ userId: 'u' }) : service.invalidateTokens('cu_1');
        const error = await call.then(
          () => undefined,
          (e: unknown) => e,
        );

        expect(error).toBeInstanceOf(PerformChatError);
        const failure = error as PerformChatError;
        expect(failure.code).toBe(code);
        if (status !== undefined) expect(failure.status).toBe(status);
        if (message) expect(failure.message).toMatch(message);
        if (retryAfterMs !== undefined) expect(failure.retryAfterMs).toBe(retryAfterMs);
        expect(failure).not.toHaveProperty('cause');
        expect(failure).not.toHaveProperty('config');
        for (const view of [
          inspect(failure, { depth: 10, showHidden: true }),
          JSON.stringify(failure),
          failure.stack ?? '',
          logs.text(),
        ]) {
          expect(view).not.toContain(SECRET);
        }
        expect(logs.events('attempt.failed')).toEqual([
          expect.objectContaining({ code, keyId: 'pk_spec', attempt: 1, reason: expect.any(String) }),
        ]);
      });
    },
  );

  it('reports a closed port as UNREACHABLE (connection refused)', async () => {
    const port = await closedPort();
    const { ref, service: lost } = await createService({ baseUrl: `http://127.0.0.1:${port}` });
    await expect(lost.generateToken({ userId: 'u' })).rejects.toMatchObject({
      code: 'UNREACHABLE',
      message: `PerformChat at http://127.0.0.1:${port} is unreachable: connection refused`,
    });
    await ref.close();
  });

  it('reports an unresolvable host as UNREACHABLE (DNS)', async () => {
    const { ref, service: lost } = await createService({ baseUrl: 'http://performchat.invalid', timeoutMs: 3000 });
    await expect(lost.generateToken({ userId: 'u' })).rejects.toMatchObject({
      code: 'UNREACHABLE',
      message: expect.stringMatching(/DNS lookup of \S+ failed/),
    });
    await ref.close();
  });

  it('never echoes the secret even when PerformChat puts it in an error message', async () => {
    upstream.handle((_q, res) => sendJson(res, 400, { statusCode: 400, message: `bad key secret ${SECRET}` }));
    const error = (await service.generateToken({ userId: 'u' }).catch((e: unknown) => e)) as PerformChatError;
    expect(error.code).toBe('UPSTREAM_BAD_REQUEST');
    expect(error.upstreamMessage).toBe('bad key secret [REDACTED]');
    expect(JSON.stringify(error) + inspect(error) + error.stack + logs.text()).not.toContain(SECRET);
  });

  it('never puts a token in an error or a log line', async () => {
    const token = fakeJwt({ sub: 'x', exp: 1 });
    upstream.handle((_q, res) => sendJson(res, 200, { token, user: { id: 'x' } }));
    const error = (await service.generateToken({ userId: 'u' }).catch((e: unknown) => e)) as PerformChatError;
    expect(error.code).toBe('INVALID_RESPONSE');
    expect(JSON.stringify(error) + inspect(error) + error.stack + logs.text()).not.toContain(token);
  });
});
