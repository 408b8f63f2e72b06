import { benchUsers } from '../lib/bench.constants';
import { interleave } from '../lib/interleave';
import { percentile, runLoad, withServerCpu, type LoadWithCpu } from '../lib/load';
import { compare, cpuNote } from '../lib/report';
import type { BenchRow } from '../lib/row';
import { formatNumber, summarize } from '../lib/stats';
import { RAW_TOKEN_ROUTE } from '../roles/demo-app.role';

const CONNECTIONS = 32;
/**
 * Latency is compared one request at a time (a closed loop on one connection): the cost of a
 * request without queueing. (autocannon's fixed rates send each second's requests in a burst,
 * which measures queueing again.)
 */
const LATENCY_CONNECTIONS = 1;
const USERS = benchUsers(100);

type Side = 'demo' | 'raw';
const signed = (ms: number) => `${ms >= 0 ? '+' : ''}${ms.toFixed(2)}`;
const PATHS: Record<Side, string> = { demo: '/api/chat/token', raw: RAW_TOKEN_ROUTE };

/**
 * B2: the demo app's `POST /api/chat/token` (auth stand-in, per-user guard, JSON/validation
 * pipes, service, upstream budget, customer-user store, exception filter) vs a bare route of
 * the same app that POSTs to the emulator with raw axios. 100 users rotate (`x-demo-user`).
 * Throughput at 32 connections; then p99 latency one request at a time (one connection), where
 * latency is the cost of one request rather than queueing.
 */
export const demoRouteRow: BenchRow = {
  ids: ['B2'],
  title: 'demo POST /api/chat/token vs a bare Nest route with raw axios',
  async prepare(context) {
    const emulator = await context.emulator();
    await context.child('demo-app', { emulatorUrl: emulator.url });
  },
  async run(context) {
    const { settings } = context;
    const emulator = await context.emulator();
    const app = await context.child('demo-app', { emulatorUrl: emulator.url });
    const load = (side: Side, seconds: number, connections: number) =>
      withServerCpu(app, () =>
        runLoad({
          url: app.url,
          path: PATHS[side],
          method: 'POST',
          body: '{"expiresIn":"1h"}',
          rotate: { header: 'x-demo-user', values: USERS },
          connections,
          seconds,
        }),
      );

    context.log('  throughput (32 connections)');
    const throughput = await interleave<Side, LoadWithCpu>(
      ['demo', 'raw'],
      { rounds: settings.rounds, log: context.log },
      (side, { warmup }) => load(side, warmup ? settings.warmupSeconds : settings.seconds, CONNECTIONS),
      (r) =>
        `${formatNumber(r.rps)} req/s  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  app CPU ${Math.round(r.cpuMicrosPerRequest)} µs/req`,
    );
    context.log(`  latency, one request at a time (${LATENCY_CONNECTIONS} connection)`);
    const latency = await interleave<Side, LoadWithCpu>(
      ['demo', 'raw'],
      { rounds: settings.rounds, log: context.log },
      (side, { warmup }) => load(side, warmup ? settings.warmupSeconds : settings.seconds, LATENCY_CONNECTIONS),
      (r) =>
        `${formatNumber(r.rps)} req/s  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  app CPU ${Math.round(r.cpuMicrosPerRequest)} µs/req`,
    );

    const rps = compare(
      throughput.demo.map((r) => r.rps),
      throughput.raw.map((r) => r.rps),
    );
    // p99 of all rounds' latencies pooled per side (thousands of samples, not one round's tail).
    const pooled = (side: Side) => Float64Array.from(latency[side].flatMap((r) => Array.from(r.latencies))).sort();
    const aP99 = percentile(pooled('demo'), 0.99);
    const bP99 = percentile(pooled('raw'), 0.99);
    const added = latency.demo.map((r, i) => r.p99 - latency.raw[i].p99);
    const addedMedian = aP99 - bP99;
    return [
      {
        id: 'B2',
        a: 'demo app `POST /api/chat/token`',
        b: 'bare Nest route in the same app, raw axios',
        unit: 'req/s',
        ...rps,
        target: 'A/B ≥ 0.80',
        pass: rps.ratio >= 0.8,
        notes: [
          cpuNote('the app (both routes; the emulator runs elsewhere)', {
            A: throughput.demo.map((r) => r.cpuMicrosPerRequest),
            B: throughput.raw.map((r) => r.cpuMicrosPerRequest),
          }),
        ],
      },
      {
        id: 'B2 p99',
        a: 'the same, p99 latency, one request at a time',
        b: 'the same',
        unit: 'ms',
        aSummary: { ...summarize(latency.demo.map((r) => r.p99)), median: aP99 },
        bSummary: { ...summarize(latency.raw.map((r) => r.p99)), median: bP99 },
        ratioText: `${signed(addedMedian)} ms (per round ${signed(Math.min(...added))} to ${signed(Math.max(...added))})`,
        target: 'p99 added ≤ 2 ms',
        pass: addedMedian <= 2,
        notes: [
          `p99 rows: the A and B figures are the p99 of every round's latencies pooled (min–max: the rounds' own p99s); ` +
            `p50 pooled: A ${percentile(pooled('demo'), 0.5).toFixed(2)} ms, B ${percentile(pooled('raw'), 0.5).toFixed(2)} ms`,
        ],
      },
    ];
  },
};
