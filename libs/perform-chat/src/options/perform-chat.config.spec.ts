import { resolvePerformChatOptions } from './perform-chat-options.validation';
import { performChatConfig } from './perform-chat.config';

describe('performChatConfig', () => {
  const env = {
    PERFORMCHAT_KEY_ID: 'pk_env',
    PERFORMCHAT_KEY_SECRET: 'sk_env',
    PERFORMCHAT_BASE_URL: 'https://api.perform.chat',
    PERFORMCHAT_DEFAULT_AGENT_ID: 'agent_a',
    PERFORMCHAT_ALLOWED_AGENT_IDS: 'agent_a, agent_b,,',
    PERFORMCHAT_DEFAULT_EXPIRES_IN: '15m',
    PERFORMCHAT_MAX_EXPIRES_IN: '1h',
    PERFORMCHAT_TIMEOUT_MS: '2500',
    PERFORMCHAT_MAX_RESPONSE_BYTES: '32768',
  };

  it('reads every PERFORMCHAT_* variable from a plain record', () => {
    expect(performChatConfig(env)).toEqual({
      keyId: 'pk_env',
      keySecret: 'sk_env',
      baseUrl: 'https://api.perform.chat',
      defaultAgentId: 'agent_a',
      allowedAgentIds: ['agent_a', 'agent_b'],
      defaultExpiresIn: '15m',
      maxExpiresIn: '1h',
      timeoutMs: 2500,
      maxResponseBytes: 32768,
    });
  });

  it('reads from anything with get(), such as ConfigService', () => {
    const configService = { get: (key: string) => (env as Record<string, string>)[key] };
    expect(performChatConfig(configService)).toEqual(performChatConfig(env));
  });

  it('leaves unset and empty variables to the defaults', () => {
    expect(
      performChatConfig({ PERFORMCHAT_KEY_ID: 'pk', PERFORMCHAT_KEY_SECRET: 'sk', PERFORMCHAT_BASE_URL: '' }),
    ).toEqual({
      keyId: 'pk',
      keySecret: 'sk',
    });
  });

  it('turns an unreadable number into a validation error naming the option', () => {
    const options = performChatConfig({ ...env, PERFORMCHAT_TIMEOUT_MS: '5s' });
    expect(() => resolvePerformChatOptions(options)).toThrow(/timeoutMs/);
  });

  it('reads PERFORMCHAT_SHUTDOWN_GRACE_MS, and the boot refuses a value out of bounds naming the option', () => {
    const base = { PERFORMCHAT_KEY_ID: 'pk', PERFORMCHAT_KEY_SECRET: 'sk' };
    expect(performChatConfig({ ...base, PERFORMCHAT_SHUTDOWN_GRACE_MS: '2500' })).toEqual({
      keyId: 'pk',
      keySecret: 'sk',
      shutdownGraceMs: 2500,
    });
    expect(resolvePerformChatOptions(performChatConfig(base)).resilience.shutdownGraceMs).toBe(10_000);
    for (const value of ['600001', '3000000000', '2.5s', '-1']) {
      expect(() =>
        resolvePerformChatOptions(performChatConfig({ ...base, PERFORMCHAT_SHUTDOWN_GRACE_MS: value })),
      ).toThrow(/shutdownGraceMs must be a whole number of milliseconds from 0 to 600000/);
    }
  });

  it('reads PERFORMCHAT_VERIFY_AGENTS as a flag; anything else is refused at boot naming the option', () => {
    const base = { PERFORMCHAT_KEY_ID: 'pk', PERFORMCHAT_KEY_SECRET: 'sk', PERFORMCHAT_DEFAULT_AGENT_ID: 'agent_a' };
    expect(performChatConfig({ ...base, PERFORMCHAT_VERIFY_AGENTS: 'true' })).toMatchObject({ verifyAgents: true });
    expect(
      resolvePerformChatOptions(performChatConfig({ ...base, PERFORMCHAT_VERIFY_AGENTS: '1' })).verifyAgents,
    ).toEqual({
      atBoot: true,
      inReadiness: true,
    });
    expect(resolvePerformChatOptions(performChatConfig(base)).verifyAgents).toBe(false);
    expect(() =>
      resolvePerformChatOptions(performChatConfig({ ...base, PERFORMCHAT_VERIFY_AGENTS: 'sometimes' })),
    ).toThrow(/verifyAgents must be true, false or an object \{ atBoot\?, inReadiness\? \}/);
  });

  it('reads PERFORMCHAT_TOKEN_REUSE (true/false) and its minimum remaining life', () => {
    const base = { PERFORMCHAT_KEY_ID: 'pk', PERFORMCHAT_KEY_SECRET: 'sk' };
    expect(performChatConfig({ ...base, PERFORMCHAT_TOKEN_REUSE: 'true' }).tokenReuse).toEqual({});
    expect(
      performChatConfig({ ...base, PERFORMCHAT_TOKEN_REUSE: '1', PERFORMCHAT_TOKEN_REUSE_MIN_REMAINING: '10m' })
        .tokenReuse,
    ).toEqual({
      minRemaining: '10m',
    });
    expect(
      performChatConfig({ ...base, PERFORMCHAT_TOKEN_REUSE: 'false', PERFORMCHAT_TOKEN_REUSE_MIN_REMAINING: '10m' })
        .tokenReuse,
    ).toBe(false);
    expect(performChatConfig(base).tokenReuse).toBeUndefined();
    expect(() => resolvePerformChatOptions(performChatConfig({ ...base, PERFORMCHAT_TOKEN_REUSE: 'yes' }))).toThrow(
      /tokenReuse must be false or an object/,
    );
    expect(() =>
      resolvePerformChatOptions(
        performChatConfig({ ...base, PERFORMCHAT_TOKEN_REUSE: 'true', PERFORMCHAT_TOKEN_REUSE_MIN_REMAINING: '2h' }),
      ),
    ).toThrow(/tokenReuse.minRemaining \("2h"\) must be shorter than defaultExpiresIn \("1h"\)/);
  });

  it('names the environment variable of a missing credential', () => {
    expect(() => resolvePerformChatOptions(performChatConfig({}))).toThrow(/keyId is required .*PERFORMCHAT_KEY_ID/);
  });

  it('reads PERFORMCHAT_RATE_LIMIT_DURATION as seconds, or with its unit (1m), and the validator takes both', () => {
    const base = { PERFORMCHAT_KEY_ID: 'pk', PERFORMCHAT_KEY_SECRET: 'sk', PERFORMCHAT_RATE_LIMIT_POINTS: '5' };
    expect(performChatConfig({ ...base, PERFORMCHAT_RATE_LIMIT_DURATION: '90' }).rateLimit).toEqual({
      points: 5,
      duration: 90,
    });
    const withUnit = performChatConfig({ ...base, PERFORMCHAT_RATE_LIMIT_DURATION: '15m' });
    expect(withUnit.rateLimit).toEqual({ points: 5, duration: '15m' });
    expect(resolvePerformChatOptions(withUnit).rateLimit.defaultLimits).toMatchObject([{ points: 5, duration: 900 }]);
    expect(() =>
      resolvePerformChatOptions(performChatConfig({ ...base, PERFORMCHAT_RATE_LIMIT_DURATION: '15 m' })),
    ).toThrow('rateLimit.duration must be a positive number of seconds or a duration with its unit');
  });
});
