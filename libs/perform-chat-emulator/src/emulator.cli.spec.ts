import { EMULATOR_CLI_OPTIONS, emulatorCliHelp, EmulatorCliError, parseEmulatorCli } from './emulator.cli';

describe('parseEmulatorCli', () => {
  it('defaults: port 4010, chat auto (echo), nothing else set', () => {
    expect(parseEmulatorCli([], {})).toEqual({
      help: false,
      chat: 'auto',
      chatOptions: { agent: {} },
      options: { port: 4010 },
    });
  });

  it('reads every option from a flag or its environment variable; flags win; empty variables are unset', () => {
    const flags = parseEmulatorCli(
      [
        '--port',
        '5000',
        '--host',
        '0.0.0.0',
        '--response-shape',
        'user',
        '--chat',
        'on',
        '--chat-replies',
        'Hi|Bye',
        '--chat-delay-ms',
        '20',
        '--chat-chunk-size',
        '3',
        '--chat-chunk-interval-ms',
        '5',
        '--disconnect-on-invalidate',
        'false',
        '--rate-limits',
        'off',
        '--signing-secret',
        's3cret',
        '--state-file',
        '/tmp/state.json',
        '--log-requests',
        '--request-log-size',
        '0',
      ],
      { PERFORMCHAT_EMULATOR_PORT: '6000' },
    );
    const env = parseEmulatorCli([], {
      PERFORMCHAT_EMULATOR_PORT: '5000',
      PERFORMCHAT_EMULATOR_HOST: '0.0.0.0',
      PERFORMCHAT_EMULATOR_RESPONSE_SHAPE: 'user',
      PERFORMCHAT_EMULATOR_CHAT: 'on',
      PERFORMCHAT_EMULATOR_CHAT_REPLIES: 'Hi|Bye',
      PERFORMCHAT_EMULATOR_CHAT_DELAY_MS: '20',
      PERFORMCHAT_EMULATOR_CHAT_CHUNK_SIZE: '3',
      PERFORMCHAT_EMULATOR_CHAT_CHUNK_INTERVAL_MS: '5',
      PERFORMCHAT_EMULATOR_DISCONNECT_ON_INVALIDATE: 'false',
      PERFORMCHAT_EMULATOR_RATE_LIMITS: 'off',
      PERFORMCHAT_EMULATOR_SIGNING_SECRET: 's3cret',
      PERFORMCHAT_EMULATOR_STATE_FILE: '/tmp/state.json',
      PERFORMCHAT_EMULATOR_LOG_REQUESTS: 'true',
      PERFORMCHAT_EMULATOR_REQUEST_LOG_SIZE: '0',
    });
    const expected = {
      help: false,
      chat: 'on',
      chatOptions: {
        agent: { replies: ['Hi', 'Bye'], delayMs: 20, chunkSize: 3, chunkIntervalMs: 5 },
        disconnectOnInvalidate: false,
      },
      stateFile: '/tmp/state.json',
      options: {
        port: 5000,
        host: '0.0.0.0',
        responseShape: 'user',
        signingSecret: 's3cret',
        rateLimits: { tokenGenerations: false, failedAuth: false, apiRequests: false },
        logRequests: true,
        requestLog: false,
      },
    };
    expect(flags).toEqual(expected);
    expect(env).toEqual(expected);
    expect(parseEmulatorCli([], { PERFORMCHAT_EMULATOR_PORT: '' }).options.port).toBe(4010);
    expect(parseEmulatorCli(['--no-chat'], { PERFORMCHAT_EMULATOR_CHAT: 'on' }).chat).toBe('off');
    expect(parseEmulatorCli(['-h'], {}).help).toBe(true);
  });

  it.each<[string[], Record<string, string>, string]>([
    [['--port', '70000'], {}, '--port (PERFORMCHAT_EMULATOR_PORT) must be an integer from 0 to 65535, got "70000"'],
    [
      [],
      { PERFORMCHAT_EMULATOR_PORT: 'abc' },
      '--port (PERFORMCHAT_EMULATOR_PORT) must be an integer from 0 to 65535, got "abc"',
    ],
    [['--chat', 'maybe'], {}, '--chat (PERFORMCHAT_EMULATOR_CHAT) must be one of auto, on, off, got "maybe"'],
    [
      ['--chat-chunk-size', '0'],
      {},
      '--chat-chunk-size (PERFORMCHAT_EMULATOR_CHAT_CHUNK_SIZE) must be a whole number >= 1',
    ],
    [['--chat-replies', '|'], {}, '--chat-replies (PERFORMCHAT_EMULATOR_CHAT_REPLIES) must be replies separated by |'],
    [
      [],
      { PERFORMCHAT_EMULATOR_LOG_REQUESTS: 'yes' },
      '--log-requests (PERFORMCHAT_EMULATOR_LOG_REQUESTS) must be true or false, got "yes"',
    ],
    [['--portt', '1'], {}, "Unknown option '--portt'"],
  ])('refuses %j %j naming the flag and variable', (argv, env, message) => {
    expect(() => parseEmulatorCli(argv, env)).toThrow(EmulatorCliError);
    expect(() => parseEmulatorCli(argv, env)).toThrow(message);
  });

  it('never echoes a bad signing secret', () => {
    expect(() => parseEmulatorCli([], { PERFORMCHAT_EMULATOR_SIGNING_SECRET: '' })).not.toThrow();
    expect(() => parseEmulatorCli(['--signing-secret', ''], {})).toThrow(
      '--signing-secret (PERFORMCHAT_EMULATOR_SIGNING_SECRET) must be a non-empty string',
    );
  });

  it('--help lists every flag with its variable and default', () => {
    const help = emulatorCliHelp();
    for (const option of EMULATOR_CLI_OPTIONS) {
      expect(help).toContain(`--${option.flag}`);
      expect(help).toContain(`env ${option.env}, default ${option.default}`);
    }
    expect(help).toContain('--no-chat');
  });
});
