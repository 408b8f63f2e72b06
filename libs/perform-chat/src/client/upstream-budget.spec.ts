import { PerformChatTelemetry } from '../telemetry/perform-chat-telemetry';
import { captureLogs, CapturedLogs, useDateClock } from '@test/utils';
import { PerformChatError } from '../errors/perform-chat.error';
import { PerformChatErrorCode } from '../errors/perform-chat-error-code';
import { PerformChatModuleOptions } from '../options/perform-chat-options.interface';
import { resolvePerformChatOptions } from '../options/perform-chat-options.validation';
import { PerformChatRedisConnections } from '../redis/perform-chat-redis.connections';
import { PerformChatRateLimitStore } from '../rate-limit/perform-chat-rate-limit.store';
import { PerformChatUpstreamBudget } from './upstream-budget';
import { PerformChatUserShare } from '../rate-limit/perform-chat-user-share';
import type { PerformChatTelemetryEvent } from '../telemetry/perform-chat-telemetry.events';

const unauthorized = () =>
  new PerformChatError(PerformChatErrorCode.INVALID_CREDENTIALS, 'PerformChat rejected API key', { status: 401 });
const serverError = () =>
  new PerformChatError(PerformChatErrorCode.UPSTREAM_ERROR, 'PerformChat failed', { status: 500 });
const tick = () => new Promise((resolve) => setImmediate(resolve));
/** What a token generation spends, and an attempt that spends no budget but the auth-failure check. */
const GENERATION = ['token-generation', 'api-request'] as const;
const NONE = [] as const;
const API_REQUEST = ['api-request'] as const;
/** A deadline far enough away not to matter. */
const later = () => Date.now() + 60_000;

function budgetFor(options: Partial<PerformChatModuleOptions>) {
  const resolved = resolvePerformChatOptions({ keyId: 'pk_budget', keySecret: 'sk', ...options });
  const store = new PerformChatRateLimitStore(resolved, new PerformChatRedisConnections());
  const telemetry = new PerformChatTelemetry();
  const events: PerformChatTelemetryEvent[] = [];
  telemetry.subscribe((event) => events.push(event));
  const share = new PerformChatUserShare(resolved, store, telemetry);
  return { budget: new PerformChatUpstreamBudget(resolved, store, telemetry, share), store, events };
}

describe('PerformChatUpstreamBudget', () => {
  let logs: CapturedLogs;
  beforeEach(() => (logs = captureLogs()));
  afterEach(() => logs.restore());

  it('spends one token point per generation, none per invalidation, and refuses locally when spent', async () => {
    const { budget } = budgetFor({ upstreamBudget: { tokensPerMinute: 2, tokenWindowSeconds: 30, maxWaitMs: 0 } });
    await (await budget.beforeAttempt(GENERATION, later())).settle();
    await (await budget.beforeAttempt(GENERATION, later())).settle();
    for (let i = 0; i < 5; i++) await (await budget.beforeAttempt(NONE, later())).settle();

    const refusal = budget.beforeAttempt(GENERATION, later());
    await expect(refusal).rejects.toMatchObject({
      name: 'PerformChatError',
      code: PerformChatErrorCode.RATE_LIMITED,
      message:
        'Refused locally without calling PerformChat: the upstream budget of 2 token generations per 30 s (upstreamBudget.tokensPerMinute) is spent; retry after 30 s',
    });
    const error = (await refusal.catch((e: unknown) => e)) as PerformChatError;
    expect(error.status).toBeUndefined();
    expect(error.retryAfterMs).toBeGreaterThan(29_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(30_000);
    await expect(budget.beforeAttempt(GENERATION, later())).rejects.toMatchObject({
      code: PerformChatErrorCode.RATE_LIMITED,
    });
    expect(logs.lines.filter((line) => line.includes('token generations per 30 s'))).toHaveLength(1);
  });

  it('when the budget is spent, waits for the next slot (within maxWaitMs), in arrival order, and reports each wait', async () => {
    // timeoutMs 50: a slot in flight counts until 50 ms + the window after it began, unless settled sooner.
    const { budget, events } = budgetFor({
      upstreamBudget: { tokensPerMinute: 2, tokenWindowSeconds: 0.2, maxWaitMs: 1_000 },
      timeoutMs: 50,
    });
    const started = Date.now();
    const sentAt: number[] = [];
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 5 }, async (_, i) => {
        const permit = await budget.beforeAttempt(GENERATION, later());
        sentAt.push(Date.now() - started);
        order.push(i);
        await permit.settle();
      }),
    );
    expect(order).toEqual([0, 1, 2, 3, 4]);
    // 2 now, 2 at least a window later, 1 at least two windows later: never 3 within 200 ms.
    expect(sentAt.slice(0, 2).every((ms) => ms < 150)).toBe(true);
    expect(sentAt[2]).toBeGreaterThanOrEqual(190);
    expect(sentAt[4]).toBeGreaterThanOrEqual(390);
    const waits = events.filter((event) => event.type === 'budget.waited');
    expect(waits).toHaveLength(3);
    expect(waits.map((event) => (event as { ticket: number }).ticket)).toEqual([3, 4, 5]);
    expect(waits[0]).toMatchObject({ limit: 2, windowSeconds: 0.2, slotAt: expect.any(Number) });
    for (const wait of waits as { waitMs: number; plannedMs: number }[]) {
      expect(wait.plannedMs).toBeLessThanOrEqual(1_000);
      expect(wait.waitMs).toBeGreaterThanOrEqual(wait.plannedMs - 1);
    }
    expect(events.filter((event) => event.type === 'budget.refused')).toEqual([]);
  });

  it('refuses at once, with the true wait as retryAfterMs, when the next slot is further than maxWaitMs or the deadline', async () => {
    const { budget, events } = budgetFor({
      upstreamBudget: { tokensPerMinute: 1, tokenWindowSeconds: 2, maxWaitMs: 1_000 },
    });
    await (await budget.beforeAttempt(GENERATION, later())).settle();
    const started = Date.now();
    const refusal = (await budget.beforeAttempt(GENERATION, later()).catch((e: unknown) => e)) as PerformChatError;
    expect(Date.now() - started).toBeLessThan(100);
    expect(refusal).toMatchObject({ code: PerformChatErrorCode.RATE_LIMITED, status: undefined });
    expect(refusal.retryAfterMs).toBeGreaterThan(1_800);
    expect(refusal.retryAfterMs).toBeLessThanOrEqual(2_000);
    expect(refusal.message).toBe(
      'Refused locally without calling PerformChat: the upstream budget of 1 token generations per 2 s (upstreamBudget.tokensPerMinute) is spent and the next free slot is 2 s away, longer than this call may wait (1000 ms: upstreamBudget.maxWaitMs, within deadlineMs); retry after 2 s',
    );
    expect(events.filter((event) => event.type === 'budget.refused')).toEqual([
      expect.objectContaining({ budget: 'tokens', retryAfterMs: refusal.retryAfterMs, firstInWindow: true }),
    ]);

    // The wait counts against the call's deadline: a slot 300 ms away does not fit in 200 ms.
    const short = budgetFor({
      upstreamBudget: { tokensPerMinute: 1, tokenWindowSeconds: 0.3, maxWaitMs: 5_000 },
      timeoutMs: 50,
    });
    await (await short.budget.beforeAttempt(GENERATION, later())).settle();
    await expect(short.budget.beforeAttempt(GENERATION, Date.now() + 200)).rejects.toMatchObject({
      code: PerformChatErrorCode.RATE_LIMITED,
    });
    await expect(short.budget.beforeAttempt(GENERATION, Date.now() + 1_000)).resolves.toEqual({
      settle: expect.any(Function),
    });
  });

  it('spends one API-request point per attempt of every operation, generations included, and refuses when spent', async () => {
    const { budget } = budgetFor({
      upstreamBudget: { apiRequestsPerMinute: 3, apiRequestWindowSeconds: 20, tokensPerMinute: 10 },
    });
    await (await budget.beforeAttempt(GENERATION, later())).settle();
    await (await budget.beforeAttempt(API_REQUEST, later())).settle();
    await (await budget.beforeAttempt(API_REQUEST, later())).settle();
    for (const charges of [API_REQUEST, GENERATION]) {
      await expect(budget.beforeAttempt(charges, later())).rejects.toMatchObject({
        code: PerformChatErrorCode.RATE_LIMITED,
        message:
          'Refused locally without calling PerformChat: the upstream budget of 3 API requests per 20 s (upstreamBudget.apiRequestsPerMinute) is spent; retry after 20 s',
      });
    }
    // No operation but the auth-failure check still goes through.
    await expect(budget.beforeAttempt(NONE, later())).resolves.toEqual({ settle: expect.any(Function) });
    expect(logs.lines.filter((line) => line.includes('3 API requests per 20 s'))).toHaveLength(1);
  });

  it('gives back the token point of a generation the API-request budget refused', async () => {
    const { budget } = budgetFor({ upstreamBudget: { apiRequestsPerMinute: 1, tokensPerMinute: 2 } });
    await (await budget.beforeAttempt(API_REQUEST, later())).settle();
    // Refused by the API-request budget: its token point must not be spent (it was never sent).
    await expect(budget.beforeAttempt(GENERATION, later())).rejects.toMatchObject({
      code: PerformChatErrorCode.RATE_LIMITED,
    });
    await expect(budget.beforeAttempt(['token-generation'], later())).resolves.toEqual({
      settle: expect.any(Function),
    });
    await expect(budget.beforeAttempt(['token-generation'], later())).resolves.toEqual({
      settle: expect.any(Function),
    });
    await expect(budget.beforeAttempt(['token-generation'], later())).rejects.toMatchObject({
      message: expect.stringContaining('2 token generations per 60 s'),
    });
  });

  it('counts 401s and, once authFailuresPer5Minutes is reached, refuses every call until the window ends', async () => {
    // The window is counted with Date.now(): a Date clock ends it, with no sleep.
    const clock = useDateClock();
    try {
      const { budget } = budgetFor({ upstreamBudget: { authFailuresPer5Minutes: 3, authFailureWindowSeconds: 0.2 } });
      for (let i = 0; i < 3; i++) await (await budget.beforeAttempt(GENERATION, later())).settle(unauthorized());

      for (const charge of [GENERATION, NONE]) {
        await expect(budget.beforeAttempt(charge, later())).rejects.toMatchObject({
          code: PerformChatErrorCode.RATE_LIMITED,
          message:
            "Refused locally without calling PerformChat: PerformChat rejected the API key 3 times within 0.2 s (upstreamBudget.authFailuresPer5Minutes), so calls pause for 1 s to keep the key from PerformChat's lockout after 10 failed authentications per 5 minutes; check keyId and keySecret",
        });
      }
      expect(
        logs.lines.filter((line) => line.startsWith('warn') && line.includes('rejected the API key 3 times')),
      ).toHaveLength(1);

      await clock.advance(199);
      await expect(budget.beforeAttempt(NONE, later())).rejects.toMatchObject({
        code: PerformChatErrorCode.RATE_LIMITED,
      });
      await clock.advance(1);
      await expect(budget.beforeAttempt(NONE, later())).resolves.toEqual({ settle: expect.any(Function) });
    } finally {
      clock.restore();
    }
  });

  it('sends one probe at a time until PerformChat answers something other than 401, then lets calls run together', async () => {
    const { budget, store } = budgetFor({});
    const failures = store.limiter({
      name: 'upstream-budget.auth-failures',
      keyWide: true,
      points: 10,
      duration: 300,
      blockDuration: 0,
    });

    const probe = await budget.beforeAttempt(GENERATION, later());
    expect((await failures.get('pk_budget')).consumed).toBe(1); // reserved while in flight
    let secondStarted = false;
    const second = budget.beforeAttempt(GENERATION, later()).then((permit) => {
      secondStarted = true;
      return permit;
    });
    await tick();
    expect(secondStarted).toBe(false); // waits for the probe

    await probe.settle(unauthorized());
    const secondPermit = await second; // the next probe
    expect((await failures.get('pk_budget')).consumed).toBe(2); // the 401 kept, the new reservation
    await secondPermit.settle(serverError()); // not a 401: the reservation comes back and the gate opens
    expect((await failures.get('pk_budget')).consumed).toBe(1);

    const together = await Promise.all(Array.from({ length: 20 }, () => budget.beforeAttempt(GENERATION, later())));
    expect(together).toHaveLength(20);
    expect((await failures.get('pk_budget')).consumed).toBe(1); // checked, not reserved
    await Promise.all(together.map((permit) => permit.settle()));
  });

  it('a call waiting for the probe gives up at its own deadline: TIMEOUT, with retryAfterMs until the probe has its answer', async () => {
    const { budget } = budgetFor({});
    const probe = await budget.beforeAttempt(GENERATION, Date.now() + 5_000);
    const started = Date.now();
    const waiting = budget.beforeAttempt(GENERATION, Date.now() + 40);
    await expect(waiting).rejects.toMatchObject({
      name: 'PerformChatError',
      code: PerformChatErrorCode.TIMEOUT,
      message: expect.stringContaining('Not sent: until PerformChat has answered a call'),
    });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(35);
    expect(elapsed).toBeLessThan(200);
    const error = (await waiting.catch((e: unknown) => e)) as PerformChatError;
    expect(error.status).toBeUndefined();
    expect(error.retryAfterMs).toBeGreaterThan(4_500);
    expect(error.retryAfterMs).toBeLessThanOrEqual(5_000);
    // A deadline already passed fails at once; the probe's outcome then opens the gate as before.
    await expect(budget.beforeAttempt(GENERATION, Date.now() - 1)).rejects.toMatchObject({
      code: PerformChatErrorCode.TIMEOUT,
    });
    await probe.settle();
    await expect(budget.beforeAttempt(GENERATION, Date.now() - 1)).resolves.toEqual({ settle: expect.any(Function) });
  });

  it('frees the probe slot when the probe is refused locally', async () => {
    const { budget } = budgetFor({ upstreamBudget: { tokensPerMinute: 1 } });
    await (await budget.beforeAttempt(GENERATION, later())).settle(unauthorized());
    await expect(budget.beforeAttempt(GENERATION, later())).rejects.toMatchObject({
      code: PerformChatErrorCode.RATE_LIMITED,
    });
    // An invalidation still gets through (the refused probe did not keep the gate closed).
    await expect(budget.beforeAttempt(NONE, later())).resolves.toEqual({ settle: expect.any(Function) });
  });

  it('does nothing with upstreamBudget: false', async () => {
    const { budget } = budgetFor({ upstreamBudget: false });
    const permits = await Promise.all(Array.from({ length: 50 }, () => budget.beforeAttempt(GENERATION, later())));
    for (const permit of permits) await permit.settle(unauthorized());
    await expect(budget.beforeAttempt(NONE, later())).resolves.toEqual({ settle: expect.any(Function) });
    expect(logs.lines).toEqual([]);
  });
});
