import { TOKEN_PATH, tokenRequestBody } from '../lib/bench.constants';
import type { BenchContext } from '../lib/context';
import { interleave } from '../lib/interleave';
import { runLoad, withServerCpu, type LoadWithCpu } from '../lib/load';
import { compare, cpuNote, type RowResult } from '../lib/report';
import type { BenchRow } from '../lib/row';
import { formatNumber } from '../lib/stats';

export const EMULATOR_TARGET_RPS = 15_000;
export const EMULATOR_TARGET_RATIO = 0.6;
const CONNECTIONS = 50;
const BODY = JSON.stringify(tokenRequestBody('user_bench'));

/**
 * B5: token generations per second of the emulator (one process, rate limits off) vs a
 * node:http server that only signs an HS256 JWT (the limit); autocannon from the bench
 * process, 50 keep-alive connections. Also runnable alone: bench/emulator.bench.ts.
 */
export const emulatorRow: BenchRow = {
  ids: ['B5'],
  title: 'emulator token generations/s vs a sign-only node:http server',
  async prepare(context) {
    await Promise.all([context.emulator(), context.child('sign-only')]);
  },
  async run(context: BenchContext): Promise<RowResult[]> {
    const { settings } = context;
    const servers = { emulator: await context.emulator(), 'sign-only': await context.child('sign-only') };
    // The emulator's throughput is the point here: twice the usual time per measurement.
    const seconds = settings.quick ? settings.seconds : settings.seconds * 2;
    const samples = await interleave<keyof typeof servers, LoadWithCpu>(
      ['emulator', 'sign-only'],
      { rounds: settings.rounds, log: context.log },
      (side, { warmup }) =>
        withServerCpu(servers[side], () =>
          runLoad({
            url: servers[side].url,
            path: TOKEN_PATH,
            method: 'POST',
            body: BODY,
            connections: CONNECTIONS,
            seconds: warmup ? settings.warmupSeconds : seconds,
          }),
        ),
      (r) => `${formatNumber(r.rps)} req/s  server CPU ${Math.round(r.cpuMicrosPerRequest)} µs/req`,
    );
    const b5 = compare(
      samples.emulator.map((r) => r.rps),
      samples['sign-only'].map((r) => r.rps),
    );
    return [
      {
        id: 'B5',
        a: 'emulator `POST /rest/v1/auth/token`, 50 connections',
        b: 'node:http server that only signs an HS256 JWT',
        unit: 'req/s',
        ...b5,
        target: `A ≥ ${EMULATOR_TARGET_RPS.toLocaleString('en-US')}/s and A/B ≥ ${EMULATOR_TARGET_RATIO}`,
        pass: b5.aSummary.median >= EMULATOR_TARGET_RPS && b5.ratio >= EMULATOR_TARGET_RATIO,
        notes: [
          cpuNote('the server', {
            emulator: samples.emulator.map((r) => r.cpuMicrosPerRequest),
            'sign-only': samples['sign-only'].map((r) => r.cpuMicrosPerRequest),
          }),
        ],
      },
    ];
  },
};
