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
    app = await startDemoApp(platform, emulatorConfig(emulator, { PERFORMCHAT_HEALTH_CACHE_TTL_MS: '0', PERFORMCHAT_HEALTH_TIMEOUT_MS: '500' }));
  });
  afterAll(async () => {
    await app.close();
    await emulator.close();
    logs.restore();
  });

  it('/health/ready is 200 with terminus shape while PerformChat answers, after one unauthenticated HEAD', async () => {
    const up = {
      status: 'up',
      statusCode: 404,
      latencyMs: expect.any(Number),
      endpoint: `${emulator.url}${PERFORMCHAT_TOKEN_PATH}`,
      circuitBreaker: { state: 'closed', failureThreshold: 5 },
    };

    await expect(get('/health/ready', 200)).resolves.toEqual({ status: 'ok', info: { performchat: up }, error: {}, details: { performchat: up } });
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

    await expect(get('/health/ready', 503)).resolves.toEqual({ status: 'error', info: {}, error: { performchat: down }, details: { performchat: down } });
    await expect(get('/health/live', 200)).resolves.toEqual(LIVE);
  });

  it('/health/ready is 200 again when the emulator returns on the same port', async () => {
    emulator = await startPerformChatEmulator({ port });

    await expect(get('/health/ready', 200)).resolves.toMatchObject({ status: 'ok', info: { performchat: { status: 'up', statusCode: 404 } } });
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
