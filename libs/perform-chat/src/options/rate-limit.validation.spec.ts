import { Redis } from 'ioredis';
import { PerformChatModuleOptions } from './perform-chat-options.interface';
import { PerformChatOptionsError, resolvePerformChatOptions } from './perform-chat-options.validation';

const base: PerformChatModuleOptions = { keyId: 'pk_spec', keySecret: 'sk_spec' };

function problemsOf(options: Partial<PerformChatModuleOptions>): string[] {
  try {
    resolvePerformChatOptions({ ...base, ...options });
  } catch (error) {
    if (error instanceof PerformChatOptionsError) return error.problems;
    throw error;
  }
  throw new Error('expected the options to be refused');
}

/** A resolved limit: every field present, the unset ones undefined. */
const limit = (values: object) => ({
  name: undefined,
  keyPrefix: undefined,
  skipIf: undefined,
  tracker: undefined,
  headers: undefined,
  subscriptions: undefined,
  ...values,
});

describe('rateLimit and upstreamBudget options', () => {
  it('default to 10 per 60 s in memory and the documented PerformChat budget', () => {
    const resolved = resolvePerformChatOptions(base);
    expect(resolved.rateLimit).toEqual({
      defaultLimits: [limit({ points: 10, duration: 60, blockDuration: 0 })],
      headers: true,
      subscriptions: false,
      ipv6Subnet: 64,
      store: { kind: 'memory', keyPrefix: 'performchat:rl', keyWidePrefix: 'performchat:rl' },
    });
    expect(resolved.upstreamBudget).toEqual({
      tokensPerWindow: 100,
      tokenWindowSeconds: 60,
      apiRequestsPerWindow: 1000,
      apiRequestWindowSeconds: 60,
      maxWaitMs: 5_000,
      tokensPerUser: 10,
      authFailuresPerWindow: 10,
      authFailureWindowSeconds: 300,
    });
  });

  it('give each user a tenth of the token budget by default (rounded up), or what it is told, or none', () => {
    const share = (upstreamBudget: PerformChatModuleOptions['upstreamBudget']) =>
      (resolvePerformChatOptions({ ...base, upstreamBudget }).upstreamBudget as { tokensPerUser: unknown })
        .tokensPerUser;
    expect(share({ tokensPerMinute: 1000 })).toBe(100);
    expect(share({ tokensPerMinute: 5 })).toBe(1);
    expect(share({ tokensPerMinute: 100, tokensPerUser: 25 })).toBe(25);
    expect(share({ tokensPerUser: false })).toBe(false);
    expect(problemsOf({ upstreamBudget: { tokensPerMinute: 20, tokensPerUser: 21 } })).toEqual([
      'upstreamBudget.tokensPerUser (21) must not be more than upstreamBudget.tokensPerMinute (20)',
    ]);
    expect(problemsOf({ upstreamBudget: { tokensPerUser: 0, maxWaitMs: -1 } })).toEqual([
      'upstreamBudget.maxWaitMs must be a whole number of milliseconds, at least 0',
      'upstreamBudget.tokensPerUser must be false or a positive integer',
    ]);
  });

  it('accept partial overrides, fractional seconds in memory, and false', () => {
    const resolved = resolvePerformChatOptions({
      ...base,
      rateLimit: { points: 3, duration: 0.5 },
      upstreamBudget: { tokensPerMinute: 5, tokenWindowSeconds: 0.2 },
    });
    expect(resolved.rateLimit.defaultLimits).toEqual([limit({ points: 3, duration: 0.5, blockDuration: 0 })]);
    expect(resolved.upstreamBudget).toMatchObject({
      tokensPerWindow: 5,
      tokenWindowSeconds: 0.2,
      authFailuresPerWindow: 10,
    });

    const off = resolvePerformChatOptions({ ...base, rateLimit: false, upstreamBudget: false });
    expect(off.rateLimit).toEqual({
      defaultLimits: false,
      headers: true,
      subscriptions: false,
      ipv6Subnet: 64,
      store: { kind: 'memory', keyPrefix: 'performchat:rl', keyWidePrefix: 'performchat:rl' },
    });
    expect(off.upstreamBudget).toBe(false);
  });

  it('resolve a Redis store given as a URL or a client, with its key prefix', () => {
    expect(
      resolvePerformChatOptions({
        ...base,
        rateLimit: { store: { redis: 'redis://cache:6379/2', keyPrefix: 'app:rl' } },
      }).rateLimit.store,
    ).toEqual({ kind: 'redis', redis: 'redis://cache:6379/2', keyPrefix: 'app:rl', keyWidePrefix: 'app:rl' });
    const client = new Redis({ lazyConnect: true });
    expect(resolvePerformChatOptions({ ...base, rateLimit: { store: { redis: client } } }).rateLimit.store).toEqual({
      kind: 'redis',
      redis: client,
      keyPrefix: 'performchat:rl',
      keyWidePrefix: 'performchat:rl',
    });
    client.disconnect();
  });

  it('give a named instance its own namespace for per-user counts, and the key-wide prefix for the budget', () => {
    expect(resolvePerformChatOptions(base, 'eu').rateLimit.store).toEqual({
      kind: 'memory',
      keyPrefix: 'performchat:rl:eu',
      keyWidePrefix: 'performchat:rl',
    });
    expect(
      resolvePerformChatOptions(
        { ...base, rateLimit: { store: { redis: 'redis://cache:6379', keyPrefix: 'app:rl' } } },
        'eu',
      ).rateLimit.store,
    ).toEqual({ kind: 'redis', redis: 'redis://cache:6379', keyPrefix: 'app:rl:eu', keyWidePrefix: 'app:rl' });
  });

  it('name every bad field', () => {
    expect(
      problemsOf({
        rateLimit: { points: 0, duration: -1, blockDuration: Number.NaN } as never,
        upstreamBudget: {
          tokensPerMinute: 1.5,
          authFailuresPer5Minutes: 0,
          tokenWindowSeconds: 0,
          authFailureWindowSeconds: Infinity,
        },
      }),
    ).toEqual([
      'rateLimit.points must be a positive integer',
      'rateLimit.duration must be a positive number of seconds or a duration with its unit such as "90s", "15m", "1h", "7d"',
      'rateLimit.blockDuration must be a number of seconds >= 0 or a duration with its unit such as "90s", "15m", "1h", "7d"',
      'upstreamBudget.tokensPerMinute must be a positive integer',
      'upstreamBudget.authFailuresPer5Minutes must be a positive integer',
      'upstreamBudget.tokenWindowSeconds must be a positive number of seconds',
      'upstreamBudget.authFailureWindowSeconds must be a positive number of seconds',
    ]);
  });

  it('refuse shapes that are neither false nor an object, and unknown stores', () => {
    expect(problemsOf({ rateLimit: true as never, upstreamBudget: 'yes' as never })).toEqual([
      'rateLimit must be false or an object { points?, duration?, blockDuration?, limits?, skipIf?, tracker?, headers?, subscriptions?, ipv6Subnet?, store? }',
      'upstreamBudget must be false or an object { tokensPerMinute?, authFailuresPer5Minutes?, tokenWindowSeconds?, authFailureWindowSeconds?, apiRequestsPerMinute?, apiRequestWindowSeconds?, maxWaitMs?, tokensPerUser? }',
    ]);
    expect(problemsOf({ rateLimit: { store: 'redis' as never } })).toEqual([
      "rateLimit.store must be 'memory' or an object { redis, keyPrefix? }",
    ]);
    expect(problemsOf({ rateLimit: { store: { redis: 42 as never, keyPrefix: 'has space' } } })).toEqual([
      'rateLimit.store.redis must be an ioredis client or a redis:// (rediss://) URL',
      'rateLimit.store.keyPrefix must be 1 to 200 characters without whitespace, { or } (a hash tag in the prefix would put every key in one cluster slot), and must not end with ":" (the store adds the separator)',
    ]);
    // A URL string is checked with the other URL options (perform-chat-url.validation.spec.ts).
    expect(problemsOf({ rateLimit: { store: { redis: 'http://cache' } } })).toEqual([
      'rateLimit.store.redis (env PERFORMCHAT_REDIS_URL) must use redis:// or rediss:// (redis+cluster:// or rediss+cluster:// for a Redis Cluster); got http://cache/',
    ]);
  });

  it('require whole seconds with a Redis store, which cannot count fractions (but the token log counts milliseconds)', () => {
    expect(
      problemsOf({
        rateLimit: { duration: 0.5, blockDuration: 1.5, store: { redis: 'redis://127.0.0.1:6379' } },
        upstreamBudget: { tokenWindowSeconds: 0.2, authFailureWindowSeconds: 0.5 },
      }),
    ).toEqual([
      'rateLimit.duration must be whole seconds (>= 1) with a Redis store, which counts in whole seconds',
      'rateLimit.blockDuration must be whole seconds (>= 0) with a Redis store, which counts in whole seconds',
      'upstreamBudget.authFailureWindowSeconds must be whole seconds (>= 1) with a Redis store, which counts in whole seconds',
    ]);
  });

  it('take durations with their unit (<n>s|m|h|d, as expiresIn) beside numeric seconds', () => {
    const resolved = resolvePerformChatOptions({
      ...base,
      rateLimit: { points: 5, duration: '15m', blockDuration: '1h' },
    });
    expect(resolved.rateLimit.defaultLimits).toEqual([limit({ points: 5, duration: 900, blockDuration: 3600 })]);
    expect(problemsOf({ rateLimit: { duration: '1.5h' as never, blockDuration: '8d' } })).toEqual([
      'rateLimit.duration must be a positive number of seconds or a duration with its unit such as "90s", "15m", "1h", "7d"',
      'rateLimit.blockDuration must be at most 604800 seconds (7 days)',
    ]);
    // With a unit a duration is whole seconds, so Redis takes it.
    expect(() =>
      resolvePerformChatOptions({ ...base, rateLimit: { duration: '1m', store: { redis: 'redis://127.0.0.1:6379' } } }),
    ).not.toThrow();
  });

  it('keep functions of the context for points and durations, and the behaviour options', () => {
    const points = () => 5;
    const skipIf = () => false;
    const tracker = () => 'org:1';
    const resolved = resolvePerformChatOptions({
      ...base,
      rateLimit: { points, duration: '1m', skipIf, tracker, headers: false, subscriptions: true, ipv6Subnet: 56 },
    });
    expect(resolved.rateLimit).toMatchObject({
      defaultLimits: [limit({ points, duration: 60, blockDuration: 0 })],
      skipIf,
      tracker,
      headers: false,
      subscriptions: true,
      ipv6Subnet: 56,
    });
    expect(problemsOf({ rateLimit: { skipIf: true as never, headers: 'no' as never, ipv6Subnet: 129 } })).toEqual([
      'rateLimit.skipIf must be a function',
      'rateLimit.headers must be true or false',
      'rateLimit.ipv6Subnet must be an integer from 1 to 128',
    ]);
  });

  it('take a list of named limits instead of one, each checked with the same rows', () => {
    const resolved = resolvePerformChatOptions({
      ...base,
      rateLimit: {
        limits: [
          { name: 'burst', points: 3, duration: '1s' },
          { name: 'sustained', points: 30, duration: '1h', headers: false },
        ],
      },
    });
    expect(resolved.rateLimit.defaultLimits).toEqual([
      limit({ name: 'burst', points: 3, duration: 1, blockDuration: 0 }),
      limit({ name: 'sustained', points: 30, duration: 3600, blockDuration: 0, headers: false }),
    ]);
    expect(
      problemsOf({
        rateLimit: {
          points: 5,
          limits: [
            { name: 'burst', points: 0, duration: 1 },
            { name: 'burst', points: 1, duration: 1, every: 1 } as never,
            { points: 1, duration: 1 },
          ],
        },
      }),
    ).toEqual([
      'rateLimit.limits[0].points must be a positive integer',
      'rateLimit.limits[1].every: unknown option; known here: name, points, duration, blockDuration, keyPrefix, skipIf, tracker, headers, subscriptions',
      'rateLimit.limits[1].name "burst" is used twice: each limit of a list needs a name of its own (an unnamed one is "default")',
      'rateLimit.limits replaces rateLimit.points: give either the list or one limit, not both',
    ]);
    expect(problemsOf({ rateLimit: { limits: [] } })).toEqual([
      'rateLimit.limits must be a non-empty array of limits { name?, points, duration, ... }',
    ]);
    expect(problemsOf({ rateLimit: { limits: [{ name: 'a b', points: 1, duration: 1 }] } })).toEqual([
      'rateLimit.limits[0].name may only contain letters, digits, "_" and "-" (1 to 40 characters)',
    ]);
    expect(
      problemsOf({ rateLimit: { limits: [{ points: 1, duration: 0.5 }], store: { redis: 'redis://127.0.0.1:6379' } } }),
    ).toEqual([
      'rateLimit.limits[0].duration must be whole seconds (>= 1) with a Redis store, which counts in whole seconds',
    ]);
  });
});
