import { EMULATOR_DEFAULT_RATE_LIMITS, EMULATOR_DEMO_AGENTS, EMULATOR_DEMO_KEY } from './emulator.constants';
import { EmulatorOptionsError, resolveEmulatorOptions } from './emulator.options';
import type { PerformChatEmulatorOptions } from './emulator.interfaces';

describe('resolveEmulatorOptions', () => {
  it('defaults to port 0 on 127.0.0.1, the demo key and agents, both shapes and the documented limits', () => {
    const resolved = resolveEmulatorOptions();
    expect(resolved).toEqual({
      port: 0,
      host: '127.0.0.1',
      keys: [{ ...EMULATOR_DEMO_KEY }],
      agents: EMULATOR_DEMO_AGENTS.map((a) => ({ ...a })),
      responseShape: 'both',
      signingSecret: expect.any(String),
      clock: Date.now,
      rateLimits: EMULATOR_DEFAULT_RATE_LIMITS,
      maxBodyBytes: 102_400,
      chat: false,
      requestLogEntries: 1000,
      logRequests: false,
    });
    expect(resolved.signingSecret).not.toBe(resolveEmulatorOptions().signingSecret);
  });

  it('fills key and agent defaults: name, environment, agent company = first key company, active', () => {
    const resolved = resolveEmulatorOptions({
      keys: [
        {
          keyId: 'k',
          keySecret: 's',
          companyId: 'acme',
          expiresAt: '2030-01-01T00:00:00Z',
          permissions: ['chat:send'],
        },
      ],
      agents: [{ id: 'a', name: 'A' }],
      rateLimits: { tokenGenerations: { windowMs: 200 }, failedAuth: false },
    });
    expect(resolved.keys).toEqual([
      {
        keyId: 'k',
        keySecret: 's',
        companyId: 'acme',
        name: 'Emulator API Key',
        environment: 'development',
        expiresAt: new Date('2030-01-01T00:00:00Z'),
        permissions: ['chat:send'],
      },
    ]);
    expect(resolved.agents).toEqual([{ id: 'a', name: 'A', active: true, companyId: 'acme' }]);
    expect(resolved.rateLimits).toEqual({
      tokenGenerations: { points: 100, windowMs: 200 },
      failedAuth: false,
      apiRequests: { points: 1000, windowMs: 60_000 },
    });
  });

  it.each<[PerformChatEmulatorOptions, string]>([
    [{ port: 70_000 }, 'port must be an integer from 0 to 65535'],
    [{ chat: 'yes' as never }, 'chat must be a boolean or an object'],
    [
      { chat: { agent: { replies: [] } } },
      'chat.agent.replies must be a non-empty array of non-empty strings, or a function',
    ],
    [{ chat: { agent: { chunkSize: 0 } } }, 'chat.agent.chunkSize must be an integer >= 1'],
    [{ chat: { agent: { delayMs: -1 } } }, 'chat.agent.delayMs must be an integer >= 0'],
    [{ chat: { disconnectOnInvalidate: 'no' as never } }, 'chat.disconnectOnInvalidate must be a boolean'],
    [{ requestLog: { maxEntries: 0 } }, 'requestLog.maxEntries must be a positive integer'],
    [{ keys: [] }, 'keys must be a non-empty array'],
    [{ keys: [{ keyId: 'k', keySecret: '', companyId: 'c' }] }, 'keys[0].keySecret must be a non-empty string'],
    [{ keys: [{ ...EMULATOR_DEMO_KEY, expiresAt: 'soon' }] }, 'keys[0].expiresAt must be a valid date'],
    [{ keys: [EMULATOR_DEMO_KEY, EMULATOR_DEMO_KEY] }, 'keys must have distinct keyId values'],
    [{ agents: [{ id: 'a', name: '' }] }, 'agents[0].name must be a non-empty string'],
    [{ responseShape: 'users' as never }, 'responseShape must be one of customerUser, user, both'],
    [
      { rateLimits: { failedAuth: { points: -1 } } },
      'rateLimits.failedAuth.points must be a non-negative integer or Infinity',
    ],
    [{ rateLimits: { apiRequests: { windowMs: 0 } } }, 'rateLimits.apiRequests.windowMs must be a positive number'],
  ])('refuses %p naming the field', (options, message) => {
    expect(() => resolveEmulatorOptions(options)).toThrow(new EmulatorOptionsError(`PerformChat emulator: ${message}`));
  });

  it('never echoes a secret in an error', () => {
    expect.assertions(2);
    try {
      resolveEmulatorOptions({ keys: [{ keyId: '', keySecret: 'super-secret-value', companyId: 'c' }] });
    } catch (error) {
      expect(error).toBeInstanceOf(EmulatorOptionsError);
      expect((error as Error).message).not.toContain('super-secret-value');
    }
  });
});
