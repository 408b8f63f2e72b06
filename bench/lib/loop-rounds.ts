import type { BenchContext } from './context';
import { interleave } from './interleave';
import type { LoopResult } from './loop';
import { formatNumber } from './stats';

/** Calls in flight in every in-process loop (B1, B1b, B6). */
export const LOOP_CONCURRENCY = 32;

/**
 * Interleaved in-process loops: the child playing `role` (given the emulator's URL) runs
 * `runLoop` for each side in turn, round by round. A measurement with failed calls stops the run.
 */
export async function interleaveLoops<Side extends string>(
  context: BenchContext,
  role: string,
  sides: readonly Side[],
  label: { id: string; unit: string },
): Promise<Record<Side, LoopResult[]>> {
  const { settings } = context;
  const emulator = await context.emulator();
  const client = await context.child(role, { emulatorUrl: emulator.url });
  return interleave<Side, LoopResult>(
    sides,
    { rounds: settings.rounds, log: context.log },
    async (side, { warmup }) => {
      const result = await client.call<LoopResult>('run', {
        side,
        seconds: warmup ? settings.warmupSeconds : settings.seconds,
        concurrency: LOOP_CONCURRENCY,
      });
      if (result.errors > 0) throw new Error(`${label.id} ${side}: ${result.errors} failed (${result.firstError})`);
      return result;
    },
    (r) => `${formatNumber(r.opsPerSecond)} ${label.unit}  CPU ${r.cpuMicrosPerOp.toFixed(1)} µs per call`,
  );
}
