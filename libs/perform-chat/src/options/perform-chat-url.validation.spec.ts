import { inspect } from 'node:util';
import { maskUrl } from './mask-url';
import { PerformChatModuleOptions } from './perform-chat-options.interface';
import { PerformChatOptionsError, resolvePerformChatOptions } from './perform-chat-options.validation';
import { performChatConfig } from './perform-chat.config';
import { redisDatabaseOf } from './perform-chat-url.validation';

const SECRET = 'SECRET_url_spec_9f3a';
const base: PerformChatModuleOptions = { keyId: 'pk_url', keySecret: 'sk_url_spec' };

/** The boot error of these options (they must be refused). */
function refusal(options: Partial<PerformChatModuleOptions>): PerformChatOptionsError {
  try {
    resolvePerformChatOptions({ ...base, ...options });
  } catch (error) {
    if (error instanceof PerformChatOptionsError) return error;
    throw error;
  }
  throw new Error('expected the options to be refused');
}

/** Everything a thrown error exposes: message, stack, own properties and util.inspect. */
function exposed(error: Error): string {
  return [
    error.message,
    error.stack,
    JSON.stringify(Object.getOwnPropertyDescriptors(error)),
    inspect(error, { depth: 10 }),
  ].join('\n');
}

describe('maskUrl', () => {
  it.each([
    [`redis://:${SECRET}@127.0.0.1:6379`, 'redis://:****@127.0.0.1:6379'],
    [`rediss://app:${SECRET}@cache.internal:6380/2`, 'rediss://app:****@cache.internal:6380/2'],
    // A password written without its colon is still a password.
    [`redis://${SECRET}@cache:6379`, 'redis://****@cache:6379'],
    [`redis://cache:6379/0?password=${SECRET}&family=6`, 'redis://cache:6379/0?password=****&family=6'],
    ['https://api.performchat.com', 'https://api.performchat.com/'],
  ])('%s → %s', (url, masked) => expect(maskUrl(url)).toBe(masked));

  it('shows nothing of a text that does not parse (it may be a secret in the wrong variable)', () => {
    expect(maskUrl(`redis://:${SECRET}@127.0.0.1:99999`)).toBeUndefined();
    expect(maskUrl(SECRET)).toBeUndefined();
  });
});

describe('baseUrl', () => {
  const label = 'baseUrl (env PERFORMCHAT_BASE_URL)';

  it.each<[string, string, string]>([
    [
      'a #fragment',
      'https://api.performchat.com/#/rest',
      `${label} must not have a #fragment (every call would go to the path before it); got https://api.performchat.com/#/rest`,
    ],
    ['an empty #', 'https://api.performchat.com#', `${label} must not have a #fragment`],
    [
      'a query string',
      'https://api.performchat.com/?region=eu',
      `${label} must not have a query string (?...); got https://api.performchat.com/?region=eu`,
    ],
    ['an empty ?', 'https://api.performchat.com?', `${label} must not have a query string`],
    [
      'credentials',
      `https://ops:${SECRET}@api.performchat.com`,
      `${label} must not contain a user or password (the module authenticates with keyId and keySecret); got https://ops:****@api.performchat.com/`,
    ],
    [
      'another scheme',
      'ftp://api.performchat.com',
      `${label} must use http:// or https://; got ftp://api.performchat.com/`,
    ],
    [
      'no scheme',
      'api.performchat.com',
      `${label} is not a valid URL: write it as an http(s) URL such as https://api.performchat.com`,
    ],
    ['a port out of range', 'https://api.performchat.com:99999', `${label} is not a valid URL`],
    [
      'the /rest/v1 prefix',
      'https://api.performchat.com/rest/v1',
      `${label} must not contain /rest/v1: give the host, the module adds /rest/v1; got https://api.performchat.com/rest/v1`,
    ],
    [
      'the /rest/v1 prefix and a slash',
      'https://api.performchat.com/rest/v1/',
      'give the host, the module adds /rest/v1',
    ],
    [
      'a path into /rest/v1',
      'https://proxy.example.com/performchat/REST/V1/auth',
      'give the host, the module adds /rest/v1',
    ],
    ['a trailing newline', 'https://api.performchat.com\n', `${label} must not start or end with whitespace`],
    ['not a string', 42 as unknown as string, `${label} must be an http(s) URL such as https://api.performchat.com`],
  ])('refuses %s, naming the option and its variable', (_name, baseUrl, expected) => {
    const error = refusal({ baseUrl });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toContain(expected);
    expect(exposed(error)).not.toContain(SECRET);
  });

  it('names every problem of one URL', () => {
    expect(refusal({ baseUrl: `https://u:${SECRET}@api.performchat.com/rest/v1?x=1#y` }).problems).toHaveLength(4);
  });

  it.each([
    'http://localhost:4010',
    'https://api.perform.chat/',
    'https://proxy.example.com/performchat',
    'https://proxy.example.com/rest/v10',
  ])('accepts %s', (baseUrl) => expect(() => resolvePerformChatOptions({ ...base, baseUrl })).not.toThrow());
});

describe('Redis URLs', () => {
  it('refuses the URL of the report (port 99999) naming the variable, without the password anywhere', () => {
    const error = refusal(
      performChatConfig({ ...envOf(base), PERFORMCHAT_REDIS_URL: `redis://:${SECRET}@127.0.0.1:99999` }),
    );
    // performChatConfig puts the URL in both stores: one problem naming both.
    expect(error.problems).toEqual([
      'rateLimit.store.redis and customerUserStore.redis (env PERFORMCHAT_REDIS_URL) is not a valid URL: write it as redis://[[user]:password@]host[:port][/db] (or rediss://) (a port from 1 to 65535; percent-encode @ : / ? # in a password)',
    ]);
    expect(exposed(error)).not.toContain(SECRET);
  });

  it.each<[string, string]>([
    [
      `http://:${SECRET}@cache:6379`,
      'must use redis:// or rediss:// (redis+cluster:// or rediss+cluster:// for a Redis Cluster); got http://:****@cache:6379/',
    ],
    [
      `redis://:${SECRET}@cache:6379/db2`,
      'must name the database as a whole number after the host, as in redis://127.0.0.1:6379/2; got redis://:****@cache:6379/db2',
    ],
    [`redis://:${SECRET}@cache:6379/?db=two`, 'must name the database as a whole number'],
    [
      `redis://:${SECRET}@cache:6379/2#x`,
      'must not have a #fragment (a # in the password must be written %23); got redis://:****@cache:6379/2#x',
    ],
    [`redis://:${SECRET}@:6379`, 'is not a valid URL'],
    [`redis://:${SECRET}@cache:0`, 'is not a valid URL'],
    [`redis://:${SECRET}@cache:6379 `, 'must not start or end with whitespace'],
  ])('refuses %s', (url, expected) => {
    const error = refusal({ rateLimit: { store: { redis: url } } });
    expect(error.problems).toEqual([expect.stringContaining(`rateLimit.store.redis (env PERFORMCHAT_REDIS_URL) `)]);
    expect(error.problems[0]).toContain(expected);
    expect(exposed(error)).not.toContain(SECRET);
  });

  it('checks the customer-user store URL too', () => {
    const error = refusal({ customerUserStore: { redis: `redis://:${SECRET}@cache:70000` } });
    expect(error.problems).toEqual([
      expect.stringMatching(/^customerUserStore\.redis \(env PERFORMCHAT_REDIS_URL\) is not a valid URL/),
    ]);
    expect(exposed(error)).not.toContain(SECRET);
  });

  it.each([
    ['redis://127.0.0.1:6379', 0],
    ['redis://127.0.0.1:6379/', 0],
    [`rediss://:${SECRET}@[::1]:6380/7`, 7],
    ['redis://cache/?db=3', 3],
    ['redis://cache/5?db=3', 5], // ioredis: the path wins over ?db=
  ])('accepts %s (database %i)', (url, db) => {
    expect(() =>
      resolvePerformChatOptions({ ...base, rateLimit: { store: { redis: url } }, customerUserStore: { redis: url } }),
    ).not.toThrow();
    expect(redisDatabaseOf(url)).toBe(db);
  });
});

function envOf(options: PerformChatModuleOptions): Record<string, string> {
  return { PERFORMCHAT_KEY_ID: options.keyId as string, PERFORMCHAT_KEY_SECRET: options.keySecret as string };
}
