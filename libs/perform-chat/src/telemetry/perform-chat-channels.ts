import * as diagnosticsChannel from 'node:diagnostics_channel';
import type { PerformChatErrorCode } from '../errors/perform-chat-error-code';
import type { PerformChatTelemetryEvent } from './perform-chat-telemetry.events';

/**
 * What the module publishes on `node:diagnostics_channel` (README "Observability"). Names and
 * message types are public API: subscribe with `diagnostics_channel.subscribe(name, fn)` or
 * `diagnostics_channel.tracingChannel(name).subscribe({...})`. Nothing is built or published
 * while a channel has no subscriber, and no message ever holds the key secret, an issued token
 * or a Redis password.
 */
export const PERFORM_CHAT_CHANNEL_PREFIX = 'nestjs-performchat';

/**
 * The operations with a start and an end, as `TracingChannel`s: Node publishes on
 * `tracing:<name>:start`, `:end`, `:asyncStart`, `:asyncEnd` and `:error`, the same context
 * object throughout (its `result` or `error` set before `asyncEnd`).
 */
export const PerformChatTracingChannels = {
  /** One token request of `PerformChatAuthService.generateToken` (reused and shared ones too): {@link PerformChatTokenIssueContext}. */
  tokenIssue: `${PERFORM_CHAT_CHANNEL_PREFIX}:token.issue`,
  /** One invalidation of a customer user's tokens: {@link PerformChatTokensInvalidateContext}. */
  tokensInvalidate: `${PERFORM_CHAT_CHANNEL_PREFIX}:tokens.invalidate`,
  /** One HTTP attempt at PerformChat (each retry its own): {@link PerformChatUpstreamAttemptContext}. */
  upstreamAttempt: `${PERFORM_CHAT_CHANNEL_PREFIX}:upstream.attempt`,
} as const;

/** The type of every event reported on the telemetry seam, each with a plain channel of its own. */
export type PerformChatEventType = PerformChatTelemetryEvent['type'];

/**
 * Every event of the telemetry seam is published on the plain channel `nestjs-performchat:<type>`
 * (`nestjs-performchat:rate-limit.refused`, ...), its message the event plus the instance name
 * ({@link PerformChatChannelMessage}).
 */
export const PERFORM_CHAT_EVENT_TYPES: readonly PerformChatEventType[] = [
  'attempt.failed',
  'call.succeeded',
  'budget.refused',
  'budget.waited',
  'breaker.opened',
  'breaker.closed',
  'rate-limit.refused',
  'health.probed',
  'key.rotated',
  'key.rotation-failed',
  'credentials.refresh-failed',
  'token.reused',
  'token.shared',
  'token.stale',
  'token-store.down',
  'token-store.up',
];

/** The plain channel of one event type: `nestjs-performchat:<type>`. */
export function performChatChannelName(type: PerformChatEventType): string {
  return `${PERFORM_CHAT_CHANNEL_PREFIX}:${type}`;
}

/** The message on a plain channel: the event and the module instance that reported it. */
export type PerformChatChannelMessage<T extends PerformChatEventType = PerformChatEventType> = Extract<
  PerformChatTelemetryEvent,
  { type: T }
> & {
  /** `default`, or the instance's `name`. */
  instance: string;
};

/**
 * The plain channel where each instance answers a state query (pull, for gauges):
 * publish a {@link PerformChatStateQuery}, and every live instance calls its `reply`.
 */
export const PERFORM_CHAT_STATE_CHANNEL = `${PERFORM_CHAT_CHANNEL_PREFIX}:state`;

/**
 * The state channel's object, held for the life of the process. Node (20 at least) keeps channels
 * by name through weak references and a finalizer that removes the name when a channel object
 * is collected; a channel that lost its last subscriber (an app closed) and was collected can
 * have its finalizer run after the next subscriber (the next app) created a new one, and the
 * name then leads to a third object without subscribers: every query goes unanswered. Held
 * here, the object is never collected, and the module's reporter and bridge use it directly.
 */
export const performChatStateChannel: diagnosticsChannel.Channel =
  diagnosticsChannel.channel(PERFORM_CHAT_STATE_CHANNEL);

/** Published on {@link PERFORM_CHAT_STATE_CHANNEL}; each instance replies synchronously (its state may be a promise). */
export interface PerformChatStateQuery {
  reply(state: PerformChatInstanceState | Promise<PerformChatInstanceState>): void;
}

/** One instance's state of the moment. */
export interface PerformChatInstanceState {
  instance: string;
  /** The key in use (its id: the budgets are the key's). */
  keyId: string;
  breaker: 'closed' | 'open' | 'half-open' | 'disabled';
  /** The upstream budgets, when `upstreamBudget` is on (else `[]`). */
  budgets: PerformChatBudgetState[];
}

export interface PerformChatBudgetState {
  /** `tokens`: token generations (a sliding window); `api-requests`: every API request (a fixed window). */
  budget: 'tokens' | 'api-requests';
  limit: number;
  windowSeconds: number;
  /**
   * What is left now, shared by every instance on the same store and key (slots reserved by
   * waiting requests count as spent); `null` when the store did not answer.
   */
  remaining: number | null;
}

/** What every tracing context holds. */
export interface PerformChatOperationContext {
  /** `default`, or the instance's `name`. */
  instance: string;
  /** Set by Node on failure: a `PerformChatError` (secret-free), or another `Error` for a bug. */
  error?: unknown;
  /** Set at the end: the code of `error` when it is a `PerformChatError`. */
  errorCode?: PerformChatErrorCode;
}

/**
 * What the HTTP client writes into the context of the operation it works for (passed down with
 * the call, no AsyncLocalStorage): its attempts, and the server they went to.
 */
export interface PerformChatCallTrace {
  /** HTTP attempts made at PerformChat for this operation (0 when none was sent). */
  attempts: number;
  /** PerformChat's host name and port, once an attempt was made (`server.address`, `server.port`). */
  serverAddress?: string;
  serverPort?: number;
}

/** The context of {@link PerformChatTracingChannels.tokenIssue}. */
export interface PerformChatTokenIssueContext extends PerformChatOperationContext, PerformChatCallTrace {
  /** Your user id (for traces and audit: never put it in a metric). Absent when it was invalid. */
  userId?: string;
  /** The agent chosen (the caller's or `defaultAgentId`), once checked. */
  agentId?: string;
  expiresInSeconds?: number;
  /** Set on success (never the token itself). */
  result?: {
    source: 'generated' | 'reused' | 'shared';
    agentId: string;
    expiresInSeconds: number;
    customerUserId: string;
  };
}

/** The context of {@link PerformChatTracingChannels.tokensInvalidate}. */
export interface PerformChatTokensInvalidateContext extends PerformChatOperationContext, PerformChatCallTrace {
  customerUserId: string;
  /** Your user id, when the invalidation went through `invalidateUserTokens` and friends. */
  userId?: string;
  result?: { newTokenVersion: number };
}

/** The context of {@link PerformChatTracingChannels.upstreamAttempt}. */
export interface PerformChatUpstreamAttemptContext extends PerformChatOperationContext {
  /** The resource's operation (`generateToken`, `invalidateTokens`, `getAgent`, ...). */
  operation: string;
  method: string;
  /** PerformChat's host name and port (OpenTelemetry's `server.address`, `server.port`). */
  serverAddress: string;
  serverPort: number;
  /** 1 for the first attempt of a call. */
  attempt: number;
  keyId: string;
  /** PerformChat's HTTP status, when it answered (set at the end). */
  statusCode?: number;
  /** Set on success. */
  result?: { statusCode: number };
}

const tracing = {
  tokenIssue: diagnosticsChannel.tracingChannel<unknown, PerformChatTokenIssueContext>(
    PerformChatTracingChannels.tokenIssue,
  ),
  tokensInvalidate: diagnosticsChannel.tracingChannel<unknown, PerformChatTokensInvalidateContext>(
    PerformChatTracingChannels.tokensInvalidate,
  ),
  upstreamAttempt: diagnosticsChannel.tracingChannel<unknown, PerformChatUpstreamAttemptContext>(
    PerformChatTracingChannels.upstreamAttempt,
  ),
};

type TracingName = keyof typeof tracing;
type ContextOf<N extends TracingName> = N extends 'tokenIssue'
  ? PerformChatTokenIssueContext
  : N extends 'tokensInvalidate'
    ? PerformChatTokensInvalidateContext
    : PerformChatUpstreamAttemptContext;

/** True when someone listens to the operation's channels (then, and only then, build its context). */
export function isTraced(name: TracingName): boolean {
  return tracing[name].hasSubscribers;
}

/**
 * Runs `fn` as one traced operation when someone subscribes (the callers check {@link isTraced}
 * first). `summary` says what of the value goes into the context's `result`: never the value
 * itself, which may hold a token. `context.errorCode` is set from a failure's `code`.
 *
 * It publishes what `TracingChannel.tracePromise` publishes, in the same order and with the
 * same store binding (`start.runStores`): `start`, `end` once `fn` returned its promise, then
 * `asyncStart` and `asyncEnd` (after `error` on a failure). It does not call `tracePromise`
 * because that puts the value itself in `result` (a token) and would need a wrapping async
 * function per operation to avoid it.
 */
export function traceOperation<N extends TracingName, T>(
  name: N,
  context: ContextOf<N>,
  fn: () => Promise<T>,
  summary: (value: T, context: ContextOf<N>) => NonNullable<ContextOf<N>['result']>,
): Promise<T> {
  const { start, end, asyncStart, asyncEnd, error } = tracing[name] as unknown as diagnosticsChannel.TracingChannel<
    unknown,
    ContextOf<N>
  >;
  const failed = (thrown: unknown) => {
    const code = (thrown as { code?: unknown } | null)?.code;
    if (typeof code === 'string') context.errorCode = code as PerformChatErrorCode;
    context.error = thrown;
    error.publish(context);
  };
  const rejected = (thrown: unknown): never => {
    failed(thrown);
    asyncStart.publish(context);
    asyncEnd.publish(context);
    throw thrown;
  };
  const resolved = (value: T): T => {
    let result: NonNullable<ContextOf<N>['result']>;
    try {
      result = summary(value, context);
    } catch (bug) {
      return rejected(bug);
    }
    context.result = result;
    asyncStart.publish(context);
    asyncEnd.publish(context);
    return value;
  };
  return start.runStores(context, () => {
    let promise: Promise<T>;
    try {
      promise = fn();
    } catch (thrown) {
      failed(thrown);
      throw thrown;
    } finally {
      end.publish(context);
    }
    return promise.then(resolved, rejected);
  });
}

/** The plain channel of each event type, created once. */
const eventChannels = new Map<string, diagnosticsChannel.Channel>(
  PERFORM_CHAT_EVENT_TYPES.map((type) => [type, diagnosticsChannel.channel(performChatChannelName(type))]),
);

/**
 * The telemetry listener that publishes each event on its channel, with the instance name; it
 * builds the message only for a channel with subscribers.
 */
export function performChatChannelListener(instance: string): (event: PerformChatTelemetryEvent) => void {
  return (event) => {
    const channel = eventChannels.get(event.type);
    if (channel?.hasSubscribers) channel.publish({ ...event, instance });
  };
}
