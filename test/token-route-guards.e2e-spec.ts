import { CanActivate, ExecutionContext, Injectable, Module, UnauthorizedException } from '@nestjs/common';
import { HTTP_PLATFORMS, ListeningApp, listenOn } from '@test/utils';
import { PerformChatModule } from 'nestjs-performchat';
import {
  EMULATOR_COUNTER_KEYS,
  EMULATOR_DEMO_AGENT_ID,
  EMULATOR_DEMO_KEY,
  PerformChatEmulator,
  startPerformChatEmulator,
} from 'nestjs-performchat/emulator';

/** The app's own user lookup, in a module of its own (what an authentication guard injects). */
@Injectable()
class ApiSessions {
  private readonly users = new Map([
    ['session-alice', 'alice'],
    ['session-bob', 'bob'],
  ]);
  userOf(session: unknown): string | undefined {
    return typeof session === 'string' ? this.users.get(session) : undefined;
  }
}
@Module({ providers: [ApiSessions], exports: [ApiSessions] })
class ApiSessionsModule {}

/** The app's authentication guard: not global, with a dependency of its own. */
@Injectable()
class SessionGuard implements CanActivate {
  constructor(private readonly sessions: ApiSessions) {}
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, unknown>; user?: unknown }>();
    const user = this.sessions.userOf(request.headers['x-session']);
    if (!user) throw new UnauthorizedException('Sign in first');
    request.user = { id: user };
    return true;
  }
}

/** A guard given as an instance: the routes of this instance are closed. */
class ClosedGuard implements CanActivate {
  canActivate(): boolean {
    return false;
  }
}

describe.each(HTTP_PLATFORMS)("the token routes behind the app's own guards, over %s", (platform) => {
  let emulator: PerformChatEmulator;
  let running: ListeningApp;
  const tokenCalls = () => emulator.state.counter(EMULATOR_COUNTER_KEYS.token).attempts;

  beforeAll(async () => {
    emulator = await startPerformChatEmulator();
    const options = {
      keyId: EMULATOR_DEMO_KEY.keyId,
      keySecret: EMULATOR_DEMO_KEY.keySecret,
      baseUrl: emulator.url,
      defaultAgentId: EMULATOR_DEMO_AGENT_ID,
      rateLimit: { points: 3, duration: 60 },
    };
    // No global guard in this app: the PerformChat routes get the app's guard through the controller extra.
    @Module({
      imports: [
        PerformChatModule.forRootAsync({
          imports: [ApiSessionsModule],
          useFactory: () => options,
          controller: { path: 'chat', guards: [SessionGuard] },
        }),
        PerformChatModule.forRoot({
          ...options,
          name: 'closed',
          controller: { path: 'closed', guards: [new ClosedGuard()] },
        }),
      ],
    })
    class GuardedAppModule {}
    running = await listenOn(platform, GuardedAppModule);
  });
  afterAll(async () => {
    await running.close();
    await emulator.close();
  });
  beforeEach(() => emulator.reset());

  const call = (path: string, session?: string, init: RequestInit = {}) =>
    fetch(`${running.url}${path}`, {
      ...init,
      headers: { ...(session ? { 'x-session': session } : {}), ...init.headers },
    });

  it("answers the guard's 401 without a session: nothing sent to PerformChat, no limit spent", async () => {
    const answer = await call('/chat/token');
    expect(answer.status).toBe(401);
    expect(await answer.json()).toEqual({ statusCode: 401, message: 'Sign in first', error: 'Unauthorized' });
    expect(answer.headers.get('x-ratelimit-remaining')).toBeNull();
    const revoke = await call('/chat/token/revoke', undefined, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(revoke.status).toBe(401);
    expect(tokenCalls()).toBe(0);
  });

  it('issues a token to the user the guard authenticated, with the per-user limit keyed by that user', async () => {
    const alice = await call('/chat/token', 'session-alice');
    expect(alice.status).toBe(200);
    expect(alice.headers.get('x-ratelimit-remaining')).toBe('2');
    const { token } = (await alice.json()) as { token: string };
    expect(emulator.verify(token)).toMatchObject({
      valid: true,
      payload: expect.objectContaining({ agentId: EMULATOR_DEMO_AGENT_ID }),
    });
    expect(emulator.state.findCustomerUser(EMULATOR_DEMO_KEY.companyId, 'alice')).toBeDefined();

    const bob = await call('/chat/token', 'session-bob');
    expect(bob.status).toBe(200);
    expect(bob.headers.get('x-ratelimit-remaining')).toBe('2');
  });

  it("takes a guard instance too: the other instance's routes stay closed (403)", async () => {
    const answer = await call('/closed/token', 'session-alice');
    expect(answer.status).toBe(403);
    expect(tokenCalls()).toBe(0);
  });
});
