import { captureLogs, CapturedLogs } from '@test/utils';
import { Redis } from 'ioredis';
import { InsuranceLimiter, LimiterCallOptions, RedisOutageMonitor, answeredByInsurance } from './redis-outage.monitor';

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

    expect(logs.lines).toEqual([
      'warn Redis at 10.1.2.3:6380 does not answer: rate limits and the upstream budget now count in memory on each instance (not shared) until it answers again',
      'log Redis at 10.1.2.3:6380 answers again: rate limits are shared across instances again',
      'warn Redis at 10.1.2.3:6380 does not answer: rate limits and the upstream budget now count in memory on each instance (not shared) until it answers again',
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
