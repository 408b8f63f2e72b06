import { INestApplication } from '@nestjs/common';
import { EMULATOR_DEMO_KEY, PerformChatEmulator, startPerformChatEmulator } from 'nestjs-performchat/emulator';
import request from 'supertest';
import { captureLogs } from '@test/utils';
import { DEMO_USER_HEADER } from '../src/auth/demo-auth.guard';
import { createDemoApp } from '../src/demo-app';
import { PLATFORMS, emulatorConfig, startDemoApp } from './utils/demo-harness';

const TOKEN = '/api/chat/token';
const REVOKE = '/api/chat/token/revoke';

interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition (comments left out). */
function parsePrometheus(text: string): Series[] {
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a Prometheus sample: ${line}`);
      const labels = Object.fromEntries(
        [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, key, value]) => [key, value]),
      );
      return { name: match[1], labels, value: Number(match[3]) };
    });
}

/** The value of the one series named `name` whose labels include `labels` (fails when there is not exactly one). */
function valueOf(series: Series[], name: string, labels: Record<string, string> = {}): number {
  const found = series.filter(
    (s) => s.name === name && Object.entries(labels).every(([key, value]) => s.labels[key] === value),
  );
  if (found.length !== 1) {
    const present = [...new Set(series.map((s) => s.name))].join(', ');
    throw new Error(
      `${found.length} series ${name} ${JSON.stringify(labels)}:\n${JSON.stringify(found, null, 1)}\npresent: ${present}`,
    );
  }
  return found[0].value;
}

describe.each(PLATFORMS)(
  'the demo app on %s: GET /metrics (Prometheus, through nestjs-performchat/otel)',
  (platform) => {
    let emulator: PerformChatEmulator;
    let app: INestApplication;

    beforeAll(async () => {
      emulator = await startPerformChatEmulator();
    });
    afterAll(() => emulator.close());
    beforeEach(async () => {
      emulator.reset();
      app = await startDemoApp(platform, emulatorConfig(emulator, { PERFORMCHAT_RATE_LIMIT_POINTS: '3' }));
    });
    afterEach(() => app.close());

    it('after a few token requests, a revoke, a retried attempt and a rate-limited request: the documented series with their values, no secret, token or user id', async () => {
      const server = app.getHttpServer();
      const tokens: string[] = [];
      const get = async (user: string, status = 200) => {
        const response = await request(server).get(TOKEN).set(DEMO_USER_HEADER, user).expect(status);
        if (response.body.token) tokens.push(response.body.token);
      };
      await get('alice'); // generated
      await get('alice'); // reused (the demo reuses tokens)
      emulator.addFault({ path: '/rest/v1/auth/token', times: 1, status: 500 });
      await get('bob'); // generated after one failed attempt
      await request(server)
        .post(REVOKE)
        .set(DEMO_USER_HEADER, 'alice')
        .set('content-type', 'application/json')
        .send({})
        .expect(200);
      await get('alice'); // generated again after the revoke
      await get('alice', 429); // the 4th of alice's token-route requests: over PERFORMCHAT_RATE_LIMIT_POINTS=3

      const response = await request(server).get('/metrics').expect(200);
      expect(response.headers['content-type']).toMatch(/^text\/plain; .*version=0\.0\.4/);
      expect(response.headers['cache-control']).toBe('no-store');
      const series = parsePrometheus(response.text);
      const issue = {
        performchat_operation: 'token.issue',
        performchat_instance: 'default',
        performchat_outcome: 'ok',
      };

      expect(
        valueOf(series, 'performchat_operation_outcomes_total', { ...issue, performchat_token_source: 'generated' }),
      ).toBe(3);
      expect(
        valueOf(series, 'performchat_operation_outcomes_total', { ...issue, performchat_token_source: 'reused' }),
      ).toBe(1);
      expect(
        valueOf(series, 'performchat_operation_outcomes_total', {
          performchat_operation: 'tokens.invalidate',
          performchat_outcome: 'ok',
        }),
      ).toBe(1);
      expect(
        valueOf(series, 'performchat_operation_duration_count', { ...issue, performchat_token_source: 'generated' }),
      ).toBe(3);
      expect(
        valueOf(series, 'performchat_upstream_attempt_duration_count', {
          performchat_upstream_operation: 'generateToken',
          performchat_outcome: 'ok',
        }),
      ).toBe(3);
      expect(
        valueOf(series, 'performchat_upstream_attempt_duration_count', {
          performchat_upstream_operation: 'generateToken',
          performchat_outcome: 'UPSTREAM_ERROR',
          http_response_status_code: '500',
          error_type: 'UPSTREAM_ERROR',
        }),
      ).toBe(1);
      expect(
        valueOf(series, 'performchat_upstream_attempt_duration_count', {
          performchat_upstream_operation: 'invalidateTokens',
          performchat_outcome: 'ok',
        }),
      ).toBe(1);
      expect(valueOf(series, 'performchat_rate_limit_refusals_total', { performchat_instance: 'default' })).toBe(1);
      // 4 generation attempts (one failed) spent 4 of the 100 tokens; 5 API requests (4 + the revoke) of 1000.
      expect(valueOf(series, 'performchat_budget_remaining', { performchat_budget: 'tokens' })).toBe(96);
      expect(valueOf(series, 'performchat_budget_remaining', { performchat_budget: 'api-requests' })).toBe(995);
      expect(valueOf(series, 'performchat_budget_limit', { performchat_budget: 'tokens' })).toBe(100);
      expect(valueOf(series, 'performchat_breaker_state', { performchat_instance: 'default' })).toBe(0);

      // Low cardinality and secret-free: no user id, customer user id, secret or token anywhere.
      for (const secret of [EMULATOR_DEMO_KEY.keySecret, 'alice', 'bob', ...tokens]) {
        expect(response.text).not.toContain(secret);
      }
      expect(tokens).toHaveLength(4);
    });

    it('is served at /metrics, outside the /api prefix, and before any token request already shows the gauges', async () => {
      const response = await request(app.getHttpServer()).get('/metrics').expect(200);
      const series = parsePrometheus(response.text);
      expect(valueOf(series, 'performchat_budget_remaining', { performchat_budget: 'tokens' })).toBe(100);
      expect(valueOf(series, 'performchat_breaker_state')).toBe(0);
      await request(app.getHttpServer()).get('/api/metrics').expect(404);
    });
  },
);

describe('the demo app with DEMO_TRACES=console (npm start): one [Trace] log line per span', () => {
  let emulator: PerformChatEmulator;

  beforeAll(async () => {
    emulator = await startPerformChatEmulator();
  });
  afterAll(() => emulator.close());

  it('a token request and a revoke each print one line with the span name, duration, status and attributes', async () => {
    const logs = captureLogs();
    const app = await createDemoApp({ config: emulatorConfig(emulator), traces: 'console', logger: false });
    try {
      await app.init();
      const server = app.getHttpServer();
      const { body } = await request(server).get(TOKEN).set(DEMO_USER_HEADER, 'carol').expect(200);
      await request(server)
        .post(REVOKE)
        .set(DEMO_USER_HEADER, 'carol')
        .set('content-type', 'application/json')
        .send({})
        .expect(200);
      const traces = logs.entries.filter((entry) => entry.context === 'Trace').map((entry) => String(entry.message));
      expect(traces).toEqual([
        expect.stringMatching(
          /^performchat\.token\.issue \d+\.\d ms ok instance=default attempts=1 .*outcome=ok .*source=generated/,
        ),
        expect.stringMatching(
          /^performchat\.tokens\.invalidate \d+\.\d ms ok instance=default attempts=1 .*outcome=ok/,
        ),
      ]);
      expect(logs.text()).not.toContain(body.token);
      expect(logs.text()).not.toContain(EMULATOR_DEMO_KEY.keySecret);
    } finally {
      logs.restore();
      await app.close();
    }
  });

  it('DEMO_TRACES accepts console or off and refuses anything else at boot, naming the variable', async () => {
    await expect(
      createDemoApp({ config: { ...emulatorConfig(emulator), DEMO_TRACES: 'verbose' }, logger: false }),
    ).rejects.toThrow('DEMO_TRACES must be console or off');
  });
});
