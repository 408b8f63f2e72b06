import { Test, TestingModule } from '@nestjs/testing';
import { closedPort } from '@test/utils';
import { Redis } from 'ioredis';
import { once } from 'node:events';
import { PerformChatModule } from '../perform-chat.module';
import { PerformChatRedisConnections } from '../redis/perform-chat-redis.connections';
import { PerformChatRedisClient } from '../redis/redis-client';
import { PerformChatRedisHealthIndicator } from './perform-chat-redis-health.indicator';

/** The real Redis of the test environment (REDIS_URL overrides). */
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const REDIS_PASSWORD = 'redis-pw-SECRET-5e1';
const TIMEOUT_MS = 200;

async function ready<T extends PerformChatRedisClient>(client: T): Promise<T> {
  if (client.status !== 'ready') await once(client, 'ready');
  return client;
}

function hostPort(url: string): string {
  const { hostname, port } = new URL(url);
  return `${hostname}:${port || 6379}`;
}

describe('PerformChatRedisHealthIndicator against real Redis connections', () => {
  let ref: TestingModule;
  let connections: PerformChatRedisConnections;
  let indicator: PerformChatRedisHealthIndicator;
  let stoppedUrl: string;
  const yourClients: Redis[] = [];

  /**
   * A client the app built itself. ioredis defaults (offline queue on: PING waits for a
   * connection), or `enableOfflineQueue: false` as the module's own connections use (PING fails
   * at once). A short disconnectTimeout: ioredis's 2 s default leaves a timer behind when a
   * client that never connected is disconnected, which would hold Jest open.
   */
  function yourClient(url: string, offlineQueue = true): Redis {
    const client = new Redis(url, { retryStrategy: () => 50, enableOfflineQueue: offlineQueue, disconnectTimeout: 20 });
    client.on('error', () => undefined);
    yourClients.push(client);
    return connections.get(client);
  }

  beforeAll(async () => {
    stoppedUrl = `redis://127.0.0.1:${await closedPort()}`;
  });
  beforeEach(async () => {
    ref = await Test.createTestingModule({
      imports: [
        PerformChatModule.forRoot({
          keyId: 'pk_redis_health',
          keySecret: 'sk_redis_health_SECRET',
          health: { timeoutMs: TIMEOUT_MS },
        }),
      ],
    }).compile();
    connections = ref.get(PerformChatRedisConnections);
    indicator = ref.get(PerformChatRedisHealthIndicator);
  });
  afterEach(async () => {
    await ref.close();
    for (const client of yourClients.splice(0)) client.disconnect();
  });

  it('without any Redis store it is up with { clients: 0 } and hasClients() is false', async () => {
    expect(indicator.hasClients()).toBe(false);
    await expect(indicator.isHealthy()).resolves.toEqual({ performchat_redis: { status: 'up', clients: 0 } });
  });

  it.each([
    ['a module-owned connection (URL)', () => ready(connections.get(REDIS_URL)), 1],
    ['your own ioredis client', () => ready(yourClient(REDIS_URL)), 1],
    [
      'both, sharing nothing',
      async () => Promise.all([ready(connections.get(REDIS_URL)), ready(yourClient(REDIS_URL))]),
      2,
    ],
  ])('with %s to the running Redis it is up', async (_name, register, clients) => {
    await register();

    const result = await indicator.isHealthy('redis');

    expect(indicator.hasClients()).toBe(true);
    expect(result).toEqual({ redis: { status: 'up', clients, latencyMs: expect.any(Number) } });
  });

  it.each([
    {
      name: 'a client without offline queue (like the module-owned ones) to a stopped Redis fails at once',
      register: () => yourClient(stoppedUrl.replace('redis://', `redis://:${REDIS_PASSWORD}@`), false),
      reason: 'not_connected',
      message: /^PING failed \(connection \w+\): /,
      maxMs: 100,
    },
    {
      name: 'your client (offline queue on) to a stopped Redis times out',
      register: () => yourClient(stoppedUrl),
      reason: 'timeout',
      message: new RegExp(`^timeout of ${TIMEOUT_MS} ms exceeded$`),
      maxMs: TIMEOUT_MS + 250,
    },
  ])('$name: down, naming the client and the failure', async ({ register, reason, message, maxMs }) => {
    await ready(connections.get(REDIS_URL));
    register();

    const startedAt = Date.now();
    const result = await indicator.isHealthy();
    const elapsed = Date.now() - startedAt;

    const client = hostPort(stoppedUrl);
    expect(result).toEqual({
      performchat_redis: {
        status: 'down',
        clients: 2,
        message: expect.stringMatching(new RegExp(`^${client}: `)),
        failures: [{ client, reason, message: expect.stringMatching(message) }],
      },
    });
    expect(elapsed).toBeLessThan(maxMs);
    if (reason === 'timeout') expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
    expect(JSON.stringify(result)).not.toContain(REDIS_PASSWORD);
  });

  it('a per-call timeoutMs overrides the module health.timeoutMs', async () => {
    yourClient(stoppedUrl);

    const result = await indicator.isHealthy('performchat_redis', { timeoutMs: 50 });

    expect(result.performchat_redis).toMatchObject({
      status: 'down',
      failures: [{ reason: 'timeout', message: 'timeout of 50 ms exceeded' }],
    });
  });

  it('a misspelt per-call option is refused, not silently ignored', async () => {
    await expect(indicator.isHealthy('performchat_redis', { timeOutMs: 50 } as never)).rejects.toThrow(
      /timeOutMs: unknown option, did you mean timeoutMs\?/,
    );
    await expect(indicator.isHealthy('performchat_redis', { timeoutMs: 0 })).rejects.toThrow(/timeoutMs/);
  });
});
