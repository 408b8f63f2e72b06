import { captureLogs, CapturedLogs } from '@test/utils';
import { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { resolvePerformChatOptions } from '../options/perform-chat-options.validation';
import { PerformChatModuleOptions } from '../options/perform-chat-options.interface';
import { PerformChatRedisConnections } from '../redis/perform-chat-redis.connections';
import { PerformChatMemoryLimiter } from './perform-chat-memory-limiter';
import { PerformChatRateLimitStore } from './perform-chat-rate-limit.store';
import { InsuranceLimiter } from './redis-outage.monitor';

function storeFor(options: Partial<PerformChatModuleOptions>, connections = new PerformChatRedisConnections()) {
  return new PerformChatRateLimitStore(
    resolvePerformChatOptions({ keyId: 'pk', keySecret: 'sk', ...options }),
    connections,
  );
}
const inner = (limiter: unknown) => (limiter as { limiter: unknown }).limiter;

describe('PerformChatRateLimitStore', () => {
  let logs: CapturedLogs;
  beforeEach(() => (logs = captureLogs()));
  afterEach(() => logs.restore());

  it('makes one memory limiter per counter and limit, keyed <store prefix>:<name>', async () => {
    const store = storeFor({});
    const spec = { name: 'Chat.send', points: 2, duration: 60, blockDuration: 0 };
    const limiter = store.limiter(spec);
    expect(store.limiter({ ...spec })).toBe(limiter);
    expect(store.limiter({ ...spec, points: 3 })).not.toBe(limiter);
    expect(inner(limiter)).toBeInstanceOf(PerformChatMemoryLimiter);
    expect((inner(limiter) as PerformChatMemoryLimiter).keyPrefix).toBe('performchat:rl:Chat.send');
    expect(store.kind).toBe('memory');

    await expect(limiter.consume('u:1')).resolves.toEqual({
      allowed: true,
      limit: 2,
      remaining: 1,
      consumed: 1,
      msBeforeReset: 60_000,
    });
    await limiter.consume('u:1');
    await expect(limiter.consume('u:1')).resolves.toMatchObject({ allowed: false, remaining: 0, consumed: 3 });
    await expect(limiter.get('u:1')).resolves.toMatchObject({ allowed: false, consumed: 3 });
    await expect(limiter.get('u:2')).resolves.toEqual({
      allowed: true,
      limit: 2,
      remaining: 2,
      consumed: 0,
      msBeforeReset: 0,
    });
    await limiter.reward('u:1', 2);
    await expect(limiter.get('u:1')).resolves.toMatchObject({ allowed: true, consumed: 1, remaining: 1 });
  });

  it('with Redis: RateLimiterRedis with an insurance limiter of the same limits, whole seconds (rounded up, one warning)', async () => {
    const client = new Redis({ lazyConnect: true });
    const connections = new PerformChatRedisConnections();
    const store = storeFor({ rateLimit: { store: { redis: client, keyPrefix: 'spec' } } }, connections);
    const limiter = store.limiter({ name: 'Chat.fast', points: 4, duration: 0.25, blockDuration: 1.5 });
    const redis = inner(limiter) as RateLimiterRedis & { insuranceLimiter: InsuranceLimiter };
    expect(redis).toBeInstanceOf(RateLimiterRedis);
    expect(redis).toMatchObject({ points: 4, duration: 1, blockDuration: 2, keyPrefix: 'spec:Chat.fast' });
    expect(redis.insuranceLimiter).toBeInstanceOf(InsuranceLimiter);
    expect(redis.insuranceLimiter).toMatchObject({
      points: 4,
      duration: 1,
      blockDuration: 2,
      keyPrefix: 'spec:Chat.fast',
    });
    expect(connections.all()).toEqual([client]);
    expect(logs.entries).toEqual([
      {
        level: 'warn',
        message: {
          msg: 'Rate limit Chat.fast: the Redis store counts in whole seconds, so it uses duration 1 s and blockDuration 2 s',
          event: 'rate-limit.rounded-up',
          limitName: 'Chat.fast',
          durationSeconds: 1,
          blockDurationSeconds: 2,
        },
        params: [],
        context: 'PerformChat',
      },
    ]);

    // The client is not connected (lazy): the insurance limiter answers, the limit still holds.
    await expect(limiter.consume('u:1', 4)).resolves.toMatchObject({ allowed: true, remaining: 0 });
    await expect(limiter.consume('u:1')).resolves.toMatchObject({ allowed: false });
    expect(logs.events('rate-limit-store.down')).toHaveLength(1);
    client.disconnect();
  });
});
