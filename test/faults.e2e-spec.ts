import { INestApplication } from '@nestjs/common';
import { CapturedLogs, captureLogs, closedPort } from '@test/utils';
import { emulatorConfig, startDemoApp } from '@test/utils/demo-harness';
import {
  EMULATOR_COUNTER_KEYS,
  EMULATOR_DEMO_KEY,
  EmulatorFaultSpec,
  PerformChatEmulator,
  startPerformChatEmulator,
} from 'nestjs-performchat/emulator';
import request from 'supertest';

const USER = 'x-demo-user';
const TOKEN_PATH = '/rest/v1/auth/token';
const TIMEOUT_MS = 250;
const DEADLINE_MS = 1500;
const JWT = /ey[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}/;

interface FaultRow {
  name: string;
  fault: EmulatorFaultSpec;
  status: number;
  code: string;
  retryAfter?: string;
  /** Attempts the emulator must have counted (1 = never retried). */
  attempts: number;
}

const httpDate = (msFromNow: number) => new Date(Date.now() + msFromNow).toUTCString();

/**
 * Every way PerformChat can misbehave, through the demo app (timeout 250 ms, deadline 1.5 s,
 * 2 retries, breaker off so rows are independent).
 */
const ROWS: (() => FaultRow)[] = [
  () => ({
    name: 'latency beyond the timeout',
    fault: { delayMs: 2000 },
    status: 503,
    code: 'TIMEOUT',
    retryAfter: '5',
    attempts: 3,
  }),
  () => ({
    name: 'connection dropped before answering',
    fault: { kind: 'drop' },
    status: 503,
    code: 'UNREACHABLE',
    retryAfter: '5',
    attempts: 3,
  }),
  () => ({
    name: 'connection dropped mid-response',
    fault: { kind: 'drop-mid-response' },
    status: 503,
    code: 'UNREACHABLE',
    retryAfter: '5',
    attempts: 3,
  }),
  () => ({ name: '500', fault: { status: 500 }, status: 503, code: 'UPSTREAM_ERROR', retryAfter: '5', attempts: 3 }),
  () => ({ name: '502', fault: { status: 502 }, status: 503, code: 'UPSTREAM_ERROR', retryAfter: '5', attempts: 3 }),
  // Waits 1 s once; the second Retry-After no longer fits the 1.5 s deadline: fail at once with it.
  () => ({
    name: '503 with Retry-After: 1',
    fault: { status: 503, retryAfter: 1 },
    status: 503,
    code: 'UPSTREAM_ERROR',
    retryAfter: '1',
    attempts: 2,
  }),
  // A date at most 1 s ahead: the first wait ends at it, then the date is past (no wait) and retries run out.
  () => ({
    name: '503 with an HTTP-date Retry-After',
    fault: { status: 503, retryAfter: httpDate(800) },
    status: 503,
    code: 'UPSTREAM_ERROR',
    retryAfter: '1',
    attempts: 3,
  }),
  () => ({
    name: '429 with Retry-After',
    fault: { status: 429, retryAfter: 1 },
    status: 429,
    code: 'RATE_LIMITED',
    retryAfter: '1',
    attempts: 2,
  }),
  () => ({
    name: 'a body that is not JSON',
    fault: { kind: 'not-json' },
    status: 502,
    code: 'INVALID_RESPONSE',
    attempts: 1,
  }),
  () => ({
    name: 'an HTML error page with 200',
    fault: { kind: 'html', status: 200 },
    status: 502,
    code: 'INVALID_RESPONSE',
    attempts: 1,
  }),
  () => ({
    name: 'a 200 without token',
    fault: { kind: 'no-token' },
    status: 502,
    code: 'INVALID_RESPONSE',
    attempts: 1,
  }),
  () => ({
    name: 'a body over the size limit',
    fault: { kind: 'oversized', sizeBytes: 256 * 1024 },
    status: 502,
    code: 'INVALID_RESPONSE',
    attempts: 1,
  }),
  () => ({
    name: 'a response trickling one byte per 100 ms',
    fault: { kind: 'trickle', intervalMs: 100 },
    status: 503,
    code: 'TIMEOUT',
    retryAfter: '5',
    attempts: 3,
  }),
];

describe('when PerformChat misbehaves, through the demo app', () => {
  let emulator: PerformChatEmulator;
  let app: INestApplication;
  let logs: CapturedLogs;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  const tokenAttempts = () => emulator.state.counter(EMULATOR_COUNTER_KEYS.token).attempts;
  const config = (baseUrl: string) => ({
    ...emulatorConfig(emulator),
    PERFORMCHAT_BASE_URL: baseUrl,
    PERFORMCHAT_TIMEOUT_MS: String(TIMEOUT_MS),
    PERFORMCHAT_DEADLINE_MS: String(DEADLINE_MS),
    PERFORMCHAT_CIRCUIT_BREAKER_THRESHOLD: '0',
    PERFORMCHAT_RATE_LIMIT_POINTS: '0',
  });

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    emulator = await startPerformChatEmulator();
    app = await startDemoApp('express', config(emulator.url));
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await app.close();
    await emulator.close();
  });
  beforeEach(() => {
    emulator.reset();
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  // One user per row: each user's share of the budget (10 generations a minute) is the fairness spec's.
  it.each(ROWS.map((row, index) => [row().name, row, `alice-${index}`] as const))(
    '%s',
    async (_name, makeRow, user) => {
      const row = makeRow();
      emulator.addFault({ path: TOKEN_PATH, times: -1, ...row.fault });

      const started = Date.now();
      const response = await request(app.getHttpServer()).get('/api/chat/token').set(USER, user);
      const elapsed = Date.now() - started;

      expect({ status: response.status, body: response.body, retryAfter: response.headers['retry-after'] }).toEqual({
        status: row.status,
        body: { statusCode: row.status, message: expect.any(String), error: expect.any(String), code: row.code },
        retryAfter: row.retryAfter,
      });
      expect(tokenAttempts()).toBe(row.attempts);
      expect(elapsed).toBeLessThan(DEADLINE_MS + 300);

      // Nothing secret reached the browser or the log; every failed attempt was logged once.
      const seen = JSON.stringify(response.body) + logs.text();
      expect(seen).not.toContain(EMULATOR_DEMO_KEY.keySecret);
      expect(seen).not.toMatch(JWT);
      expect(logs.events('attempt.failed').map(({ operation, attempt }) => ({ operation, attempt }))).toEqual(
        Array.from({ length: row.attempts }, (_, i) => ({ operation: 'generateToken', attempt: i + 1 })),
      );
      expect(logs.events('attempt.failed').at(-1)).toMatchObject({
        code: row.code,
        msg: expect.stringMatching(/^PerformChat call failed \(generateToken, attempt \d\): /),
      });

      // The process is still healthy: the next request works.
      emulator.clearFaults();
      const next = await request(app.getHttpServer()).get('/api/chat/token').set(USER, user).expect(200);
      expect(emulator.verify(next.body.token)).toMatchObject({ valid: true });
      expect(unhandled).toEqual([]);
    },
  );

  it('connection refused → 503 UNREACHABLE with Retry-After, within the deadline', async () => {
    const port = await closedPort();
    const lost = await startDemoApp('express', config(`http://127.0.0.1:${port}`));
    try {
      const started = Date.now();
      const response = await request(lost.getHttpServer()).get('/api/chat/token').set(USER, 'alice').expect(503);
      expect(response.body).toEqual({
        statusCode: 503,
        message: expect.any(String),
        error: 'Service Unavailable',
        code: 'UNREACHABLE',
      });
      expect(response.headers['retry-after']).toBe('5');
      expect(Date.now() - started).toBeLessThan(DEADLINE_MS);
      expect(logs.events('attempt.failed')).toEqual(
        [1, 2, 3].map((attempt) =>
          expect.objectContaining({
            operation: 'generateToken',
            code: 'UNREACHABLE',
            attempt,
            keyId: expect.any(String),
          }),
        ),
      );
      expect(logs.text()).not.toContain(EMULATOR_DEMO_KEY.keySecret);
    } finally {
      await lost.close();
    }
  });

  it('a breaker opens after repeated failures and then answers fast without calling PerformChat', async () => {
    const guarded = await startDemoApp('express', {
      ...config(emulator.url),
      PERFORMCHAT_RETRIES: '0',
      PERFORMCHAT_CIRCUIT_BREAKER_THRESHOLD: '3',
      PERFORMCHAT_CIRCUIT_BREAKER_COOLDOWN_MS: '60000',
    });
    try {
      emulator.addFault({ path: TOKEN_PATH, status: 500, times: -1 });
      for (let i = 0; i < 3; i++)
        await request(guarded.getHttpServer()).get('/api/chat/token').set(USER, 'alice').expect(503);
      expect(tokenAttempts()).toBe(3);

      const fast = await request(guarded.getHttpServer()).get('/api/chat/token').set(USER, 'alice').expect(503);
      expect(fast.body.code).toBe('UPSTREAM_UNAVAILABLE');
      expect(Number(fast.headers['retry-after'])).toBeGreaterThan(50);
      expect(Number(fast.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(tokenAttempts()).toBe(3);
    } finally {
      await guarded.close();
    }
  });
});
