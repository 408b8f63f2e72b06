import { closedPort } from '@test/utils';
import { TEST_REDIS_URL, deleteRedisPrefix, uniqueRedisPrefix } from '@test/utils/redis';
import { Redis } from 'ioredis';
import { PerformChatCustomerUserRecord } from './perform-chat-customer-user.store';
import {
  DEFAULT_REDIS_CUSTOMER_USER_PREFIX,
  DEFAULT_REDIS_CUSTOMER_USER_TTL_SECONDS,
} from '../options/perform-chat-options.defaults';
import { RedisCustomerUserStore } from './redis-customer-user.store';

const record = (externalId: string, customerUserId: string): PerformChatCustomerUserRecord => ({
  externalId,
  customerUserId,
  agentId: 'agent_a',
  companyId: 'company_1',
  updatedAt: new Date('2026-11-28T12:00:00.000Z'),
});

describe('RedisCustomerUserStore against a real Redis', () => {
  let redis: Redis;
  let prefix: string;
  let store: RedisCustomerUserStore;

  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  });
  beforeEach(() => {
    prefix = uniqueRedisPrefix('customer-users').replace(/:$/, '');
    store = new RedisCustomerUserStore(redis, { keyPrefix: prefix });
  });
  afterEach(() => deleteRedisPrefix(redis, prefix));
  afterAll(() => redis.quit());

  it('saves, lists, updates and removes, with dates intact', async () => {
    await store.save(record('alice', 'cu_1'));
    await store.save(record('alice', 'cu_2'));
    await store.save({ ...record('alice', 'cu_1'), agentId: 'agent_b' });

    const listed = await store.listByExternalId('alice');
    expect(listed.sort((a, b) => a.customerUserId.localeCompare(b.customerUserId))).toEqual([
      { ...record('alice', 'cu_1'), agentId: 'agent_b' },
      record('alice', 'cu_2'),
    ]);
    expect(listed[0].updatedAt).toBeInstanceOf(Date);

    await store.remove('alice', 'cu_2');
    expect(await store.listByExternalId('alice')).toHaveLength(1);
    await store.remove('alice');
    expect(await store.listByExternalId('alice')).toEqual([]);
    expect(await redis.exists(`${prefix}:{alice}`)).toBe(0);
  });

  it('keeps one hash per user at <prefix>:{<user id>}, the user id a hash tag, with the default prefix and TTL', async () => {
    const defaults = new RedisCustomerUserStore(redis);
    expect([defaults.keyPrefix, defaults.ttlSeconds]).toEqual(['performchat:cu', 365 * 86_400]);
    expect([DEFAULT_REDIS_CUSTOMER_USER_PREFIX, DEFAULT_REDIS_CUSTOMER_USER_TTL_SECONDS]).toEqual([
      'performchat:cu',
      31_536_000,
    ]);
    expect(defaults.keyOf('alice')).toBe('performchat:cu:{alice}');

    await store.save(record('alice', 'cu_1'));
    expect(await redis.type(`${prefix}:{alice}`)).toBe('hash');
    expect(Object.keys(await redis.hgetall(`${prefix}:{alice}`))).toEqual(['cu_1']);
    const ttl = await redis.ttl(`${prefix}:{alice}`);
    expect(ttl).toBeGreaterThan(DEFAULT_REDIS_CUSTOMER_USER_TTL_SECONDS - 60);
    expect(ttl).toBeLessThanOrEqual(DEFAULT_REDIS_CUSTOMER_USER_TTL_SECONDS);
    // Ids holding the separator or braces stay distinct keys.
    await store.save(record('a:b', 'cu_2'));
    await store.save(record('a}b', 'cu_3'));
    expect(await store.listByExternalId('a:b')).toEqual([record('a:b', 'cu_2')]);
    expect(await store.listByExternalId('a}b')).toEqual([record('a}b', 'cu_3')]);
  });

  it('iterates every record under its prefix only, across SCAN pages, never reading other keys there', async () => {
    const other = new RedisCustomerUserStore(redis, { keyPrefix: `${prefix}:other` });
    for (let i = 0; i < 1200; i++) await store.save(record(`user-${i}`, `cu_${i}`));
    await other.save(record('elsewhere', 'cu_x'));
    // A rate-limit counter sharing the prefix (a string: HGETALL on it would fail the listing).
    await redis.set(`${prefix}:Chat.send:{u:alice}`, '3');

    const seen: string[] = [];
    for await (const item of store.iterate()) seen.push(item.customerUserId);
    expect(new Set(seen).size).toBe(1200);
    expect(seen).not.toContain('cu_x');
    const onlyOther: string[] = [];
    for await (const item of other.iterate()) onlyOther.push(item.customerUserId);
    expect(onlyOther).toEqual(['cu_x']);
  });

  it('escapes glob characters in the prefix', async () => {
    const starry = new RedisCustomerUserStore(redis, { keyPrefix: `${prefix}[a]*?` });
    const plain = new RedisCustomerUserStore(redis, { keyPrefix: `${prefix}a` });
    await starry.save(record('u', 'cu_star'));
    await plain.save(record('u', 'cu_plain'));
    const seen: string[] = [];
    for await (const item of starry.iterate()) seen.push(item.customerUserId);
    expect(seen).toEqual(['cu_star']);
  });

  it('sets and refreshes a TTL when configured', async () => {
    const expiring = new RedisCustomerUserStore(redis, { keyPrefix: prefix, ttlSeconds: 120 });
    await expiring.save(record('alice', 'cu_1'));
    const ttl = await redis.ttl(`${prefix}:{alice}`);
    expect(ttl).toBeGreaterThan(100);
    expect(ttl).toBeLessThanOrEqual(120);
    // The next token of the user refreshes it.
    await redis.expire(`${prefix}:{alice}`, 5);
    await expiring.save(record('alice', 'cu_2'));
    expect(await redis.ttl(`${prefix}:{alice}`)).toBeGreaterThan(100);
  });

  it('skips values it did not write instead of failing', async () => {
    await store.save(record('alice', 'cu_1'));
    await redis.hset(`${prefix}:{alice}`, 'garbage', '{not json');
    expect(await store.listByExternalId('alice')).toEqual([record('alice', 'cu_1')]);
  });

  it('a reply error is STORE_UNAVAILABLE with one line naming the reply, not the ioredis error', async () => {
    await redis.set(`${prefix}:{alice}`, 'a string, not a hash');
    const failure = await store.listByExternalId('alice').catch((error: unknown) => error);
    expect(failure).toMatchObject({
      name: 'PerformChatError',
      code: 'STORE_UNAVAILABLE',
      message: expect.stringMatching(
        /^Redis at 127\.0\.0\.1:\d+ refused the command \(WRONGTYPE Operation against a key holding the wrong kind of value\)$/,
      ),
    });
    expect(Object.keys(failure as object)).not.toContain('cause');
  });
});

describe('RedisCustomerUserStore while Redis is down', () => {
  let redis: Redis;
  let where: string;
  beforeAll(async () => {
    const port = await closedPort();
    where = `127.0.0.1:${port}`;
    // The module's own settings for a URL (perform-chat-redis.connections.ts).
    // disconnectTimeout: the refused socket never closes again, so its 2 s default timer would outlive the test.
    redis = new Redis(`redis://${where}`, { maxRetriesPerRequest: 1, connectTimeout: 2_000, disconnectTimeout: 10 });
    redis.on('error', () => undefined);
  });
  afterAll(() => redis.disconnect());

  it('fails every call with STORE_UNAVAILABLE, at once once the connection is known lost', async () => {
    const store = new RedisCustomerUserStore(redis, { keyPrefix: 'test:down' });
    // The first call waits for one connection attempt (commands sent while connecting queue).
    await expect(store.listByExternalId('alice')).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
      message: expect.stringMatching(
        new RegExp(`^Redis at ${where} (does not answer \\(\\w+\\)|is not connected \\(\\w+\\))$`),
      ),
    });
    expect(redis.status).toBe('reconnecting');

    const calls: [string, () => Promise<unknown>][] = [
      ['save', () => store.save(record('alice', 'cu_1'))],
      ['listByExternalId', () => store.listByExternalId('alice')],
      ['remove', () => store.remove('alice')],
      [
        'iterate',
        async () => {
          for await (const item of store.iterate()) return item;
        },
      ],
    ];
    for (const [, call] of calls) {
      const startedAt = Date.now();
      await expect(call()).rejects.toMatchObject({
        code: 'STORE_UNAVAILABLE',
        message: `Redis at ${where} is not connected (reconnecting)`,
      });
      // Not after ioredis's reconnection backoff (50 ms and growing, up to 2 s).
      expect(Date.now() - startedAt).toBeLessThan(50);
    }
  });
});
