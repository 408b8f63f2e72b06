import { interleaveLoops } from '../lib/loop-rounds';
import { compare, cpuNote } from '../lib/report';
import type { BenchRow } from '../lib/row';
import type { HealthSide } from '../roles/health-client.role';

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
    const samples = await interleaveLoops<HealthSide>(context, 'health-client', ['cached', 'ping'], {
      id: 'B6',
      unit: 'checks/s',
    });
    const b6 = compare(
      samples.cached.map((r) => r.opsPerSecond),
      samples.ping.map((r) => r.opsPerSecond),
    );
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
