import type { LoopResult } from '../lib/loop';
import { interleave } from '../lib/interleave';
import { compare, cpuNote } from '../lib/report';
import type { BenchRow } from '../lib/row';
import { formatNumber } from '../lib/stats';
import type { HealthSide } from '../roles/health-client.role';

const CONCURRENCY = 32;

/**
 * B6: health checks per second in process (a Nest application context; the emulator in its own
 * process): PerformChatHealthIndicator.isHealthy() with its default 5 s cache vs terminus
 * HttpHealthIndicator.pingCheck of the same URL (HEAD, < 500 is up), 32 checks in flight.
 */
export const healthRow: BenchRow = {
  ids: ['B6'],
  title: 'PerformChatHealthIndicator (cached) vs terminus pingCheck',
  async prepare(context) {
    const emulator = await context.emulator();
    await context.child('health-client', { emulatorUrl: emulator.url });
  },
  async run(context) {
    const { settings } = context;
    const emulator = await context.emulator();
    const client = await context.child('health-client', { emulatorUrl: emulator.url });
    const samples = await interleave<HealthSide, LoopResult>(
      ['cached', 'ping'],
      { rounds: settings.rounds, log: context.log },
      async (side, { warmup }) => {
        const result = await client.call<LoopResult>('run', {
          side,
          seconds: warmup ? settings.warmupSeconds : settings.seconds,
          concurrency: CONCURRENCY,
        });
        if (result.errors > 0) throw new Error(`B6 ${side}: ${result.errors} failed checks (${result.firstError})`);
        return result;
      },
      (r) => `${formatNumber(r.opsPerSecond)} checks/s  CPU ${r.cpuMicrosPerOp.toFixed(1)} µs/check`,
    );
    const b6 = compare(samples.cached.map((r) => r.opsPerSecond), samples.ping.map((r) => r.opsPerSecond));
    return [
      {
        id: 'B6',
        a: '`PerformChatHealthIndicator.isHealthy()` (cache 5 s), in process',
        b: 'terminus `HttpHealthIndicator.pingCheck`, same URL (HEAD)',
        unit: 'checks/s',
        ...b6,
        target: 'A/B ≥ 10',
        pass: b6.ratio >= 10,
        notes: [
          cpuNote('the checking process', {
            A: samples.cached.map((r) => r.cpuMicrosPerOp),
            B: samples.ping.map((r) => r.cpuMicrosPerOp),
          }),
        ],
      },
    ];
  },
};
