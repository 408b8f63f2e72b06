/**
 * Interleaved comparison: every round measures each side once, in the same order (A, B, A,
 * B, ...), so drift of the machine (other processes, thermal, GC state) hits every side
 * alike. One warm-up measurement per side is discarded first.
 *
 * `together`: every round measures all sides **at the same time** instead (warm-up too), for
 * rows whose sides differ by a few percent: on a machine whose speed wanders by tens of percent
 * from one minute to the next (a shared VM), sides measured in turn see different machines,
 * sides measured together see the same one. Their processes must then compete for the same
 * core (pinned to it), so that each gets an equal share of it and its throughput follows its
 * cost per operation.
 */
export interface InterleaveOptions {
  rounds: number;
  /** Measure every side of a round at the same time (see above). */
  together?: boolean;
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
  if (options.together) {
    await Promise.all(sides.map((side) => measure(side, { warmup: true, round: 0 })));
    for (let round = 1; round <= options.rounds; round++) {
      const measured = await Promise.all(sides.map((side) => measure(side, { warmup: false, round })));
      sides.forEach((side, index) => {
        samples[side].push(measured[index]);
        options.log?.(`    round ${round} ${side.padEnd(10)} ${describe(measured[index])}  (sides together)`);
      });
    }
    return samples;
  }
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
