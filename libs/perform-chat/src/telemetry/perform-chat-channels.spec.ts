import { Test, TestingModule } from '@nestjs/testing';
import { Redis } from 'ioredis';
import { AsyncLocalStorage } from 'node:async_hooks';
import * as diagnosticsChannel from 'node:diagnostics_channel';
import { TEST_REDIS_URL, deleteRedisPrefix, uniqueRedisPrefix } from '@test/utils/redis';
import { emulatorModuleOptions } from '@test/utils/emulator-module';
import { LIBS_ROOT, librarySourceFiles } from '@test/utils/library-sources';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  EMULATOR_DEMO_AGENT_ID,
  EMULATOR_DEMO_KEY,
  PerformChatEmulator,
  startPerformChatEmulator,
} from '../../../perform-chat-emulator/src';
import { PerformChatAuthService } from '../auth/perform-chat-auth.service';
import { PerformChatModuleOptions } from '../options/perform-chat-options.interface';
import { PerformChatModule } from '../perform-chat.module';
import * as channels from './perform-chat-channels';
import {
  PERFORM_CHAT_EVENT_TYPES,
  PERFORM_CHAT_STATE_CHANNEL,
  PerformChatInstanceState,
  PerformChatStateQuery,
  PerformChatTracingChannels,
  performChatChannelName,
} from './perform-chat-channels';
import type { PerformChatTelemetryEvent } from './perform-chat-telemetry.events';

const TOKEN_PATH = '/rest/v1/auth/token';
const PHASES = ['start', 'end', 'asyncStart', 'asyncEnd', 'error'] as const;

interface Seen {
  channel: string;
  phase: string;
  /** A snapshot of the context at that moment (the same object is shared by every phase). */
  context: Record<string, unknown>;
}

/** Subscribes to every channel of the module; `stop()` unsubscribes all. */
function listen() {
  const seen: Seen[] = [];
  const events: (PerformChatTelemetryEvent & { instance: string })[] = [];
  const stops: (() => void)[] = [];
  for (const name of Object.values(PerformChatTracingChannels)) {
    const handlers = Object.fromEntries(
      PHASES.map((phase) => [
        phase,
        (context: unknown) => seen.push({ channel: name, phase, context: { ...(context as object) } }),
      ]),
    ) as unknown as diagnosticsChannel.TracingChannelSubscribers<object>;
    const channel = diagnosticsChannel.tracingChannel(name);
    channel.subscribe(handlers);
    stops.push(() => channel.unsubscribe(handlers));
  }
  for (const type of PERFORM_CHAT_EVENT_TYPES) {
    const onMessage = (message: unknown) => void events.push(message as (typeof events)[number]);
    diagnosticsChannel.subscribe(performChatChannelName(type), onMessage);
    stops.push(() => diagnosticsChannel.unsubscribe(performChatChannelName(type), onMessage));
  }
  return { seen, events, stop: () => stops.forEach((stop) => stop()) };
}

/**
 * The replies of this spec's instances (named `state-*`): the channel is the process's, and
 * other spec files of the same Jest worker may have left modules open.
 */
async function queryState(): Promise<PerformChatInstanceState[]> {
  const replies: (PerformChatInstanceState | Promise<PerformChatInstanceState>)[] = [];
  const query: PerformChatStateQuery = { reply: (state) => void replies.push(state) };
  diagnosticsChannel.channel(PERFORM_CHAT_STATE_CHANNEL).publish(query);
  return (await Promise.all(replies)).filter((state) => state.instance.startsWith('state-'));
}

/** A full garbage collection (V8's `gc`, exposed for this spec). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

describe('diagnostics channels: what the module publishes, and only to subscribers', () => {
  let emulator: PerformChatEmulator;
  let moduleRef: TestingModule | undefined;
  let listening: ReturnType<typeof listen> | undefined;

  async function boot(overrides: Partial<PerformChatModuleOptions> = {}) {
    moduleRef = await Test.createTestingModule({
      imports: [
        PerformChatModule.forRoot(
          emulatorModuleOptions(emulator, {
            timeoutMs: 300,
            retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 2 },
            circuitBreaker: false,
            ...overrides,
          }),
        ),
      ],
    }).compile();
    await moduleRef.init();
    return moduleRef.get(PerformChatAuthService);
  }

  beforeAll(async () => {
    emulator = await startPerformChatEmulator();
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.reset());
  afterEach(async () => {
    listening?.stop();
    listening = undefined;
    await moduleRef?.close();
    moduleRef = undefined;
  });

  function phases(channel: string) {
    return listening!.seen.filter((s) => s.channel === channel).map((s) => s.phase);
  }
  function last(channel: string, phase: string) {
    return [...listening!.seen].reverse().find((s) => s.channel === channel && s.phase === phase)?.context;
  }
  function expectNothingSecret(tokens: string[] = []) {
    const seen = JSON.stringify(listening!.seen, (_key, value) =>
      value instanceof Error ? { ...value, name: value.name, message: value.message } : value,
    );
    const events = JSON.stringify(listening!.events);
    for (const text of [seen, events]) {
      expect(text).not.toContain(EMULATOR_DEMO_KEY.keySecret);
      for (const token of tokens) expect(text).not.toContain(token);
    }
  }

  it('a token request: token.issue start → end → asyncStart → asyncEnd, one upstream.attempt inside, the result without the token', async () => {
    const auth = await boot();
    listening = listen();
    const { token } = await auth.generateToken({ userId: 'alice', expiresIn: '10m' });

    expect(phases(PerformChatTracingChannels.tokenIssue)).toEqual(['start', 'end', 'asyncStart', 'asyncEnd']);
    expect(phases(PerformChatTracingChannels.upstreamAttempt)).toEqual(['start', 'end', 'asyncStart', 'asyncEnd']);
    expect(last(PerformChatTracingChannels.tokenIssue, 'asyncEnd')).toEqual({
      instance: 'default',
      userId: 'alice',
      agentId: EMULATOR_DEMO_AGENT_ID,
      expiresInSeconds: 600,
      attempts: 1,
      serverAddress: new URL(emulator.url).hostname,
      serverPort: Number(new URL(emulator.url).port),
      result: {
        source: 'generated',
        agentId: EMULATOR_DEMO_AGENT_ID,
        expiresInSeconds: expect.any(Number),
        customerUserId: expect.any(String),
      },
    });
    const url = new URL(emulator.url);
    expect(last(PerformChatTracingChannels.upstreamAttempt, 'asyncEnd')).toEqual({
      instance: 'default',
      operation: 'generateToken',
      method: 'POST',
      serverAddress: url.hostname,
      serverPort: Number(url.port),
      attempt: 1,
      keyId: EMULATOR_DEMO_KEY.keyId,
      statusCode: 200,
      result: { statusCode: 200 },
    });
    expect(listening.events).toEqual([
      expect.objectContaining({ type: 'call.succeeded', instance: 'default', attempts: 1 }),
    ]);
    expectNothingSecret([token]);
  });

  it('a retried call: two upstream.attempt operations (the first with its error and status), attempts 2 on the token request', async () => {
    const auth = await boot();
    listening = listen();
    emulator.addFault({ path: TOKEN_PATH, times: 1, status: 500 });
    const { token } = await auth.generateToken({ userId: 'alice' });

    expect(phases(PerformChatTracingChannels.upstreamAttempt)).toEqual([
      'start',
      'end',
      'error',
      'asyncStart',
      'asyncEnd',
      'start',
      'end',
      'asyncStart',
      'asyncEnd',
    ]);
    const failed = listening.seen.find(
      (s) => s.channel === PerformChatTracingChannels.upstreamAttempt && s.phase === 'error',
    );
    expect(failed?.context).toMatchObject({ attempt: 1, statusCode: 500, errorCode: 'UPSTREAM_ERROR' });
    expect((failed?.context.error as { code?: string }).code).toBe('UPSTREAM_ERROR');
    expect(last(PerformChatTracingChannels.tokenIssue, 'asyncEnd')).toMatchObject({ attempts: 2 });
    expect(listening.events.map((e) => e.type)).toEqual(['attempt.failed', 'call.succeeded']);
    expectNothingSecret([token]);
  });

  it('a refused request: the error phase with its code, no attempt (nothing sent)', async () => {
    const auth = await boot({ allowedAgentIds: [EMULATOR_DEMO_AGENT_ID] });
    listening = listen();
    await expect(auth.generateToken({ userId: 'alice', agentId: 'agent_other' })).rejects.toMatchObject({
      code: 'AGENT_NOT_ALLOWED',
    });
    expect(phases(PerformChatTracingChannels.tokenIssue)).toEqual(['start', 'end', 'error', 'asyncStart', 'asyncEnd']);
    expect(phases(PerformChatTracingChannels.upstreamAttempt)).toEqual([]);
    expect(last(PerformChatTracingChannels.tokenIssue, 'asyncEnd')).toMatchObject({
      userId: 'alice',
      attempts: 0,
      errorCode: 'AGENT_NOT_ALLOWED',
    });
    expect(last(PerformChatTracingChannels.tokenIssue, 'asyncEnd')).not.toHaveProperty('serverAddress');
    expect(last(PerformChatTracingChannels.tokenIssue, 'asyncEnd')).not.toHaveProperty('agentId');
  });

  it('a revoke: tokens.invalidate with the customer user, the user and the new version', async () => {
    const auth = await boot();
    const { token } = await auth.generateToken({ userId: 'alice' });
    listening = listen();
    const [invalidation] = await auth.invalidateUserTokens('alice');
    expect(phases(PerformChatTracingChannels.tokensInvalidate)).toEqual(['start', 'end', 'asyncStart', 'asyncEnd']);
    expect(last(PerformChatTracingChannels.tokensInvalidate, 'asyncEnd')).toEqual({
      instance: 'default',
      customerUserId: invalidation.customerUserId,
      userId: 'alice',
      attempts: 1,
      serverAddress: new URL(emulator.url).hostname,
      serverPort: Number(new URL(emulator.url).port),
      result: { newTokenVersion: invalidation.newTokenVersion },
    });
    expect(last(PerformChatTracingChannels.upstreamAttempt, 'asyncEnd')).toMatchObject({
      operation: 'invalidateTokens',
    });
    expectNothingSecret([token]);
  });

  it('plain channels carry every event with its instance; a named instance says its name', async () => {
    const auth = await boot({
      name: 'eu',
      upstreamBudget: { tokensPerMinute: 1 },
    } as Partial<PerformChatModuleOptions>);
    listening = listen();
    await auth.generateToken({ userId: 'alice' });
    await expect(auth.generateToken({ userId: 'bob' })).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    expect(listening.events.map((e) => [e.type, e.instance])).toEqual([
      ['call.succeeded', 'eu'],
      ['budget.refused', 'eu'],
    ]);
    expect(last(PerformChatTracingChannels.tokenIssue, 'asyncEnd')).toMatchObject({
      instance: 'eu',
      errorCode: 'RATE_LIMITED',
    });
  });

  it('the state channel: each live instance replies with its breaker and the budget left (reserved slots count), none after close', async () => {
    const auth = await boot({
      name: 'state-memory',
      upstreamBudget: { tokensPerMinute: 5, apiRequestsPerMinute: 50 },
    } as Partial<PerformChatModuleOptions>);
    expect(await queryState()).toEqual([
      {
        instance: 'state-memory',
        keyId: EMULATOR_DEMO_KEY.keyId,
        breaker: 'disabled',
        budgets: [
          { budget: 'tokens', limit: 5, windowSeconds: 60, remaining: 5 },
          { budget: 'api-requests', limit: 50, windowSeconds: 60, remaining: 50 },
        ],
      },
    ]);
    await auth.generateToken({ userId: 'alice' });
    await auth.generateToken({ userId: 'bob' });
    const [state] = await queryState();
    expect(state.budgets.map((b) => b.remaining)).toEqual([3, 48]);
    await moduleRef!.close();
    moduleRef = undefined;
    expect(await queryState()).toEqual([]);
  });

  it('the state channel with a Redis store: the budget left is the shared one, two instances agree', async () => {
    const prefix = uniqueRedisPrefix('channels-state').replace(/:$/, '');
    const options = {
      upstreamBudget: { tokensPerMinute: 4 },
      rateLimit: { store: { redis: TEST_REDIS_URL, keyPrefix: prefix } },
    } as Partial<PerformChatModuleOptions>;
    const other = await Test.createTestingModule({
      imports: [PerformChatModule.forRoot(emulatorModuleOptions(emulator, { name: 'state-other', ...options }))],
    }).compile();
    try {
      await other.init();
      const auth = await boot({ ...options, name: 'state-redis' } as Partial<PerformChatModuleOptions>);
      await auth.generateToken({ userId: 'alice' });
      await other.get(PerformChatAuthService).generateToken({ userId: 'bob' });
      const states = await queryState();
      expect(states.map((s) => [s.instance, s.budgets[0].remaining]).sort()).toEqual([
        ['state-other', 2],
        ['state-redis', 2],
      ]);
    } finally {
      await other.close();
      const redis = new Redis(TEST_REDIS_URL);
      await deleteRedisPrefix(redis, prefix);
      redis.disconnect();
    }
  });

  it('a testing module initialised twice (moduleRef.init, then its app) answers once, and not after close', async () => {
    await boot({ name: 'state-twice' } as Partial<PerformChatModuleOptions>);
    const app = moduleRef!.createNestApplication({ logger: false });
    await app.init(); // Nest runs the bootstrap hooks again
    expect((await queryState()).map((state) => state.instance)).toEqual(['state-twice']);
    await app.close();
    moduleRef = undefined;
    expect(await queryState()).toEqual([]);
  });

  it('the next app answers after one closed and the garbage collector ran (Node keeps channels by weak reference and a finalizer)', async () => {
    // Node 20 drops a channel's name when a collected channel object's finalizer runs, even if a
    // new object took the name in between: without the module holding the state channel, the
    // closed app's channel is collected here, the next app subscribes to a new one, the late
    // finalizer removes it from the name, and every query after that reaches nobody.
    await boot({ name: 'state-gc-first' } as Partial<PerformChatModuleOptions>);
    await moduleRef!.close();
    moduleRef = undefined;
    const settle = () => new Promise((resolve) => setTimeout(resolve, 20)); // finalizers run in a later task
    for (let round = 0; round < 3; round++) {
      await settle();
      const compiled = await Test.createTestingModule({
        imports: [PerformChatModule.forRoot(emulatorModuleOptions(emulator, { name: `state-gc-${round}` }))],
      }).compile();
      collectGarbage(); // the last app's channel, when nothing holds it
      await compiled.init(); // subscribes, before that channel's finalizer ran
      await settle();
      try {
        expect((await queryState()).map((state) => state.instance)).toEqual([`state-gc-${round}`]);
      } finally {
        await compiled.close();
      }
    }
  });

  it('an instance whose boot failed (the agent check refused its agent) never answers', async () => {
    const failing = await Test.createTestingModule({
      imports: [
        PerformChatModule.forRoot(
          emulatorModuleOptions(emulator, { name: 'failed-boot', defaultAgentId: 'agent_unknown', verifyAgents: true }),
        ),
      ],
    }).compile();
    await expect(failing.init()).rejects.toMatchObject({ code: 'AGENT_NOT_FOUND' });
    // Nest's close() of an app whose init failed runs no destroy hook: only not subscribing helps.
    const replies: (PerformChatInstanceState | Promise<PerformChatInstanceState>)[] = [];
    const query: PerformChatStateQuery = { reply: (state) => void replies.push(state) };
    diagnosticsChannel.channel(PERFORM_CHAT_STATE_CHANNEL).publish(query);
    const instances = (await Promise.all(replies)).map((state) => state.instance);
    expect(instances).not.toContain('failed-boot');
  });

  it('the breaker state is read at each query', async () => {
    const auth = await boot({
      name: 'state-breaker',
      retry: false,
      circuitBreaker: { failureThreshold: 1, cooldownMs: 60_000 },
    } as Partial<PerformChatModuleOptions>);
    expect((await queryState())[0].breaker).toBe('closed');
    emulator.addFault({ path: TOKEN_PATH, times: -1, status: 503 });
    await expect(auth.generateToken({ userId: 'alice' })).rejects.toMatchObject({ code: 'UPSTREAM_ERROR' });
    expect((await queryState())[0].breaker).toBe('open');
  });

  it("a store bound to token.issue's start (what an APM does) is the active one inside the operation, as with tracePromise", async () => {
    const auth = await boot();
    const store = new AsyncLocalStorage<string>();
    const start = diagnosticsChannel.channel(`tracing:${PerformChatTracingChannels.tokenIssue}:start`);
    const seenInAttempt: (string | undefined)[] = [];
    const attempt = diagnosticsChannel.channel(`tracing:${PerformChatTracingChannels.upstreamAttempt}:start`);
    const onAttempt = () => void seenInAttempt.push(store.getStore());
    start.bindStore(store, (context) => `span of ${(context as { userId?: string }).userId ?? 'someone'}`);
    attempt.subscribe(onAttempt);
    try {
      await auth.generateToken({ userId: 'alice' });
      expect(store.getStore()).toBeUndefined();
      // The user id is set inside the operation, after start: the store was made at start.
      expect(seenInAttempt).toEqual(['span of someone']);
    } finally {
      start.unbindStore(store);
      attempt.unsubscribe(onAttempt);
    }
  });

  it('no AsyncLocalStorage in the library or the bridge (README "Sibling spans"): tracing adds no async-hooks cost', () => {
    const users = librarySourceFiles().filter((file) =>
      /\bnew AsyncLocalStorage\b|from 'node:async_hooks'|require\('node:async_hooks'\)|\bbindStore\(/.test(
        readFileSync(file, 'utf8'),
      ),
    );
    expect(users.map((file) => relative(LIBS_ROOT, file))).toEqual([]);
  });

  it('with nobody subscribed, no context is built: a subscriber added later sees only what comes after it', async () => {
    const auth = await boot();
    const traced = jest.spyOn(channels, 'traceOperation');
    await auth.generateToken({ userId: 'alice' });
    await auth.invalidateUserTokens('alice');
    expect(traced).not.toHaveBeenCalled();
    listening = listen();
    await auth.generateToken({ userId: 'alice' });
    expect(traced.mock.calls.map(([name]) => name)).toEqual(['tokenIssue', 'upstreamAttempt']);
    traced.mockRestore();
    listening.stop();
    listening = listen();
    expect(listening.seen).toEqual([]);
    expect(listening.events).toEqual([]);
    for (const name of Object.values(PerformChatTracingChannels)) {
      expect(diagnosticsChannel.tracingChannel(name).hasSubscribers).toBe(true);
    }
    listening.stop();
    listening = undefined;
    for (const name of Object.values(PerformChatTracingChannels)) {
      expect(diagnosticsChannel.tracingChannel(name).hasSubscribers).toBe(false);
    }
  });
});
