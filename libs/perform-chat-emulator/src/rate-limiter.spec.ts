import { FixedWindowRateLimiter, retryAfterSeconds } from './rate-limiter';

describe('FixedWindowRateLimiter', () => {
  it('allows `points` hits per window per key, then reports the time left, then opens a new window', () => {
    const limiter = new FixedWindowRateLimiter(2, 1000);
    expect(limiter.consume('a', 0)).toBe(0);
    expect(limiter.consume('a', 100)).toBe(0);
    expect(limiter.consume('a', 400)).toBe(600);
    expect(limiter.consume('b', 400)).toBe(0);
    expect(limiter.consume('a', 1000)).toBe(0);
  });

  it('blockedFor reports a spent key without counting', () => {
    const limiter = new FixedWindowRateLimiter(2, 1000);
    expect(limiter.blockedFor('a', 0)).toBe(0);
    limiter.consume('a', 0);
    expect(limiter.blockedFor('a', 10)).toBe(0);
    limiter.consume('a', 10);
    expect(limiter.blockedFor('a', 250)).toBe(750);
    expect(limiter.blockedFor('a', 250)).toBe(750);
    expect(limiter.blockedFor('a', 1000)).toBe(0);
  });

  it('reset forgets every window', () => {
    const limiter = new FixedWindowRateLimiter(1, 1000);
    limiter.consume('a', 0);
    expect(limiter.consume('a', 0)).toBe(1000);
    limiter.reset();
    expect(limiter.consume('a', 0)).toBe(0);
  });

  it('sweeps expired windows instead of growing without bound', () => {
    const limiter = new FixedWindowRateLimiter(1, 10);
    for (let i = 0; i < 10_000; i++) limiter.consume(`k${i}`, 0);
    limiter.consume('late', 100);
    expect((limiter as unknown as { windows: Map<string, unknown> }).windows.size).toBe(1);
  });
});

describe('retryAfterSeconds', () => {
  it.each([
    [1, 1],
    [200, 1],
    [1000, 1],
    [1001, 2],
    [299_999, 300],
    [0, 1],
  ])('%d ms -> %d s (ceiling, at least 1)', (ms, seconds) => {
    expect(retryAfterSeconds(ms)).toBe(seconds);
  });
});
