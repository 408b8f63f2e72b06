import { HttpService } from '@nestjs/axios';
import { Test, TestingModule } from '@nestjs/testing';
import { CapturedLogs, LoopbackServer, captureLogs, closedPort, startLoopbackServer } from '@test/utils';
import type { AxiosStatic } from 'axios';
import { inspect } from 'node:util';
import { PerformChatAuthService } from '../auth/perform-chat-auth.service';
import { PerformChatErrorCode } from '../errors/perform-chat-error-code';
import { PerformChatHealthProbe } from '../health/perform-chat-health.probe';
import { PerformChatModule } from '../perform-chat.module';

/**
 * The Nest 12 hazard, reproduced: the app's `@nestjs/axios` runs on another copy of axios
 * than the one this package `require`s (on Nest 12 the ES module build), so its errors are
 * instances of another `AxiosError` class. In 0.1.0 `instanceof AxiosError` missed them: no
 * retry, a 500, and the raw error (with `config.data` holding the secret) in the app's log.
 * Here the second copy is a fresh CommonJS instance of axios, isolated from the module
 * registry: a different `AxiosError` class, real HTTP on loopback.
 */
const SECRET = 'sk_foreign_axios_S3CR3T_"quoted"_4c1d';
const ESCAPED_SECRET = JSON.stringify(SECRET).slice(1, -1);

function foreignAxios(): AxiosStatic {
  let copy: AxiosStatic | undefined;
  jest.isolateModules(() => {
    copy = (jest.requireActual('axios') as { default: AxiosStatic }).default;
  });
  return copy as AxiosStatic;
}

function expectNoSecret(value: unknown, logs: CapturedLogs): void {
  const shown = [
    inspect(value, { depth: 10, showHidden: true }),
    JSON.stringify(value),
    String(value),
    logs.text(),
  ].join('\n');
  expect(shown).not.toContain(SECRET);
  expect(shown).not.toContain(ESCAPED_SECRET);
  expect(shown).not.toContain('sk_foreign_axios');
}

describe('a second copy of axios (the dual-package hazard of Nest 12 apps)', () => {
  const foreign = foreignAxios();
  let logs: CapturedLogs;
  let moduleRef: TestingModule | undefined;

  async function boot(baseUrl: string, axiosInstance = foreign.create()) {
    moduleRef = await Test.createTestingModule({
      imports: [
        PerformChatModule.forRoot({
          keyId: 'pk_foreign',
          keySecret: SECRET,
          baseUrl,
          defaultAgentId: 'agent_abc',
          timeoutMs: 500,
          retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 2 },
          circuitBreaker: false,
        }),
      ],
    })
      .overrideProvider(HttpService)
      .useValue(new HttpService(axiosInstance))
      .compile();
    return moduleRef;
  }

  beforeEach(() => (logs = captureLogs()));
  afterEach(async () => {
    logs.restore();
    await moduleRef?.close();
    moduleRef = undefined;
  });

  it('really is another AxiosError class', async () => {
    const own = jest.requireActual('axios') as { AxiosError: new () => Error };
    expect(new foreign.AxiosError('x') instanceof own.AxiosError).toBe(false);
    expect(foreign.isAxiosError(new foreign.AxiosError('x'))).toBe(true);
  });

  describe.each([
    ['drops the connection', 'drop'],
    ['refuses the connection', 'refuse'],
  ] as const)('PerformChat %s', (_name, fault) => {
    let upstream: LoopbackServer | undefined;
    let baseUrl: string;

    beforeEach(async () => {
      if (fault === 'drop') {
        upstream = await startLoopbackServer((req) => req.socket.destroy());
        baseUrl = upstream.url;
      } else {
        baseUrl = `http://127.0.0.1:${await closedPort()}`;
      }
    });
    afterEach(async () => {
      await upstream?.close();
      upstream = undefined;
    });

    it('generateToken: UNREACHABLE after the retries, one warning per attempt, no secret anywhere', async () => {
      const ref = await boot(baseUrl);
      const error = await ref
        .get(PerformChatAuthService)
        .generateToken({ userId: 'alice' })
        .catch((e: unknown) => e);

      expect(error).toMatchObject({ name: 'PerformChatError', code: PerformChatErrorCode.UNREACHABLE });
      expect((error as Error).message).toMatch(
        fault === 'drop' ? /closed without a complete response/ : /connection refused/,
      );
      expect(Object.keys(error as object)).not.toContain('config');
      if (upstream) expect(upstream.requests).toHaveLength(3);
      expect(logs.lines.filter((line) => line.includes('PerformChat call failed'))).toHaveLength(3);
      expectNoSecret(error, logs);
    });

    it('the health probe: down with a named reason, never a thrown error', async () => {
      const ref = await boot(baseUrl);
      const outcome = await ref.get(PerformChatHealthProbe).probe(500);
      expect(outcome).toMatchObject({
        up: false,
        details: { reason: fault === 'drop' ? 'connection_dropped' : 'connection_refused' },
      });
      expectNoSecret(outcome, logs);
    });
  });

  it('an unexpected error thrown inside the transport leaves the library scrubbed of the secret', async () => {
    const instance = foreign.create();
    // A broken request interceptor of the app's axios that quotes the request body in its error.
    instance.interceptors.request.use((config) => {
      throw new TypeError(`cannot send ${String(config.data)}`);
    });
    const ref = await boot('http://127.0.0.1:9', instance);
    const error = await ref
      .get(PerformChatAuthService)
      .generateToken({ userId: 'alice' })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^TypeError thrown by the HTTP transport: cannot send .*\[REDACTED\]/);
    expect(Object.keys(error as object)).toEqual([]);
    expectNoSecret(error, logs);
  });
});
