import type { ExecutionContext } from '@nestjs/common';

/** The transports the guard limits; any other context (microservices) passes through. */
export type RateLimitTransport = 'http' | 'graphql' | 'ws';

/** A request, context or socket read by shape (each transport has its own). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Shape = Record<string, any>;

/** What the guard needs of one request, whatever carried it. */
export interface RateLimitTarget {
  transport: RateLimitTransport;
  /**
   * What `resolveUserId` and a tracker receive: the HTTP request; for GraphQL the request of its
   * context (`req`, or Mercurius's `reply.request`; the context itself when it has none, as on a
   * subscription); for a WebSocket gateway the socket client.
   */
  request: Shape;
  /** Where `X-RateLimit-*` go, when the request has an HTTP response (GraphQL: `res` or `reply` in its context). */
  response?: unknown;
  /** A GraphQL subscription (skipped unless a limit asks for them). */
  subscription: boolean;
}

const isObject = (value: unknown): value is Shape => typeof value === 'object' && value !== null;

/**
 * The request of a GraphQL resolver: its arguments are `(root, args, context, info)`. The
 * context is read by shape, never through @nestjs/graphql (an optional peer): Apollo on Express
 * and Fastify puts the request in `req` (Nest's default context is `{ req }`; add `res` to it
 * for the headers), Mercurius gives `reply` (with `reply.request`).
 */
function graphqlTarget(args: unknown[]): RateLimitTarget | undefined {
  const [, , context, info] = args as [unknown, unknown, unknown, { operation?: { operation?: string } } | undefined];
  if (!isObject(context)) return undefined;
  const request = context.req ?? context.request ?? context.reply?.request ?? context;
  return {
    transport: 'graphql',
    request: isObject(request) ? request : context,
    response: context.res ?? context.reply,
    subscription: info?.operation?.operation === 'subscription',
  };
}

/** The request of an execution context, or `undefined` when its transport is not limited. */
export function readRateLimitTarget(context: ExecutionContext): RateLimitTarget | undefined {
  switch (context.getType<string>()) {
    case 'http': {
      const http = context.switchToHttp();
      return { transport: 'http', request: http.getRequest(), response: http.getResponse(), subscription: false };
    }
    case 'graphql':
      return graphqlTarget(context.getArgs());
    case 'ws': {
      const client: unknown = context.switchToWs().getClient();
      return isObject(client) ? { transport: 'ws', request: client, subscription: false } : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * The client address of a request: `req.ip` (Express's `trust proxy`, Fastify's `trustProxy`),
 * else the socket's; for socket.io the handshake's address (the TCP peer: a proxy in front is
 * not looked through; a plain `ws` client shows none, so it counts as `ip:unknown` without a
 * user or a tracker); a graphql-ws subscription context its upgrade request's.
 */
export function clientAddressOf(target: RateLimitTarget): string | undefined {
  const request = target.request;
  const address: unknown =
    target.transport === 'ws'
      ? (request.handshake?.address ?? request.conn?.remoteAddress)
      : (request.ip ??
        request.socket?.remoteAddress ??
        request.raw?.socket?.remoteAddress ??
        request.extra?.request?.socket?.remoteAddress);
  return typeof address === 'string' && address !== '' ? address : undefined;
}
