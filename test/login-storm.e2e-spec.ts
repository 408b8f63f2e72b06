import { INestApplication } from '@nestjs/common';
import { emulatorConfig, startDemoApp } from '@test/utils/demo-harness';
import { TEST_REDIS_URL, deleteRedisPrefix, uniqueRedisPrefix } from '@test/utils/redis';
import request from 'supertest';
import { Redis } from 'ioredis';
import {
  EMULATOR_COUNTER_KEYS,
  EmulatorHttpLogEntry,
  PerformChatEmulator,
  startPerformChatEmulator,
} from 'nestjs-performchat/emulator';
import { mostInAnyWindow, mostPerKeyInAnyWindow, slotsOutOfOrder } from '../bench/lib/storm-checks';
import { RunningStormApp, StormAppConfig, startStormApp } from '../bench/lib/storm-app';
import { runStorm, tokensToJudge } from '../bench/lib/storm-driver';
import { pageLoads, stormWorkload } from '../bench/lib/storm-workload';

/** B7 in small: 10 generations per 500 ms, two instances, one Redis, the emulator's limits on. */
const LIMIT = 10;
const WINDOW_MS = 500;
const MAX_WAIT_MS = 300;
const PER_USER = 3;
const TOKEN_PATH = '/rest/v1/auth/token';

const WORKLOAD = stormWorkload({
  seed: 15,
  users: 45,
  durationMs: 1_500,
  peak: { startMs: 400, endMs: 700, share: 0.5 },
  maxLoads: 8,
  zipfExponent: 1.1,
  meanGapMs: 120,
  multiTabShare: 0.2,
  revokeShare: 0.2,
});

/**
 * The storm's invariants (issue 15), asserted on a short seeded storm through the demo app's
 * route: PerformChat never answers 429 and never sees more than the limit in any window, no
 * token served after its user's revocation returned fails the emulator's verify, slots follow
 * the arrival order across instances, no user gets more than its share in any window, and no
 * wait is planned beyond maxWaitMs. No sleeps of its own: the windows are 500 ms.
 */
describe.each(['express', 'fastify'] as const)('a login storm through two demo app instances on %s', (platform) => {
  let emulator: PerformChatEmulator;
  let redis: Redis;
  let prefix: string;
  let apps: RunningStormApp[];

  beforeAll(async () => {
    redis = new Redis(TEST_REDIS_URL);
    prefix = uniqueRedisPrefix(`storm-${platform}`);
    emulator = await startPerformChatEmulator({
      rateLimits: { tokenGenerations: { points: LIMIT, windowMs: WINDOW_MS }, apiRequests: false },
      requestLog: { maxEntries: 100_000 },
    });
    const config: StormAppConfig = {
      emulatorUrl: emulator.url,
      redisUrl: TEST_REDIS_URL,
      keyPrefix: prefix,
      reuse: true,
      limit: LIMIT,
      windowSeconds: WINDOW_MS / 1000,
      maxWaitMs: MAX_WAIT_MS,
      tokensPerUser: PER_USER,
      timeoutMs: 200,
      platform,
    };
    apps = [await startStormApp(config), await startStormApp(config)];
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await emulator.close();
    await deleteRedisPrefix(redis, prefix);
    await redis.quit();
  });

  it('keeps every invariant while users arrive faster than the budget admits', async () => {
    const run = await runStorm(WORKLOAD, { urls: apps.map((app) => app.url), retryAfterScaleMs: 100 });
    const log = emulator.requestLog({ type: 'http' }) as EmulatorHttpLogEntry[];
    const generations = log.filter((entry) => entry.path === TOKEN_PATH);
    const generatedAt = generations.map((entry) => Date.parse(entry.at));
    const reports = apps.map((app) => app.report());
    const waits = reports.flatMap((report) => report.waits);

    // The storm happened: every page load answered, the budget was spent and requests queued.
    expect(run.requests.filter((request) => request.kind === 'token')).toHaveLength(pageLoads(WORKLOAD));
    expect(
      run.requests.filter((request) => request.status === 0 || (request.status >= 500 && request.status !== 503)),
    ).toEqual([]);
    expect(waits.length).toBeGreaterThan(0);
    expect(reports.reduce((sum, report) => sum + report.reused, 0)).toBeGreaterThan(0);

    // PerformChat never refused: no 429, never more than the limit in any window.
    expect(generations.filter((entry) => entry.status === 429)).toEqual([]);
    expect(mostInAnyWindow(generatedAt, WINDOW_MS)).toBeLessThanOrEqual(LIMIT);

    // No token served after its user's revocation returned fails verify.
    expect(run.revocations.length).toBeGreaterThan(0);
    const judged = tokensToJudge(run);
    expect(judged.length).toBeGreaterThan(0);
    expect(judged.map((token) => emulator.verify(token)).filter((verdict) => !verdict.valid)).toEqual([]);

    // Arrival order kept across the instances; no wait beyond maxWaitMs was ever planned.
    expect(slotsOutOfOrder(waits)).toBe(0);
    expect(Math.max(...waits.map((wait) => wait.plannedMs))).toBeLessThanOrEqual(MAX_WAIT_MS);

    // No user above its share in any window.
    const perUser = mostPerKeyInAnyWindow(
      generations
        .filter((entry) => entry.status === 200)
        .map((entry) => ({ key: entry.userId ?? '', at: Date.parse(entry.at) })),
      WINDOW_MS,
    );
    expect(perUser[1]).toBeLessThanOrEqual(PER_USER);

    // Every refusal is honest: 503 with Retry-After (the budget), or 429 (a user over its share).
    for (const refused of run.requests.filter((request) => request.kind === 'token' && request.status !== 200)) {
      expect([503, 429]).toContain(refused.status);
      expect(refused.retryAfter).toBeGreaterThanOrEqual(1);
    }
  });
});

describe.each(['express', 'fastify'] as const)('the demo app reuses live tokens (on %s)', (platform) => {
  let emulator: PerformChatEmulator;
  let app: INestApplication;
  const generations = () => emulator.state.counter(EMULATOR_COUNTER_KEYS.token).attempts;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    emulator = await startPerformChatEmulator();
    app = await startDemoApp(platform, emulatorConfig(emulator));
  });
  afterAll(async () => {
    await app.close();
    await emulator.close();
  });

  it('hands a page load the live token, a request saying its token was refused a new one, and revocation stays exact', async () => {
    const first = await http().get('/api/chat/token').set('x-demo-user', 'paula').expect(200);
    const again = await http().post('/api/chat/token').set('x-demo-user', 'paula').send({}).expect(200);
    expect(again.body.token).toBe(first.body.token);
    expect(again.body.expiresAt).toBe(first.body.expiresAt);
    expect(generations()).toBe(1);

    // The chat server refused it (expired by its clock, revoked elsewhere): { fresh: true }.
    await http().post('/api/chat/token').set('x-demo-user', 'paula').send({ fresh: true }).expect(200);
    await http().get('/api/chat/token?fresh=1').set('x-demo-user', 'paula').expect(200);
    expect(generations()).toBe(3);
    const bad = await http().post('/api/chat/token').set('x-demo-user', 'paula').send({ fresh: 'yes' }).expect(400);
    expect(bad.body).toMatchObject({
      statusCode: 400,
      message: ['fresh must be true (or, in a query, true or 1) when sent'],
    });

    await http().post('/api/chat/token/revoke').set('x-demo-user', 'paula').send({}).expect(200, { revoked: 1 });
    const after = await http().get('/api/chat/token').set('x-demo-user', 'paula').expect(200);
    expect(emulator.verify(after.body.token)).toMatchObject({ valid: true });
    expect(generations()).toBe(4);
  });
});
