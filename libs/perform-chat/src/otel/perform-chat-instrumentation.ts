import type {
  Attributes,
  BatchObservableCallback,
  Histogram,
  Meter,
  MeterProvider,
  ObservableCallback,
  ObservableCounter,
  Span,
  Tracer,
  TracerProvider,
} from '@opentelemetry/api';
import * as diagnosticsChannel from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';
import { LIBRARY_VERSION } from '../perform-chat.constants';
import { Messages } from '../perform-chat.messages';
import {
  PerformChatCallTrace,
  PerformChatEventType,
  PerformChatInstanceState,
  PerformChatOperationContext,
  PerformChatStateQuery,
  PerformChatTokenIssueContext,
  PerformChatTokensInvalidateContext,
  PerformChatTracingChannels,
  PerformChatUpstreamAttemptContext,
  performChatChannelName,
  performChatStateChannel,
} from '../telemetry/perform-chat-channels';
import type { PerformChatTelemetryEvent } from '../telemetry/perform-chat-telemetry.events';
import { otelApi } from './otel-api';
import {
  DURATION_BUCKETS_SECONDS,
  PERFORM_CHAT_INSTRUMENTATION_NAME,
  PerformChatAttributes as A,
  PerformChatMetricNames as M,
  PerformChatSpanNames,
} from './otel-names';

/** Options of {@link instrumentPerformChat}. */
export interface PerformChatInstrumentationOptions {
  /** Where the spans go. @default the global one, `trace.getTracerProvider()` */
  tracerProvider?: TracerProvider;
  /** Where the metrics go. @default the global one, `metrics.getMeterProvider()` */
  meterProvider?: MeterProvider;
  /**
   * Only these module instances (`default`, or an instance's `name`) are recorded.
   * @default every instance
   */
  instances?: string[];
  /**
   * Put your user id (`user.id`) and PerformChat's customer user id
   * (`performchat.customer_user.id`) on the spans. Off by default: a trace backend is rarely
   * the place for personal data. Never on a metric, whatever this says.
   * @default false
   */
  recordUserId?: boolean;
  /**
   * How long a collection of the observable gauges waits for an instance's state (a Redis
   * store is asked for the budget left); a slower reply is left out of that collection.
   * @default 1000
   */
  stateTimeoutMs?: number;
}

/** What {@link instrumentPerformChat} returns. */
export interface PerformChatInstrumentation {
  /**
   * Unsubscribes from every channel and drops the gauges' callback: nothing more is recorded
   * (operations in flight at that moment are not). Calling it again does nothing.
   */
  disable(): void;
}

/** The message of a plain channel (an event whose `type` may be one of several, like the breaker's). */
type MessageOf<T extends PerformChatEventType> = (PerformChatTelemetryEvent extends infer E
  ? E extends { type: infer U }
    ? T extends U
      ? E
      : never
    : never
  : never) & { instance: string };

type OperationName = 'token.issue' | 'tokens.invalidate';

/** One traced operation of the bridge: its span and when it started. */
interface Operation {
  span: Span;
  startedAt: number;
}

/** A context seen as the holder of a bridge's own symbol-keyed property. */
type Slots<V> = { [slot: symbol]: V | undefined };
const slotsOf = <V>(context: object): Slots<V> => context as Slots<V>;

/** Which instrumentation is live in this process (one per process, across copies of the package). */
const ACTIVE = Symbol.for('nestjs-performchat.otel.instrumentation');
type WithActive = typeof globalThis & { [ACTIVE]?: PerformChatInstrumentation };

const BREAKER_VALUES: Record<PerformChatInstanceState['breaker'], number | undefined> = {
  closed: 0,
  'half-open': 1,
  open: 2,
  disabled: undefined,
};

const DEFAULT_STATE_TIMEOUT_MS = 1000;

/**
 * Records what the module publishes on its diagnostics channels as OpenTelemetry spans and
 * metrics (README "OpenTelemetry" lists every name). Call it once, at startup, after
 * setting up the OpenTelemetry SDK (or pass the providers); it works from the channels alone,
 * so it covers every instance of the module in the process, created before or after it.
 *
 * One instrumentation per process: a second call while the first is live throws (it would
 * count everything twice); call `disable()` on the first one before instrumenting again.
 *
 * Our spans (`performchat.token.issue`, `performchat.tokens.invalidate`) take the active context
 * of the caller as parent; the HTTP client spans of your HTTP instrumentation are their
 * siblings, not their children (diagnostics channels cannot make our span the active
 * OpenTelemetry context).
 */
export function instrumentPerformChat(options: PerformChatInstrumentationOptions = {}): PerformChatInstrumentation {
  const global = globalThis as WithActive;
  if (global[ACTIVE]) throw new Error(Messages.otelAlreadyActive());
  if (
    options.instances !== undefined &&
    (!Array.isArray(options.instances) || options.instances.some((name) => typeof name !== 'string'))
  ) {
    throw new TypeError('instrumentPerformChat: instances must be an array of instance names');
  }
  const bridge = new PerformChatOtelBridge(options);
  const instrumentation: PerformChatInstrumentation = {
    disable: () => {
      bridge.stop();
      if (global[ACTIVE] === instrumentation) delete global[ACTIVE];
    },
  };
  global[ACTIVE] = instrumentation;
  return instrumentation;
}

/** The code of a failure (a `PerformChatError`'s), or the error's name, or `_OTHER`. */
function errorTypeOf(context: PerformChatOperationContext): string {
  if (context.errorCode) return context.errorCode;
  const name = (context.error as { name?: unknown } | null | undefined)?.name;
  return typeof name === 'string' && name !== '' ? name : '_OTHER';
}

function failed(context: PerformChatOperationContext): boolean {
  return 'error' in context;
}

/** The SDK's attributes of a series past its cardinality limit (2000 series per instrument by default). */
const OVERFLOW_ATTRIBUTES: Attributes = Object.freeze({ 'otel.metric.overflow': true });
const MAX_OUTCOME_SERIES = 2000;

/** Totals of the outcome counter by attribute set, observed (cumulative) at each collection. */
class OutcomeCounts {
  private readonly series = new Map<string, { attributes: Attributes; value: number }>();
  private overflow = 0;

  /**
   * Counts one operation of the series of `attributes` (kept, unchanged, for a new series). The
   * series key is the attributes in their insertion order: the bridge builds each attribute set
   * in one fixed order, so one set always gives one key.
   */
  add(attributes: Attributes): void {
    let key = '';
    for (const name in attributes) key += `${name}\u0000${String(attributes[name])}\u0000`;
    const series = this.series.get(key);
    if (series) series.value++;
    else if (this.series.size < MAX_OUTCOME_SERIES) this.series.set(key, { attributes, value: 1 });
    else this.overflow++;
  }

  observer(): ObservableCallback {
    return (result) => {
      for (const { attributes, value } of this.series.values()) result.observe(value, attributes);
      if (this.overflow > 0) result.observe(this.overflow, OVERFLOW_ATTRIBUTES);
    };
  }
}

class PerformChatOtelBridge {
  private readonly tracer: Tracer;
  private readonly meter: Meter;
  private readonly recordUserId: boolean;
  private readonly instances?: ReadonlySet<string>;
  private readonly stateTimeoutMs: number;
  private readonly stops: (() => void)[] = [];
  private stopped = false;

  /**
   * Where this bridge keeps an operation's span, and an attempt's start, on the channel's
   * context: a property of its own symbol (set back to `undefined` at the end, never deleted,
   * so the context keeps its shape), cheaper per operation than a WeakMap's ephemerons.
   */
  private readonly operationKey = Symbol('performchat.otel.operation');
  private readonly attemptKey = Symbol('performchat.otel.attempt');

  private readonly operationDuration: Histogram;
  private readonly upstreamAttemptDuration: Histogram;
  /** The outcome counter's values, counted here and observed at each collection. */
  private readonly outcomes = new OutcomeCounts();

  constructor(options: PerformChatInstrumentationOptions) {
    const api = otelApi;
    this.tracer = (options.tracerProvider ?? api.trace.getTracerProvider()).getTracer(
      PERFORM_CHAT_INSTRUMENTATION_NAME,
      LIBRARY_VERSION,
    );
    this.meter = (options.meterProvider ?? api.metrics.getMeterProvider()).getMeter(
      PERFORM_CHAT_INSTRUMENTATION_NAME,
      LIBRARY_VERSION,
    );
    this.recordUserId = options.recordUserId === true;
    this.instances = options.instances ? new Set(options.instances) : undefined;
    this.stateTimeoutMs = options.stateTimeoutMs ?? DEFAULT_STATE_TIMEOUT_MS;

    const seconds = (name: string, description: string) =>
      this.meter.createHistogram(name, {
        unit: 's',
        description,
        advice: { explicitBucketBoundaries: [...DURATION_BUCKETS_SECONDS] },
      });
    this.operationDuration = seconds(M.operationDuration, 'Duration of a token request or an invalidation');
    // An observable counter of totals kept here: one more synchronous record per operation would
    // hash the same attributes again in the SDK.
    const outcomes: ObservableCounter = this.meter.createObservableCounter(M.operationOutcomes, {
      unit: '{operation}',
      description: 'Token requests and invalidations, by outcome (ok or the error code)',
    });
    const observeOutcomes = this.outcomes.observer();
    outcomes.addCallback(observeOutcomes);
    this.stops.push(() => outcomes.removeCallback(observeOutcomes));
    // Its `_count` counts the attempts: no counter of its own (one record per attempt, not two).
    this.upstreamAttemptDuration = seconds(
      M.upstreamAttemptDuration,
      'Duration of one HTTP attempt at PerformChat (its count: the attempts, by outcome)',
    );

    this.traceOperations();
    this.traceAttempts();
    this.countEvents();
    this.observeState();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const stop of this.stops.splice(0)) stop();
  }

  private wanted(instance: string): boolean {
    return !this.instances || this.instances.has(instance);
  }

  // Spans and the operation metrics.

  private traceOperations(): void {
    this.traceOperation<PerformChatTokenIssueContext>(
      PerformChatTracingChannels.tokenIssue,
      'token.issue',
      PerformChatSpanNames.tokenIssue,
      (context, span, metric) => {
        const result = context.result;
        const agentId = result?.agentId ?? context.agentId;
        if (agentId !== undefined) span[A.agentId] = agentId;
        const expiresIn = result?.expiresInSeconds ?? context.expiresInSeconds;
        if (expiresIn !== undefined) span[A.tokenExpiresIn] = expiresIn;
        if (result) {
          span[A.tokenSource] = result.source;
          metric[A.tokenSource] = result.source;
        }
        if (this.recordUserId) {
          if (context.userId !== undefined) span[A.userId] = context.userId;
          if (result) span[A.customerUserId] = result.customerUserId;
        }
      },
    );
    this.traceOperation<PerformChatTokensInvalidateContext>(
      PerformChatTracingChannels.tokensInvalidate,
      'tokens.invalidate',
      PerformChatSpanNames.tokensInvalidate,
      (context, span) => {
        if (context.result) span[A.tokenVersion] = context.result.newTokenVersion;
        if (this.recordUserId) {
          if (context.userId !== undefined) span[A.userId] = context.userId;
          span[A.customerUserId] = context.customerUserId;
        }
      },
    );
  }

  private traceOperation<C extends PerformChatOperationContext & PerformChatCallTrace>(
    channelName: string,
    name: OperationName,
    spanName: string,
    describe: (context: C, span: Attributes, metric: Attributes) => void,
  ): void {
    const api = otelApi;
    // At `start`, with the caller's context still active: our span's parent.
    const key = this.operationKey;
    const begin = (context: C): void => {
      const slots = slotsOf<Operation>(context);
      if (slots[key] || !this.wanted(context.instance)) return;
      slots[key] = {
        span: this.tracer.startSpan(
          spanName,
          { kind: api.SpanKind.INTERNAL, attributes: { [A.instance]: context.instance } },
          api.context.active(),
        ),
        startedAt: performance.now(),
      };
    };
    const finish = (context: C) => {
      const slots = slotsOf<Operation>(context);
      const operation = slots[key];
      if (!operation) return;
      slots[key] = undefined;
      const seconds = (performance.now() - operation.startedAt) / 1000;
      const isFailure = failed(context);
      const outcome = isFailure ? errorTypeOf(context) : 'ok';
      const span: Attributes = { [A.attempts]: context.attempts, [A.outcome]: outcome };
      const metric: Attributes = { [A.operation]: name, [A.instance]: context.instance, [A.outcome]: outcome };
      // The core writes the server of the operation's first attempt into its context.
      if (context.serverAddress !== undefined) span[A.serverAddress] = context.serverAddress;
      if (context.serverPort !== undefined) span[A.serverPort] = context.serverPort;
      if (isFailure) {
        span[A.errorType] = outcome;
        metric[A.errorType] = outcome;
      }
      describe(context, span, metric);
      operation.span.setAttributes(span);
      if (isFailure) {
        const message = (context.error as { message?: unknown } | null | undefined)?.message;
        operation.span.setStatus({
          code: api.SpanStatusCode.ERROR,
          ...(typeof message === 'string' ? { message } : {}),
        });
      }
      operation.span.end();
      this.operationDuration.record(seconds, metric);
      this.outcomes.add(metric);
    };
    this.subscribeTracing<C>(channelName, begin, finish);
  }

  /**
   * Subscribes `start` and `finish` to a tracing channel until {@link stop}: a synchronous throw
   * finishes at `end` (its error already set), everything else at `asyncEnd`.
   */
  private subscribeTracing<C extends PerformChatOperationContext>(
    channelName: string,
    start: (context: C) => void,
    finish: (context: C) => void,
  ): void {
    const channel = diagnosticsChannel.tracingChannel<unknown, C>(channelName);
    const subscribers: diagnosticsChannel.TracingChannelSubscribers<C> = {
      start,
      end: (context) => {
        if (failed(context)) finish(context);
      },
      asyncStart: () => undefined,
      asyncEnd: finish,
      error: () => undefined,
    };
    channel.subscribe(subscribers);
    this.stops.push(() => channel.unsubscribe(subscribers));
  }

  // The upstream attempts.

  private traceAttempts(): void {
    const key = this.attemptKey;
    const finish = (context: PerformChatUpstreamAttemptContext) => {
      const slots = slotsOf<number>(context);
      const startedAt = slots[key];
      if (startedAt === undefined) return;
      slots[key] = undefined;
      const isFailure = failed(context);
      const outcome = isFailure ? errorTypeOf(context) : 'ok';
      const attributes: Attributes = {
        [A.instance]: context.instance,
        [A.upstreamOperation]: context.operation,
        [A.outcome]: outcome,
        [A.serverAddress]: context.serverAddress,
        [A.serverPort]: context.serverPort,
      };
      const status = context.statusCode ?? context.result?.statusCode;
      if (status !== undefined) attributes[A.httpResponseStatusCode] = status;
      if (isFailure) attributes[A.errorType] = outcome;
      this.upstreamAttemptDuration.record((performance.now() - startedAt) / 1000, attributes);
    };
    const start = (context: PerformChatUpstreamAttemptContext) => {
      if (this.wanted(context.instance)) slotsOf<number>(context)[key] = performance.now();
    };
    this.subscribeTracing(PerformChatTracingChannels.upstreamAttempt, start, finish);
  }

  // The plain channels.

  private on<T extends PerformChatEventType>(type: T, record: (message: MessageOf<T>) => void): void {
    const name = performChatChannelName(type);
    const onMessage = (message: unknown) => {
      const event = message as MessageOf<T>;
      if (this.wanted(event.instance)) record(event);
    };
    diagnosticsChannel.subscribe(name, onMessage);
    this.stops.push(() => diagnosticsChannel.unsubscribe(name, onMessage));
  }

  private countEvents(): void {
    const counter = (name: string, unit: string, description: string) =>
      this.meter.createCounter(name, { unit, description });
    const rateLimit = counter(M.rateLimitRefusals, '{refusal}', 'Requests refused by a per-user (or per-IP) limit');
    const budget = counter(M.budgetRefusals, '{refusal}', "Attempts refused by the module's own upstream budget");
    const budgetWait = this.meter.createHistogram(M.budgetWaitDuration, {
      unit: 's',
      description: 'How long a token generation waited for a slot of the token budget',
      advice: { explicitBucketBoundaries: [...DURATION_BUCKETS_SECONDS] },
    });
    const breaker = counter(M.breakerTransitions, '{transition}', 'The circuit breaker opened or closed');
    const probes = counter(M.healthProbes, '{probe}', 'Health probes of the PerformChat auth endpoint');
    const stale = counter(M.tokensStale, '{token}', 'Tokens issued before a revocation, found and not served');
    const store = counter(M.tokenStoreTransitions, '{transition}', 'The token store went down or came back');
    const rotations = counter(M.keyRotations, '{rotation}', 'Key rotations after PerformChat refused the key');
    const refresh = counter(M.credentialsRefreshFailures, '{failure}', 'Failures of the credentials provider');

    this.on('rate-limit.refused', (m) => rateLimit.add(1, { [A.instance]: m.instance, [A.limiter]: m.limiter }));
    this.on('budget.refused', (m) => budget.add(1, { [A.instance]: m.instance, [A.budget]: m.budget }));
    this.on('budget.waited', (m) =>
      budgetWait.record(m.waitMs / 1000, { [A.instance]: m.instance, [A.budget]: 'tokens' }),
    );
    this.on('breaker.opened', (m) => breaker.add(1, { [A.instance]: m.instance, [A.breakerState]: 'open' }));
    this.on('breaker.closed', (m) => breaker.add(1, { [A.instance]: m.instance, [A.breakerState]: 'closed' }));
    this.on('health.probed', (m) => {
      const attributes: Attributes = { [A.instance]: m.instance, [A.outcome]: m.up ? 'up' : 'down' };
      if (!m.up && m.reason !== undefined) attributes[A.healthReason] = m.reason;
      if (m.statusCode !== undefined) attributes[A.httpResponseStatusCode] = m.statusCode;
      probes.add(1, attributes);
    });
    this.on('token.stale', (m) => stale.add(1, { [A.instance]: m.instance, [A.tokenSource]: m.source }));
    this.on('token-store.down', (m) => store.add(1, { [A.instance]: m.instance, [A.tokenStoreState]: 'down' }));
    this.on('token-store.up', (m) => store.add(1, { [A.instance]: m.instance, [A.tokenStoreState]: 'up' }));
    this.on('key.rotated', (m) => rotations.add(1, { [A.instance]: m.instance, [A.outcome]: 'ok' }));
    this.on('key.rotation-failed', (m) => rotations.add(1, { [A.instance]: m.instance, [A.outcome]: m.code }));
    this.on('credentials.refresh-failed', (m) =>
      refresh.add(1, { [A.instance]: m.instance, [A.credentialsTrigger]: m.trigger }),
    );
  }

  // The observable gauges: pulled from the state channel at each collection.

  private observeState(): void {
    const remaining = this.meter.createObservableGauge(M.budgetRemaining, {
      unit: '{request}',
      description: 'What is left of an upstream budget now (shared by every instance on the same store and key)',
    });
    const limit = this.meter.createObservableGauge(M.budgetLimit, {
      unit: '{request}',
      description: "An upstream budget's size per window",
    });
    const breaker = this.meter.createObservableGauge(M.breakerState, {
      unit: '1',
      description: 'The circuit breaker: 0 closed, 1 half-open, 2 open',
    });
    const callback: BatchObservableCallback = async (result) => {
      for (const state of await this.queryStates()) {
        if (!this.wanted(state.instance)) continue;
        const value = BREAKER_VALUES[state.breaker];
        if (value !== undefined) result.observe(breaker, value, { [A.instance]: state.instance });
        for (const budget of state.budgets) {
          const attributes = { [A.instance]: state.instance, [A.budget]: budget.budget };
          result.observe(limit, budget.limit, attributes);
          if (budget.remaining !== null) result.observe(remaining, budget.remaining, attributes);
        }
      }
    };
    const observables = [remaining, limit, breaker];
    this.meter.addBatchObservableCallback(callback, observables);
    this.stops.push(() => this.meter.removeBatchObservableCallback(callback, observables));
  }

  /** Every live instance's state; a reply slower than `stateTimeoutMs` (or failed) is left out. */
  private async queryStates(): Promise<PerformChatInstanceState[]> {
    const replies: Promise<PerformChatInstanceState | undefined>[] = [];
    const query: PerformChatStateQuery = {
      reply: (state) => void replies.push(this.bounded(Promise.resolve(state))),
    };
    performChatStateChannel.publish(query);
    const states = await Promise.all(replies);
    return states.filter((state): state is PerformChatInstanceState => state !== undefined);
  }

  private bounded<T>(promise: Promise<T>): Promise<T | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(resolve, this.stateTimeoutMs, undefined);
      timer.unref();
    });
    return Promise.race([promise.catch(() => undefined), late]).finally(() => clearTimeout(timer));
  }
}
