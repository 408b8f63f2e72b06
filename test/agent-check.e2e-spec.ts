import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { CapturedLogs, captureLogs } from '@test/utils';
import { useDateClock } from '@test/utils/clock';
import { PLATFORMS, emulatorConfig, startDemoApp } from '@test/utils/demo-harness';
import {
  PerformChatError,
  PerformChatErrorCode,
  PerformChatHealthIndicator,
  PerformChatModule,
  PerformChatModuleOptions,
} from 'nestjs-performchat';
import {
  EMULATOR_DEMO_KEY,
  PERFORMCHAT_REST_ROUTES,
  PerformChatEmulator,
  startPerformChatEmulator,
} from 'nestjs-performchat/emulator';
import { inspect } from 'node:util';
import request from 'supertest';

const GET_AGENT = PERFORMCHAT_REST_ROUTES.getAgent;

function restoreEnvAfterAll(): void {
  let before: Set<string>;
  beforeAll(() => {
    before = new Set(Object.keys(process.env));
  });
  afterAll(() => {
    for (const key of Object.keys(process.env)) if (!before.has(key)) delete process.env[key];
  });
}

/** verifyAgents: the configured agents checked at boot and in readiness, against the emulator. */
describe('agent checks (verifyAgents)', () => {
  let emulator: PerformChatEmulator;
  let logs: CapturedLogs;
  const apps: { close(): Promise<unknown> }[] = [];

  async function boot(options: Partial<PerformChatModuleOptions>) {
    const ref = await Test.createTestingModule({
      imports: [
        PerformChatModule.forRoot({
          keyId: EMULATOR_DEMO_KEY.keyId,
          keySecret: EMULATOR_DEMO_KEY.keySecret,
          baseUrl: emulator.url,
          retry: false,
          circuitBreaker: false,
          verifyAgents: true,
          ...options,
        }),
      ],
    }).compile();
    const app = ref.createNestApplication({ logger: false });
    apps.push(app);
    await app.init();
    return app;
  }
  async function bootFailure(options: Partial<PerformChatModuleOptions>): Promise<PerformChatError> {
    const error = await boot(options).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PerformChatError);
    return error as PerformChatError;
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
    await Promise.all(apps.splice(0).map((app) => app.close().catch(() => undefined)));
  });

  it('boots when every configured agent exists and is active, with one call per agent', async () => {
    await boot({ defaultAgentId: 'agent_support', allowedAgentIds: ['agent_support', 'agent_sales'] });
    expect(emulator.state.counter(GET_AGENT).attempts).toBe(2);
  });

  it('fails the boot on an inactive defaultAgentId, naming it', async () => {
    const error = await bootFailure({ defaultAgentId: 'agent_retired' });
    expect(error).toMatchObject({ code: PerformChatErrorCode.AGENT_NOT_FOUND, field: 'defaultAgentId' });
    expect(error.message).toBe(
      'PerformChat agent check (verifyAgents) failed: defaultAgentId "agent_retired" is inactive at PerformChat. Every token for it would be refused: activate the agent in the PerformChat dashboard or fix the option',
    );
  });

  it('fails the boot on an unknown allowedAgentIds entry, naming each bad one', async () => {
    const error = await bootFailure({ allowedAgentIds: ['agent_support', 'agent_typo', 'agent_retired'] });
    expect(error.message).toContain(
      `allowedAgentIds[1] "agent_typo" does not exist in this key's company at PerformChat; allowedAgentIds[2] "agent_retired" is inactive`,
    );
    expect(error.field).toBe('allowedAgentIds[1]');
  });

  it('fails the boot when PerformChat rejects the key, without the secret', async () => {
    const secret = 'sk_wrong_agent_check_SECRET';
    const error = await bootFailure({ defaultAgentId: 'agent_support', keySecret: secret });
    expect(error).toMatchObject({ code: PerformChatErrorCode.INVALID_CREDENTIALS, status: 401 });
    expect(error.message).toMatch(
      /^PerformChat agent check \(verifyAgents\) could not read agent "agent_support": PerformChat rejected API key/,
    );
    expect(`${inspect(error)} ${JSON.stringify(error)} ${logs.text()}`).not.toContain(secret);
  });

  it('boots with one warning when PerformChat cannot be asked, and readiness says unchecked', async () => {
    emulator.addFault({ path: '/rest/v1/agents/agent_support', status: 503 });
    const app = await boot({ defaultAgentId: 'agent_support', health: { cacheTtlMs: 60_000 } });
    const warnings = logs.lines.filter((line) => line.startsWith('warn') && line.includes('verifyAgents'));
    expect(warnings).toEqual([
      expect.stringContaining(
        'PerformChat agent check (verifyAgents) could not check "agent_support" at boot (PerformChat failed with HTTP 503',
      ),
    ]);
    // The boot's result is the first readiness result (cached): no second call.
    const result = await app.get(PerformChatHealthIndicator).isHealthy();
    expect(result.performchat).toMatchObject({ status: 'up', agents: { agent_support: 'unchecked' } });
    expect(emulator.state.counter(GET_AGENT).attempts).toBe(1);
  });

  it('boots without checking when atBoot is false; readiness still checks', async () => {
    const app = await boot({ defaultAgentId: 'agent_retired', verifyAgents: { atBoot: false } });
    expect(emulator.state.counter(GET_AGENT).attempts).toBe(0);
    const result = await app.get(PerformChatHealthIndicator).isHealthy();
    expect(result.performchat).toMatchObject({
      status: 'down',
      reason: 'agent_unavailable',
      agents: { agent_retired: 'inactive' },
    });
  });

  it('goes down in readiness once an agent is deactivated, checking at most once per health.cacheTtlMs', async () => {
    // The TTL is counted with Date.now(): a Date clock (standing still until advanced) ends it, with no sleep.
    const clock = useDateClock();
    try {
      const app = await boot({
        defaultAgentId: 'agent_support',
        allowedAgentIds: ['agent_support', 'agent_sales'],
        health: { cacheTtlMs: 30_000 },
      });
      const indicator = app.get(PerformChatHealthIndicator);
      expect(emulator.state.counter(GET_AGENT).attempts).toBe(2);
      emulator.state.agents.get('agent_sales')!.active = false;
      for (let i = 0; i < 5; i++) {
        expect((await indicator.isHealthy()).performchat).toMatchObject({
          status: 'up',
          agents: { agent_support: 'active', agent_sales: 'active' },
        });
      }
      expect(emulator.state.counter(GET_AGENT).attempts).toBe(2); // within the TTL: no call
      await clock.advance(29_999);
      expect((await indicator.isHealthy()).performchat).toMatchObject({ status: 'up' });
      expect(emulator.state.counter(GET_AGENT).attempts).toBe(2);
      await clock.advance(2);
      expect((await indicator.isHealthy()).performchat).toEqual({
        status: 'down',
        reason: 'agent_unavailable',
        message: 'configured agent(s) cannot be used for tokens: "agent_sales" (inactive) (verifyAgents)',
        endpoint: expect.any(String),
        statusCode: 405,
        latencyMs: expect.any(Number),
        agents: { agent_support: 'active', agent_sales: 'inactive' },
        circuitBreaker: { state: 'disabled' },
      });
      expect(emulator.state.counter(GET_AGENT).attempts).toBe(4);
    } finally {
      clock.restore();
    }
  });

  it('refuses verifyAgents without an agent to verify, at boot', async () => {
    await expect(boot({})).rejects.toThrow(
      /verifyAgents is on but there is no agent to verify: set defaultAgentId or allowedAgentIds/,
    );
  });

  it('costs nothing when off (the default)', async () => {
    await boot({ defaultAgentId: 'agent_retired', verifyAgents: undefined });
    expect(emulator.state.counter(GET_AGENT).attempts).toBe(0);
  });
});

describe.each(PLATFORMS)('agent checks in the demo app on %s (PERFORMCHAT_VERIFY_AGENTS)', (platform) => {
  let emulator: PerformChatEmulator;
  const apps: INestApplication[] = [];
  restoreEnvAfterAll();

  beforeAll(async () => {
    emulator = await startPerformChatEmulator();
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await emulator.close();
  });

  it('fails the boot on an inactive default agent', async () => {
    const logs = captureLogs();
    try {
      await expect(
        startDemoApp(
          platform,
          emulatorConfig(emulator, {
            PERFORMCHAT_VERIFY_AGENTS: 'true',
            PERFORMCHAT_DEFAULT_AGENT_ID: 'agent_retired',
          }),
        ),
      ).rejects.toThrow('defaultAgentId "agent_retired" is inactive at PerformChat');
    } finally {
      logs.restore();
    }
  });

  it('shows the agents in /health/ready', async () => {
    const app = await startDemoApp(platform, emulatorConfig(emulator, { PERFORMCHAT_VERIFY_AGENTS: 'true' }));
    apps.push(app);
    const res = await request(app.getHttpServer()).get('/health/ready').expect(200);
    expect(res.body.details.performchat).toMatchObject({ status: 'up', agents: { agent_support: 'active' } });
  });
});
