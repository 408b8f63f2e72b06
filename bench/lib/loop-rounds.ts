import type { BenchChild } from './child-process';
import type { BenchContext } from './context';
import { interleave } from './interleave';
import type { LoopResult } from './loop';
import { formatNumber } from './stats';

/** Calls in flight in every in-process loop (B1, B1b, B6). */
export const LOOP_CONCURRENCY = 32;

/** Where one side of an in-process comparison runs: a child and the `side` its `run` command is given. */
export interface LoopSide {
  child: BenchChild;
  side: string;
}

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
  const emulator = await context.emulator();
  const client = await context.child(role, { emulatorUrl: emulator.url });
  return interleaveChildLoops(
    context,
    Object.fromEntries(sides.map((side) => [side, { child: client, side }])) as unknown as Record<Side, LoopSide>,
    label,
  );
}

/**
 * The same with each side in a child of its own (or some sharing one): e.g. the current code
 * and a baseline checkout, each in its process. Sides run in the order of `sides`' keys, or all
 * at once with `together` (children of their own, on the same core).
 */
export function interleaveChildLoops<Side extends string>(
  context: BenchContext,
  sides: Record<Side, LoopSide>,
  label: { id: string; unit: string },
  options: { together?: boolean } = {},
): Promise<Record<Side, LoopResult[]>> {
  const { settings } = context;
  return interleave<Side, LoopResult>(
    Object.keys(sides) as Side[],
    { rounds: settings.rounds, log: context.log, together: options.together },
    async (side, { warmup }) => {
      const { child, side: childSide } = sides[side];
      const result = await child.call<LoopResult>('run', {
        side: childSide,
        seconds: warmup ? settings.warmupSeconds : settings.seconds,
        concurrency: LOOP_CONCURRENCY,
      });
      if (result.errors > 0) throw new Error(`${label.id} ${side}: ${result.errors} failed (${result.firstError})`);
      return result;
    },
    (r) => `${formatNumber(r.opsPerSecond)} ${label.unit}  CPU ${r.cpuMicrosPerOp.toFixed(1)} µs per call`,
  );
}
