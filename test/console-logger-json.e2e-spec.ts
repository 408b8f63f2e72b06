import { ConsoleLogger, INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { PerformChatAuthService, PerformChatModule } from 'nestjs-performchat';
import { EMULATOR_DEMO_KEY, PerformChatEmulator, startPerformChatEmulator } from 'nestjs-performchat/emulator';
import { emulatorModuleOptions } from '@test/utils/emulator-module';

const TOKEN_PATH = '/rest/v1/auth/token';

/**
 * Nest's own loggers as an app installs them: the library's object reaches them whole. The JSON
 * logger (`new ConsoleLogger({ json: true })`, Nest 11) writes it as the line's `message`, so a log
 * pipeline gets the fields without parsing a sentence; the text logger prints it on one line.
 */
describe.each([
  ['json', true],
  ['text', false],
])("the library's lines through Nest's ConsoleLogger (%s)", (_mode, json) => {
  let emulator: PerformChatEmulator;
  let app: INestApplication;
  let written: string[];
  let restoreWrites: () => void;

  function captureWrites(): () => void {
    const originals = { stdout: process.stdout.write, stderr: process.stderr.write };
    for (const stream of ['stdout', 'stderr'] as const) {
      process[stream].write = ((chunk: string | Uint8Array) => {
        written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
        return true;
      }) as typeof process.stdout.write;
    }
    return () => {
      process.stdout.write = originals.stdout;
      process.stderr.write = originals.stderr;
    };
  }

  beforeAll(async () => {
    emulator = await startPerformChatEmulator();
  });
  afterAll(() => emulator.close());
  beforeEach(async () => {
    written = [];
    restoreWrites = captureWrites();
    @Module({
      imports: [PerformChatModule.forRoot(emulatorModuleOptions(emulator, { retry: false, circuitBreaker: false }))],
    })
    class AppModule {}
    app = await NestFactory.create(AppModule, { logger: new ConsoleLogger({ json, colors: false }) });
    await app.init();
  });
  afterEach(async () => {
    await app?.close();
    restoreWrites();
  });

  it('a failed attempt: one line whose message holds msg, event and the fields; no secret', async () => {
    emulator.addFault({ path: TOKEN_PATH, times: 1, status: 503 });
    await expect(app.get(PerformChatAuthService).generateToken({ userId: 'alice' })).rejects.toMatchObject({
      code: 'UPSTREAM_ERROR',
    });
    const output = written.join('');
    expect(output).not.toContain(EMULATOR_DEMO_KEY.keySecret);
    const fields = {
      event: 'attempt.failed',
      operation: 'generateToken',
      code: 'UPSTREAM_ERROR',
      status: 503,
      attempt: 1,
      keyId: EMULATOR_DEMO_KEY.keyId,
    };
    if (json) {
      const lines = output.split('\n').filter((line) => line.includes('attempt.failed'));
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0])).toEqual({
        level: 'warn',
        pid: process.pid,
        timestamp: expect.any(Number),
        context: 'PerformChat',
        message: {
          msg: expect.stringMatching(
            /^PerformChat call failed \(generateToken, attempt 1\): PerformChat failed with HTTP 503/,
          ),
          ...fields,
          latencyMs: expect.any(Number),
          reason: expect.stringMatching(/^PerformChat failed with HTTP 503/),
        },
      });
    } else {
      // The default text logger prints the object over several lines, one field a line.
      expect(output.match(/event: 'attempt\.failed'/g)).toHaveLength(1);
      expect(output).toMatch(
        new RegExp(
          [
            'WARN \\[PerformChat\\] Object\\(9\\) \\{',
            '  msg: .PerformChat call failed \\(generateToken, attempt 1\\): PerformChat failed with HTTP 503.*,',
            ...Object.entries(fields)
              .slice(0, 5)
              .map(([name, value]) => `  ${name}: ${typeof value === 'string' ? `'${value}'` : value},`),
            '  latencyMs: \\d+,',
            `  keyId: '${fields.keyId}',`,
            '  reason: .PerformChat failed with HTTP 503.*',
            '\\}',
          ].join('\n'),
        ),
      );
    }
  });
});
