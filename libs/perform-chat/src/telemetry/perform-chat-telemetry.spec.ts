import { Test, TestingModule } from '@nestjs/testing';
import { captureLogs, CapturedLogs } from '@test/utils';
import { emulatorModuleOptions } from '@test/utils/emulator-module';
import {
  EMULATOR_DEMO_AGENT_ID,
  EMULATOR_DEMO_KEY,
  PerformChatEmulator,
  startPerformChatEmulator,
} from '../../../perform-chat-emulator/src';
import { PerformChatAuthService } from '../auth/perform-chat-auth.service';
import { PerformChatHealthProbe } from '../health/perform-chat-health.probe';
import { PerformChatModuleOptions, ResolvedPerformChatOptions } from '../options/perform-chat-options.interface';
import {
  PERFORM_CHAT_AUTH_SLICE,
  PERFORM_CHAT_CREDENTIALS_SLICE,
  performChatSlices,
} from '../options/perform-chat-options.slices';
import { PERFORM_CHAT_OPTIONS } from '../perform-chat.constants';
import { PerformChatModule } from '../perform-chat.module';
import { performChatLogListener } from './perform-chat-log.listener';
import { PerformChatTelemetry } from './perform-chat-telemetry';
import type { PerformChatTelemetryEvent } from './perform-chat-telemetry.events';

const TOKEN_PATH = '/rest/v1/auth/token';

describe('the telemetry seam: what the pipeline, budget, breaker and probe report', () => {
  let emulator: PerformChatEmulator;
  let moduleRef: TestingModule;
  let events: PerformChatTelemetryEvent[];
  let logs: CapturedLogs;

  async function boot(overrides: Partial<PerformChatModuleOptions> = {}) {
    moduleRef = await Test.createTestingModule({
      imports: [
        PerformChatModule.forRoot(
          emulatorModuleOptions(emulator, {
            timeoutMs: 300,
            retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 2 },
            circuitBreaker: { failureThreshold: 1, cooldownMs: 60_000 },
            ...overrides,
          }),
        ),
      ],
    }).compile();
    events = [];
    logs.clear(); // Nest's own boot lines
    moduleRef.get(PerformChatTelemetry).subscribe((event) => events.push(event));
    return moduleRef.get(PerformChatAuthService);
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
    await moduleRef?.close();
  });

  function expectNothingSecret(tokens: string[] = []) {
    const seen = JSON.stringify(events) + logs.text();
    expect(seen).not.toContain(EMULATOR_DEMO_KEY.keySecret);
    for (const token of tokens) expect(seen).not.toContain(token);
  }

  it('a token call: one call.succeeded with its attempts and latency, nothing logged', async () => {
    const auth = await boot();
    const { token } = await auth.generateToken({ userId: 'alice' });
    expect(events).toEqual([
      { type: 'call.succeeded', operation: 'generateToken', attempts: 1, latencyMs: expect.any(Number) },
    ]);
    expect(logs.lines).toEqual([]);
    expectNothingSecret([token]);
  });

  it('a retried call: attempt.failed per failed attempt (logged as before), then call.succeeded with 2 attempts', async () => {
    const auth = await boot({ circuitBreaker: false });
    emulator.addFault({ path: TOKEN_PATH, times: 1, status: 500 });
    const { token } = await auth.generateToken({ userId: 'alice' });
    expect(events).toEqual([
      expect.objectContaining({
        type: 'attempt.failed',
        operation: 'generateToken',
        code: 'UPSTREAM_ERROR',
        status: 500,
        attempt: 1,
      }),
      expect.objectContaining({ type: 'call.succeeded', attempts: 2 }),
    ]);
    expect(logs.entries).toEqual([
      {
        level: 'warn',
        message: expect.objectContaining({
          event: 'attempt.failed',
          msg: expect.stringMatching(
            /^PerformChat call failed \(generateToken, attempt 1\): PerformChat failed with HTTP 500/,
          ),
          operation: 'generateToken',
          code: 'UPSTREAM_ERROR',
          status: 500,
          attempt: 1,
        }),
        params: [],
        context: 'PerformChat',
      },
    ]);
    expectNothingSecret([token]);
  });

  it('a breaker opening: breaker.opened (and its log line) after the failures that opened it', async () => {
    const auth = await boot({ retry: false });
    emulator.addFault({ path: TOKEN_PATH, times: -1, status: 503 });
    await expect(auth.generateToken({ userId: 'alice' })).rejects.toMatchObject({ code: 'UPSTREAM_ERROR' });
    await expect(auth.generateToken({ userId: 'alice' })).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    expect(events.map((e) => e.type)).toEqual(['attempt.failed', 'breaker.opened']);
    expect(events[1]).toEqual({ type: 'breaker.opened', failureThreshold: 1, cooldownMs: 60_000 });
    expect(logs.events('breaker.opened')).toEqual([
      expect.objectContaining({
        msg: expect.stringMatching(/^PerformChat failed 1 calls in a row/),
        cooldownMs: 60_000,
      }),
    ]);
    expectNothingSecret();
  });

  it('a budget refusal: budget.refused per refused attempt, the log line once per window', async () => {
    const auth = await boot({ upstreamBudget: { tokensPerMinute: 1 }, circuitBreaker: false });
    await auth.generateToken({ userId: 'alice' });
    await expect(auth.generateToken({ userId: 'bob' })).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    await expect(auth.generateToken({ userId: 'carol' })).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    const refusals = events.filter((e) => e.type === 'budget.refused');
    expect(refusals).toEqual([
      expect.objectContaining({ budget: 'tokens', limit: 1, windowSeconds: 60, firstInWindow: true }),
      expect.objectContaining({ budget: 'tokens', firstInWindow: false }),
    ]);
    expect(logs.events('budget.refused')).toEqual([expect.objectContaining({ budget: 'tokens', limit: 1 })]);
    expectNothingSecret();
  });

  it('a health probe: health.probed with the outcome', async () => {
    await boot();
    await moduleRef.get(PerformChatHealthProbe).probe(500);
    expect(events).toEqual([
      { type: 'health.probed', up: true, reason: undefined, statusCode: 405, latencyMs: expect.any(Number) },
    ]);
  });

  it('a listener that throws never fails a call', async () => {
    const auth = await boot();
    moduleRef.get(PerformChatTelemetry).subscribe(() => {
      throw new Error('listener bug');
    });
    await expect(auth.generateToken({ userId: 'alice' })).resolves.toMatchObject({
      agent: { id: EMULATOR_DEMO_AGENT_ID },
    });
  });

  it('the log listener writes failures and state changes only', () => {
    const lines: { level: string; entry: unknown; more: unknown[] }[] = [];
    const listen = performChatLogListener({
      log: (entry: unknown, ...more: unknown[]) => void lines.push({ level: 'log', entry, more }),
      warn: (entry: unknown, ...more: unknown[]) => void lines.push({ level: 'warn', entry, more }),
    } as never);
    listen({ type: 'call.succeeded', operation: 'generateToken', attempts: 1, latencyMs: 3 });
    listen({ type: 'health.probed', up: true, latencyMs: 1 });
    listen({ type: 'rate-limit.refused', limiter: 'x', retryAfterSeconds: 1 });
    listen({
      type: 'budget.refused',
      budget: 'auth',
      limit: 10,
      windowSeconds: 300,
      retryAfterMs: 1000,
      firstInWindow: false,
    });
    expect(lines).toEqual([]);
    listen({ type: 'breaker.closed', failureThreshold: 5, cooldownMs: 10 });
    expect(lines).toEqual([
      {
        level: 'log',
        entry: {
          msg: 'PerformChat answers again: circuit breaker closed',
          event: 'breaker.closed',
          failureThreshold: 5,
          cooldownMs: 10,
        },
        more: [], // one argument only: the logger's context stays the Logger's own
      },
    ]);
  });
});

describe('option slices: each service gets only what it reads', () => {
  it('builds every slice from the one resolved options object, and only the credentials slice holds the secret', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        PerformChatModule.forRoot({ keyId: 'pk_slices', keySecret: 'sk_slices_S3CR3T', defaultAgentId: 'agent_a' }),
      ],
    }).compile();
    try {
      const options = moduleRef.get<ResolvedPerformChatOptions>(PERFORM_CHAT_OPTIONS, { strict: false });
      for (const [token, keys] of performChatSlices()) {
        const slice = moduleRef.get<object>(token, { strict: false });
        expect(Object.keys(slice).sort()).toEqual([...keys].sort());
        for (const key of keys) expect((slice as Record<string, unknown>)[key]).toBe(options[key]);
        expect(Object.isFrozen(slice)).toBe(true);
        if (token !== PERFORM_CHAT_CREDENTIALS_SLICE) expect(JSON.stringify(slice)).not.toContain('sk_slices_S3CR3T');
      }
      expect(moduleRef.get(PERFORM_CHAT_AUTH_SLICE, { strict: false })).toMatchObject({ defaultAgentId: 'agent_a' });
    } finally {
      await moduleRef.close();
    }
  });
});
