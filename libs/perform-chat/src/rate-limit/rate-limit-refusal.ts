import { Messages } from '../perform-chat.messages';
import { TRANSPORT_RATE_LIMITED } from './perform-chat-rate-limit.constants';
import { PerformChatRateLimitException } from './perform-chat-rate-limit.exception';
import type { RateLimitTransport } from './rate-limit-context';

/** What a GraphQL or WebSocket refusal carries besides its message. */
export interface PerformChatRateLimitDetails {
  code: typeof TRANSPORT_RATE_LIMITED;
  /** Milliseconds until the window (or the block) ends. */
  retryAfterMs: number;
}

type Constructor = new (...args: unknown[]) => Error;

/** An export of an optional peer, or `undefined` when the app does not have it (loaded once). */
const optional = new Map<string, Constructor | undefined>();
function optionalExport(id: string, load: () => unknown): Constructor | undefined {
  if (!optional.has(id)) {
    let value: unknown;
    try {
      value = load();
    } catch {
      value = undefined;
    }
    optional.set(id, typeof value === 'function' ? (value as Constructor) : undefined);
  }
  return optional.get(id);
}

/**
 * A GraphQL error (`graphql`'s own `GraphQLError`, from the app's copy) with
 * `extensions: { code: 'RATE_LIMITED', retryAfterMs }`: Apollo and Mercurius send it in
 * `errors[]` as it is. Without `graphql` (it cannot happen in a GraphQL context, but a copy
 * may fail to load) an `Error` with the same `extensions`, which graphql-js copies.
 */
function graphqlRefusal(message: string, extensions: PerformChatRateLimitDetails): Error {
  const GraphQLError = optionalExport('GraphQLError', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const graphql = require('graphql') as Record<string, unknown>;
    return graphql.GraphQLError;
  });
  if (GraphQLError) return new GraphQLError(message, { extensions });
  return Object.assign(new Error(message), { extensions });
}

/**
 * A `WsException` of @nestjs/websockets (the app's copy: its exception filter recognises its
 * own class) whose error is `{ status: 'error', message, code: 'RATE_LIMITED', retryAfterMs }`:
 * Nest emits that object to the client as an `exception` event.
 */
function wsRefusal(message: string, details: PerformChatRateLimitDetails): Error {
  const error = { status: 'error', message, ...details };
  const WsException = optionalExport('WsException', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const websockets = require('@nestjs/websockets') as Record<string, unknown>;
    return websockets.WsException;
  });
  if (WsException) return new WsException(error);
  return Object.assign(new Error(message), { error, getError: () => error });
}

/**
 * The transport's own refusal: HTTP a 429 ({@link PerformChatRateLimitException}), GraphQL a
 * `GraphQLError`, WebSocket a `WsException`; the last two carry `code: 'RATE_LIMITED'` and
 * `retryAfterMs`.
 */
export function refusalOf(transport: RateLimitTransport, retryAfterSeconds: number, retryAfterMs: number): Error {
  if (transport === 'http') return new PerformChatRateLimitException(retryAfterSeconds);
  const message = Messages.userRateLimited(retryAfterSeconds);
  const details: PerformChatRateLimitDetails = { code: TRANSPORT_RATE_LIMITED, retryAfterMs };
  return transport === 'graphql' ? graphqlRefusal(message, details) : wsRefusal(message, details);
}
