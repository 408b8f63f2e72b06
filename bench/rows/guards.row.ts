import { randomBytes } from 'node:crypto';
import { benchUsers } from '../lib/bench.constants';
import type { BenchContext } from '../lib/context';
import { interleave } from '../lib/interleave';
import { runLoad, withServerCpu, type LoadWithCpu } from '../lib/load';
import { compare, cpuNote } from '../lib/report';
import type { BenchRow } from '../lib/row';
import { formatNumber } from '../lib/stats';
import type { GuardAppConfig } from '../roles/guard-app.role';
import { RedisClusterProcess, startRedisCluster } from '../../test/utils/redis-cluster';

const CONNECTIONS = 32;
/**
 * Users rotating through `x-demo-user`, so each limiter tracks many keys as in production
 * (autocannon prebuilds every request on every connection: 32 × 200 here).
 */
const USERS = benchUsers(200);

async function measure<Side extends 'plain' | 'guarded' | 'throttled'>(
  context: BenchContext,
  config: GuardAppConfig,
  sides: Side[],
) {
  const app = await context.child('guard-app', { ...config });
  const samples = await interleave<Side, LoadWithCpu>(
    sides,
    { rounds: context.settings.rounds, log: context.log },
    (side, { warmup }) =>
      withServerCpu(app, () =>
        runLoad({
          url: app.url,
          path: `/bench/${side}`,
          rotate: { header: 'x-demo-user', values: USERS },
          connections: CONNECTIONS,
          seconds: warmup ? context.settings.warmupSeconds : context.settings.seconds,
        }),
      ),
    (r) => `${formatNumber(r.rps)} req/s  app CPU ${Math.round(r.cpuMicrosPerRequest)} µs/req`,
  );
  const pick = (key: 'rps' | 'cpuMicrosPerRequest') =>
    Object.fromEntries(sides.map((side) => [side, samples[side].map((r) => r[key])])) as Record<Side, number[]>;
  return { rps: pick('rps'), cpu: pick('cpuMicrosPerRequest') };
}

const MEMORY: GuardAppConfig = { store: 'memory' };

/**
 * B3 and B3t: one app, the same trivial GET route without a limit, behind
 * PerformChatRateLimitGuard (memory store) and behind @nestjs/throttler 6 (per-user
 * getTracker); limits out of reach, 200 users rotating, 32 connections.
 */
export const memoryGuardRow: BenchRow = {
  ids: ['B3', 'B3t'],
  title: 'PerformChatRateLimitGuard (memory) vs no guard vs @nestjs/throttler',
  async prepare(context) {
    await context.child('guard-app', { ...MEMORY });
  },
  async run(context) {
    const { rps, cpu } = await measure(context, MEMORY, ['guarded', 'plain', 'throttled']);
    const b3 = compare(rps.guarded, rps.plain);
    const b3t = compare(rps.guarded, rps.throttled);
    const notes = [cpuNote('the app', { guarded: cpu.guarded, plain: cpu.plain, throttler: cpu.throttled })];
    return [
      {
        id: 'B3',
        a: 'trivial route + `PerformChatRateLimitGuard` (memory)',
        b: 'the same route, no guard',
        unit: 'req/s',
        ...b3,
        target: 'A/B ≥ 0.90',
        pass: b3.ratio >= 0.9,
        notes,
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
    (config ??= {
      store: 'redis',
      redisUrl: context.settings.redisUrl,
      keyPrefix: `bench:rl:${randomBytes(4).toString('hex')}`,
    });
  return {
    ids: ['B3r'],
    title: 'PerformChatRateLimitGuard (Redis) vs no guard',
    async prepare(context) {
      await context.child('guard-app', { ...configOf(context) });
    },
    async run(context) {
      const { rps, cpu } = await measure(context, configOf(context), ['guarded', 'plain']);
      // Stop now: its close() deletes the run's Redis keys.
      await context.release('guard-app', { ...configOf(context) });
      const b3r = compare(rps.guarded, rps.plain);
      return [
        {
          id: 'B3r',
          a: 'trivial route + `PerformChatRateLimitGuard` (Redis)',
          b: 'the same route, no guard',
          unit: 'req/s',
          ...b3r,
          target: 'A/B ≥ 0.60',
          pass: b3r.ratio >= 0.6,
          notes: [cpuNote('the app (Redis itself not counted)', { guarded: cpu.guarded, plain: cpu.plain })],
        },
      ];
    },
  };
}

/**
 * B3c: the same app with the Redis store on a Redis Cluster of this run (3 masters, 3 replicas,
 * started by the test harness on free ports and stopped after the row): the 200 users' counters
 * spread over the three masters through their hash tags.
 */
export function clusterGuardRow(): BenchRow {
  let cluster: RedisClusterProcess | undefined;
  let config: GuardAppConfig | undefined;
  const stopNow = () => cluster?.stopNow();
  return {
    ids: ['B3c'],
    title: 'PerformChatRateLimitGuard (Redis Cluster, 3 masters) vs no guard',
    async prepare(context) {
      cluster = await startRedisCluster();
      // The cluster's redis-servers are this process's children: never leave them behind.
      process.once('exit', stopNow);
      config = { store: 'cluster', redisUrl: cluster.url, keyPrefix: 'bench:rl' };
      await context.child('guard-app', { ...config });
    },
    async run(context) {
      if (!cluster || !config) throw new Error('B3c: the cluster did not start');
      try {
        const { rps, cpu } = await measure(context, config, ['guarded', 'plain']);
        await context.release('guard-app', { ...config });
        const b3c = compare(rps.guarded, rps.plain);
        return [
          {
            id: 'B3c',
            a: 'trivial route + `PerformChatRateLimitGuard` (Redis Cluster)',
            b: 'the same route, no guard',
            unit: 'req/s',
            ...b3c,
            target: 'A/B ≥ 0.60',
            pass: b3c.ratio >= 0.6,
            notes: [cpuNote('the app (the cluster itself not counted)', { guarded: cpu.guarded, plain: cpu.plain })],
          },
        ];
      } finally {
        await cluster.stop();
        process.off('exit', stopNow);
      }
    },
  };
}
