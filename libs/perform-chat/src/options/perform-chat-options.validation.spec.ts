import { MAX_IDENTIFIER_LENGTH } from './identifier';
import { PerformChatModuleOptions } from './perform-chat-options.interface';
import { PerformChatOptionsError, resolvePerformChatOptions } from './perform-chat-options.validation';
import { performChatConfig } from './perform-chat.config';

const base: PerformChatModuleOptions = { keyId: 'pk_agents', keySecret: 'sk_agents' };

function problemsOf(options: Partial<PerformChatModuleOptions>): string[] {
  try {
    resolvePerformChatOptions({ ...base, ...options });
    return [];
  } catch (error) {
    if (error instanceof PerformChatOptionsError) return error.problems;
    throw error;
  }
}

describe('agent ids in the options: what every request would be refused for stops the boot', () => {
  const long = 'a'.repeat(MAX_IDENTIFIER_LENGTH + 1);

  it.each<[string, unknown, string]>([
    ['300 characters', 'a'.repeat(300), `defaultAgentId must be at most ${MAX_IDENTIFIER_LENGTH} characters long`],
    ['a trailing newline', 'agent_support\n', 'defaultAgentId must not contain control characters'],
    ['a NUL', 'agent\u0000x', 'defaultAgentId must not contain control characters'],
    ['a trailing space', 'agent_support ', 'defaultAgentId must not start or end with whitespace'],
    ['only whitespace', '   ', 'defaultAgentId must not be empty or only whitespace'],
    ['empty', '', 'defaultAgentId must not be empty or only whitespace'],
    ['not a string', 42, 'defaultAgentId must be a non-empty string; got 42'],
  ])('defaultAgentId with %s', (_name, defaultAgentId, expected) => {
    expect(problemsOf({ defaultAgentId: defaultAgentId as string })).toEqual([expected]);
  });

  it('names each bad entry of allowedAgentIds by index', () => {
    expect(problemsOf({ allowedAgentIds: ['agent_a', long, 'agent\tb', ' agent_c', 7 as never] })).toEqual([
      `allowedAgentIds[1] must be at most ${MAX_IDENTIFIER_LENGTH} characters long`,
      'allowedAgentIds[2] must not contain control characters',
      'allowedAgentIds[3] must not start or end with whitespace',
      'allowedAgentIds[4] must be a non-empty string; got 7',
    ]);
  });

  it('refuses a newline-ended PERFORMCHAT_DEFAULT_AGENT_ID (a value from a file)', () => {
    const options = performChatConfig({
      PERFORMCHAT_KEY_ID: 'pk',
      PERFORMCHAT_KEY_SECRET: 'sk',
      PERFORMCHAT_DEFAULT_AGENT_ID: 'agent_support\n',
    });
    expect(problemsOf(options)).toEqual(['defaultAgentId must not contain control characters']);
  });

  it(`accepts ids of up to ${MAX_IDENTIFIER_LENGTH} characters, as the service does`, () => {
    const id = 'a'.repeat(MAX_IDENTIFIER_LENGTH);
    expect(problemsOf({ defaultAgentId: id, allowedAgentIds: [id, 'agent b'] })).toEqual([]);
  });
});
