import { CanActivate, ExecutionContext, Module } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { context as otelContext, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { DataPointType, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { CapturedLogs, captureLogs, listenOn, ListeningApp } from '@test/utils';
import { emulatorModuleOptions } from '@test/utils/emulator-module';
import * as diagnosticsChannel from 'node:diagnostics_channel';
import {
  EMULATOR_DEMO_AGENT_ID,
  EMULATOR_DEMO_KEY,
  PerformChatEmulator,
  startPerformChatEmulator,
} from '../../../perform-chat-emulator/src';
import { PerformChatAuthService } from '../auth/perform-chat-auth.service';
import { PerformChatModuleOptions } from '../options/perform-chat-options.interface';
import { LIBRARY_VERSION } from '../perform-chat.constants';
import { PerformChatModule } from '../perform-chat.module';
import {
  PERFORM_CHAT_EVENT_TYPES,
  PERFORM_CHAT_STATE_CHANNEL,
  PerformChatStateQuery,
  PerformChatTracingChannels,
  performChatChannelName,
} from '../telemetry/perform-chat-channels';
import { instrumentPerformChat, PerformChatInstrumentation, PerformChatInstrumentationOptions } from './index';

const TOKEN_PATH = '/rest/v1/auth/token';
const PHASES = ['start', 'end', 'asyncStart', 'asyncEnd', 'error'] as const;

/** A reader the test collects from by hand (cumulative, like Prometheus). */
class CollectingReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

interface Point {
  name: string;
  unit: string;
  attributes: Record<string, unknown>;
  /** A sum's or gauge's value; a histogram's count and sum. */
  value: number | { count: number; sum: number };
}

/** Everything a collection holds, one row per data point, sorted for stable comparisons. */
async function collect(reader: MetricReader): Promise<Point[]> {
  const { resourceMetrics, errors } = await reader.collect();
  expect(errors).toEqual([]);
  const points: Point[] = [];
  for (const scope of resourceMetrics.scopeMetrics) {
    expect(scope.scope).toEqual(expect.objectContaining({ name: 'nestjs-performchat', version: LIBRARY_VERSION }));
    for (const metric of scope.metrics) {
      for (const point of metric.dataPoints) {
        const value =
          metric.dataPointType === DataPointType.HISTOGRAM
            ? {
                count: (point.value as { count: number }).count,
                sum: (point.value as { sum: number }).sum,
              }
            : (point.value as number);
        points.push({
          name: metric.descriptor.name,
          unit: metric.descriptor.unit,
          attributes: { ...point.attributes },
          value,
        });
      }
    }
  }
  return points.sort((a, b) =>
    `${a.name} ${JSON.stringify(a.attributes)}`.localeCompare(`${b.name} ${JSON.stringify(b.attributes)}`),
  );
}

/** A number in [min, max]. */
const within = (min: number, max: number) =>
  ({
    asymmetricMatch: (value: unknown) => typeof value === 'number' && value >= min && value <= max,
    toAsymmetricMatcher: () => `a number in [${min}, ${max}]`,
  }) as unknown as number;

/** A histogram point of `count` durations, each within 0 and 5 s. */
const durations = (count: number) => ({
  count,
  sum: {
    asymmetricMatch: (sum: unknown) => typeof sum === 'number' && sum > 0 && sum < 5 * count,
    toAsymmetricMatcher: () => `a sum of seconds in (0, ${5 * count})`,
  } as unknown as number,
});

function spanRow(span: ReadableSpan) {
  return {
    name: span.name,
    kind: span.kind,
    attributes: { ...span.attributes },
    status: { ...span.status },
    events: span.events.length,
  };
}

/** Every channel message of the module, for the secret scan. */
function listenToChannels() {
  const seen: unknown[] = [];
  const stops: (() => void)[] = [];
  for (const name of Object.values(PerformChatTracingChannels)) {
    const handlers = Object.fromEntries(
      PHASES.map((phase) => [
        phase,
        (message: object) => {
          const { error, ...rest } = message as { error?: { name?: string; message?: string } };
          seen.push({ ...rest, error: error && { name: error.name, message: error.message, ...error } });
        },
      ]),
    ) as unknown as diagnosticsChannel.TracingChannelSubscribers<object>;
    const channel = diagnosticsChannel.tracingChannel(name);
    channel.subscribe(handlers);
    stops.push(() => channel.unsubscribe(handlers));
  }
  for (const type of PERFORM_CHAT_EVENT_TYPES) {
    const onMessage = (message: unknown) => void seen.push(message);
    diagnosticsChannel.subscribe(performChatChannelName(type), onMessage);
    stops.push(() => diagnosticsChannel.unsubscribe(performChatChannelName(type), onMessage));
  }
  return { seen, stop: () => stops.forEach((stop) => stop()) };
}

/** A guard standing in for the app's authentication: the `x-user` header is the user. */
class HeaderUserGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, unknown>; user?: unknown }>();
    request.user = { id: request.headers['x-user'] };
    return typeof request.headers['x-user'] === 'string';
  }
}

/** The name of this spec's module instances (see `instrument`). */
const SPEC_INSTANCE = 'otel-spec';

describe('nestjs-performchat/otel: spans and metrics from the diagnostics channels', () => {
  let emulator: PerformChatEmulator;
  let moduleRef: TestingModule | undefined;
  let app: ListeningApp | undefined;
  let spans: InMemorySpanExporter;
  let tracerProvider: BasicTracerProvider;
  let reader: CollectingReader;
  let meterProvider: MeterProvider;
  let instrumentation: PerformChatInstrumentation | undefined;
  let channels: ReturnType<typeof listenToChannels>;
  let logs: CapturedLogs;
  let tokens: string[];
  const serverAttributes = () => {
    const url = new URL(emulator.url);
    return { 'server.address': url.hostname, 'server.port': Number(url.port) };
  };

  const moduleOptions = (overrides: Partial<PerformChatModuleOptions> = {}) =>
    emulatorModuleOptions(emulator, {
      timeoutMs: 300,
      retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 2 },
      circuitBreaker: false,
      // Off unless a test is about it: its gauges would be in every collection.
      upstreamBudget: false,
      name: SPEC_INSTANCE,
      ...overrides,
    });

  async function boot(overrides: Partial<PerformChatModuleOptions> = {}) {
    moduleRef = await Test.createTestingModule({
      imports: [PerformChatModule.forRoot(moduleOptions(overrides))],
    }).compile();
    await moduleRef.init();
    const auth = moduleRef.get(PerformChatAuthService);
    return {
      generate: async (request: Parameters<PerformChatAuthService['generateToken']>[0]) => {
        const answer = await auth.generateToken(request);
        tokens.push(answer.token);
        return answer;
      },
      auth,
    };
  }

  function instrument(options: PerformChatInstrumentationOptions = {}) {
    // This spec's instances only: the channels are the process's, and a module another spec file
    // of the same Jest worker left open (as `default`) would answer the gauges' state queries.
    instrumentation = instrumentPerformChat({
      tracerProvider,
      meterProvider,
      instances: [SPEC_INSTANCE, 'eu'],
      ...options,
    });
    return instrumentation;
  }

  beforeAll(async () => {
    emulator = await startPerformChatEmulator();
  });
  afterAll(() => emulator.close());
  beforeEach(() => {
    emulator.reset();
    spans = new InMemorySpanExporter();
    tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
    reader = new CollectingReader();
    meterProvider = new MeterProvider({ readers: [reader] });
    channels = listenToChannels();
    logs = captureLogs();
    tokens = [];
  });
  afterEach(async () => {
    try {
      // The scan: every span (name, attributes, events, status message), metric point, channel
      // message and log line, for the secret and every issued token.
      const texts = [
        JSON.stringify(spans.getFinishedSpans().map((span) => ({ ...spanRow(span), events: span.events }))),
        JSON.stringify(await collect(reader)),
        JSON.stringify(channels.seen),
        logs.text(),
      ];
      for (const text of texts) {
        expect(text).not.toContain(EMULATOR_DEMO_KEY.keySecret);
        for (const token of tokens) expect(text).not.toContain(token);
      }
    } finally {
      instrumentation?.disable();
      instrumentation = undefined;
      channels.stop();
      logs.restore();
      await app?.close();
      app = undefined;
      await moduleRef?.close();
      moduleRef = undefined;
    }
  });

  it('a token request: one INTERNAL span performchat.token.issue with its attributes, the operation and attempt metrics', async () => {
    const { generate } = await boot();
    instrument();
    await generate({ userId: 'alice', expiresIn: '10m' });

    expect(spans.getFinishedSpans().map(spanRow)).toEqual([
      {
        name: 'performchat.token.issue',
        kind: SpanKind.INTERNAL,
        attributes: {
          'performchat.instance': SPEC_INSTANCE,
          'performchat.agent.id': EMULATOR_DEMO_AGENT_ID,
          'performchat.token.source': 'generated',
          // What the served token has left (PerformChat's answer), not the 600 s asked for.
          'performchat.token.expires_in': within(595, 600),
          'performchat.attempts': 1,
          'performchat.outcome': 'ok',
          ...serverAttributes(),
        },
        status: { code: SpanStatusCode.UNSET },
        events: 0,
      },
    ]);
    const operation = {
      'performchat.operation': 'token.issue',
      'performchat.instance': SPEC_INSTANCE,
      'performchat.outcome': 'ok',
      'performchat.token.source': 'generated',
    };
    const attempt = {
      'performchat.instance': SPEC_INSTANCE,
      'performchat.upstream.operation': 'generateToken',
      'performchat.outcome': 'ok',
      'http.response.status_code': 200,
      ...serverAttributes(),
    };
    expect(await collect(reader)).toEqual([
      { name: 'performchat.operation.duration', unit: 's', attributes: operation, value: durations(1) },
      { name: 'performchat.operation.outcomes', unit: '{operation}', attributes: operation, value: 1 },
      { name: 'performchat.upstream.attempt.duration', unit: 's', attributes: attempt, value: durations(1) },
    ]);
  });

  it('a revoke: performchat.tokens.invalidate with its attempts and the new token version', async () => {
    const { generate, auth } = await boot();
    await generate({ userId: 'alice' });
    instrument();
    const [invalidation] = await auth.invalidateUserTokens('alice');

    expect(spans.getFinishedSpans().map(spanRow)).toEqual([
      {
        name: 'performchat.tokens.invalidate',
        kind: SpanKind.INTERNAL,
        attributes: {
          'performchat.instance': SPEC_INSTANCE,
          'performchat.attempts': 1,
          'performchat.outcome': 'ok',
          'performchat.token.version': invalidation.newTokenVersion,
          ...serverAttributes(),
        },
        status: { code: SpanStatusCode.UNSET },
        events: 0,
      },
    ]);
    const operation = {
      'performchat.operation': 'tokens.invalidate',
      'performchat.instance': SPEC_INSTANCE,
      'performchat.outcome': 'ok',
    };
    const points = await collect(reader);
    expect(points.filter((p) => p.name.startsWith('performchat.operation.'))).toEqual([
      { name: 'performchat.operation.duration', unit: 's', attributes: operation, value: durations(1) },
      { name: 'performchat.operation.outcomes', unit: '{operation}', attributes: operation, value: 1 },
    ]);
    expect(points.filter((p) => p.name === 'performchat.upstream.attempt.duration')).toEqual([
      expect.objectContaining({
        attributes: expect.objectContaining({ 'performchat.upstream.operation': 'invalidateTokens' }),
        value: durations(1),
      }),
    ]);
  });

  it('a retried call: one span with attempts 2 (no span per attempt), two attempt points, the failed one with its status and error.type', async () => {
    const { generate } = await boot();
    instrument();
    emulator.addFault({ path: TOKEN_PATH, times: 1, status: 500 });
    await generate({ userId: 'alice' });

    expect(spans.getFinishedSpans().map(spanRow)).toEqual([
      expect.objectContaining({
        name: 'performchat.token.issue',
        attributes: expect.objectContaining({ 'performchat.attempts': 2, 'performchat.outcome': 'ok' }),
        status: { code: SpanStatusCode.UNSET },
      }),
    ]);
    const base = {
      'performchat.instance': SPEC_INSTANCE,
      'performchat.upstream.operation': 'generateToken',
      ...serverAttributes(),
    };
    const failedAttempt = {
      ...base,
      'performchat.outcome': 'UPSTREAM_ERROR',
      'error.type': 'UPSTREAM_ERROR',
      'http.response.status_code': 500,
    };
    const okAttempt = { ...base, 'performchat.outcome': 'ok', 'http.response.status_code': 200 };
    const points = await collect(reader);
    expect(points.filter((p) => p.name.startsWith('performchat.upstream.'))).toEqual([
      { name: 'performchat.upstream.attempt.duration', unit: 's', attributes: okAttempt, value: durations(1) },
      { name: 'performchat.upstream.attempt.duration', unit: 's', attributes: failedAttempt, value: durations(1) },
    ]);
  });

  it("a refused call: status ERROR with the error's message, error.type and outcome the code, no attempt", async () => {
    const { auth } = await boot({ allowedAgentIds: [EMULATOR_DEMO_AGENT_ID] });
    instrument();
    const error = await auth.generateToken({ userId: 'alice', agentId: 'agent_other' }).catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'AGENT_NOT_ALLOWED' });

    expect(spans.getFinishedSpans().map(spanRow)).toEqual([
      {
        name: 'performchat.token.issue',
        kind: SpanKind.INTERNAL,
        attributes: {
          'performchat.instance': SPEC_INSTANCE,
          'performchat.attempts': 0,
          'performchat.outcome': 'AGENT_NOT_ALLOWED',
          'error.type': 'AGENT_NOT_ALLOWED',
        },
        status: { code: SpanStatusCode.ERROR, message: (error as Error).message },
        events: 0,
      },
    ]);
    const operation = {
      'performchat.operation': 'token.issue',
      'performchat.instance': SPEC_INSTANCE,
      'performchat.outcome': 'AGENT_NOT_ALLOWED',
      'error.type': 'AGENT_NOT_ALLOWED',
    };
    expect(await collect(reader)).toEqual([
      { name: 'performchat.operation.duration', unit: 's', attributes: operation, value: durations(1) },
      { name: 'performchat.operation.outcomes', unit: '{operation}', attributes: operation, value: 1 },
    ]);
  });

  it('a rate-limited call on the token route: the refusal counted by limiter and instance, no span for the refused request', async () => {
    @Module({
      imports: [
        PerformChatModule.forRoot({
          ...moduleOptions({ rateLimit: { points: 1, duration: 60 } }),
          controller: { path: 'chat', guards: [HeaderUserGuard] },
        }),
      ],
    })
    class RateLimitedTokenApp {}
    app = await listenOn('express', RateLimitedTokenApp);
    instrument();
    const first = await fetch(`${app.url}/chat/token`, { headers: { 'x-user': 'alice' } });
    expect(first.status).toBe(200);
    tokens.push(((await first.json()) as { token: string }).token);
    const second = await fetch(`${app.url}/chat/token`, { headers: { 'x-user': 'alice' } });
    expect(second.status).toBe(429);

    expect(spans.getFinishedSpans().map((span) => span.attributes['performchat.outcome'])).toEqual(['ok']);
    const points = await collect(reader);
    expect(points.filter((p) => p.name === 'performchat.rate_limit.refusals')).toEqual([
      {
        name: 'performchat.rate_limit.refusals',
        unit: '{refusal}',
        attributes: { 'performchat.instance': SPEC_INSTANCE, 'performchat.rate_limit.limiter': expect.any(String) },
        value: 1,
      },
    ]);
    const [refusal] = points.filter((p) => p.name === 'performchat.rate_limit.refusals');
    expect(refusal.attributes['performchat.rate_limit.limiter']).not.toContain('alice');
  });

  it('a budget refusal: counted by budget, the span RATE_LIMITED; the budget gauges read the state channel', async () => {
    const { generate, auth } = await boot({ upstreamBudget: { tokensPerMinute: 2, apiRequestsPerMinute: 50 } });
    instrument();
    await generate({ userId: 'alice' });
    await generate({ userId: 'bob' });
    await expect(auth.generateToken({ userId: 'carol' })).rejects.toMatchObject({ code: 'RATE_LIMITED' });

    expect(spans.getFinishedSpans().map((span) => span.attributes['performchat.outcome'])).toEqual([
      'ok',
      'ok',
      'RATE_LIMITED',
    ]);
    const points = await collect(reader);
    const instance = { 'performchat.instance': SPEC_INSTANCE };
    expect(points.filter((p) => p.name.startsWith('performchat.budget.'))).toEqual([
      {
        name: 'performchat.budget.limit',
        unit: '{request}',
        attributes: { ...instance, 'performchat.budget': 'api-requests' },
        value: 50,
      },
      {
        name: 'performchat.budget.limit',
        unit: '{request}',
        attributes: { ...instance, 'performchat.budget': 'tokens' },
        value: 2,
      },
      {
        name: 'performchat.budget.refusals',
        unit: '{refusal}',
        attributes: { ...instance, 'performchat.budget': 'tokens' },
        value: 1,
      },
      {
        name: 'performchat.budget.remaining',
        unit: '{request}',
        attributes: { ...instance, 'performchat.budget': 'api-requests' },
        value: 48,
      },
      {
        name: 'performchat.budget.remaining',
        unit: '{request}',
        attributes: { ...instance, 'performchat.budget': 'tokens' },
        value: 0,
      },
    ]);
  });

  it('a breaker opening: the state gauge says 2 (open), the transition is counted, the next call fails fast without an attempt', async () => {
    const { generate, auth } = await boot({
      retry: false,
      circuitBreaker: { failureThreshold: 1, cooldownMs: 60_000 },
    });
    instrument();
    const breakerState = async () =>
      (await collect(reader)).filter((p) => p.name === 'performchat.breaker.state').map((p) => p.value);
    expect(await breakerState()).toEqual([0]);
    await generate({ userId: 'alice' });
    emulator.addFault({ path: TOKEN_PATH, times: -1, status: 503 });
    await expect(auth.generateToken({ userId: 'bob' })).rejects.toMatchObject({ code: 'UPSTREAM_ERROR' });
    const fast = (await auth.generateToken({ userId: 'carol' }).catch((e: unknown) => e)) as { code?: string };

    expect(await breakerState()).toEqual([2]);
    const points = await collect(reader);
    expect(points.filter((p) => p.name.startsWith('performchat.breaker.'))).toEqual([
      { name: 'performchat.breaker.state', unit: '1', attributes: { 'performchat.instance': SPEC_INSTANCE }, value: 2 },
      {
        name: 'performchat.breaker.transitions',
        unit: '{transition}',
        attributes: { 'performchat.instance': SPEC_INSTANCE, 'performchat.breaker.state': 'open' },
        value: 1,
      },
    ]);
    const [, failed, failedFast] = spans.getFinishedSpans();
    expect(failed.attributes).toMatchObject({ 'performchat.attempts': 1, 'error.type': 'UPSTREAM_ERROR' });
    expect(failedFast.attributes).toMatchObject({ 'performchat.attempts': 0, 'error.type': fast.code });
    expect(failedFast.status.code).toBe(SpanStatusCode.ERROR);
  });

  it("our span is a child of the caller's active span; the code inside the operation still sees the caller's span (HTTP spans are siblings)", async () => {
    const manager = new AsyncLocalStorageContextManager().enable();
    otelContext.setGlobalContextManager(manager);
    const activeAtAttempt: (string | undefined)[] = [];
    const atAttempt = {
      start: () => void activeAtAttempt.push(trace.getActiveSpan()?.spanContext().spanId),
      end: () => undefined,
      asyncStart: () => undefined,
      asyncEnd: () => undefined,
      error: () => undefined,
    };
    const attemptChannel = diagnosticsChannel.tracingChannel(PerformChatTracingChannels.upstreamAttempt);
    attemptChannel.subscribe(atAttempt);
    try {
      const { generate } = await boot();
      instrument();
      const tracer = tracerProvider.getTracer('the-app');
      const requestSpanId = await tracer.startActiveSpan('GET /chat/token', async (request) => {
        await generate({ userId: 'alice' });
        request.end();
        return request.spanContext().spanId;
      });
      const ours = spans.getFinishedSpans().find((span) => span.name === 'performchat.token.issue')!;
      expect(ours.parentSpanContext?.spanId).toBe(requestSpanId);
      expect(activeAtAttempt).toEqual([requestSpanId]);
    } finally {
      attemptChannel.unsubscribe(atAttempt);
      otelContext.disable();
    }
  });

  it('disable() stops all output; instrumenting twice throws; after disable() instrumenting again works', async () => {
    const { generate, auth } = await boot({ upstreamBudget: { tokensPerMinute: 5 } });
    const first = instrument();
    expect(() => instrumentPerformChat({ tracerProvider, meterProvider })).toThrow(
      /already active.*call disable\(\) on the instrumentation/,
    );
    await generate({ userId: 'alice' });
    const before = await collect(reader);
    const apiRequestsLeft = (points: Point[]) =>
      points.find(
        (p) => p.name === 'performchat.budget.remaining' && p.attributes['performchat.budget'] === 'api-requests',
      )?.value;
    expect(apiRequestsLeft(before)).toBe(999);
    first.disable();
    first.disable();
    await generate({ userId: 'bob' });
    await auth.invalidateUserTokens('bob');

    expect(spans.getFinishedSpans()).toHaveLength(1);
    const after = await collect(reader);
    // The SDK keeps exporting what it had (cumulative): nothing new came in, the gauges included
    // (their callback would now read 997 api requests left, not 999).
    expect(after).toEqual(before);
    for (const name of Object.values(PerformChatTracingChannels)) {
      expect(diagnosticsChannel.tracingChannel(name).hasSubscribers).toBe(true); // the scan's own listener
    }
    channels.stop();
    for (const name of Object.values(PerformChatTracingChannels)) {
      expect(diagnosticsChannel.tracingChannel(name).hasSubscribers).toBe(false);
    }
    channels = listenToChannels();
    instrument();
    await generate({ userId: 'dave' });
    expect(spans.getFinishedSpans()).toHaveLength(2);
  });

  it('instances: only the instances named are recorded', async () => {
    const { generate } = await boot({ name: 'eu' } as Partial<PerformChatModuleOptions>);
    instrument({ instances: [SPEC_INSTANCE] });
    await generate({ userId: 'alice' });
    expect(spans.getFinishedSpans()).toEqual([]);
    expect(await collect(reader)).toEqual([]);
    instrumentation!.disable();
    instrument({ instances: ['eu'] });
    await generate({ userId: 'alice' });
    expect(spans.getFinishedSpans().map((span) => span.attributes['performchat.instance'])).toEqual(['eu']);
  });

  it('recordUserId: user.id and the customer user id on the span, never on a metric', async () => {
    const { generate } = await boot();
    instrument({ recordUserId: true });
    await generate({ userId: 'alice' });
    expect(spans.getFinishedSpans()[0].attributes).toMatchObject({
      'user.id': 'alice',
      'performchat.customer_user.id': expect.any(String),
    });
    expect(JSON.stringify(await collect(reader))).not.toContain('alice');
  });

  it('a state reply slower than stateTimeoutMs is left out of that collection; the others are there', async () => {
    await boot({ upstreamBudget: { tokensPerMinute: 5 } });
    instrument({ stateTimeoutMs: 50 });
    const slow = (query: unknown) => (query as PerformChatStateQuery).reply(new Promise(() => undefined));
    diagnosticsChannel.subscribe(PERFORM_CHAT_STATE_CHANNEL, slow);
    try {
      const started = Date.now();
      const points = await collect(reader);
      expect(Date.now() - started).toBeLessThan(1000);
      const remaining = points.filter((p) => p.name === 'performchat.budget.remaining');
      expect(remaining.map((p) => [p.attributes['performchat.budget'], p.value])).toEqual([
        ['api-requests', 1000],
        ['tokens', 5],
      ]);
    } finally {
      diagnosticsChannel.unsubscribe(PERFORM_CHAT_STATE_CHANNEL, slow);
    }
  });

  it('a synchronous throw inside a traced operation ends its span at `end`, with the error', async () => {
    instrument();
    const channel = diagnosticsChannel.tracingChannel(PerformChatTracingChannels.tokenIssue);
    const bug = new TypeError('a bug');
    expect(() =>
      channel.tracePromise(
        () => {
          throw bug;
        },
        { instance: SPEC_INSTANCE, attempts: 0 },
      ),
    ).toThrow(bug);
    expect(spans.getFinishedSpans().map(spanRow)).toEqual([
      {
        name: 'performchat.token.issue',
        kind: SpanKind.INTERNAL,
        attributes: {
          'performchat.instance': SPEC_INSTANCE,
          'performchat.attempts': 0,
          'performchat.outcome': 'TypeError',
          'error.type': 'TypeError',
        },
        status: { code: SpanStatusCode.ERROR, message: 'a bug' },
        events: 0,
      },
    ]);
  });

  it.each([
    [
      'budget.waited',
      { waitMs: 250, plannedMs: 300, ticket: 1, slotAt: 0, limit: 5, windowSeconds: 60 },
      {
        name: 'performchat.budget.wait.duration',
        unit: 's',
        attributes: { 'performchat.budget': 'tokens' },
        value: { count: 1, sum: 0.25 },
      },
    ],
    [
      'health.probed',
      { up: false, reason: 'timeout', latencyMs: 5 },
      {
        name: 'performchat.health.probes',
        unit: '{probe}',
        attributes: { 'performchat.outcome': 'down', 'performchat.health.reason': 'timeout' },
        value: 1,
      },
    ],
    [
      'health.probed',
      { up: true, statusCode: 200, latencyMs: 5 },
      {
        name: 'performchat.health.probes',
        unit: '{probe}',
        attributes: { 'performchat.outcome': 'up', 'http.response.status_code': 200 },
        value: 1,
      },
    ],
    [
      'breaker.closed',
      { failureThreshold: 1, cooldownMs: 10 },
      {
        name: 'performchat.breaker.transitions',
        unit: '{transition}',
        attributes: { 'performchat.breaker.state': 'closed' },
        value: 1,
      },
    ],
    [
      'token.stale',
      { source: 'reused' },
      {
        name: 'performchat.tokens.stale',
        unit: '{token}',
        attributes: { 'performchat.token.source': 'reused' },
        value: 1,
      },
    ],
    [
      'token-store.down',
      { where: '127.0.0.1:6379', reason: 'connection refused' },
      {
        name: 'performchat.token_store.transitions',
        unit: '{transition}',
        attributes: { 'performchat.token_store.state': 'down' },
        value: 1,
      },
    ],
    [
      'token-store.up',
      { where: '127.0.0.1:6379' },
      {
        name: 'performchat.token_store.transitions',
        unit: '{transition}',
        attributes: { 'performchat.token_store.state': 'up' },
        value: 1,
      },
    ],
    [
      'key.rotated',
      { fromKeyId: 'pk_a', toKeyId: 'pk_b', trigger: 'unauthorized' },
      { name: 'performchat.key.rotations', unit: '{rotation}', attributes: { 'performchat.outcome': 'ok' }, value: 1 },
    ],
    [
      'key.rotation-failed',
      { fromKeyId: 'pk_a', candidateKeyId: 'pk_b', code: 'INVALID_CREDENTIALS', message: 'refused' },
      {
        name: 'performchat.key.rotations',
        unit: '{rotation}',
        attributes: { 'performchat.outcome': 'INVALID_CREDENTIALS' },
        value: 1,
      },
    ],
    [
      'credentials.refresh-failed',
      { trigger: 'refresh', reason: 'the provider threw' },
      {
        name: 'performchat.credentials.refresh_failures',
        unit: '{failure}',
        attributes: { 'performchat.credentials.trigger': 'refresh' },
        value: 1,
      },
    ],
  ] as const)('the channel %s becomes one documented point', async (type, fields, point) => {
    instrument();
    diagnosticsChannel.channel(`nestjs-performchat:${type}`).publish({ type, ...fields, instance: 'eu' });
    expect(await collect(reader)).toEqual([
      { ...point, attributes: { 'performchat.instance': 'eu', ...point.attributes } },
    ]);
  });
});
