import { Test, TestingModule } from '@nestjs/testing';
import {
  CapturedLogs,
  LoopbackHandler,
  LoopbackServer,
  TestClock,
  captureLogs,
  closedPort,
  startLoopbackServer,
  useDateClock,
} from '@test/utils';
import { PerformChatHealthOptions } from '../options/health.options';
import { PerformChatModule } from '../perform-chat.module';
import { PerformChatAuthService } from '../auth/perform-chat-auth.service';
import { PerformChatHealthIndicator } from './perform-chat-health.indicator';

const KEY_ID = 'pk_health_spec_KEYID_31c5';
const SECRET = 'sk_health_spec_S3CR3T_77aa';
const TIMEOUT_MS = 200;
const TOKEN_PATH = '/rest/v1/auth/token';
/** The circuit breaker's state, merged into every result (the probe itself never moves it). */
const CLOSED = { state: 'closed', failureThreshold: 5 };

const answer =
  (status: number, delayMs = 0): LoopbackHandler =>
  (_req, res) =>
    new Promise<void>((resolve) =>
      setTimeout(() => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ statusCode: status, message: `Cannot HEAD ${TOKEN_PATH}` }));
        resolve();
      }, delayMs),
    );

describe('PerformChatHealthIndicator against loopback servers', () => {
  let upstream: LoopbackServer;
  let logs: CapturedLogs;
  const refs: TestingModule[] = [];

  async function indicatorFor(baseUrl: string, health?: PerformChatHealthOptions, imports: unknown[] = []) {
    const ref = await Test.createTestingModule({
      imports: [
        ...(imports as []),
        PerformChatModule.forRoot({ keyId: KEY_ID, keySecret: SECRET, baseUrl, defaultAgentId: 'agent_abc', health }),
      ],
    }).compile();
    refs.push(ref);
    return ref.get(PerformChatHealthIndicator);
  }

  beforeAll(async () => {
    upstream = await startLoopbackServer();
  });
  afterAll(() => upstream.close());
  beforeEach(() => {
    upstream.requests.length = 0;
    logs = captureLogs();
  });
  afterEach(async () => {
    logs.restore();
    await Promise.all(refs.splice(0).map((ref) => ref.close()));
  });

  describe('up: any answer below 500', () => {
    it.each([
      [200, 0],
      [405, 0],
      [401, 0],
      [429, 0],
      [405, 60],
    ])('HTTP %i after %i ms is up with statusCode, latencyMs and the endpoint', async (status, delayMs) => {
      upstream.handle(answer(status, delayMs));
      const indicator = await indicatorFor(upstream.url, { timeoutMs: 1000 });

      const result = await indicator.isHealthy('performchat');

      expect(result).toEqual({
        performchat: {
          status: 'up',
          statusCode: status,
          latencyMs: expect.any(Number),
          endpoint: `${upstream.url}${TOKEN_PATH}`,
          circuitBreaker: CLOSED,
        },
      });
      expect(result.performchat.latencyMs).toBeGreaterThanOrEqual(delayMs > 0 ? delayMs - 5 : 0);
      expect(result.performchat.latencyMs).toBeLessThan(delayMs + 500);
      expect(upstream.requests).toHaveLength(1);
    });
  });

  describe('down: no answer below 500 within the timeout', () => {
    interface DownRow {
      name: string;
      baseUrl: () => Promise<string> | string;
      handler?: LoopbackHandler;
      reason: string;
      message: RegExp;
      statusCode?: number;
    }
    const rows: DownRow[] = [
      {
        name: 'a server that never answers',
        baseUrl: () => upstream.url,
        handler: () => undefined,
        reason: 'timeout',
        message: new RegExp(`^timeout of ${TIMEOUT_MS} ms exceeded$`),
      },
      {
        name: 'a closed port',
        baseUrl: async () => `http://127.0.0.1:${await closedPort()}`,
        reason: 'connection_refused',
        message: /^connection refused$/,
      },
      {
        name: 'HTTP 404 (nothing at the probed path: baseUrl has a wrong path)',
        baseUrl: () => upstream.url,
        handler: answer(404),
        reason: 'not_found',
        message: new RegExp(
          `^PerformChat answered HTTP 404 for ${TOKEN_PATH}: the path of baseUrl is probably wrong \\(give the host only, e\\.g\\. https://api\\.performchat\\.com; the module adds /rest/v1\\)$`,
        ),
        statusCode: 404,
      },
      {
        name: 'HTTP 503',
        baseUrl: () => upstream.url,
        handler: answer(503),
        reason: 'server_error',
        message: /^PerformChat answered HTTP 503$/,
        statusCode: 503,
      },
      {
        name: 'HTTP 500',
        baseUrl: () => upstream.url,
        handler: answer(500),
        reason: 'server_error',
        message: /^PerformChat answered HTTP 500$/,
        statusCode: 500,
      },
      {
        name: 'a server that drops the connection',
        baseUrl: () => upstream.url,
        handler: (req) => req.socket.destroy(),
        reason: 'connection_dropped',
        message: /closed without a complete response/,
      },
      {
        name: 'an unresolvable host',
        baseUrl: () => 'http://performchat.invalid',
        reason: 'dns_failure',
        message: /^DNS lookup of performchat\.invalid failed \((ENOTFOUND|EAI_AGAIN)\)$/,
      },
      {
        name: 'https to a plain-http server (TLS failure)',
        baseUrl: () => upstream.url.replace('http://', 'https://'),
        handler: answer(405),
        reason: 'tls_failure',
        message: /^TLS handshake failed \(EPROTO\)$/,
      },
    ];

    it.each(rows)('$name is down with reason $reason, within timeout + 250 ms', async (row) => {
      if (row.handler) upstream.handle(row.handler);
      const baseUrl = await row.baseUrl();
      const indicator = await indicatorFor(baseUrl, { timeoutMs: TIMEOUT_MS });

      const startedAt = Date.now();
      const result = await indicator.isHealthy('performchat');
      const elapsed = Date.now() - startedAt;

      expect(result).toEqual({
        performchat: {
          status: 'down',
          reason: row.reason,
          message: expect.stringMatching(row.message),
          latencyMs: expect.any(Number),
          endpoint: `${baseUrl}${TOKEN_PATH}`,
          circuitBreaker: CLOSED,
          ...(row.statusCode === undefined ? {} : { statusCode: row.statusCode }),
        },
      });
      expect(elapsed).toBeLessThan(TIMEOUT_MS + 250);
      if (row.reason === 'timeout') expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
      expect(JSON.stringify(result)).not.toContain(SECRET);
      expect(logs.text()).not.toContain(SECRET);
    });
  });

  describe('the probe request', () => {
    it.each([
      ['a plain baseUrl', (url: string) => url, ''],
      // (A baseUrl with user info no longer boots: options/perform-chat-url.validation.spec.ts.)
      ['a baseUrl with a path prefix', (url: string) => `${url}/gateway/`, '/gateway'],
    ])('with %s is a bare HEAD: no body, no credentials, no keyId', async (_name, toBaseUrl, prefix) => {
      upstream.handle(answer(405));
      const indicator = await indicatorFor(toBaseUrl(upstream.url));

      const result = await indicator.isHealthy('performchat');

      expect(result.performchat).toMatchObject({
        status: 'up',
        statusCode: 405,
        endpoint: `${upstream.url}${prefix}${TOKEN_PATH}`,
      });
      expect(upstream.requests).toHaveLength(1);
      const [request] = upstream.requests;
      expect(request.method).toBe('HEAD');
      expect(request.url).toBe(`${prefix}${TOKEN_PATH}`);
      expect(request.body).toBe('');
      expect(request.headers['content-length']).toBeUndefined();
      expect(request.headers['content-type']).toBeUndefined();
      expect(request.headers.authorization).toBeUndefined();
      expect(request.headers.connection).toBe('close');
      const sent = JSON.stringify(request);
      expect(sent).not.toContain(SECRET);
      expect(sent).not.toContain(KEY_ID);
      expect(JSON.stringify(result)).not.toContain(SECRET);
      expect(JSON.stringify(result)).not.toContain(KEY_ID);
    });
  });

  describe('caching', () => {
    type Probe = (indicator: PerformChatHealthIndicator) => Promise<unknown>;
    // The cache's TTL is read from Date.now(): a Date clock moves it, with no sleep. Installed
    // before the module is built (the cache keeps the Date.now it was built with).
    let clock: TestClock | undefined;
    afterEach(() => {
      clock?.restore();
      clock = undefined;
    });
    const sleep = (ms: number) => clock!.advance(ms);
    const rows: { name: string; health: PerformChatHealthOptions; status: number; act: Probe; requests: number }[] = [
      {
        name: 'two probes within the TTL make one request',
        health: {},
        status: 405,
        act: async (indicator) => [await indicator.isHealthy(), await indicator.isHealthy()],
        requests: 1,
      },
      {
        name: 'a down result is cached too',
        health: {},
        status: 503,
        act: async (indicator) => [await indicator.isHealthy(), await indicator.isHealthy()],
        requests: 1,
      },
      {
        name: 'concurrent probes share one in-flight request',
        health: { cacheTtlMs: 0 },
        status: 405,
        act: (indicator) => Promise.all([1, 2, 3, 4, 5].map(() => indicator.isHealthy())),
        requests: 1,
      },
      {
        name: 'within the module TTL no new request is made',
        health: { cacheTtlMs: 40 },
        status: 405,
        act: async (indicator) => [await indicator.isHealthy(), await sleep(39), await indicator.isHealthy()],
        requests: 1,
      },
      {
        name: 'after the module TTL a new request is made',
        health: { cacheTtlMs: 40 },
        status: 405,
        act: async (indicator) => [await indicator.isHealthy(), await sleep(40), await indicator.isHealthy()],
        requests: 2,
      },
      {
        name: "a call's shorter cacheTtlMs makes a new request",
        health: {},
        status: 405,
        act: async (indicator) => [
          await indicator.isHealthy(),
          await sleep(20),
          await indicator.isHealthy('performchat', { cacheTtlMs: 20 }),
        ],
        requests: 2,
      },
      {
        name: 'cacheTtlMs 0 probes on every sequential call',
        health: { cacheTtlMs: 0 },
        status: 405,
        act: async (indicator) => [
          await indicator.isHealthy(),
          await indicator.isHealthy(),
          await indicator.isHealthy(),
        ],
        requests: 3,
      },
    ];

    it.each(rows)('$name', async ({ health, status, act, requests }) => {
      upstream.handle(answer(status, 20));
      clock = useDateClock();
      const indicator = await indicatorFor(upstream.url, health);

      const results = ((await act(indicator)) as unknown[]).filter(Boolean);

      expect(upstream.requests).toHaveLength(requests);
      const expected = status < 500 ? 'up' : 'down';
      for (const result of results)
        expect(result).toMatchObject({ performchat: { status: expected, statusCode: status } });
    });

    it('a cached result keeps its key per call', async () => {
      upstream.handle(answer(405));
      const indicator = await indicatorFor(upstream.url);

      const [first, second] = [await indicator.isHealthy('vendor'), await indicator.isHealthy('performchat_auth')];

      expect(Object.keys(first)).toEqual(['vendor']);
      expect(second.performchat_auth).toEqual({ ...first.vendor });
      expect(upstream.requests).toHaveLength(1);
    });
  });

  describe('circuit breaker state in the details, and an open breaker is down', () => {
    /** HEAD probes get 405 (up); token calls get 503 and open the breaker after one failed call. */
    async function openBreaker(health: PerformChatHealthOptions = {}, cooldownMs = 60_000) {
      upstream.handle((req, res) => answer(req.method === 'HEAD' ? 405 : 503)(req, res, ''));
      const ref = await Test.createTestingModule({
        imports: [
          PerformChatModule.forRoot({
            keyId: KEY_ID,
            keySecret: SECRET,
            baseUrl: upstream.url,
            defaultAgentId: 'agent_abc',
            retry: false,
            circuitBreaker: { failureThreshold: 1, cooldownMs },
            health,
          }),
        ],
      }).compile();
      refs.push(ref);
      const indicator = ref.get(PerformChatHealthIndicator);
      const before = await indicator.isHealthy();
      await expect(ref.get(PerformChatAuthService).generateToken({ userId: 'u' })).rejects.toMatchObject({
        code: 'UPSTREAM_ERROR',
      });
      return { indicator, before };
    }

    it('is read fresh on every call, even when the probe result is cached: open is down with reason circuit_open', async () => {
      const { indicator, before } = await openBreaker();
      const after = await indicator.isHealthy();

      expect(before.performchat).toMatchObject({
        status: 'up',
        circuitBreaker: { state: 'closed', failureThreshold: 1 },
      });
      expect(after).toEqual({
        performchat: {
          status: 'down',
          reason: 'circuit_open',
          message: expect.stringMatching(
            /^the circuit breaker is open after 1 failed calls in a row: token calls fail fast for \d+ s more, then one trial call decides$/,
          ),
          endpoint: `${upstream.url}${TOKEN_PATH}`,
          statusCode: 405,
          latencyMs: expect.any(Number),
          circuitBreaker: { state: 'open', failureThreshold: 1, retryAfterMs: expect.any(Number) },
        },
      });
      expect(after.performchat.circuitBreaker.retryAfterMs).toBeGreaterThan(59_000);
      expect(upstream.requests.filter((r) => r.method === 'HEAD')).toHaveLength(1);
    });

    it('health.breakerOpenIsDown: false keeps it up, the state only in the details (module option and per call)', async () => {
      const { indicator } = await openBreaker({ breakerOpenIsDown: false });
      expect((await indicator.isHealthy()).performchat).toMatchObject({
        status: 'up',
        statusCode: 405,
        circuitBreaker: { state: 'open' },
      });
      expect((await indicator.isHealthy('performchat', { breakerOpenIsDown: true })).performchat).toMatchObject({
        status: 'down',
        reason: 'circuit_open',
      });
    });

    it('is up again once the cooldown is over, so the pod gets the call that is the trial', async () => {
      // The cooldown and the cache read Date.now(): a Date clock ends them, with no sleep.
      const clock = useDateClock();
      try {
        const { indicator } = await openBreaker({}, 60_000);
        expect((await indicator.isHealthy()).performchat).toMatchObject({ status: 'down', reason: 'circuit_open' });
        await clock.advance(59_999);
        expect((await indicator.isHealthy()).performchat).toMatchObject({
          status: 'down',
          reason: 'circuit_open',
          circuitBreaker: { state: 'open', retryAfterMs: 1 },
        });
        await clock.advance(1);
        // The breaker is still "open" (cockatiel half-opens on the next call), with no time left.
        expect((await indicator.isHealthy()).performchat).toMatchObject({
          status: 'up',
          circuitBreaker: { state: 'open', retryAfterMs: 0 },
        });
      } finally {
        clock.restore();
      }
    });

    it('a failed probe keeps its own reason while the breaker is open', async () => {
      const { indicator } = await openBreaker({ cacheTtlMs: 0 });
      upstream.handle(answer(503));
      expect((await indicator.isHealthy()).performchat).toMatchObject({
        status: 'down',
        reason: 'server_error',
        circuitBreaker: { state: 'open' },
      });
    });
  });

  describe('a 404 on the probed path', () => {
    it('health.notFoundIsDown: false counts it as up (for a server that answers HEAD on its POST route with 404)', async () => {
      upstream.handle(answer(404));
      const indicator = await indicatorFor(upstream.url, { notFoundIsDown: false });
      expect((await indicator.isHealthy()).performchat).toEqual({
        status: 'up',
        statusCode: 404,
        latencyMs: expect.any(Number),
        endpoint: `${upstream.url}${TOKEN_PATH}`,
        circuitBreaker: CLOSED,
      });
      // The cached probe result is judged again per call.
      expect((await indicator.isHealthy('performchat', { notFoundIsDown: true })).performchat).toMatchObject({
        status: 'down',
        reason: 'not_found',
        statusCode: 404,
      });
      expect(upstream.requests).toHaveLength(1);
    });
  });

  describe('per-call options', () => {
    it('a per-call timeoutMs overrides the module option', async () => {
      upstream.handle(() => undefined);
      const indicator = await indicatorFor(upstream.url, { timeoutMs: 5000 });

      const result = await indicator.isHealthy('performchat', { timeoutMs: 50 });

      expect(result.performchat).toMatchObject({
        status: 'down',
        reason: 'timeout',
        message: 'timeout of 50 ms exceeded',
      });
    });

    it.each([
      [{ timeoutMs: 0 }, /timeoutMs must be a whole number of milliseconds, at least 1/],
      [{ timeoutMs: 1.5 }, /timeoutMs must be a whole number/],
      [{ cacheTtlMs: -1 }, /cacheTtlMs must be a whole number of milliseconds, at least 0/],
      [{ breakerOpenIsDown: 'yes' as never }, /breakerOpenIsDown must be true or false/],
      [{ notFoundIsDown: 1 as never }, /notFoundIsDown must be true or false/],
    ])('rejects %j as a programming error, before any request', async (options, message) => {
      const indicator = await indicatorFor(upstream.url);

      await expect(indicator.isHealthy('performchat', options)).rejects.toThrow(message);
      expect(upstream.requests).toHaveLength(0);
    });
  });
});
