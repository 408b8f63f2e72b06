import { Test, TestingModule } from '@nestjs/testing';
import {
  CapturedLogs,
  LoopbackServer,
  captureLogs,
  sendJson,
  startLoopbackServer,
  tokenBody,
  until,
  useDateClock,
  useTimerClock,
  TestClock,
} from '@test/utils';
import { PerformChatAuthService } from '../auth/perform-chat-auth.service';
import { PerformChatError } from '../errors/perform-chat.error';
import { PerformChatModuleOptions } from '../options/perform-chat-options.interface';
import { PerformChatModule } from '../perform-chat.module';
import { PerformChatShutdown } from './perform-chat-shutdown';

const SECRET = 'sk_resilience_spec_S3CR3T';

/** Answers from a script, one per attempt (the last one repeats), recording when each came. */
function scripted(upstream: LoopbackServer, answers: ((res: Parameters<typeof sendJson>[0], body: string) => void)[]) {
  const times: number[] = [];
  upstream.handle((_req, res, body) => {
    times.push(Date.now());
    answers[Math.min(times.length, answers.length) - 1](res, body);
  });
  return times;
}

const ok = (res: Parameters<typeof sendJson>[0], body: string) =>
  sendJson(res, 200, tokenBody({ userId: JSON.parse(body).userId ?? 'u' }));
const status =
  (code: number, headers: Record<string, string> = {}) =>
  (res: Parameters<typeof sendJson>[0]) =>
    sendJson(res, code, { statusCode: code, message: 'scripted' }, headers);
const never = () => undefined;

describe('retries, deadline and circuit breaker against a loopback PerformChat', () => {
  let upstream: LoopbackServer;
  let logs: CapturedLogs;
  const refs: TestingModule[] = [];

  async function service(options: Partial<PerformChatModuleOptions> = {}): Promise<PerformChatAuthService> {
    const ref = await Test.createTestingModule({
      imports: [
        PerformChatModule.forRoot({
          keyId: 'pk_resilience',
          keySecret: SECRET,
          baseUrl: upstream.url,
          defaultAgentId: 'agent_abc',
          timeoutMs: 200,
          retry: { retries: 2, baseDelayMs: 20, maxDelayMs: 40 },
          circuitBreaker: false,
          upstreamBudget: false,
          ...options,
        }),
      ],
    }).compile();
    refs.push(ref);
    return ref.get(PerformChatAuthService);
  }

  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) => error as PerformChatError,
    );

  beforeAll(async () => {
    upstream = await startLoopbackServer();
  });
  afterAll(() => upstream.close());
  beforeEach(() => {
    upstream.requests.length = 0;
    logs = captureLogs();
  });
  afterEach(async () => {
    logs.restore();
    await Promise.all(refs.splice(0).map((ref) => ref.close()));
  });

  describe('what is retried', () => {
    it.each([500, 502, 503, 504, 429])('retries %i and returns the answer that finally succeeds', async (code) => {
      const times = scripted(upstream, [status(code), ok]);
      // A generous attempt timeout: on a loaded machine a 200 ms one could time the good answer out.
      const auth = await service({ timeoutMs: 3000 });
      await expect(auth.generateToken({ userId: 'u' })).resolves.toMatchObject({ customerUser: { externalId: 'u' } });
      expect(times).toHaveLength(2);
    });

    it('retries a dropped connection and a timeout', async () => {
      let calls = 0;
      upstream.handle((req, res, body) => {
        calls++;
        if (calls === 1) return req.socket.destroy();
        if (calls === 2) return undefined; // never answers: times out
        return ok(res, body);
      });
      const auth = await service();
      await expect(auth.generateToken({ userId: 'u' })).resolves.toBeDefined();
      expect(calls).toBe(3);
    });

    it('gives up after 1 + retries attempts with the last error, one log line per failed attempt', async () => {
      const times = scripted(upstream, [status(500)]);
      const auth = await service();
      await expect(auth.generateToken({ userId: 'u' })).rejects.toMatchObject({ code: 'UPSTREAM_ERROR', status: 500 });
      expect(times).toHaveLength(3);
      expect(logs.events('attempt.failed').map((entry) => entry.attempt)).toEqual([1, 2, 3]);
      expect(logs.text()).not.toContain(SECRET);
    });

    it.each([
      ['400', status(400), 'UPSTREAM_BAD_REQUEST'],
      ['401', status(401), 'INVALID_CREDENTIALS'],
      ['403', status(403), 'INVALID_CREDENTIALS'],
      ['404', status(404), 'UPSTREAM_BAD_REQUEST'],
      ['501', status(501), 'UPSTREAM_ERROR'],
      [
        'an HTML page',
        (res: Parameters<typeof sendJson>[0]) => {
          res.writeHead(200, { 'content-type': 'text/html' });
          res.end('<html></html>');
        },
        'INVALID_RESPONSE',
      ],
      [
        'a 200 without token',
        (res: Parameters<typeof sendJson>[0]) => sendJson(res, 200, { user: {} }),
        'INVALID_RESPONSE',
      ],
    ] as const)('never retries %s', async (_name, answer, code) => {
      const times = scripted(upstream, [answer, ok]);
      const auth = await service();
      await expect(auth.generateToken({ userId: 'u' })).rejects.toMatchObject({ code });
      expect(times).toHaveLength(1);
    });

    it('does nothing more with retry: false', async () => {
      const times = scripted(upstream, [status(503), ok]);
      const auth = await service({ retry: false });
      await expect(auth.generateToken({ userId: 'u' })).rejects.toMatchObject({ code: 'UPSTREAM_ERROR' });
      expect(times).toHaveLength(1);
    });
  });

  describe('timing', () => {
    it('waits a full-jitter exponential backoff between attempts, below the cap', async () => {
      const times = scripted(upstream, [status(503)]);
      const auth = await service({ retry: { retries: 4, baseDelayMs: 30, maxDelayMs: 60 } });
      await failure(auth.generateToken({ userId: 'u' }));
      const gaps = times.slice(1).map((time, i) => time - times[i]);
      expect(gaps).toHaveLength(4);
      // attempt n waits in [0, min(60, 30·2^(n-1))): 30, 60, 60, 60 ms ceilings (+ scheduling slack)
      [30, 60, 60, 60].forEach((ceiling, i) => expect(gaps[i]).toBeLessThan(ceiling + 25));
    });

    // The bounds of the draw itself are in backoff.spec.ts (many seeded draws); here: the retry
    // loop waits what was drawn for retry n, and not a millisecond less (the lower bound),
    // whichever end of [0, ceiling) the draw is at. Fake timers: the waits cost no time.
    it.each([
      ['the lowest draw', 0, [0, 0, 0, 0]],
      ['the middle draw', 0.5, [15, 30, 30, 30]],
      ['the highest draw', 1 - 2 ** -53, [29, 59, 59, 59]],
    ])('waits the drawn backoff before each retry, not less: %s', async (_name, draw, waits) => {
      const times = scripted(upstream, [status(503)]);
      const auth = await service({ retry: { retries: 4, baseDelayMs: 30, maxDelayMs: 60 }, deadlineMs: 10_000 });
      const random = jest.spyOn(Math, 'random').mockReturnValue(draw);
      const pause = jest.spyOn(PerformChatShutdown.prototype, 'pause');
      const clock = useTimerClock();
      try {
        const call = failure(auth.generateToken({ userId: 'u' }));
        for (const [i, wait] of waits.entries()) {
          await until(() => pause.mock.calls.length === i + 1, `wait ${i + 1}`);
          expect(pause.mock.calls[i][0]).toBe(wait);
          if (wait > 0) {
            await clock.advance(wait - 1);
            expect(times).toHaveLength(i + 1); // not a millisecond early
            await clock.advance(1);
          }
          await until(() => times.length === i + 2, `attempt ${i + 2}`);
        }
        expect(await call).toMatchObject({ code: 'UPSTREAM_ERROR', status: 503 });
        expect(times.slice(1).map((time, i) => time - times[i])).toEqual(waits);
      } finally {
        clock.restore();
        random.mockRestore();
        pause.mockRestore();
      }
    });

    // Retry-After waits on fake timers: the retry goes out when the clock has moved by exactly
    // the wait, not a moment before (the HTTP stays real).
    it.each([
      ['in seconds', () => '1', 1_000],
      ['as an HTTP-date', () => new Date(Date.UTC(2026, 0, 1, 12, 0, 1)).toUTCString(), 600],
    ])('honours a Retry-After %s when it fits the deadline', async (_name, header, waitMs) => {
      const times = scripted(upstream, [status(503, { 'retry-after': header() }), ok]);
      const auth = await service();
      const pause = jest.spyOn(PerformChatShutdown.prototype, 'pause');
      const clock = useTimerClock(Date.UTC(2026, 0, 1, 12, 0, 0, 400));
      try {
        const call = auth.generateToken({ userId: 'u' });
        await until(() => pause.mock.calls.length === 1, 'the wait before the retry');
        expect(pause.mock.calls[0][0]).toBe(waitMs);
        await clock.advance(waitMs - 1);
        expect(times).toHaveLength(1);
        await clock.advance(1);
        await expect(call).resolves.toBeDefined();
        expect(times).toHaveLength(2);
        expect(times[1] - times[0]).toBe(waitMs);
      } finally {
        clock.restore();
        pause.mockRestore();
      }
    });

    it('fails at once with retryAfterMs when Retry-After does not fit the deadline', async () => {
      const times = scripted(upstream, [status(503, { 'retry-after': '30' }), ok]);
      const auth = await service({ deadlineMs: 10_000 });
      const started = Date.now();
      const error = await failure(auth.generateToken({ userId: 'u' }));
      expect(error).toMatchObject({ code: 'UPSTREAM_ERROR', status: 503, retryAfterMs: 30_000 });
      expect(times).toHaveLength(1);
      expect(Date.now() - started).toBeLessThan(200);
    });

    it('never exceeds the deadline: the last attempt gets only the time that is left', async () => {
      const times = scripted(upstream, [never]);
      const auth = await service({
        timeoutMs: 200,
        deadlineMs: 330,
        retry: { retries: 5, baseDelayMs: 1, maxDelayMs: 1 },
      });
      const started = Date.now();
      const error = await failure(auth.generateToken({ userId: 'u' }));
      const elapsed = Date.now() - started;
      expect(error).toMatchObject({ code: 'TIMEOUT' });
      expect(elapsed).toBeGreaterThanOrEqual(300);
      expect(elapsed).toBeLessThan(330 + 60);
      expect(times.length).toBeGreaterThanOrEqual(2);
      expect(times.length).toBeLessThanOrEqual(3);
    });
  });

  describe('circuit breaker', () => {
    // Cooldowns (cockatiel) and the budget's windows read Date.now(): the clock moves, no sleep.
    let clock: TestClock | undefined;
    afterEach(() => {
      clock?.restore();
      clock = undefined;
    });

    it('opens after the threshold, fails fast while open, half-opens after the cooldown and closes on success', async () => {
      const times = scripted(upstream, [status(503), status(503), ok]);
      const auth = await service({ retry: false, circuitBreaker: { failureThreshold: 2, cooldownMs: 150 } });
      clock = useDateClock();

      expect(auth.circuitBreakerState()).toEqual({ state: 'closed', failureThreshold: 2 });
      await failure(auth.generateToken({ userId: 'u' }));
      await failure(auth.generateToken({ userId: 'u' }));
      expect(auth.circuitBreakerState()).toMatchObject({ state: 'open', retryAfterMs: expect.any(Number) });

      const refused = await failure(auth.generateToken({ userId: 'u' }));
      expect(refused).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
      expect(refused!.retryAfterMs).toBeGreaterThan(0);
      expect(refused!.retryAfterMs).toBeLessThanOrEqual(150);
      expect(times).toHaveLength(2); // no upstream attempt while open
      expect(logs.text()).toMatch(/failed 2 calls in a row: circuit breaker open/);

      await clock.advance(149);
      await expect(auth.generateToken({ userId: 'u' })).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
      await clock.advance(1);
      await expect(auth.generateToken({ userId: 'u' })).resolves.toBeDefined();
      expect(times).toHaveLength(3);
      expect(auth.circuitBreakerState()).toEqual({ state: 'closed', failureThreshold: 2 });
      expect(logs.text()).toMatch(/circuit breaker closed/);
    });

    it('counts one failure per call, after its retries', async () => {
      const times = scripted(upstream, [status(503)]);
      const auth = await service({ circuitBreaker: { failureThreshold: 2, cooldownMs: 10_000 } });
      await failure(auth.generateToken({ userId: 'u' }));
      expect(auth.circuitBreakerState().state).toBe('closed');
      expect(times).toHaveLength(3);
    });

    it('is not opened by answers about the request (4xx)', async () => {
      scripted(upstream, [status(400)]);
      const auth = await service({ retry: false, circuitBreaker: { failureThreshold: 1, cooldownMs: 10_000 } });
      await failure(auth.generateToken({ userId: 'u' }));
      await failure(auth.generateToken({ userId: 'u' }));
      expect(auth.circuitBreakerState().state).toBe('closed');
    });

    it('a trial call the budget refuses (nothing sent) neither closes the circuit nor holds it open for another cooldown', async () => {
      const times = scripted(upstream, [status(503), ok]);
      const auth = await service({
        retry: false,
        circuitBreaker: { failureThreshold: 1, cooldownMs: 300 },
        upstreamBudget: { tokensPerMinute: 1, tokenWindowSeconds: 0.4, maxWaitMs: 0, tokensPerUser: false },
      });
      clock = useDateClock();
      await failure(auth.generateToken({ userId: 'u' })); // 503: the circuit opens, the budget is spent
      await clock.advance(320);

      const refused = await failure(auth.generateToken({ userId: 'u' })); // the trial: refused locally
      expect(refused).toMatchObject({ code: 'RATE_LIMITED', status: undefined });
      expect(auth.circuitBreakerState()).toMatchObject({ state: 'open', retryAfterMs: 0 }); // not closed; the next call is the trial
      expect(times).toHaveLength(1);

      // The budget's window ends (0.4 s), well before a second cooldown would have (0.3 s + 0.3 s).
      await clock.advance(80);
      await expect(auth.generateToken({ userId: 'u' })).resolves.toBeDefined();
      expect(times).toHaveLength(2);
      expect(auth.circuitBreakerState().state).toBe('closed');
      expect(logs.events('breaker.opened')).toHaveLength(1);
    });

    it('can be disabled', async () => {
      const auth = await service({ circuitBreaker: false });
      expect(auth.circuitBreakerState()).toEqual({ state: 'disabled' });
    });
  });

  describe('shutdown', () => {
    it('a call waiting to retry when the module closes ends at once with its last error: no retry is sent', async () => {
      const times = scripted(upstream, [status(503, { 'retry-after': '2' }), ok]);
      const auth = await service({ deadlineMs: 5_000 });
      const call = failure(auth.generateToken({ userId: 'u' }));
      while (times.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      await new Promise((resolve) => setTimeout(resolve, 20)); // now waiting the 2 s of Retry-After

      const started = Date.now();
      await refs.splice(0).pop()!.close();
      expect(await call).toMatchObject({ code: 'UPSTREAM_ERROR', status: 503, retryAfterMs: 2_000 });
      expect(Date.now() - started).toBeLessThan(500);
      expect(times).toHaveLength(1);
      await expect(auth.generateToken({ userId: 'u' })).rejects.toMatchObject({
        code: 'UPSTREAM_UNAVAILABLE',
        message: 'Not sent: the application is shutting down and starts no new PerformChat calls',
      });
      expect(times).toHaveLength(1);
    });
  });

  it.each([
    [{ shutdownGraceMs: -1 }, /shutdownGraceMs must be a whole number of milliseconds from 0 to 600000/],
    [{ shutdownGraceMs: 600_001 }, /shutdownGraceMs must be a whole number of milliseconds from 0 to 600000/],
    [{ shutdownGraceMs: 1.5 }, /shutdownGraceMs must be a whole number of milliseconds from 0 to 600000/],
    [{ retry: { retries: -1 } }, /retry.retries must be a whole number of retries, at least 0/],
    [{ retry: { tries: 3 } }, /retry\.tries: unknown option, did you mean retries\?/],
    [{ deadlineMs: 0 }, /deadlineMs must be a whole number of milliseconds, at least 1/],
    [
      { circuitBreaker: { failureThreshold: 0 } },
      /circuitBreaker.failureThreshold must be a whole number of failures, at least 1/,
    ],
    [{ circuitBreaker: 'on' }, /circuitBreaker must be false or an object/],
  ])('refuses %j at boot', async (options, message) => {
    await expect(service(options as Partial<PerformChatModuleOptions>)).rejects.toThrow(message);
  });
});
