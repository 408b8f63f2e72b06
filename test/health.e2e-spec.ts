import { INestApplication } from '@nestjs/common';
import { CapturedLogs, captureLogs } from '@test/utils';
import { PLATFORMS, emulatorConfig, startDemoApp } from '@test/utils/demo-harness';
import {
  EMULATOR_COUNTER_KEYS,
  EMULATOR_DEMO_KEY,
  PERFORMCHAT_TOKEN_PATH,
  PerformChatEmulator,
  startPerformChatEmulator,
} from 'nestjs-performchat/emulator';
import request from 'supertest';

const HEAD_PROBE = `HEAD ${PERFORMCHAT_TOKEN_PATH}`;
const LIVE = { status: 'ok', info: {}, error: {}, details: {} };

/**
 * ConfigModule copies the validated configuration, the demo's overrides included, into
 * process.env; forget those keys so the next app of this file starts from the same env.
 */
function restoreEnvAfterAll(): void {
  let before: Set<string>;
  beforeAll(() => {
    before = new Set(Object.keys(process.env));
  });
  afterAll(() => {
    for (const key of Object.keys(process.env)) if (!before.has(key)) delete process.env[key];
  });
}

describe.each(PLATFORMS)('health routes of the demo app on %s', (platform) => {
  let emulator: PerformChatEmulator;
  let port: number;
  let app: INestApplication;
  let logs: CapturedLogs;
  const bodies: string[] = [];
  restoreEnvAfterAll();
  const get = async (path: string, status: number) => {
    const response = await request(app.getHttpServer()).get(path).expect(status);
    bodies.push(response.text);
    return response.body;
  };

  beforeAll(async () => {
    logs = captureLogs();
    emulator = await startPerformChatEmulator();
    port = emulator.port;
    // No result reuse, so every /health/ready call shows the emulator's current state.
    app = await startDemoApp(
      platform,
      emulatorConfig(emulator, { PERFORMCHAT_HEALTH_CACHE_TTL_MS: '0', PERFORMCHAT_HEALTH_TIMEOUT_MS: '500' }),
    );
  });
  afterAll(async () => {
    await app.close();
    await emulator.close();
    logs.restore();
  });

  it('/health/ready is 200 with terminus shape while PerformChat answers, after one unauthenticated HEAD', async () => {
    const up = {
      status: 'up',
      // The emulator answers HEAD of its POST-only auth path 405 (the path exists).
      statusCode: 405,
      latencyMs: expect.any(Number),
      endpoint: `${emulator.url}${PERFORMCHAT_TOKEN_PATH}`,
      circuitBreaker: { state: 'closed', failureThreshold: 5 },
    };

    await expect(get('/health/ready', 200)).resolves.toEqual({
      status: 'ok',
      info: { performchat: up },
      error: {},
      details: { performchat: up },
    });
    await expect(get('/health/live', 200)).resolves.toEqual(LIVE);
    expect(emulator.state.counter(HEAD_PROBE).attempts).toBe(1);
    expect(emulator.state.counter(EMULATOR_COUNTER_KEYS.token).attempts).toBe(0);
  });

  it('/health/ready is 503 with terminus shape once the emulator is stopped; /health/live stays 200', async () => {
    await emulator.close();
    const down = {
      status: 'down',
      reason: 'connection_refused',
      message: 'connection refused',
      latencyMs: expect.any(Number),
      endpoint: `http://127.0.0.1:${port}${PERFORMCHAT_TOKEN_PATH}`,
      circuitBreaker: { state: 'closed', failureThreshold: 5 },
    };

    await expect(get('/health/ready', 503)).resolves.toEqual({
      status: 'error',
      info: {},
      error: { performchat: down },
      details: { performchat: down },
    });
    await expect(get('/health/live', 200)).resolves.toEqual(LIVE);
  });

  it('/health/ready is 200 again when the emulator returns on the same port', async () => {
    emulator = await startPerformChatEmulator({ port });

    await expect(get('/health/ready', 200)).resolves.toMatchObject({
      status: 'ok',
      info: { performchat: { status: 'up', statusCode: 405 } },
    });
    await expect(get('/health/live', 200)).resolves.toEqual(LIVE);
    expect(emulator.state.counter(HEAD_PROBE).attempts).toBe(1);
  });

  it('the health routes sit outside the api prefix', async () => {
    await request(app.getHttpServer()).get('/api/health/ready').expect(404);
    await request(app.getHttpServer()).get('/api/health/live').expect(404);
  });

  it('no health answer or log line carries the key secret or the key id', () => {
    expect(bodies.length).toBeGreaterThanOrEqual(6);
    for (const text of [...bodies, logs.text()]) {
      expect(text).not.toContain(EMULATOR_DEMO_KEY.keySecret);
      expect(text).not.toContain(EMULATOR_DEMO_KEY.keyId);
    }
  });
});

describe.each(PLATFORMS)('readiness beyond reachability on %s (issue 13)', (platform) => {
  let emulator: PerformChatEmulator;
  const apps: INestApplication[] = [];
  restoreEnvAfterAll();
  const ready = (app: INestApplication) => request(app.getHttpServer()).get('/health/ready');
  async function demo(extra: Record<string, string> = {}, baseUrl = emulator.url): Promise<INestApplication> {
    const app = await startDemoApp(
      platform,
      emulatorConfig(emulator, { PERFORMCHAT_HEALTH_CACHE_TTL_MS: '0', PERFORMCHAT_BASE_URL: baseUrl, ...extra }),
    );
    apps.push(app);
    return app;
  }

  beforeAll(async () => {
    emulator = await startPerformChatEmulator();
  });
  beforeEach(() => emulator.reset());
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });
  afterAll(() => emulator.close());

  it('an open circuit breaker makes /health/ready 503 (circuit_open, breaker in the details) while PerformChat still answers the probe', async () => {
    const app = await demo({
      PERFORMCHAT_RETRIES: '0',
      PERFORMCHAT_CIRCUIT_BREAKER_THRESHOLD: '2',
      PERFORMCHAT_CIRCUIT_BREAKER_COOLDOWN_MS: '60000',
    });
    await ready(app).expect(200);
    emulator.addFault({ path: PERFORMCHAT_TOKEN_PATH, method: 'POST', status: 503, times: -1 });
    for (let i = 0; i < 2; i++)
      await request(app.getHttpServer()).get('/api/chat/token').set('x-demo-user', 'alice').expect(503);

    const response = await ready(app).expect(503);

    const down = {
      status: 'down',
      reason: 'circuit_open',
      message: expect.stringMatching(
        /^the circuit breaker is open after 2 failed calls in a row: token calls fail fast for \d+ s more, then one trial call decides$/,
      ),
      statusCode: 405,
      latencyMs: expect.any(Number),
      endpoint: `${emulator.url}${PERFORMCHAT_TOKEN_PATH}`,
      circuitBreaker: { state: 'open', failureThreshold: 2, retryAfterMs: expect.any(Number) },
    };
    expect(response.body).toEqual({
      status: 'error',
      info: {},
      error: { performchat: down },
      details: { performchat: down },
    });
    await request(app.getHttpServer()).get('/health/live').expect(200);
  });

  it('PERFORMCHAT_HEALTH_BREAKER_OPEN_IS_DOWN=false keeps /health/ready 200 with the open breaker in the details', async () => {
    const app = await demo({
      PERFORMCHAT_RETRIES: '0',
      PERFORMCHAT_CIRCUIT_BREAKER_THRESHOLD: '1',
      PERFORMCHAT_HEALTH_BREAKER_OPEN_IS_DOWN: 'false',
    });
    emulator.addFault({ path: PERFORMCHAT_TOKEN_PATH, method: 'POST', status: 503, times: -1 });
    await request(app.getHttpServer()).get('/api/chat/token').set('x-demo-user', 'alice').expect(503);

    const response = await ready(app).expect(200);
    expect(response.body.info.performchat).toMatchObject({
      status: 'up',
      statusCode: 405,
      circuitBreaker: { state: 'open' },
    });
  });

  it('a base URL with a wrong path makes /health/ready 503 with reason not_found, as every token call fails', async () => {
    const app = await demo({}, `${emulator.url}/v2`);

    const response = await ready(app).expect(503);

    expect(response.body.error.performchat).toEqual({
      status: 'down',
      reason: 'not_found',
      message: `PerformChat answered HTTP 404 for /v2${PERFORMCHAT_TOKEN_PATH}: the path of baseUrl is probably wrong (give the host only, e.g. https://api.performchat.com; the module adds /rest/v1)`,
      statusCode: 404,
      latencyMs: expect.any(Number),
      endpoint: `${emulator.url}/v2${PERFORMCHAT_TOKEN_PATH}`,
      circuitBreaker: { state: 'closed', failureThreshold: 5 },
    });
    // The readiness verdict matches what a user gets.
    await request(app.getHttpServer()).get('/api/chat/token').set('x-demo-user', 'alice').expect(502);
  });

  it('PERFORMCHAT_HEALTH_NOT_FOUND_IS_DOWN=false keeps a server that answers HEAD with 404 up', async () => {
    const app = await demo({ PERFORMCHAT_HEALTH_NOT_FOUND_IS_DOWN: 'false' });
    emulator.addFault({ path: PERFORMCHAT_TOKEN_PATH, method: 'HEAD', status: 404, times: -1 });

    const response = await ready(app).expect(200);

    expect(response.body.info.performchat).toMatchObject({ status: 'up', statusCode: 404 });
    expect(emulator.state.counter(HEAD_PROBE).attempts).toBe(1);
  });
});

describe('readiness probes with the default cache TTL (5 s)', () => {
  let emulator: PerformChatEmulator;
  let app: INestApplication;
  restoreEnvAfterAll();

  beforeAll(async () => {
    emulator = await startPerformChatEmulator();
    app = await startDemoApp('express', emulatorConfig(emulator));
  });
  afterAll(async () => {
    await app.close();
    await emulator.close();
  });

  it('ten /health/ready calls, five of them concurrent, reach PerformChat once', async () => {
    const ready = () => request(app.getHttpServer()).get('/health/ready').expect(200);
    await Promise.all([1, 2, 3, 4, 5].map(ready));
    for (let i = 0; i < 5; i++) await ready();

    expect(emulator.state.counter(HEAD_PROBE).attempts).toBe(1);
    expect(emulator.snapshot().counters).not.toHaveProperty([EMULATOR_COUNTER_KEYS.token]);
  });
});
