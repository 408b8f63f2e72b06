import { ExecutionContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { PerformChatModule } from '../perform-chat.module';
import { PerformChatModuleOptions } from '../options/perform-chat-options.interface';
import { PerformChatRateLimitGuard } from './perform-chat-rate-limit.guard';

async function guardWith(options: Partial<PerformChatModuleOptions> = {}) {
  const ref = await Test.createTestingModule({
    imports: [PerformChatModule.forRoot({ keyId: 'pk', keySecret: 'sk', baseUrl: 'http://127.0.0.1:9', ...options })],
  }).compile();
  return { ref, guard: ref.get(PerformChatRateLimitGuard) };
}

describe('PerformChatRateLimitGuard', () => {
  it('keys by the user id from the default resolver (req.user.id, else req.user.sub), prefixed u:', async () => {
    const { ref, guard } = await guardWith();
    expect(guard.callerKey({ user: { id: 'alice' }, ip: '10.0.0.1' } as never)).toBe('u:alice');
    expect(guard.callerKey({ user: { sub: 42 }, ip: '10.0.0.1' } as never)).toBe('u:42');
    await ref.close();
  });

  it('keys by the same resolveUserId option as the token routes', async () => {
    const { ref, guard } = await guardWith({ resolveUserId: (req) => req.session?.accountId });
    expect(guard.callerKey({ session: { accountId: 'acc-7' }, user: { id: 'ignored' } } as never)).toBe('u:acc-7');
    expect(guard.callerKey({ user: { id: 'ignored' }, ip: '10.0.0.2' } as never)).toBe('ip:10.0.0.2');
    await ref.close();
  });

  it('falls back to the client IP (req.ip, then the socket) when there is no user or the resolver throws', async () => {
    const { ref, guard } = await guardWith({
      resolveUserId: () => {
        throw new Error('no session store');
      },
    });
    expect(guard.callerKey({ ip: '2001:db8::1' } as never)).toBe('ip:2001:db8::/64');
    expect(guard.callerKey({ socket: { remoteAddress: '10.0.0.3' } } as never)).toBe('ip:10.0.0.3');
    expect(guard.callerKey({ raw: { socket: { remoteAddress: '10.0.0.4' } } } as never)).toBe('ip:10.0.0.4');
    expect(guard.callerKey({} as never)).toBe('ip:unknown');
    await ref.close();
  });

  it('does not limit non-HTTP contexts (microservices, websockets)', async () => {
    const { ref, guard } = await guardWith({ rateLimit: { points: 1 } });
    const context = { getType: () => 'rpc' } as unknown as ExecutionContext;
    await expect(guard.canActivate(context)).resolves.toBe(true);
    await expect(guard.canActivate(context)).resolves.toBe(true);
    await ref.close();
  });
});
