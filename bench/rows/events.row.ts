import { setTimeout as sleep } from 'node:timers/promises';
import { describeEventsCost, measureEventsCost } from '../events-cost';
import { join } from 'node:path';
import { REPO_ROOT, materialiseBaseline } from '../lib/baseline';
import { benchUsers } from '../lib/bench.constants';
import { pinBenchProcess, type BenchChild } from '../lib/child-process';
import type { BenchContext } from '../lib/context';
import { interleave } from '../lib/interleave';
import { runLoad, withServerCpu, type LoadWithCpu } from '../lib/load';
import { interleaveChildLoops } from '../lib/loop-rounds';
import { otelBridgeMissing } from '../lib/otel-bridge';
import { compare, cpuNote, type RowResult } from '../lib/report';
import type { BenchRow } from '../lib/row';
import { formatNumber } from '../lib/stats';

/**
 * Issue 16's benchmark rows: what the diagnostics channels cost with nobody listening (B1e,
 * B2e: the current code against the library as it was before them, a baseline checkout run from
 * its own tree, bench/lib/baseline.ts), and what the OpenTelemetry SDK with the
 * `nestjs-performchat/otel` bridge costs (B1o, B2o: the current code with and without them, each
 * in a process of its own). A and B are always two child processes, measured **together**: both
 * at the same time on the same core, round after round (bench/lib/interleave.ts `together`).
 * Their difference is a few percent, and this machine's speed wanders by tens of percent from
 * one minute to the next: sides measured in turn saw different machines.
 */

const CONNECTIONS = 32;
const USERS = benchUsers(100);
const DEMO_TOKEN_PATH = '/api/chat/token';

type Variant = 'current' | 'baseline' | 'otel';

/**
 * The child of one variant of `role` for `row` (the emulator's URL its config; the baseline from
 * its own tree), checked to load the library of the checkout it should.
 */
async function variantChild(context: BenchContext, row: string, role: string, variant: Variant): Promise<BenchChild> {
  // Pinned: the emulator of these rows to CPU 0, both sides to CPU 1, where they run together:
  // each gets half of the same core at the same moments, so its throughput follows its cost.
  const emulator = await context.child('emulator', { pinned: true }, { cpu: 0 });
  const root = variant === 'baseline' ? materialiseBaseline(context.settings.baselineRef).root : REPO_ROOT;
  // `row` (ignored by the roles) gives every row children of its own: both sides start from the
  // same state (a child shared with an earlier row would carry its budget log and heap).
  const child = await (variant === 'baseline'
    ? context.child(role, { emulatorUrl: emulator.url, row }, { root, cpu: 1 })
    : context.child(
        role,
        { emulatorUrl: emulator.url, row, ...(variant === 'otel' ? { otel: true } : {}) },
        { cpu: 1 },
      ));
  const library = await child.call<string>('resolve', 'nestjs-performchat');
  if (!library.startsWith(join(root, 'libs', 'perform-chat'))) {
    throw new Error(`${role} (${variant}) loads nestjs-performchat from ${library}, not from ${root}`);
  }
  return child;
}

/** The baseline as the rows name it: `47b6009 (the library before the channels)`. */
function baselineName(context: BenchContext): string {
  const { ref, commit } = materialiseBaseline(context.settings.baselineRef);
  return ref === commit.slice(0, ref.length) ? `\`${ref}\`` : `\`${ref}\` (${commit.slice(0, 7)})`;
}

function skippedRow(id: string, a: string, b: string, unit: string, target: string, why: string): RowResult {
  return { id, a, b, unit, target, pass: true, skipped: why };
}

/** Spans the otel child's bridge exported: a bridge that traced nothing would make B1o/B2o meaningless. */
async function spansNote(child: BenchChild): Promise<{ note: string; traced: boolean }> {
  const spans = await child.call<number>('otel-spans');
  return {
    traced: spans > 0,
    note:
      spans > 0
        ? `the bridge's spans reached the (dropping) exporter: ${formatNumber(spans)} so far`
        : 'NO span reached the exporter: the bridge traced nothing, so this row measures nothing (verdict MISS)',
  };
}

// ---------------------------------------------------------------- B1e, B1o: generateToken in process

async function tokenLoops(context: BenchContext, id: string, a: Variant, b: Variant) {
  const [childA, childB] = await Promise.all([
    variantChild(context, id, 'token-client', a),
    variantChild(context, id, 'token-client', b),
  ]);
  return interleaveChildLoops(
    context,
    { [a]: { child: childA, side: 'service' }, [b]: { child: childB, side: 'service' } } as Record<
      Variant,
      { child: BenchChild; side: string }
    >,
    { id, unit: 'calls/s' },
    { together: true },
  );
}

export const tokenEventsRow: BenchRow = {
  ids: ['B1e'],
  title: 'generateToken (concurrency 32), channels with nobody subscribed vs the library before them',
  async prepare(context) {
    await Promise.all([
      variantChild(context, 'B1e', 'token-client', 'current'),
      variantChild(context, 'B1e', 'token-client', 'baseline'),
    ]);
  },
  async run(context) {
    const samples = await tokenLoops(context, 'B1e', 'current', 'baseline');
    const result = compare(
      samples.current.map((r) => r.opsPerSecond),
      samples.baseline.map((r) => r.opsPerSecond),
    );
    context.log('  events cost, in process (1e6 calls each)');
    const cost = describeEventsCost(measureEventsCost(1_000_000));
    context.log(`    ${cost}`);
    return [
      {
        id: 'B1e',
        a: "`generateToken` (B1's A), current code, no channel subscriber",
        b: `the same role from ${baselineName(context)}, before the channels`,
        unit: 'calls/s',
        ...result,
        target: 'A/B ≥ 0.98',
        pass: result.ratio >= 0.98,
        notes: [
          cpuNote('the client processes (one per side; the emulator runs elsewhere)', {
            A: samples.current.map((r) => r.cpuMicrosPerOp),
            B: samples.baseline.map((r) => r.cpuMicrosPerOp),
          }),
          cost,
        ],
      },
    ];
  },
};

export const tokenOtelRow: BenchRow = {
  ids: ['B1o'],
  title: 'generateToken (concurrency 32) with the OpenTelemetry SDK and bridge loaded vs without',
  async prepare(context) {
    if (otelBridgeMissing()) return;
    await Promise.all([
      variantChild(context, 'B1o', 'token-client', 'otel'),
      variantChild(context, 'B1o', 'token-client', 'current'),
    ]);
  },
  async run(context) {
    const a = '`generateToken`, OpenTelemetry SDK + `instrumentPerformChat` in the process';
    const b = 'the same without them, a process of its own';
    const missing = otelBridgeMissing();
    if (missing) {
      context.log(`  ${missing}`);
      return [skippedRow('B1o', a, b, 'calls/s', 'A/B ≥ 0.90', missing)];
    }
    const samples = await tokenLoops(context, 'B1o', 'otel', 'current');
    const result = compare(
      samples.otel.map((r) => r.opsPerSecond),
      samples.current.map((r) => r.opsPerSecond),
    );
    const spans = await spansNote(await variantChild(context, 'B1o', 'token-client', 'otel'));
    return [
      {
        id: 'B1o',
        a,
        b,
        unit: 'calls/s',
        ...result,
        target: 'A/B ≥ 0.90',
        pass: result.ratio >= 0.9 && spans.traced,
        notes: [
          cpuNote('the client processes (one per side; the emulator runs elsewhere)', {
            A: samples.otel.map((r) => r.cpuMicrosPerOp),
            B: samples.current.map((r) => r.cpuMicrosPerOp),
          }),
          'A: a `BasicTracerProvider` with a `BatchSpanProcessor` (defaults) and a `MeterProvider` with a ' +
            '`PeriodicExportingMetricReader` (10 s), both on exporters that drop what they get (bench/lib/otel-sdk.ts)',
          spans.note,
        ],
      },
    ];
  },
};

// ---------------------------------------------------------------- B2e, B2o: the demo app over HTTP

/** Throughput of the demo's token route at 32 connections, both sides together; the otel side scraped once per round. */
async function demoThroughput(context: BenchContext, id: string, a: Variant, b: Variant) {
  const { settings } = context;
  const children = Object.fromEntries(
    await Promise.all(
      [a, b].map(async (variant) => [variant, await variantChild(context, id, 'demo-app', variant)] as const),
    ),
  ) as Record<Variant, BenchChild>;
  const scraped: number[] = [];
  const load = async (variant: Variant, seconds: number): Promise<LoadWithCpu> => {
    const app = children[variant];
    return withServerCpu(app, async () => {
      // GET /metrics once per round, half-way through, while the load runs.
      const scrape =
        variant === 'otel'
          ? sleep((seconds * 1000) / 2)
              .then(() => app.call<number>('scrape'))
              .then((length) => {
                scraped.push(length);
              })
          : Promise.resolve();
      const [result] = await Promise.all([
        runLoad({
          url: app.url,
          path: DEMO_TOKEN_PATH,
          method: 'POST',
          body: '{"expiresIn":"1h"}',
          rotate: { header: 'x-demo-user', values: USERS },
          connections: CONNECTIONS,
          seconds,
        }),
        scrape,
      ]);
      return result;
    });
  };
  context.log('  throughput (32 connections, both sides together)');
  // The load generator (autocannon, in this process) on the emulator's CPU: the apps share the other.
  const unpin = pinBenchProcess(0);
  try {
    const samples = await interleave<Variant, LoadWithCpu>(
      [a, b],
      { rounds: settings.rounds, log: context.log, together: true },
      (variant, { warmup }) => load(variant, warmup ? settings.warmupSeconds : settings.seconds),
      (r) =>
        `${formatNumber(r.rps)} req/s  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  app CPU ${Math.round(r.cpuMicrosPerRequest)} µs/req`,
    );
    return { samples, scraped, children };
  } finally {
    unpin();
  }
}

export const demoEventsRow: BenchRow = {
  ids: ['B2e'],
  title: 'demo POST /api/chat/token, channels with nobody subscribed vs the demo app before them',
  async prepare(context) {
    await Promise.all([
      variantChild(context, 'B2e', 'demo-app', 'current'),
      variantChild(context, 'B2e', 'demo-app', 'baseline'),
    ]);
  },
  async run(context) {
    const { samples } = await demoThroughput(context, 'B2e', 'current', 'baseline');
    const result = compare(
      samples.current.map((r) => r.rps),
      samples.baseline.map((r) => r.rps),
    );
    return [
      {
        id: 'B2e',
        a: "demo app `POST /api/chat/token` (B2's A), current code, no channel subscriber",
        b: `the demo app and its role from ${baselineName(context)}, before the channels`,
        unit: 'req/s',
        ...result,
        target: 'A/B ≥ 0.98',
        pass: result.ratio >= 0.98,
        notes: [
          cpuNote('the apps (one process per side; the emulator runs elsewhere)', {
            A: samples.current.map((r) => r.cpuMicrosPerRequest),
            B: samples.baseline.map((r) => r.cpuMicrosPerRequest),
          }),
        ],
      },
    ];
  },
};

export const demoOtelRow: BenchRow = {
  ids: ['B2o'],
  title: 'demo POST /api/chat/token with the OpenTelemetry SDK and bridge loaded vs without',
  async prepare(context) {
    if (otelBridgeMissing()) return;
    await Promise.all([
      variantChild(context, 'B2o', 'demo-app', 'otel'),
      variantChild(context, 'B2o', 'demo-app', 'current'),
    ]);
  },
  async run(context) {
    const a = 'demo app `POST /api/chat/token`, OpenTelemetry SDK + `instrumentPerformChat` in the app';
    const b = 'the same without them, a process of its own';
    const missing = otelBridgeMissing();
    if (missing) {
      context.log(`  ${missing}`);
      return [skippedRow('B2o', a, b, 'req/s', 'A/B ≥ 0.90', missing)];
    }
    const { samples, scraped, children } = await demoThroughput(context, 'B2o', 'otel', 'current');
    const result = compare(
      samples.otel.map((r) => r.rps),
      samples.current.map((r) => r.rps),
    );
    const spans = await spansNote(children.otel);
    return [
      {
        id: 'B2o',
        a,
        b,
        unit: 'req/s',
        ...result,
        target: 'A/B ≥ 0.90',
        pass: result.ratio >= 0.9 && spans.traced,
        notes: [
          cpuNote('the apps (one process per side; the emulator runs elsewhere)', {
            A: samples.otel.map((r) => r.cpuMicrosPerRequest),
            B: samples.current.map((r) => r.cpuMicrosPerRequest),
          }),
          'A: a `BasicTracerProvider` with a `BatchSpanProcessor` (defaults) on an exporter that drops spans, and a ' +
            '`MeterProvider` read by the Prometheus exporter (no server of its own), collected and serialised once per ' +
            `round half-way through it, as a GET /metrics would (last text ${formatNumber(scraped.at(-1) ?? 0)} characters)`,
          spans.note,
        ],
      },
    ];
  },
};

export const eventsRows: BenchRow[] = [tokenEventsRow, tokenOtelRow, demoEventsRow, demoOtelRow];
