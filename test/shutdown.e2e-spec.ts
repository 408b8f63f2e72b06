import { INestApplication } from '@nestjs/common';
import { emulatorConfig, PLATFORMS, startDemoApp } from '@test/utils/demo-harness';
import { EMULATOR_COUNTER_KEYS, PerformChatEmulator, startPerformChatEmulator } from 'nestjs-performchat/emulator';
import { ChildProcess, spawn } from 'node:child_process';
import request from 'supertest';

const USER = 'x-demo-user';
const TOKEN_PATH = '/rest/v1/auth/token';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once the emulator has received `count` token calls (polling every 5 ms, at most 5 s). */
async function untilReceived(emulator: PerformChatEmulator, count: number): Promise<void> {
  const until = Date.now() + 5_000;
  while (emulator.state.counter(EMULATOR_COUNTER_KEYS.token).attempts < count) {
    if (Date.now() > until) throw new Error(`the emulator received fewer than ${count} token calls`);
    await sleep(5);
  }
}

/** Five token requests at once, each settling to its status, body and Retry-After. */
function fiveTokenRequests(url: string) {
  return Array.from({ length: 5 }, (_, i) =>
    request(url)
      .get('/api/chat/token')
      .set(USER, `user-${i}`)
      .then((response) => ({
        status: response.status,
        code: response.body.code,
        retryAfter: response.headers['retry-after'],
      })),
  );
}

describe.each(PLATFORMS)('graceful shutdown over %s (issue 13)', (platform) => {
  let emulator: PerformChatEmulator;
  let app: INestApplication;
  let url: string;
  const tokenAttempts = () => emulator.state.counter(EMULATOR_COUNTER_KEYS.token).attempts;

  async function listen(extra: Record<string, string> = {}): Promise<void> {
    app = await startDemoApp(platform, emulatorConfig(emulator, { PERFORMCHAT_RATE_LIMIT_POINTS: '0', ...extra }));
    await app.listen(0, '127.0.0.1');
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    // One call first, so that the key is known to work and the five below run together.
    await request(url).get('/api/chat/token').set(USER, 'warm-up').expect(200);
    emulator.reset();
  }

  beforeEach(async () => {
    emulator = await startPerformChatEmulator();
  });
  afterEach(async () => {
    await app?.close().catch(() => undefined);
    await emulator.close();
  });

  it('app.close() lets 5 calls in flight get their real answer and sends no retry: PerformChat sees exactly 5 calls', async () => {
    await listen(); // retries on (2), default grace
    emulator.addFault({ path: TOKEN_PATH, delayMs: 300, times: -1 });
    const answers = Promise.all(fiveTokenRequests(url));
    await untilReceived(emulator, 5);

    const started = Date.now();
    await app.close();
    expect(Date.now() - started).toBeLessThan(1_500);
    expect((await answers).map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    expect(tokenAttempts()).toBe(5);
  });

  it('calls still in flight when shutdownGraceMs ends get 503 TIMEOUT with Retry-After, and close() returns then', async () => {
    await listen({ PERFORMCHAT_SHUTDOWN_GRACE_MS: '150' });
    emulator.addFault({ path: TOKEN_PATH, delayMs: 3_000, times: -1 });
    const answers = Promise.all(fiveTokenRequests(url));
    await untilReceived(emulator, 5);

    const started = Date.now();
    await app.close();
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(1_000);
    expect(await answers).toEqual(Array(5).fill({ status: 503, code: 'TIMEOUT', retryAfter: '5' }));
    expect(tokenAttempts()).toBe(5); // cut, not retried
  });

  it('a call that arrives once shutdown has begun is refused without calling PerformChat', async () => {
    await listen();
    emulator.addFault({ path: TOKEN_PATH, delayMs: 300, times: 1 });
    const inFlight = request(url).get('/api/chat/token').set(USER, 'in-flight');
    const answered = inFlight.then((response) => response.status);
    await untilReceived(emulator, 1);

    const closing = app.close();
    const late = await request(url).get('/api/chat/token').set(USER, 'late');
    expect({ status: late.status, code: late.body.code, retryAfter: late.headers['retry-after'] }).toEqual({
      status: 503,
      code: 'UPSTREAM_UNAVAILABLE',
      retryAfter: '1',
    });
    expect(await answered).toBe(200);
    await closing;
    expect(tokenAttempts()).toBe(1);
  });
});

describe('SIGTERM to the demo app (main.ts, enableShutdownHooks)', () => {
  let emulator: PerformChatEmulator;
  let child: ChildProcess | undefined;
  let output = '';

  beforeAll(async () => {
    emulator = await startPerformChatEmulator();
  });
  afterAll(async () => {
    if (child?.pid && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await emulator.close();
  });

  it('lets the 5 calls in flight finish with their real answer, then exits; PerformChat sees exactly 5 calls', async () => {
    child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'src/main.ts'],
      {
        cwd: process.cwd(),
        env: {
          ...process.env,
          ...emulatorConfig(emulator),
          PORT: '0',
          PERFORMCHAT_RATE_LIMIT_POINTS: '0',
          NO_COLOR: '1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<string | null>((resolve) => child!.once('exit', (_code, signal) => resolve(signal)));

    const url = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const match = /Demo app ready on (\S+)/.exec(output);
        if (match) {
          clearInterval(timer);
          resolve(match[1].replace('localhost', '127.0.0.1'));
        } else if (child!.exitCode !== null) {
          clearInterval(timer);
          reject(new Error(`the demo app exited early:\n${output}`));
        }
      }, 50);
    });
    await request(url).get('/api/chat/token').set(USER, 'warm-up').expect(200);
    emulator.reset();

    emulator.addFault({ path: TOKEN_PATH, delayMs: 500, times: -1 });
    const answers = Promise.all(fiveTokenRequests(url));
    await untilReceived(emulator, 5);
    child.kill('SIGTERM');

    expect((await answers).map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    expect(await exited).toBe('SIGTERM');
    expect(emulator.state.counter(EMULATOR_COUNTER_KEYS.token).attempts).toBe(5);
  }, 60_000);
});
