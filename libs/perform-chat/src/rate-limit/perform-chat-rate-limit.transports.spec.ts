import { ExecutionContext } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { Test } from '@nestjs/testing';
import { PerformChatModule } from '../perform-chat.module';
import { PerformChatModuleOptions } from '../options/perform-chat-options.interface';
import { PerformChatRateLimit } from './perform-chat-rate-limit.decorator';
import { PerformChatRateLimitGuard } from './perform-chat-rate-limit.guard';

/** The `plan` a test request carries (a header, the GraphQL context or the socket), for limits that depend on it. */
const planOf = (context: ExecutionContext): unknown => {
  const args = context.getArgs();
  return context.getType<string>() === 'graphql' ? args[2]?.req?.plan : context.switchToWs().getClient()?.plan;
};

class ChatResolver {
  @PerformChatRateLimit({ points: 2, duration: 60 })
  messages() {}

  @PerformChatRateLimit({ points: 1, duration: 60 })
  onMessage() {}

  @PerformChatRateLimit({ points: 1, duration: 60, subscriptions: true })
  onTyping() {}

  @PerformChatRateLimit({ points: (context) => (planOf(context) === 'pro' ? 3 : 1), duration: '1m' })
  byPlan() {}

  @PerformChatRateLimit({ points: () => 0, duration: () => '90 seconds' as never })
  broken() {}
}

class ChatGateway {
  @PerformChatRateLimit({ points: 2, duration: '1m' })
  send() {}
}

async function guardWith(options: Partial<PerformChatModuleOptions> = {}) {
  const ref = await Test.createTestingModule({
    imports: [PerformChatModule.forRoot({ keyId: 'pk', keySecret: 'sk', baseUrl: 'http://127.0.0.1:9', ...options })],
  }).compile();
  return { ref, guard: ref.get(PerformChatRateLimitGuard) };
}

/** A resolver call: arguments `(root, args, context, info)`. */
function graphql(handler: keyof ChatResolver, context: object, operation = 'query'): ExecutionContext {
  const host = new ExecutionContextHost(
    [undefined, {}, context, { operation: { operation } }],
    ChatResolver,
    ChatResolver.prototype[handler],
  );
  host.setType('graphql');
  return host;
}

/** A gateway message: arguments `(client, data)`. */
function ws(client: object): ExecutionContext {
  const host = new ExecutionContextHost([client, {}], ChatGateway, ChatGateway.prototype.send);
  host.setType('ws');
  return host;
}

/** An Express-like response that records its headers. */
function response() {
  const headers: Record<string, string> = {};
  return { headers, setHeader: (name: string, value: string) => void (headers[name] = value) };
}

async function refusal(run: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await run;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected a refusal');
}

describe('PerformChatRateLimitGuard on GraphQL resolvers', () => {
  it('counts per user of the context request (Apollo: { req, res }), sets the headers on res, refuses with a GraphQLError', async () => {
    const { ref, guard } = await guardWith();
    const res = response();
    const context = { req: { user: { id: 'alice' }, ip: '10.0.0.1' }, res };
    await expect(guard.canActivate(graphql('messages', context))).resolves.toBe(true);
    expect(res.headers).toEqual({ 'X-RateLimit-Limit': '2', 'X-RateLimit-Remaining': '1', 'X-RateLimit-Reset': '60' });
    await expect(guard.canActivate(graphql('messages', context))).resolves.toBe(true);

    const error = await refusal(guard.canActivate(graphql('messages', context)));
    // graphql's own class (Apollo sends `extensions` as they are), recognised here by name and shape.
    expect(error.constructor.name).toBe('GraphQLError');
    expect(error.message).toBe('Too many requests: you have reached the limit of this route; try again in 60 s');
    expect(error.extensions).toEqual({ code: 'RATE_LIMITED', retryAfterMs: expect.any(Number) });
    expect((error.extensions as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(59_000);
    expect((error.extensions as { retryAfterMs: number }).retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(res.headers['Retry-After']).toBeUndefined(); // a GraphQL answer is a 200 with errors[]
    // Another user has a counter of their own.
    await expect(guard.canActivate(graphql('messages', { req: { user: { id: 'bob' } } }))).resolves.toBe(true);
    await ref.close();
  });

  it('reads Mercurius contexts (reply.request), and the context itself when it has no request', async () => {
    const { ref, guard } = await guardWith();
    const headers: Record<string, string> = {};
    const reply = {
      request: { user: { sub: 7 } },
      header: (name: string, value: string) => void (headers[name] = value),
    };
    await guard.canActivate(graphql('messages', { reply }));
    expect(headers['X-RateLimit-Remaining']).toBe('1');
    await guard.canActivate(graphql('messages', { reply: { request: { user: { sub: 7 } } } }));
    await expect(guard.canActivate(graphql('messages', { reply }))).rejects.toMatchObject({
      extensions: { code: 'RATE_LIMITED' },
    });
    // A subscription's context often holds the user itself.
    const onTyping = { user: { id: 'carol' } };
    await guard.canActivate(graphql('onTyping', onTyping, 'subscription'));
    await expect(guard.canActivate(graphql('onTyping', onTyping, 'subscription'))).rejects.toMatchObject({
      extensions: { code: 'RATE_LIMITED' },
    });
    await ref.close();
  });

  it('skips subscriptions unless the limit (or the module) asks for them', async () => {
    const { ref, guard } = await guardWith();
    const context = { req: { user: { id: 'dave' } } };
    for (let i = 0; i < 5; i++)
      await expect(guard.canActivate(graphql('onMessage', context, 'subscription'))).resolves.toBe(true);
    await expect(guard.canActivate(graphql('onTyping', context, 'subscription'))).resolves.toBe(true);
    await expect(guard.canActivate(graphql('onTyping', context, 'subscription'))).rejects.toMatchObject({
      extensions: { code: 'RATE_LIMITED' },
    });
    await ref.close();

    const all = await guardWith({ rateLimit: { subscriptions: true } });
    await all.guard.canActivate(graphql('onMessage', context, 'subscription'));
    await expect(all.guard.canActivate(graphql('onMessage', context, 'subscription'))).rejects.toMatchObject({
      extensions: { code: 'RATE_LIMITED' },
    });
    await all.ref.close();
  });

  it('takes limits that are functions of the context, and names a wrong answer', async () => {
    const { ref, guard } = await guardWith();
    const pro = { req: { user: { id: 'erin' }, plan: 'pro' } };
    const free = { req: { user: { id: 'frank' }, plan: 'free' } };
    for (let i = 0; i < 3; i++) await expect(guard.canActivate(graphql('byPlan', pro))).resolves.toBe(true);
    await expect(guard.canActivate(graphql('byPlan', pro))).rejects.toMatchObject({
      extensions: { code: 'RATE_LIMITED' },
    });
    await expect(guard.canActivate(graphql('byPlan', free))).resolves.toBe(true);
    await expect(guard.canActivate(graphql('byPlan', free))).rejects.toMatchObject({
      extensions: { code: 'RATE_LIMITED' },
    });
    await expect(guard.canActivate(graphql('broken', pro))).rejects.toThrow(
      'A rate-limit function answered a value its option does not accept: ChatResolver.broken.points must be a positive integer; ChatResolver.broken.duration must be a positive number of seconds or a duration with its unit such as "90s", "15m", "1h", "7d"',
    );
    await ref.close();
  });
});

describe('PerformChatRateLimitGuard on WebSocket gateways', () => {
  it('counts per user of the socket (client.user, else socket.io client.data.user) across sockets, refuses with a WsException', async () => {
    const { ref, guard } = await guardWith();
    const first = { user: { id: 'alice' }, data: {}, handshake: { address: '10.0.0.1' } };
    const second = { data: { user: { id: 'alice' } }, handshake: { address: '10.0.0.2' } };
    await expect(guard.canActivate(ws(first))).resolves.toBe(true);
    await expect(guard.canActivate(ws(second))).resolves.toBe(true);
    const error = await refusal(guard.canActivate(ws(first)));
    expect(error.constructor.name).toBe('WsException');
    // What Nest's WebSocket exception filter emits to the client as the `exception` event.
    expect((error as unknown as { getError(): unknown }).getError()).toEqual({
      status: 'error',
      message: 'Too many requests: you have reached the limit of this route; try again in 60 s',
      code: 'RATE_LIMITED',
      retryAfterMs: expect.any(Number),
    });
    await ref.close();
  });

  it('counts anonymous sockets by their handshake address, IPv6 by its /64', async () => {
    const { ref, guard } = await guardWith();
    const from = (address: string) => ({ data: {}, handshake: { address } });
    await guard.canActivate(ws(from('2001:db8:1:2::1')));
    await guard.canActivate(ws(from('2001:db8:1:2::2')));
    await expect(guard.canActivate(ws(from('2001:db8:1:2::3')))).rejects.toMatchObject({
      error: { code: 'RATE_LIMITED' },
    });
    await expect(guard.canActivate(ws(from('2001:db8:1:3::1')))).resolves.toBe(true);
    await ref.close();
  });

  it('gives a tracker the socket and the context, and counts by what it answers', async () => {
    const tracker = jest.fn(
      (client: { handshake: { auth: { org: string } } }, _context: ExecutionContext) =>
        `org:${client.handshake.auth.org}`,
    );
    const { ref, guard } = await guardWith({ rateLimit: { tracker } });
    const member = (name: string) => ({ data: {}, handshake: { address: '10.0.0.9', auth: { org: 'acme', name } } });
    await guard.canActivate(ws(member('a')));
    await guard.canActivate(ws(member('b')));
    await expect(guard.canActivate(ws(member('c')))).rejects.toMatchObject({ error: { code: 'RATE_LIMITED' } });
    expect(tracker).toHaveBeenCalledWith(expect.objectContaining({ handshake: expect.anything() }), expect.anything());
    expect(tracker.mock.calls[0]?.[1].getType()).toBe('ws');
    await ref.close();
  });
});
