import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RecordedAnswer } from './app-client';
import { REPO_ROOT, errorLines, readmeInstallCommands } from './compat-harness';
import { findLeaks } from './leak-scan';

/** The harness's own judges: a check that cannot fail would let every cell pass. */

const SECRET = 'sk_demo_performchat_emulator_secret';
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjbXgwbnV6djEwMDAxIn0.c2lnbmF0dXJlX29mX3RoZV90b2tlbg';
const OTHER = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjbXgwb3RoZXJ1c2VyIn0.b3RoZXJfc2lnbmF0dXJlX29mX2FfdG9rZW4';

function answer(overrides: Partial<RecordedAnswer>): RecordedAnswer {
  const text = overrides.text ?? '{}';
  return {
    status: 200,
    headers: {},
    text,
    json: JSON.parse(text),
    request: 'GET /api/chat/token',
    tokenAnswer: false,
    ...overrides,
  };
}

describe('findLeaks', () => {
  const clean = {
    appOutput: 'chat token for alice valid until 2026-12-01T08:00:00.000Z\n',
    secret: SECRET,
    issuedTokens: [TOKEN],
  };

  it('accepts a token only in the body of the token answer that carried it', () => {
    expect(
      findLeaks({ ...clean, answers: [answer({ text: JSON.stringify({ token: TOKEN }), tokenAnswer: true })] }),
    ).toEqual([]);
  });

  it('finds the secret in the output, a header or a body', () => {
    expect(findLeaks({ ...clean, appOutput: `config: { data: '{"keySecret":"${SECRET}"}' }`, answers: [] })).toEqual([
      "the API secret in the app's output",
    ]);
    expect(findLeaks({ ...clean, answers: [answer({ status: 503, headers: { 'x-debug': SECRET } })] })).toEqual([
      'the API secret in the headers of the 503 answer to GET /api/chat/token',
    ]);
    expect(
      findLeaks({ ...clean, answers: [answer({ status: 500, text: JSON.stringify({ message: SECRET }) })] }),
    ).toEqual(['the API secret in the body of the 500 answer to GET /api/chat/token']);
  });

  it('finds an issued token outside its own token answer, and any JWT-shaped string in the output', () => {
    expect(findLeaks({ ...clean, appOutput: `issued ${TOKEN}`, answers: [] })).toEqual([
      "an issued token in the app's output",
    ]);
    expect(findLeaks({ ...clean, appOutput: `issued ${OTHER}`, answers: [] })).toEqual([
      "a JWT-shaped string in the app's output",
    ]);
    expect(
      findLeaks({
        ...clean,
        issuedTokens: [TOKEN, OTHER],
        answers: [answer({ text: JSON.stringify({ token: TOKEN, previous: OTHER }), tokenAnswer: true })],
      }),
    ).toEqual(['an issued token in the body of the 200 answer to GET /api/chat/token']);
    expect(findLeaks({ ...clean, answers: [answer({ status: 503, text: JSON.stringify({ token: TOKEN }) })] })).toEqual(
      ['an issued token in the body of the 503 answer to GET /api/chat/token'],
    );
  });
});

describe('errorLines', () => {
  it("lets through only terminus's line for the expected refused connection", () => {
    const refused =
      '[Nest] 1  - 12/01/2026, 7:04:59 AM   ERROR Health Check has failed! {"performchat":{"reason":"connection_refused","status":"down"}}';
    const other =
      '[Nest] 1  - 12/01/2026, 7:04:59 AM   ERROR Health Check has failed! {"performchat":{"reason":"timeout","status":"down"}}';
    const raw = '[Nest] 1  - 12/01/2026, 7:04:59 AM   ERROR [ExceptionsHandler] AxiosError: socket hang up';
    expect(errorLines([refused, other, raw, 'LOG fine'].join('\n'))).toEqual([other, raw]);
  });
});

describe('readmeInstallCommands', () => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

  it.each([
    [11, ['@nestjs/axios@^4', '@nestjs/config@^4', '@nestjs/terminus@^11']],
    [12, ['@nestjs/axios@^12', '@nestjs/config@^12', '@nestjs/terminus@^12']],
  ] as const)("reads the README's Nest %s block: the package and the peers of that major", (major, pins) => {
    const commands = readmeInstallCommands(readme, major);
    expect(commands[0].slice(0, 2)).toEqual(['install', 'nestjs-performchat']);
    expect(commands.flat()).toEqual(expect.arrayContaining([...pins]));
    expect(commands.every(([verb]) => verb === 'install')).toBe(true);
  });

  it('fails loudly when the README has no block for a major', () => {
    expect(() =>
      readmeInstallCommands('## Install\n\n```bash\nnpm install nestjs-performchat\n```\n\n## Next\n', 12),
    ).toThrow(/# Nest 12/);
  });
});
