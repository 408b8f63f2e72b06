import { CapturedLogs, captureLogs } from '@test/utils';
import { Cluster, Redis } from 'ioredis';
import { PerformChatAuthService, PerformChatModuleOptions, PerformChatRedisHealthIndicator } from 'nestjs-performchat';
import {
  EMULATOR_COUNTER_KEYS,
  EMULATOR_DEMO_AGENT_ID,
  EMULATOR_DEMO_KEY,
  PerformChatEmulator,
  startPerformChatEmulator,
} from 'nestjs-performchat/emulator';
import request from 'supertest';
import { RunningRateLimitApp, TestPlatform, startRateLimitApp } from './utils/rate-limit-app';
import { TEST_REDIS_URL, deleteRedisPrefix, uniqueRedisPrefix } from './utils/redis';
import { RedisClusterProcess, startRedisCluster } from './utils/redis-cluster';

const USER = 'x-demo-user';
const KEY_ID = EMULATOR_DEMO_KEY.keyId;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What a user of the module would pass for their own Cluster client (README "Redis Cluster"). */
const CLUSTER_CLIENT_OPTIONS = {
  maxRedirections: 4,
  retryDelayOnFailover: 100,
  retryDelayOnClusterDown: 100,
  redisOptions: { maxRetriesPerRequest: 1, connectTimeout: 2_000, disconnectTimeout: 200 },
};

/** Resolves once `check` passes, retrying every 50 ms for at most `timeoutMs`. */
async function eventually(check: () => Promise<void>, timeoutMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(50);
    }
  }
}

/** The same store on one node and on a cluster: only the connection differs. */
interface Row {
  kind: 'single node' | 'cluster';
  /** The URL form (module-owned connection) for the first app. */
  url: () => string;
  /** Your own client for the second app: a `Redis` or a `Cluster`. */
  client: () => Redis | Cluster;
}

/**
 * Redis Cluster (issue 20) against a real local cluster the harness starts: 3 masters with a
 * replica each, on free ports, stopped afterwards. The same cases also run on one node (the
 * shared test Redis, own prefixes) where the code differs: listing keys, the key layout, health.
 */
describe('Redis Cluster: one key layout, every master, a failover under load', () => {
  let cluster: RedisClusterProcess;
  let emulator: PerformChatEmulator;
  let reader: Cluster;
  let single: Redis;
  let logs: CapturedLogs;
  const clients: (Redis | Cluster)[] = [];
  const tokenAttempts = () => emulator.state.counter(EMULATOR_COUNTER_KEYS.token).attempts;

  /** Keys matching `pattern` on each master of the cluster, by port (SCAN on every master). */
  async function keysPerMaster(pattern: string): Promise<Map<number, string[]>> {
    const byMaster = new Map<number, string[]>();
    for (const port of await cluster.masterPorts()) {
      const out = await cluster.cli(port, '--scan', '--pattern', pattern);
      byMaster.set(port, out.split('\n').filter(Boolean));
    }
    return byMaster;
  }

  function ownClient(kind: Row['kind']): Redis | Cluster {
    const client =
      kind === 'cluster'
        ? new Cluster(cluster.startupNodes, CLUSTER_CLIENT_OPTIONS)
        : new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
    client.on('error', () => undefined);
    clients.push(client);
    return client;
  }

  beforeAll(async () => {
    logs = captureLogs();
    [cluster, emulator] = await Promise.all([
      // The replica is promoted by CLUSTER FAILOVER TAKEOVER, at once: a node timeout of 3 s keeps
      // the cluster's own failover (timeout + election) from racing it on a busy machine.
      startRedisCluster({ nodeTimeoutMs: 3_000 }),
      startPerformChatEmulator({
        rateLimits: { tokenGenerations: false, apiRequests: { points: Infinity }, failedAuth: false },
      }),
    ]);
    reader = new Cluster(cluster.startupNodes, CLUSTER_CLIENT_OPTIONS);
    reader.on('error', () => undefined);
    single = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  }, 20_000);
  afterAll(async () => {
    logs?.restore();
    for (const client of clients) client.disconnect();
    reader?.disconnect();
    await single?.quit();
    await emulator?.close();
    await cluster?.stop();
  });

  const rows: Row[] = [
    { kind: 'single node', url: () => TEST_REDIS_URL, client: () => ownClient('single node') },
    { kind: 'cluster', url: () => cluster.url, client: () => ownClient('cluster') },
  ];

  /** Two instances of one app (Express on the URL, Fastify on your own client) sharing the stores. */
  async function startInstances(row: Row, prefix: string, limits: { points?: number; tokensPerMinute: number }) {
    const own = row.client();
    const options = (redis: string | Redis | Cluster): Partial<PerformChatModuleOptions> => ({
      keyId: KEY_ID,
      keySecret: EMULATOR_DEMO_KEY.keySecret,
      baseUrl: emulator.url,
      defaultAgentId: EMULATOR_DEMO_AGENT_ID,
      rateLimit: { ...(limits.points ? { points: limits.points } : {}), store: { redis, keyPrefix: `${prefix}:rl` } },
      upstreamBudget: { tokensPerMinute: limits.tokensPerMinute },
      customerUserStore: { redis, keyPrefix: `${prefix}:cu` },
    });
    const start = (platform: TestPlatform, redis: string | Redis | Cluster) =>
      startRateLimitApp({ platform, module: options(redis) });
    return Promise.all([start('express', row.url()), start('fastify', own)]);
  }

  describe.each(rows)('on $kind', (row) => {
    let one: RunningRateLimitApp;
    let two: RunningRateLimitApp;
    let prefix: string;
    const read = () => (row.kind === 'cluster' ? reader : single);
    const hit = (i: number, path: string, user: string) =>
      request((i % 2 === 0 ? one : two).url)
        .get(path)
        .set(USER, user);

    beforeAll(async () => {
      prefix = uniqueRedisPrefix(`cluster-spec:${row.kind.replace(' ', '-')}`).replace(/:$/, '');
      [one, two] = await startInstances(row, prefix, { tokensPerMinute: 30 });
    });
    afterAll(async () => {
      await Promise.all([one?.close(), two?.close()]);
      if (row.kind === 'single node') await deleteRedisPrefix(single, prefix);
    });

    it('holds the per-user limit exactly across two instances, under <prefix>:<counter>:{u:<id>}', async () => {
      const answers = await Promise.all(Array.from({ length: 300 }, (_, i) => hit(i, '/rl/exact', 'shared-user')));
      expect(answers.filter((a) => a.status === 200)).toHaveLength(50);
      expect(answers.filter((a) => a.status === 429)).toHaveLength(250);
      expect(answers.filter((a, i) => a.status === 200 && i % 2 === 0).length).toBeGreaterThan(0);
      expect(answers.filter((a, i) => a.status === 200 && i % 2 === 1).length).toBeGreaterThan(0);
      expect(await read().get(`${prefix}:rl:RateLimitedController.exact:{u:shared-user}`)).toBe('300');
    });

    it('keeps each of many users exact; on a cluster their counters spread over every master', async () => {
      const users = Array.from({ length: 30 }, (_, i) => `spread-${i}`);
      const answers = await Promise.all(
        users.flatMap((user, u) => Array.from({ length: 5 }, (_, i) => hit(u + i, '/rl/a', user))),
      );
      for (let u = 0; u < users.length; u++) {
        const mine = answers.slice(u * 5, u * 5 + 5).map((a) => a.status);
        expect(mine.filter((status) => status === 200)).toHaveLength(3);
        expect(mine.filter((status) => status === 429)).toHaveLength(2);
      }
      if (row.kind === 'cluster') {
        const byMaster = await keysPerMaster(`${prefix}:rl:RateLimitedController.a:*`);
        expect(byMaster.size).toBe(3);
        for (const keys of byMaster.values()) expect(keys.length).toBeGreaterThan(0);
        expect([...byMaster.values()].flat()).toHaveLength(30);
      }
    });

    it('holds the upstream budget exactly across two instances (one key, {keyId})', async () => {
      const before = tokenAttempts();
      const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => hit(i, '/chat/token', `budget-${i}`)));
      expect(answers.filter((a) => a.status === 200)).toHaveLength(30);
      const refused = answers.filter((a) => a.status !== 200);
      expect(refused.map((a) => a.status)).toEqual(Array(30).fill(503));
      expect(refused[0].headers['retry-after']).toBeDefined();
      expect(tokenAttempts() - before).toBe(30);
      expect(await read().get(`${prefix}:rl:upstream-budget.tokens:{${KEY_ID}}`)).toBe('60');
    });

    it('stores customer users at <prefix>:{<user id>}; invalidateAllKnownUsers finds them on every master', async () => {
      const issued = Array.from({ length: 30 }, (_, i) => `budget-${i}`);
      const stored: string[] = [];
      for (const user of [...issued, ...Array.from({ length: 30 }, (_, i) => `budget-${i + 30}`)]) {
        if ((await read().exists(`${prefix}:cu:{${user}}`)) === 1) stored.push(user);
      }
      expect(stored).toHaveLength(30);
      const ttl = await read().ttl(`${prefix}:cu:{${stored[0]}}`);
      // The documented default: the longest token lifetime (no maxExpiresIn: 365 days).
      expect(ttl).toBeGreaterThan(365 * 86_400 - 60);
      if (row.kind === 'cluster') {
        const byMaster = await keysPerMaster(`${prefix}:cu:{*`);
        expect([...byMaster.values()].every((keys) => keys.length > 0)).toBe(true);
        expect([...byMaster.values()].flat()).toHaveLength(30);
      }
      const summary = await two.app.get(PerformChatAuthService).invalidateAllKnownUsers();
      expect(summary).toEqual({ total: 30, invalidated: 30, gone: 0, failed: [] });
    });

    it('reports every master in health (PING each), up while all answer', async () => {
      const health = await one.app.get(PerformChatRedisHealthIndicator).isHealthy('redis');
      expect(health).toEqual({ redis: { status: 'up', clients: 1, latencyMs: expect.any(Number) } });
      const own = await two.app.get(PerformChatRedisHealthIndicator).isHealthy('redis');
      expect(own.redis.status).toBe('up');
    });
  });

  describe('a master killed under load (cluster)', () => {
    let one: RunningRateLimitApp;
    let two: RunningRateLimitApp;
    let prefix: string;
    const hit = (i: number, path: string, user: string) =>
      request((i % 2 === 0 ? one : two).url)
        .get(path)
        .set(USER, user);

    beforeAll(async () => {
      prefix = 'failover';
      // Limits far above the load: it must see 200s, so any other status is the failover's doing.
      [one, two] = await startInstances(rows[1], prefix, { points: 10_000, tokensPerMinute: 100_000 });
    });
    afterAll(() => Promise.all([one?.close(), two?.close()]));

    it('answers no request with a 5xx while the replica takes over, then counts exactly in Redis again', async () => {
      const owners = await cluster.ownersOf(`${prefix}:rl:RateLimitedController.default:{u:victim}`);
      const victim = { master: owners.master, replica: owners.replica as number };
      expect(victim.replica).toBeDefined();
      const statuses = new Map<number, number>();
      let stop = false;
      let sent = 0;
      const users = ['victim', ...Array.from({ length: 19 }, (_, i) => `load-${i}`)];
      const worker = async (w: number) => {
        for (let i = w; !stop; i += 8) {
          const user = users[i % users.length];
          const path = i % 3 === 0 ? '/chat/token' : '/rl/default';
          const answer = await hit(i, path, user);
          sent++;
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        }
      };
      const load = Promise.all(Array.from({ length: 8 }, (_, w) => worker(w)));
      await sleep(200);
      const sentBeforeKill = sent;

      await cluster.kill(victim.master);
      await sleep(300);
      // While the master is down its slots answer through the insurance limiter; health says so.
      const during = await one.app.get(PerformChatRedisHealthIndicator).isHealthy('redis');
      expect(during.redis).toMatchObject({
        status: 'down',
        failures: [expect.objectContaining({ client: `127.0.0.1:${victim.master}` })],
      });

      await cluster.promote(victim.replica);
      await sleep(300);
      stop = true;
      await load;

      expect(sentBeforeKill).toBeGreaterThan(0);
      expect(sent - sentBeforeKill).toBeGreaterThan(50);
      expect([...statuses.keys()].filter((status) => status >= 500)).toEqual([]);
      expect([...statuses.keys()].sort()).toEqual([200]);
      // One warning per instance for the whole failover, not one per request or per flip.
      const warnings = logs.lines.filter(
        (line) => line.startsWith('warn') && line.includes('does not answer for some keys'),
      );
      expect(warnings.length).toBeGreaterThanOrEqual(1);
      expect(warnings.length).toBeLessThanOrEqual(2);

      // After the failover: every master answers PING (the health check reloads the slot table)...
      await eventually(async () => {
        for (const app of [one, two]) {
          expect((await app.app.get(PerformChatRedisHealthIndicator).isHealthy('redis')).redis.status).toBe('up');
        }
      });
      // ...and a user on the promoted master's slots is limited exactly again, in Redis.
      let fresh = '';
      for (let i = 0; !fresh; i++) {
        const owners = await cluster.ownersOf(`{u:after-${i}}`);
        if (owners.master === victim.replica) fresh = `after-${i}`;
      }
      const answers = await Promise.all(Array.from({ length: 150 }, (_, i) => hit(i, '/rl/exact', fresh)));
      expect(answers.filter((a) => a.status === 200)).toHaveLength(50);
      expect(answers.filter((a) => a.status === 429)).toHaveLength(100);
      expect(await reader.get(`${prefix}:rl:RateLimitedController.exact:{u:${fresh}}`)).toBe('150');
      // The customer users of the load are all listed again, from every master.
      const summary = await one.app.get(PerformChatAuthService).invalidateAllKnownUsers();
      expect(summary.failed).toEqual([]);
      expect(summary.total).toBeGreaterThan(0);
    }, 25_000);
  });
});
