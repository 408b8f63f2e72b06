import { Redis } from 'ioredis';
import { inspect } from 'node:util';
import { PerformChatRateLimit } from '../rate-limit/perform-chat-rate-limit.decorator';
import { resolveHealthCheckOptions } from './health.validation';
import { PerformChatModuleOptions } from './perform-chat-options.interface';
import { ObjectRule, OptionRule } from './option-rules';
import {
  MODULE_OPTIONS,
  PerformChatOptionsError,
  resolvePerformChatOptions,
  validatePerformChatOptions,
} from './perform-chat-options.validation';

/**
 * The validator, option by option: a good value, a value of the wrong type, one of the right
 * type out of range or bound, and for every object a misspelt key (did you mean?). Only the
 * public functions are used, so the rows hold for any way of writing the validator.
 */
const base: PerformChatModuleOptions = { keyId: 'pk_table', keySecret: 'sk_table' };
const REDIS_URL = 'redis://127.0.0.1:6379';

/** A credentials provider (for the rows of `credentials` and `credentialsRefreshMs`, without keyId/keySecret). */
const provider = () => ({ keyId: 'pk_provided', keySecret: 'sk_provided' });

function problemsOf(options: unknown): string[] {
  // The key comes from keyId + keySecret or from credentials, never both.
  const keyFrom =
    typeof options === 'object' && options !== null && ('credentials' in options || 'credentialsRefreshMs' in options)
      ? { credentials: provider }
      : base;
  try {
    resolvePerformChatOptions({ ...keyFrom, ...(options as object) } as PerformChatModuleOptions);
    return [];
  } catch (error) {
    if (error instanceof PerformChatOptionsError) return error.problems;
    throw error;
  }
}

const at = (path: string, value: unknown): Partial<Record<keyof PerformChatModuleOptions, unknown>> => {
  const [head, ...rest] = path.split('.');
  // The fields of a Redis store need its `redis`.
  const holder = (key: string): Record<string, unknown> =>
    (head === 'customerUserStore' && key !== 'maxRecords' && key !== 'redis') ||
    ((path.startsWith('rateLimit.store.') || path === 'tokenReuse.store.keyPrefix') && key !== 'redis')
      ? { redis: REDIS_URL }
      : head === 'nextKey'
        ? { keyId: 'pk_next', keySecret: 'sk_next' }
        : {};
  // verifyAgents needs an agent to verify.
  const agent = head === 'verifyAgents' ? { defaultAgentId: 'agent_table' } : {};
  if (rest.length === 0) return { ...agent, [head]: value };
  if (rest.length === 1) return { ...agent, [head]: { ...holder(rest[0]), [rest[0]]: value } };
  return { [head]: { [rest[0]]: { ...holder(rest[1]), [rest[1]]: value } } };
};

const hook = () => undefined;
const KEY_PREFIX_PROBLEM = (path: string) =>
  `${path} must be 1 to 200 characters without whitespace, { or } (a hash tag in the prefix would put every key in one cluster slot), and must not end with ":" (the store adds the separator)`;
const MS = (path: string, min: number) => `${path} must be a whole number of milliseconds, at least ${min}`;

/** [path, good values, [bad type, problem], [right type but refused, problem] or undefined]. */
const ROWS: [string, unknown[], [unknown, string], [unknown, string] | undefined][] = [
  [
    'keyId',
    ['pk_1'],
    [42, 'keyId is required (a non-empty string; env PERFORMCHAT_KEY_ID with performChatConfig)'],
    ['pk_1\n', 'keyId must not start or end with whitespace (a trailing newline from a secrets file?)'],
  ],
  [
    'keySecret',
    ['sk_1'],
    [{}, 'keySecret is required (a non-empty string; env PERFORMCHAT_KEY_SECRET with performChatConfig)'],
    [' sk_1', 'keySecret must not start or end with whitespace (a trailing newline from a secrets file?)'],
  ],
  ['credentials', [provider, async () => provider()], ['vault', 'credentials must be a function'], undefined],
  [
    'credentialsRefreshMs',
    [false, 1000, 86_400_000],
    ['10m', 'credentialsRefreshMs must be a whole number of milliseconds, at least 1000'],
    [86_400_001, 'credentialsRefreshMs must be at most 86400000 milliseconds (1 day)'],
  ],
  [
    'nextKey',
    [
      { keyId: 'pk_2', keySecret: 'sk_2' },
      [
        { keyId: 'pk_2', keySecret: 'sk_2' },
        { keyId: 'pk_3', keySecret: 'sk_3' },
      ],
    ],
    ['pk_2', 'nextKey must be a non-empty array of objects { keyId, keySecret } or an object { keyId, keySecret }'],
    [[], 'nextKey must be a non-empty array of objects { keyId, keySecret }'],
  ],
  [
    'nextKey.keyId',
    ['pk_2'],
    [7, 'nextKey.keyId is required (a non-empty string; env PERFORMCHAT_NEXT_KEY_ID with performChatConfig)'],
    ['pk_2 ', 'nextKey.keyId must not start or end with whitespace (a trailing newline from a secrets file?)'],
  ],
  [
    'nextKey.keySecret',
    ['sk_2'],
    ['', 'nextKey.keySecret is required (a non-empty string; env PERFORMCHAT_NEXT_KEY_SECRET with performChatConfig)'],
    ['\tsk_2', 'nextKey.keySecret must not start or end with whitespace (a trailing newline from a secrets file?)'],
  ],
  ['onKeyRotated', [hook], [true, 'onKeyRotated must be a function'], undefined],
  [
    'baseUrl',
    ['https://api.perform.chat'],
    [42, 'baseUrl (env PERFORMCHAT_BASE_URL) must be an http(s) URL such as https://api.performchat.com'],
    [
      'https://api.performchat.com/rest/v1',
      'baseUrl (env PERFORMCHAT_BASE_URL) must not contain /rest/v1: give the host, the module adds /rest/v1; got https://api.performchat.com/rest/v1',
    ],
  ],
  [
    'defaultAgentId',
    ['agent_a'],
    [42, 'defaultAgentId must be a non-empty string; got 42'],
    ['a'.repeat(257), 'defaultAgentId must be at most 256 characters long'],
  ],
  [
    'allowedAgentIds',
    [['agent_a', 'agent b']],
    ['agent_a', 'allowedAgentIds must be a non-empty array of agent ids'],
    [[], 'allowedAgentIds must be a non-empty array of agent ids'],
  ],
  [
    'defaultExpiresIn',
    ['15m', '365d'],
    [
      3600,
      'defaultExpiresIn must be a positive whole number followed by s, m, h or d (e.g. "30s", "15m", "1h", "24h", "7d")',
    ],
    ['366d', 'defaultExpiresIn "366d" is longer than 365d, the longest lifetime this library accepts'],
  ],
  [
    'maxExpiresIn',
    ['2h'],
    [
      '1.5h',
      'maxExpiresIn must be a positive whole number followed by s, m, h or d (e.g. "30s", "15m", "1h", "24h", "7d")',
    ],
    ['400d', 'maxExpiresIn "400d" is longer than 365d, the longest lifetime this library accepts'],
  ],
  [
    'timeoutMs',
    [1, 300_000],
    ['5000', MS('timeoutMs', 1)],
    [300_001, 'timeoutMs must be at most 300000 milliseconds (5 minutes)'],
  ],
  [
    'maxResponseBytes',
    [1024],
    [1.5, 'maxResponseBytes must be a whole number of bytes, at least 1'],
    [0, 'maxResponseBytes must be a whole number of bytes, at least 1'],
  ],
  ['retry', [false, {}], [true, 'retry must be false or an object { retries?, baseDelayMs?, maxDelayMs? }'], undefined],
  [
    'retry.retries',
    [0, 5],
    ['2', 'retry.retries must be a whole number of retries, at least 0'],
    [-1, 'retry.retries must be a whole number of retries, at least 0'],
  ],
  [
    'retry.baseDelayMs',
    [1, 60_000],
    [null, MS('retry.baseDelayMs', 1)],
    [60_001, 'retry.baseDelayMs must be at most 60000 milliseconds (1 minute)'],
  ],
  [
    'retry.maxDelayMs',
    [60_000],
    [Number.NaN, MS('retry.maxDelayMs', 1)],
    [60_001, 'retry.maxDelayMs must be at most 60000 milliseconds (1 minute)'],
  ],
  [
    'deadlineMs',
    [600_000],
    [[1], MS('deadlineMs', 1)],
    [600_001, 'deadlineMs must be at most 600000 milliseconds (10 minutes)'],
  ],
  [
    'circuitBreaker',
    [false, {}],
    ['on', 'circuitBreaker must be false or an object { failureThreshold?, cooldownMs? }'],
    undefined,
  ],
  [
    'circuitBreaker.failureThreshold',
    [1],
    [true, 'circuitBreaker.failureThreshold must be a whole number of failures, at least 1'],
    [0, 'circuitBreaker.failureThreshold must be a whole number of failures, at least 1'],
  ],
  [
    'circuitBreaker.cooldownMs',
    [3_600_000],
    ['10s', MS('circuitBreaker.cooldownMs', 1)],
    [3_600_001, 'circuitBreaker.cooldownMs must be at most 3600000 milliseconds (1 hour)'],
  ],
  [
    'shutdownGraceMs',
    [0, 600_000],
    ['10000', 'shutdownGraceMs must be a whole number of milliseconds from 0 to 600000'],
    [600_001, 'shutdownGraceMs must be a whole number of milliseconds from 0 to 600000'],
  ],
  ['resolveUserId', [hook], ['user.id', 'resolveUserId must be a function'], undefined],
  [
    'rateLimit',
    [false, {}],
    [
      true,
      'rateLimit must be false or an object { points?, duration?, blockDuration?, limits?, skipIf?, tracker?, headers?, subscriptions?, ipv6Subnet?, store? }',
    ],
    undefined,
  ],
  [
    'rateLimit.points',
    [1, 1000, () => 5],
    ['10', 'rateLimit.points must be a positive integer'],
    [0, 'rateLimit.points must be a positive integer'],
  ],
  [
    'rateLimit.duration',
    [0.25, 604_800, '15m', '7d', () => '1m'],
    [
      '60',
      'rateLimit.duration must be a positive number of seconds or a duration with its unit such as "90s", "15m", "1h", "7d"',
    ],
    ['8d', 'rateLimit.duration must be at most 604800 seconds (7 days)'],
  ],
  [
    'rateLimit.blockDuration',
    [0, 604_800, '1h'],
    [
      Infinity,
      'rateLimit.blockDuration must be a number of seconds >= 0 or a duration with its unit such as "90s", "15m", "1h", "7d"',
    ],
    [604_801, 'rateLimit.blockDuration must be at most 604800 seconds (7 days)'],
  ],
  [
    'rateLimit.limits',
    [
      [{ points: 1, duration: 1 }],
      [
        { name: 'burst', points: 3, duration: '1s' },
        { name: 'sustained', points: 30, duration: '1h' },
      ],
    ],
    [
      { points: 1, duration: 1 },
      'rateLimit.limits must be a non-empty array of limits { name?, points, duration, ... }',
    ],
    [
      [
        { points: 1, duration: 1 },
        { points: 2, duration: 1 },
      ],
      'rateLimit.limits[1].name "default" is used twice: each limit of a list needs a name of its own (an unnamed one is "default")',
    ],
  ],
  ['rateLimit.skipIf', [hook], [true, 'rateLimit.skipIf must be a function'], undefined],
  ['rateLimit.tracker', [hook], ['ip', 'rateLimit.tracker must be a function'], undefined],
  ['rateLimit.headers', [true, false], ['off', 'rateLimit.headers must be true or false'], undefined],
  ['rateLimit.subscriptions', [true], [1, 'rateLimit.subscriptions must be true or false'], undefined],
  [
    'rateLimit.ipv6Subnet',
    [1, 48, 128],
    ['64', 'rateLimit.ipv6Subnet must be an integer from 1 to 128'],
    [129, 'rateLimit.ipv6Subnet must be an integer from 1 to 128'],
  ],
  [
    'rateLimit.store',
    ['memory', { redis: REDIS_URL }],
    ['redis', "rateLimit.store must be 'memory' or an object { redis, keyPrefix? }"],
    [{}, "rateLimit.store must be 'memory' or an object { redis, keyPrefix? }"],
  ],
  [
    'rateLimit.store.redis',
    [REDIS_URL],
    [6379, 'rateLimit.store.redis must be an ioredis client or a redis:// (rediss://) URL'],
    [
      'http://cache',
      'rateLimit.store.redis (env PERFORMCHAT_REDIS_URL) must use redis:// or rediss:// (redis+cluster:// or rediss+cluster:// for a Redis Cluster); got http://cache/',
    ],
  ],
  [
    'rateLimit.store.keyPrefix',
    ['app:rl'],
    [
      1,
      'rateLimit.store.keyPrefix must be 1 to 200 characters without whitespace, { or } (a hash tag in the prefix would put every key in one cluster slot), and must not end with ":" (the store adds the separator)',
    ],
    [
      'a b',
      'rateLimit.store.keyPrefix must be 1 to 200 characters without whitespace, { or } (a hash tag in the prefix would put every key in one cluster slot), and must not end with ":" (the store adds the separator)',
    ],
  ],
  [
    'upstreamBudget',
    [false, {}],
    [
      'yes',
      'upstreamBudget must be false or an object { tokensPerMinute?, authFailuresPer5Minutes?, tokenWindowSeconds?, authFailureWindowSeconds?, apiRequestsPerMinute?, apiRequestWindowSeconds?, maxWaitMs?, tokensPerUser? }',
    ],
    undefined,
  ],
  [
    'upstreamBudget.maxWaitMs',
    [0, 600_000],
    ['5s', MS('upstreamBudget.maxWaitMs', 0)],
    [600_001, 'upstreamBudget.maxWaitMs must be at most 600000 milliseconds (10 minutes)'],
  ],
  [
    'upstreamBudget.tokensPerUser',
    [false, 1, 100],
    [true, 'upstreamBudget.tokensPerUser must be false or a positive integer'],
    [101, 'upstreamBudget.tokensPerUser (101) must not be more than upstreamBudget.tokensPerMinute (100)'],
  ],
  [
    'upstreamBudget.tokensPerMinute',
    [100],
    ['100', 'upstreamBudget.tokensPerMinute must be a positive integer'],
    [0, 'upstreamBudget.tokensPerMinute must be a positive integer'],
  ],
  [
    'upstreamBudget.authFailuresPer5Minutes',
    [10],
    [10.5, 'upstreamBudget.authFailuresPer5Minutes must be a positive integer'],
    [-1, 'upstreamBudget.authFailuresPer5Minutes must be a positive integer'],
  ],
  [
    'upstreamBudget.tokenWindowSeconds',
    [0.2, 86_400],
    ['60', 'upstreamBudget.tokenWindowSeconds must be a positive number of seconds'],
    [86_401, 'upstreamBudget.tokenWindowSeconds must be at most 86400 seconds (1 day)'],
  ],
  [
    'upstreamBudget.authFailureWindowSeconds',
    [300],
    [null, 'upstreamBudget.authFailureWindowSeconds must be a positive number of seconds'],
    [86_401, 'upstreamBudget.authFailureWindowSeconds must be at most 86400 seconds (1 day)'],
  ],
  [
    'upstreamBudget.apiRequestsPerMinute',
    [1000],
    [true, 'upstreamBudget.apiRequestsPerMinute must be a positive integer'],
    [0.5, 'upstreamBudget.apiRequestsPerMinute must be a positive integer'],
  ],
  [
    'upstreamBudget.apiRequestWindowSeconds',
    [0.2, 60],
    ['60', 'upstreamBudget.apiRequestWindowSeconds must be a positive number of seconds'],
    [86_401, 'upstreamBudget.apiRequestWindowSeconds must be at most 86400 seconds (1 day)'],
  ],
  [
    'health',
    [{}],
    [5, 'health must be an object { timeoutMs?, cacheTtlMs?, breakerOpenIsDown?, notFoundIsDown? }'],
    undefined,
  ],
  [
    'health.timeoutMs',
    [1, 60_000],
    ['1s', MS('health.timeoutMs', 1)],
    [60_001, 'health.timeoutMs must be at most 60000 milliseconds (1 minute)'],
  ],
  [
    'health.cacheTtlMs',
    [0, 3_600_000],
    [0.5, MS('health.cacheTtlMs', 0)],
    [3_600_001, 'health.cacheTtlMs must be at most 3600000 milliseconds (1 hour)'],
  ],
  ['health.breakerOpenIsDown', [true, false], ['false', 'health.breakerOpenIsDown must be true or false'], undefined],
  ['health.notFoundIsDown', [false], [0, 'health.notFoundIsDown must be true or false'], undefined],
  [
    'customerUserStore',
    ['memory', { maxRecords: 10 }, { redis: REDIS_URL }],
    [
      'redis',
      "customerUserStore must be 'memory', a PerformChatCustomerUserStore, an object { redis, keyPrefix?, ttlSeconds? } or an object { maxRecords }",
    ],
    [{ save: hook }, 'customerUserStore is missing the method(s) listByExternalId, remove, iterate'],
  ],
  [
    'customerUserStore.maxRecords',
    [1],
    ['1000', 'customerUserStore.maxRecords must be a positive integer'],
    [0, 'customerUserStore.maxRecords must be a positive integer'],
  ],
  [
    'customerUserStore.redis',
    [REDIS_URL],
    [{}, 'customerUserStore.redis must be an ioredis client or a redis:// (rediss://) URL'],
    [
      'redis://cache:6379/db2',
      'customerUserStore.redis (env PERFORMCHAT_REDIS_URL) must name the database as a whole number after the host, as in redis://127.0.0.1:6379/2; got redis://cache:6379/db2',
    ],
  ],
  [
    'customerUserStore.keyPrefix',
    ['users'],
    [
      false,
      'customerUserStore.keyPrefix must be 1 to 200 characters without whitespace, { or } (a hash tag in the prefix would put every key in one cluster slot), and must not end with ":" (the store adds the separator)',
    ],
    [
      '',
      'customerUserStore.keyPrefix must be 1 to 200 characters without whitespace, { or } (a hash tag in the prefix would put every key in one cluster slot), and must not end with ":" (the store adds the separator)',
    ],
  ],
  [
    'customerUserStore.ttlSeconds',
    [1, 31_622_400],
    ['1d', 'customerUserStore.ttlSeconds must be a whole number of seconds, at least 1'],
    [31_622_401, 'customerUserStore.ttlSeconds must be at most 31622400 seconds (366 days)'],
  ],
  [
    'tokenReuse',
    [false, {}],
    [true, 'tokenReuse must be false or an object { minRemaining?, store?, resolveSessionId? }'],
    undefined,
  ],
  [
    'tokenReuse.minRemaining',
    ['30s', '59m'],
    [
      300,
      'tokenReuse.minRemaining must be a positive whole number followed by s, m, h or d (e.g. "30s", "15m", "1h", "24h", "7d")',
    ],
    [
      '1h',
      'tokenReuse.minRemaining ("1h") must be shorter than defaultExpiresIn ("1h"): a token is handed out again only while it has at least minRemaining left',
    ],
  ],
  [
    'tokenReuse.store',
    ['memory', { maxEntries: 5 }, { redis: REDIS_URL }],
    ['redis', "tokenReuse.store must be 'memory', an object { redis, keyPrefix? } or an object { maxEntries }"],
    [{}, "tokenReuse.store must be 'memory', an object { redis, keyPrefix? } or an object { maxEntries }"],
  ],
  [
    'tokenReuse.store.maxEntries',
    [1],
    ['10', 'tokenReuse.store.maxEntries must be a positive integer'],
    [0, 'tokenReuse.store.maxEntries must be a positive integer'],
  ],
  [
    'tokenReuse.store.redis',
    [REDIS_URL],
    [[], 'tokenReuse.store.redis must be an ioredis client or a redis:// (rediss://) URL'],
    [
      'http://cache',
      'tokenReuse.store.redis (env PERFORMCHAT_REDIS_URL) must use redis:// or rediss:// (redis+cluster:// or rediss+cluster:// for a Redis Cluster); got http://cache/',
    ],
  ],
  [
    'tokenReuse.store.keyPrefix',
    ['app:tokens'],
    [7, KEY_PREFIX_PROBLEM('tokenReuse.store.keyPrefix')],
    ['app:{tokens}', KEY_PREFIX_PROBLEM('tokenReuse.store.keyPrefix')],
  ],
  ['tokenReuse.resolveSessionId', [hook], ['sid', 'tokenReuse.resolveSessionId must be a function'], undefined],
  ['shareConcurrentGenerations', [true, false], ['yes', 'shareConcurrentGenerations must be true or false'], undefined],
  ['onTokenIssued', [hook, async () => undefined], [{}, 'onTokenIssued must be a function'], undefined],
  ['onTokensInvalidated', [hook], ['log', 'onTokensInvalidated must be a function'], undefined],
  [
    'verifyAgents',
    [true, false, {}, { atBoot: false, inReadiness: true }],
    ['yes', 'verifyAgents must be true, false or an object { atBoot?, inReadiness? }'],
    undefined,
  ],
  ['verifyAgents.atBoot', [true, false], ['true', 'verifyAgents.atBoot must be true or false'], undefined],
  ['verifyAgents.inReadiness', [false], [1, 'verifyAgents.inReadiness must be true or false'], undefined],
];

/** Every option path of a table: its keys, and those of each object in it (of any form of a union). */
function pathsOf(rule: OptionRule, path = ''): string[] {
  const fields = (rule as Partial<ObjectRule>).fields;
  if (fields) {
    return Object.entries(fields).flatMap(([name, field]) => {
      const inner = path ? `${path}.${name}` : name;
      return [inner, ...pathsOf(field, inner)];
    });
  }
  return (rule.forms ?? []).flatMap((form) => pathsOf(form, path));
}

describe('the options validator, option by option', () => {
  it('has a row here for every option of the table', () => {
    expect(ROWS.map(([path]) => path).sort()).toEqual([...new Set(pathsOf(MODULE_OPTIONS))].sort());
  });

  describe.each(ROWS)('%s', (path, good, [badType, typeProblem], refused) => {
    it.each(good.map((value) => [value]))('accepts %p', (value) => {
      expect(problemsOf(at(path, value))).toEqual([]);
    });

    it(`refuses a value of the wrong type (${inspect(badType)}), naming ${path}`, () => {
      expect(problemsOf(at(path, badType))).toEqual([typeProblem]);
    });

    if (refused) {
      it(`refuses ${inspect(refused[0])} (out of range or bound)`, () => {
        expect(problemsOf(at(path, refused[0]))).toEqual([refused[1]]);
      });
    }
  });
});

describe('unknown keys, at every depth, with the closest known name', () => {
  it.each<[string, unknown, string]>([
    ['a top-level typo (timeout)', { timeout: 5000 }, 'timeout: unknown option, did you mean timeoutMs?'],
    ['a case difference', { keysecret: 'sk' }, 'keysecret: unknown option, did you mean keySecret?'],
    ['retry.tries', { retry: { tries: 3 } }, 'retry.tries: unknown option, did you mean retries?'],
    [
      'circuitBreaker.cooldown',
      { circuitBreaker: { cooldown: 5000 } },
      'circuitBreaker.cooldown: unknown option, did you mean cooldownMs?',
    ],
    [
      'rateLimit.point (a plural)',
      { rateLimit: { point: 5 } },
      'rateLimit.point: unknown option, did you mean points?',
    ],
    [
      'rateLimit.store.keyprefix',
      { rateLimit: { store: { redis: REDIS_URL, keyprefix: 'x' } } },
      'rateLimit.store.keyprefix: unknown option, did you mean keyPrefix?',
    ],
    [
      'upstreamBudget.tokensPerMin (a shortening)',
      { upstreamBudget: { tokensPerMin: 50 } },
      'upstreamBudget.tokensPerMin: unknown option, did you mean tokensPerMinute?',
    ],
    ['health.timeOutMs', { health: { timeOutMs: 500 } }, 'health.timeOutMs: unknown option, did you mean timeoutMs?'],
    [
      'customerUserStore.ttlSecond',
      { customerUserStore: { redis: REDIS_URL, ttlSecond: 60 } },
      'customerUserStore.ttlSecond: unknown option, did you mean ttlSeconds?',
    ],
    [
      'customerUserStore.maxRecord',
      { customerUserStore: { maxRecord: 10 } },
      'customerUserStore.maxRecord: unknown option, did you mean maxRecords?',
    ],
    [
      'customerUserStore.redsi (a name of another form)',
      { customerUserStore: { redsi: REDIS_URL } },
      'customerUserStore.redsi: unknown option, did you mean redis?',
    ],
    [
      'a name close to none',
      { rateLimit: { window: 60 } },
      'rateLimit.window: unknown option; known here: points, duration, blockDuration, limits, skipIf, tracker, headers, subscriptions, ipv6Subnet, store',
    ],
  ])('%s', (_name, options, problem) => {
    expect(problemsOf(options)).toEqual([problem]);
  });

  it('are refused even beside good values, and every one is named in the one error', () => {
    expect(
      problemsOf({ timeout: 1, rateLimit: { points: 5, point: 5 }, health: { timeoutMs: 5, timeOutMs: 5 } }),
    ).toEqual([
      'rateLimit.point: unknown option, did you mean points?',
      'health.timeOutMs: unknown option, did you mean timeoutMs?',
      'timeout: unknown option, did you mean timeoutMs?',
    ]);
  });

  it('never look inside your own store or Redis client', () => {
    const client = new Redis({ lazyConnect: true });
    class Store {
      extra = 1;
      save = hook;
      listByExternalId = hook;
      remove = hook;
      iterate = hook;
    }
    try {
      expect(problemsOf({ customerUserStore: new Store(), rateLimit: { store: { redis: client } } })).toEqual([]);
    } finally {
      client.disconnect();
    }
  });

  it('refuse a key that reads like no name without echoing more than 40 characters of it', () => {
    const [problem] = problemsOf({ health: { ['x y '.repeat(50)]: 1 } });
    expect(problem).toMatch(
      /^health\."(x y ){9}x\.\.\.": unknown option; known here: timeoutMs, cacheTtlMs, breakerOpenIsDown, notFoundIsDown$/,
    );
  });
});

describe('Redis sources: the same rule in customerUserStore and rateLimit.store', () => {
  it('refuses { redis: {} } in both places with the same words', () => {
    expect(problemsOf({ rateLimit: { store: { redis: {} } }, customerUserStore: { redis: {} } } as never)).toEqual([
      'rateLimit.store.redis must be an ioredis client or a redis:// (rediss://) URL',
      'customerUserStore.redis must be an ioredis client or a redis:// (rediss://) URL',
    ]);
  });

  it('knows an ioredis client by shape (a status string and sendCommand), in both places', () => {
    const client = new Redis({ lazyConnect: true });
    const lookalike = { status: 'ready', sendCommand: hook };
    const nodeRedis = { isOpen: true, sendCommand: hook };
    try {
      expect(problemsOf({ rateLimit: { store: { redis: client } }, customerUserStore: { redis: client } })).toEqual([]);
      expect(
        problemsOf({ rateLimit: { store: { redis: lookalike } }, customerUserStore: { redis: lookalike } } as never),
      ).toEqual([]);
      expect(
        problemsOf({ rateLimit: { store: { redis: nodeRedis } }, customerUserStore: { redis: nodeRedis } } as never),
      ).toEqual([
        'rateLimit.store.redis must be an ioredis client or a redis:// (rediss://) URL',
        'customerUserStore.redis must be an ioredis client or a redis:// (rediss://) URL',
      ]);
      // The client itself as the store (it has a save(): the SAVE command) says what to write.
      expect(problemsOf({ customerUserStore: client as never })).toEqual([
        'customerUserStore is an ioredis client: to keep customer users in Redis write customerUserStore: { redis: client }',
      ]);
    } finally {
      client.disconnect();
    }
  });
});

describe('the per-call checks use the same rows', () => {
  const routeProblems = (options: object): string[] => {
    try {
      PerformChatRateLimit(options as never);
      return [];
    } catch (error) {
      return (error as Error).message.replace('Invalid @PerformChatRateLimit options: ', '').split('; ');
    }
  };
  const healthProblems = (options: object): string[] => {
    const defaults = { timeoutMs: 1000, cacheTtlMs: 5000, breakerOpenIsDown: true, notFoundIsDown: true };
    try {
      resolveHealthCheckOptions(options, defaults);
      return [];
    } catch (error) {
      expect(error).toBeInstanceOf(TypeError);
      return (error as Error).message.replace('Invalid health check options: ', '').split('; ');
    }
  };

  it.each<[string, unknown]>([
    ['points', 0],
    ['points', '5'],
    ['duration', -1],
    ['duration', 604_801],
    ['blockDuration', Number.NaN],
    ['blockDuration', 1e9],
  ])('@PerformChatRateLimit %s = %p: the words of the same rateLimit row', (field, value) => {
    const module = problemsOf({ rateLimit: { [field]: value } }).map((problem) =>
      problem.replace('rateLimit.', 'PerformChatRateLimit.'),
    );
    expect(module).toHaveLength(1);
    expect(routeProblems({ points: 1, duration: 1, [field]: value })).toEqual(module);
  });

  it.each<[string, unknown]>([
    ['timeoutMs', 0],
    ['timeoutMs', 60_001],
    ['cacheTtlMs', -1],
    ['cacheTtlMs', 3_600_001],
    ['breakerOpenIsDown', 'yes'],
    ['notFoundIsDown', 1],
  ])('isHealthy options %s = %p: the words of the same health row', (field, value) => {
    const module = problemsOf({ health: { [field]: value } }).map((problem) => problem.replace('health.', ''));
    expect(module).toHaveLength(1);
    expect(healthProblems({ [field]: value })).toEqual(module);
  });

  it('refuse unknown keys too, with the closest name', () => {
    expect(routeProblems({ points: 1, duration: 1, blockDurations: 2 })).toEqual([
      'PerformChatRateLimit.blockDurations: unknown option, did you mean blockDuration?',
    ]);
    expect(routeProblems({ point: 5, duration: 60 })).toEqual([
      'PerformChatRateLimit.points must be a positive integer',
      'PerformChatRateLimit.point: unknown option, did you mean points?',
    ]);
    expect(healthProblems({ cacheTTLMs: 0 })).toEqual(['cacheTTLMs: unknown option, did you mean cacheTtlMs?']);
  });
});

describe('one error naming every bad field, never a secret', () => {
  const SECRET = 'sk_live_SECRET_table_51d0';
  const PASSWORD = 'PASSWORD_table_a7e2';

  /** Everything a thrown error exposes: message, stack, own properties, JSON and util.inspect. */
  function exposed(error: Error): string {
    return [
      error.message,
      error.stack,
      JSON.stringify(error),
      JSON.stringify(Object.getOwnPropertyDescriptors(error)),
      inspect(error, { depth: 10, showHidden: true }),
    ].join('\n');
  }

  it('throws one PerformChatOptionsError listing each problem, without the secret or a Redis password', () => {
    const options = {
      keyId: 'pk_table',
      keySecret: `${SECRET}\n`,
      baseUrl: SECRET,
      defaultAgentId: `${SECRET}\n`,
      defaultExpiresIn: SECRET,
      timeoutMs: SECRET,
      keySecrett: SECRET,
      health: { timeOutMs: SECRET },
      rateLimit: { store: { redis: `redis://:${PASSWORD}@cache:99999`, keyPrefix: `${PASSWORD} x` } },
      customerUserStore: { redis: `redis://:${PASSWORD}@cache:6379/db2`, ttlSeconds: PASSWORD },
    };
    expect.assertions(5);
    try {
      validatePerformChatOptions(options as never);
    } catch (error) {
      expect(error).toBeInstanceOf(PerformChatOptionsError);
      expect((error as PerformChatOptionsError).problems).toEqual([
        'keySecret must not start or end with whitespace (a trailing newline from a secrets file?)',
        'baseUrl (env PERFORMCHAT_BASE_URL) is not a valid URL: write it as an http(s) URL such as https://api.performchat.com (a port from 1 to 65535; percent-encode @ : / ? # in a password)',
        'defaultAgentId must not contain control characters',
        'defaultExpiresIn must be a positive whole number followed by s, m, h or d (e.g. "30s", "15m", "1h", "24h", "7d")',
        'timeoutMs must be a whole number of milliseconds, at least 1',
        'rateLimit.store.keyPrefix must be 1 to 200 characters without whitespace, { or } (a hash tag in the prefix would put every key in one cluster slot), and must not end with ":" (the store adds the separator)',
        'health.timeOutMs: unknown option, did you mean timeoutMs?',
        'customerUserStore.ttlSeconds must be a whole number of seconds, at least 1',
        'keySecrett: unknown option, did you mean keySecret?',
        'rateLimit.store.redis (env PERFORMCHAT_REDIS_URL) is not a valid URL: write it as redis://[[user]:password@]host[:port][/db] (or rediss://) (a port from 1 to 65535; percent-encode @ : / ? # in a password)',
        'customerUserStore.redis (env PERFORMCHAT_REDIS_URL) must name the database as a whole number after the host, as in redis://127.0.0.1:6379/2; got redis://:****@cache:6379/db2',
      ]);
      expect((error as Error).message).toMatch(/^Invalid PerformChatModule options: keySecret must not start/);
      expect(exposed(error as Error)).not.toContain(SECRET);
      expect(exposed(error as Error)).not.toContain(PASSWORD);
    }
  });
});
