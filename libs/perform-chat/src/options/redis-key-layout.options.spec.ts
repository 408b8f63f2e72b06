import { PerformChatModuleOptions } from './perform-chat-options.interface';
import { PerformChatOptionsError, resolvePerformChatOptions } from './perform-chat-options.validation';
import { performChatConfig } from './perform-chat.config';

const base: PerformChatModuleOptions = { keyId: 'pk_layout', keySecret: 'sk_layout' };
const REDIS = 'redis://127.0.0.1:6379';
const env = { PERFORMCHAT_KEY_ID: 'pk', PERFORMCHAT_KEY_SECRET: 'sk', PERFORMCHAT_REDIS_URL: REDIS };

function problemsOf(options: Partial<PerformChatModuleOptions>): string[] {
  try {
    resolvePerformChatOptions({ ...base, ...options });
    return [];
  } catch (error) {
    if (error instanceof PerformChatOptionsError) return error.problems;
    throw error;
  }
}

describe('Redis key prefixes and the customer-user TTL (issue 20)', () => {
  it('reads the prefixes and the TTL from their variables, with PERFORMCHAT_REDIS_URL', () => {
    expect(
      performChatConfig({
        ...env,
        PERFORMCHAT_RATE_LIMIT_KEY_PREFIX: 'app:rl',
        PERFORMCHAT_CUSTOMER_USER_KEY_PREFIX: 'app:cu',
        PERFORMCHAT_CUSTOMER_USER_TTL_SECONDS: '86400',
      }),
    ).toEqual({
      keyId: 'pk',
      keySecret: 'sk',
      rateLimit: { store: { redis: REDIS, keyPrefix: 'app:rl' } },
      customerUserStore: { redis: REDIS, keyPrefix: 'app:cu', ttlSeconds: 86_400 },
    });
    // Without Redis there are no keys: the variables change nothing.
    expect(
      performChatConfig({
        PERFORMCHAT_KEY_ID: 'pk',
        PERFORMCHAT_KEY_SECRET: 'sk',
        PERFORMCHAT_RATE_LIMIT_KEY_PREFIX: 'app:rl',
      }),
    ).toEqual({
      keyId: 'pk',
      keySecret: 'sk',
    });
    expect(() =>
      resolvePerformChatOptions(performChatConfig({ ...env, PERFORMCHAT_CUSTOMER_USER_TTL_SECONDS: '1d' })),
    ).toThrow(/customerUserStore\.ttlSeconds must be a whole number of seconds, at least 1/);
  });

  it('defaults: performchat:rl and performchat:cu, records kept as long as the longest token (maxExpiresIn, else 365 days)', () => {
    const defaults = resolvePerformChatOptions(performChatConfig(env));
    expect(defaults.rateLimit.store).toEqual({
      kind: 'redis',
      redis: REDIS,
      keyPrefix: 'performchat:rl',
      keyWidePrefix: 'performchat:rl',
    });
    expect(defaults.customerUserStore).toEqual({ redis: REDIS, ttlSeconds: 365 * 86_400 });
    const capped = resolvePerformChatOptions({ ...base, maxExpiresIn: '2h', customerUserStore: { redis: REDIS } });
    expect(capped.customerUserStore).toEqual({ redis: REDIS, ttlSeconds: 7_200 });
    const own = resolvePerformChatOptions({
      ...base,
      maxExpiresIn: '2h',
      customerUserStore: { redis: REDIS, ttlSeconds: 60 },
    });
    expect(own.customerUserStore).toEqual({ redis: REDIS, ttlSeconds: 60 });
    expect(resolvePerformChatOptions(base).customerUserStore).toBe('memory');
  });

  it.each([
    ['a trailing separator (0.1.x glued the id to it)', 'app:cu:'],
    ['a hash tag', 'app:{cu}'],
    ['a brace', 'app}'],
    ['whitespace', 'app cu'],
    ['an empty string', ''],
    ['201 characters', 'x'.repeat(201)],
  ])('refuses a prefix with %s, naming the field', (_name, keyPrefix) => {
    const rule =
      'must be 1 to 200 characters without whitespace, { or } (a hash tag in the prefix would put every key in one cluster slot), and must not end with ":" (the store adds the separator)';
    expect(
      problemsOf({ rateLimit: { store: { redis: REDIS, keyPrefix } }, customerUserStore: { redis: REDIS, keyPrefix } }),
    ).toEqual([`rateLimit.store.keyPrefix ${rule}`, `customerUserStore.keyPrefix ${rule}`]);
  });

  it('refuses customer-user keys under a rate-limit counter, where listing them would read counters', () => {
    expect(
      problemsOf({
        rateLimit: { store: { redis: REDIS, keyPrefix: 'app' } },
        customerUserStore: { redis: REDIS, keyPrefix: 'app:Chat.send' },
      }),
    ).toEqual([
      'customerUserStore.keyPrefix ("app:Chat.send") must not start with rateLimit.store.keyPrefix and ":" ("app:"): its keys would sit among the rate-limit counters, and listing the customer users would read them',
    ]);
    // The same prefix is fine: a counter name never starts with "{".
    expect(
      problemsOf({
        rateLimit: { store: { redis: REDIS, keyPrefix: 'app' } },
        customerUserStore: { redis: REDIS, keyPrefix: 'app' },
      }),
    ).toEqual([]);
    // With the memory rate-limit store there is nothing to collide with.
    expect(problemsOf({ customerUserStore: { redis: REDIS, keyPrefix: 'performchat:rl:x' } })).toEqual([]);
  });
});
