import { captureLogs, CapturedLogs } from '@test/utils';
import { Cluster, Redis } from 'ioredis';
import {
  CLUSTER_RECOVERY_QUIET_MS,
  InsuranceLimiter,
  LimiterCallOptions,
  RedisOutageMonitor,
  answeredByInsurance,
} from './redis-outage.monitor';

describe('RedisOutageMonitor', () => {
  let logs: CapturedLogs;
  let client: Redis;
  beforeEach(() => {
    logs = captureLogs();
    client = new Redis({ host: '10.1.2.3', port: 6380, password: 'p4ssw0rd', lazyConnect: true });
  });
  afterEach(() => {
    logs.restore();
    client.disconnect();
  });

  it('logs one warning per outage and one line when Redis answers again, never per call', () => {
    const monitor = new RedisOutageMonitor(client, 'PerformChat');
    for (let i = 0; i < 5; i++) monitor.observe(false);
    expect(logs.lines).toEqual([]);

    for (let i = 0; i < 100; i++) monitor.observe(true);
    expect(monitor.isDown).toBe(true);
    for (let i = 0; i < 100; i++) monitor.observe(false);
    expect(monitor.isDown).toBe(false);
    monitor.observe(true);

    const down = {
      msg: 'Redis at 10.1.2.3:6380 does not answer: rate limits and the upstream budget now count in memory on each instance (not shared) until it answers again',
      event: 'rate-limit-store.down',
      where: '10.1.2.3:6380',
      cluster: false,
    };
    const up = {
      msg: 'Redis at 10.1.2.3:6380 answers again: rate limits are shared across instances again',
      event: 'rate-limit-store.up',
      where: '10.1.2.3:6380',
      cluster: false,
    };
    expect(logs.entries.map(({ level, message }) => ({ level, message }))).toEqual([
      { level: 'warn', message: down },
      { level: 'log', message: up },
      { level: 'warn', message: down },
    ]);
    expect(logs.text()).not.toContain('p4ssw0rd');
  });
});

describe('RedisOutageMonitor on a Redis Cluster', () => {
  let logs: CapturedLogs;
  let cluster: Cluster;
  beforeEach(() => {
    logs = captureLogs();
    cluster = new Cluster([{ host: '10.1.2.3', port: 7000 }], {
      lazyConnect: true,
      redisOptions: { password: 'p4ssw0rd' },
    });
  });
  afterEach(() => {
    logs.restore();
    cluster.disconnect();
  });

  it('one master down: the keys of the others still answer, yet one warning, and "back" only after a quiet second', () => {
    let now = 1_000_000;
    const monitor = new RedisOutageMonitor(cluster, 'PerformChat', () => now);
    // A failover: every third call goes to the failed master's slots.
    for (let i = 0; i < 300; i++) {
      now += 3;
      monitor.observe(i % 3 === 0);
    }
    expect(monitor.isDown).toBe(true);
    expect(logs.lines).toHaveLength(1);
    // Failover over: Redis answers every call; "back" once no call needed the insurance for the quiet period.
    now += CLUSTER_RECOVERY_QUIET_MS - 10;
    monitor.observe(false);
    expect(monitor.isDown).toBe(true);
    now += 10;
    monitor.observe(false);
    monitor.observe(false);
    expect(monitor.isDown).toBe(false);
    expect(logs.entries.map(({ level, message }) => ({ level, message }))).toEqual([
      {
        level: 'warn',
        message: {
          msg: 'Redis cluster 10.1.2.3:7000 does not answer for some keys (a master is down or failing over): their rate limits and upstream budget now count in memory on each instance (not shared) until it answers again',
          event: 'rate-limit-store.down',
          where: 'cluster 10.1.2.3:7000',
          cluster: true,
        },
      },
      {
        level: 'log',
        message: {
          msg: 'Redis cluster 10.1.2.3:7000 answers again for every key: rate limits are shared across instances again',
          event: 'rate-limit-store.up',
          where: 'cluster 10.1.2.3:7000',
          cluster: true,
        },
      },
    ]);
    expect(logs.text()).not.toContain('p4ssw0rd');
  });
});

describe('InsuranceLimiter', () => {
  it('marks the options of the calls it answers and still limits like RateLimiterMemory', async () => {
    const limiter = new InsuranceLimiter({ points: 1, duration: 1, keyPrefix: 'spec' });
    const first: LimiterCallOptions = {};
    await expect(limiter.consume('k', 1, first)).resolves.toMatchObject({ consumedPoints: 1, remainingPoints: 0 });
    expect(answeredByInsurance(first)).toBe(true);
    await expect(limiter.consume('k', 1, {})).rejects.toMatchObject({ consumedPoints: 2 });

    const read: LimiterCallOptions = {};
    await expect(limiter.get('k', read)).resolves.toMatchObject({ consumedPoints: 2 });
    const reward: LimiterCallOptions = {};
    await limiter.reward('k', 1, reward);
    expect([answeredByInsurance(read), answeredByInsurance(reward)]).toEqual([true, true]);
    expect(answeredByInsurance({})).toBe(false);
  });
});
