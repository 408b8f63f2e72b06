import { PerformChatModuleOptions } from './perform-chat-options.interface';
import { PerformChatOptionsError, resolvePerformChatOptions } from './perform-chat-options.validation';
import { resolveCustomerUserStoreOption } from './customer-user-store.validation';
import { performChatConfig } from './perform-chat.config';

const SECRET = 'sk_cred_SECRET_5e1d';
const provider = () => ({ keyId: 'pk_provided', keySecret: SECRET });

function problemsOf(options: Partial<PerformChatModuleOptions>, name?: string): string[] {
  try {
    resolvePerformChatOptions(options as PerformChatModuleOptions, name);
    return [];
  } catch (error) {
    if (error instanceof PerformChatOptionsError) return error.problems;
    throw error;
  }
}

describe('where the key comes from (keyId + keySecret, or credentials)', () => {
  it('needs keyId and keySecret without a provider, naming their variables', () => {
    expect(problemsOf({})).toEqual([
      'keyId is required (a non-empty string; env PERFORMCHAT_KEY_ID with performChatConfig)',
      'keySecret is required (a non-empty string; env PERFORMCHAT_KEY_SECRET with performChatConfig)',
    ]);
  });

  it('needs neither with a provider, and refuses both together', () => {
    expect(problemsOf({ credentials: provider })).toEqual([]);
    expect(problemsOf({ credentials: provider, keyId: 'pk', keySecret: SECRET })).toEqual([
      'keyId and keySecret must not be set beside credentials: give the key either as keyId + keySecret or through the credentials provider',
    ]);
  });

  it('refuses credentialsRefreshMs without a provider (it would refresh nothing)', () => {
    expect(problemsOf({ keyId: 'pk', keySecret: SECRET, credentialsRefreshMs: 60_000 })).toEqual([
      'credentialsRefreshMs needs credentials (a provider to read the key again); with keyId + keySecret nothing is refreshed',
    ]);
  });

  it('names the item and field of a bad next key, never its secret', () => {
    const problems = problemsOf({
      keyId: 'pk',
      keySecret: SECRET,
      nextKey: [
        { keyId: 'pk_2', keySecret: 'sk_2' },
        { keyId: 'pk_3', keySecret: `${SECRET}\n` },
        { keyId: 'pk_4', secret: 'x' } as never,
      ],
    });
    expect(problems).toEqual([
      'nextKey[1].keySecret must not start or end with whitespace (a trailing newline from a secrets file?)',
      'nextKey[2].keySecret is required (a non-empty string; env PERFORMCHAT_NEXT_KEY_SECRET with performChatConfig)',
      'nextKey[2].secret: unknown option; known here: keyId, keySecret',
    ]);
    expect(problems.join(' ')).not.toContain(SECRET);
  });

  it('resolves the key, the provider with its default schedule, and the next keys as a list', () => {
    const withKey = resolvePerformChatOptions({
      keyId: 'pk',
      keySecret: SECRET,
      nextKey: { keyId: 'pk_2', keySecret: 'sk_2' },
    });
    expect(withKey.credentials).toEqual({
      initial: { keyId: 'pk', keySecret: SECRET },
      provider: undefined,
      refreshMs: false,
      providerTimeoutMs: 10_000,
      next: [{ keyId: 'pk_2', keySecret: 'sk_2' }],
      onKeyRotated: undefined,
    });
    const withProvider = resolvePerformChatOptions({ credentials: provider, deadlineMs: 3000 });
    expect(withProvider.credentials).toMatchObject({
      initial: undefined,
      provider,
      refreshMs: 600_000,
      providerTimeoutMs: 3000,
      next: [],
    });
  });

  it('reads the next key from PERFORMCHAT_NEXT_KEY_ID / _SECRET, and names the one missing', () => {
    const base = { PERFORMCHAT_KEY_ID: 'pk', PERFORMCHAT_KEY_SECRET: 'sk' };
    expect(
      performChatConfig({ ...base, PERFORMCHAT_NEXT_KEY_ID: 'pk_2', PERFORMCHAT_NEXT_KEY_SECRET: 'sk_2' }),
    ).toEqual({
      keyId: 'pk',
      keySecret: 'sk',
      nextKey: { keyId: 'pk_2', keySecret: 'sk_2' },
    });
    expect(performChatConfig(base)).not.toHaveProperty('nextKey');
    expect(problemsOf(performChatConfig({ ...base, PERFORMCHAT_NEXT_KEY_ID: 'pk_2' }))).toEqual([
      'nextKey.keySecret is required (a non-empty string; env PERFORMCHAT_NEXT_KEY_SECRET with performChatConfig)',
    ]);
  });
});

describe('the instance name', () => {
  it('is checked with the options, and named in the error', () => {
    expect(problemsOf({ keyId: 'pk', keySecret: SECRET }, 'eu/west')).toEqual([
      'name may only contain letters, digits, ".", "_" and "-" (1 to 100 characters)',
    ]);
    expect(() => resolvePerformChatOptions({ keyId: 'pk', keySecret: SECRET, timeoutMs: 0 }, 'eu')).toThrow(
      /^Invalid PerformChatModule options of the instance "eu": timeoutMs/,
    );
  });

  it("gives a named instance's Redis customer users a prefix beside the default one's, unless one is given", () => {
    const redis = 'redis://127.0.0.1:6379';
    const day = 86_400;
    expect(resolveCustomerUserStoreOption({ redis }, day, 'default')).toEqual({ redis, ttlSeconds: day });
    expect(resolveCustomerUserStoreOption({ redis }, day, 'eu')).toEqual({
      redis,
      keyPrefix: 'performchat:eu:cu',
      ttlSeconds: day,
    });
    expect(resolveCustomerUserStoreOption({ redis, keyPrefix: 'app:eu' }, day, 'eu')).toEqual({
      redis,
      keyPrefix: 'app:eu',
      ttlSeconds: day,
    });
    expect(resolveCustomerUserStoreOption(undefined, day, 'eu')).toBe('memory');
    expect(resolveCustomerUserStoreOption({ maxRecords: 5 }, day, 'eu')).toEqual({ maxRecords: 5 });
  });
});
