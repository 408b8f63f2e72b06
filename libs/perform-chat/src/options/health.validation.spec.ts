import { PerformChatModuleOptions } from './perform-chat-options.interface';
import { resolvePerformChatOptions } from './perform-chat-options.validation';
import { performChatConfig } from './perform-chat.config';
import { resolveHealthCheckOptions } from './health.validation';

const BASE: PerformChatModuleOptions = { keyId: 'pk_opts', keySecret: 'sk_opts_SECRET_a1' };

describe('the health option', () => {
  const RULES = { breakerOpenIsDown: true, notFoundIsDown: true };
  it.each([
    ['defaults', undefined, { timeoutMs: 1000, cacheTtlMs: 5000, ...RULES }],
    ['an empty object', {}, { timeoutMs: 1000, cacheTtlMs: 5000, ...RULES }],
    ['timeoutMs only', { timeoutMs: 250 }, { timeoutMs: 250, cacheTtlMs: 5000, ...RULES }],
    ['cacheTtlMs 0 (no reuse)', { cacheTtlMs: 0 }, { timeoutMs: 1000, cacheTtlMs: 0, ...RULES }],
    ['both', { timeoutMs: 300, cacheTtlMs: 10_000 }, { timeoutMs: 300, cacheTtlMs: 10_000, ...RULES }],
    [
      'both rules off',
      { breakerOpenIsDown: false, notFoundIsDown: false },
      { timeoutMs: 1000, cacheTtlMs: 5000, breakerOpenIsDown: false, notFoundIsDown: false },
    ],
  ])('resolves %s', (_name, health, expected) => {
    expect(resolvePerformChatOptions({ ...BASE, health }).health).toEqual(expected);
  });

  it.each([
    ['timeoutMs 0', { timeoutMs: 0 }, 'health.timeoutMs must be a whole number of milliseconds, at least 1'],
    ['timeoutMs 1.5', { timeoutMs: 1.5 }, 'health.timeoutMs must be a whole number of milliseconds'],
    ['timeoutMs as text', { timeoutMs: '1000' }, 'health.timeoutMs must be a whole number of milliseconds'],
    ['cacheTtlMs -1', { cacheTtlMs: -1 }, 'health.cacheTtlMs must be a whole number of milliseconds, at least 0'],
    [
      'cacheTtlMs NaN (unreadable env)',
      { cacheTtlMs: Number.NaN },
      'health.cacheTtlMs must be a whole number of milliseconds',
    ],
    ['breakerOpenIsDown as text', { breakerOpenIsDown: 'yes' }, 'health.breakerOpenIsDown must be true or false'],
    ['notFoundIsDown as a number', { notFoundIsDown: 1 }, 'health.notFoundIsDown must be true or false'],
    [
      'a number instead of an object',
      5,
      'health must be an object { timeoutMs?, cacheTtlMs?, breakerOpenIsDown?, notFoundIsDown? }',
    ],
  ])('refuses %s at boot, naming the field', (_name, health, message) => {
    expect(() => resolvePerformChatOptions({ ...BASE, health } as unknown as PerformChatModuleOptions)).toThrow(
      message,
    );
  });

  it('reads PERFORMCHAT_HEALTH_TIMEOUT_MS and PERFORMCHAT_HEALTH_CACHE_TTL_MS', () => {
    const env = { PERFORMCHAT_KEY_ID: 'pk', PERFORMCHAT_KEY_SECRET: 'sk' };
    expect(
      performChatConfig({ ...env, PERFORMCHAT_HEALTH_TIMEOUT_MS: '300', PERFORMCHAT_HEALTH_CACHE_TTL_MS: '0' }).health,
    ).toEqual({
      timeoutMs: 300,
      cacheTtlMs: 0,
    });
    expect(performChatConfig({ ...env, PERFORMCHAT_HEALTH_CACHE_TTL_MS: '2000' }).health).toEqual({ cacheTtlMs: 2000 });
    expect(performChatConfig(env)).not.toHaveProperty('health');
    expect(() => resolvePerformChatOptions(performChatConfig({ ...env, PERFORMCHAT_HEALTH_TIMEOUT_MS: '1s' }))).toThrow(
      /health\.timeoutMs/,
    );
  });

  it('reads PERFORMCHAT_HEALTH_BREAKER_OPEN_IS_DOWN and PERFORMCHAT_HEALTH_NOT_FOUND_IS_DOWN as true/false/1/0', () => {
    const env = { PERFORMCHAT_KEY_ID: 'pk', PERFORMCHAT_KEY_SECRET: 'sk' };
    expect(
      performChatConfig({
        ...env,
        PERFORMCHAT_HEALTH_BREAKER_OPEN_IS_DOWN: 'false',
        PERFORMCHAT_HEALTH_NOT_FOUND_IS_DOWN: '0',
      }).health,
    ).toEqual({ breakerOpenIsDown: false, notFoundIsDown: false });
    expect(performChatConfig({ ...env, PERFORMCHAT_HEALTH_BREAKER_OPEN_IS_DOWN: 'TRUE' }).health).toEqual({
      breakerOpenIsDown: true,
    });
    expect(performChatConfig({ ...env, PERFORMCHAT_HEALTH_NOT_FOUND_IS_DOWN: '1' }).health).toEqual({
      notFoundIsDown: true,
    });
    expect(() =>
      resolvePerformChatOptions(performChatConfig({ ...env, PERFORMCHAT_HEALTH_BREAKER_OPEN_IS_DOWN: 'off' })),
    ).toThrow('health.breakerOpenIsDown must be true or false');
  });

  it('per-call options override the resolved ones and are checked', () => {
    const defaults = { timeoutMs: 1000, cacheTtlMs: 5000, ...RULES };
    expect(resolveHealthCheckOptions({}, defaults)).toEqual(defaults);
    expect(resolveHealthCheckOptions({ cacheTtlMs: 0 }, defaults)).toEqual({ ...defaults, cacheTtlMs: 0 });
    expect(resolveHealthCheckOptions({ breakerOpenIsDown: false }, defaults)).toEqual({
      ...defaults,
      breakerOpenIsDown: false,
    });
    expect(() => resolveHealthCheckOptions({ timeoutMs: -5 }, defaults)).toThrow(TypeError);
    expect(() => resolveHealthCheckOptions({ notFoundIsDown: 'no' as never }, defaults)).toThrow(TypeError);
  });
});
