/**
 * Interleaved comparison: every round measures each side once, in the same order (A, B, A,
 * B, ...), so drift of the machine (other processes, thermal, GC state) hits every side
 * alike. One warm-up measurement per side is discarded first.
 */
export interface InterleaveOptions {
  rounds: number;
  /** Log one line per measurement. */
  log?: (line: string) => void;
}

export async function interleave<Side extends string, Sample>(
  sides: readonly Side[],
  options: InterleaveOptions,
  measure: (side: Side, phase: { warmup: boolean; round: number }) => Promise<Sample>,
  describe: (sample: Sample) => string,
): Promise<Record<Side, Sample[]>> {
  const samples = Object.fromEntries(sides.map((side) => [side, [] as Sample[]])) as Record<Side, Sample[]>;
  for (const side of sides) await measure(side, { warmup: true, round: 0 });
  for (let round = 1; round <= options.rounds; round++) {
    for (const side of sides) {
      const sample = await measure(side, { warmup: false, round });
      samples[side].push(sample);
      options.log?.(`    round ${round} ${side.padEnd(10)} ${describe(sample)}`);
    }
  }
  return samples;
}
