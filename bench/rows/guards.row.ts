import { randomBytes } from 'node:crypto';
import { benchUsers } from '../lib/bench.constants';
import type { BenchContext } from '../lib/context';
import { interleave } from '../lib/interleave';
import { runLoad } from '../lib/load';
import { compare } from '../lib/report';
import type { BenchRow } from '../lib/row';
import { formatNumber } from '../lib/stats';
import type { GuardAppConfig } from '../roles/guard-app.role';

const CONNECTIONS = 32;
/** Users rotating through `x-demo-user`, so each limiter tracks many keys as in production. */
const USERS = benchUsers(1000);

async function measure<Side extends 'plain' | 'guarded' | 'throttled'>(context: BenchContext, config: GuardAppConfig, sides: Side[]) {
  const app = await context.child('guard-app', { ...config });
  return interleave<Side, number>(
    sides,
    { rounds: context.settings.rounds, log: context.log },
    async (side, { warmup }) =>
      (
        await runLoad({
          url: app.url,
          path: `/bench/${side}`,
          rotate: { header: 'x-demo-user', values: USERS },
          connections: CONNECTIONS,
          seconds: warmup ? context.settings.warmupSeconds : context.settings.seconds,
        })
      ).rps,
    (rps) => `${formatNumber(rps)} req/s`,
  );
}

const MEMORY: GuardAppConfig = { store: 'memory' };

/**
 * B3 and B3t: one app, the same trivial GET route without a limit, behind
 * PerformChatRateLimitGuard (memory store) and behind @nestjs/throttler 6 (per-user
 * getTracker); limits out of reach, 1000 users rotating, 32 connections.
 */
export const memoryGuardRow: BenchRow = {
  ids: ['B3', 'B3t'],
  title: 'PerformChatRateLimitGuard (memory) vs no guard vs @nestjs/throttler',
  async prepare(context) {
    await context.child('guard-app', { ...MEMORY });
  },
  async run(context) {
    const samples = await measure(context, MEMORY, ['guarded', 'plain', 'throttled']);
    const b3 = compare(samples.guarded, samples.plain);
    const b3t = compare(samples.guarded, samples.throttled);
    return [
      {
        id: 'B3',
        a: 'trivial route + `PerformChatRateLimitGuard` (memory)',
        b: 'the same route, no guard',
        unit: 'req/s',
        ...b3,
        target: 'A/B ≥ 0.90',
        pass: b3.ratio >= 0.9,
      },
      {
        id: 'B3t',
        a: 'the same (memory)',
        b: '@nestjs/throttler 6 `ThrottlerGuard`, per-user `getTracker`',
        unit: 'req/s',
        ...b3t,
        target: 'A/B ≥ 1.0',
        pass: b3t.ratio >= 1.0,
      },
    ];
  },
};

/** B3r: the same app with the Redis store (a key prefix of this run, deleted at the end). */
export function redisGuardRow(): BenchRow {
  let config: GuardAppConfig | undefined;
  const configOf = (context: BenchContext): GuardAppConfig =>
    (config ??= { store: 'redis', redisUrl: context.settings.redisUrl, keyPrefix: `bench:rl:${randomBytes(4).toString('hex')}` });
  return {
    ids: ['B3r'],
    title: 'PerformChatRateLimitGuard (Redis) vs no guard',
    async prepare(context) {
      await context.child('guard-app', { ...configOf(context) });
    },
    async run(context) {
      const samples = await measure(context, configOf(context), ['guarded', 'plain']);
      // Stop now: its close() deletes the run's Redis keys.
      await context.release('guard-app', { ...configOf(context) });
      const b3r = compare(samples.guarded, samples.plain);
      return [
        {
          id: 'B3r',
          a: 'trivial route + `PerformChatRateLimitGuard` (Redis)',
          b: 'the same route, no guard',
          unit: 'req/s',
          ...b3r,
          target: 'A/B ≥ 0.60',
          pass: b3r.ratio >= 0.6,
        },
      ];
    },
  };
}
