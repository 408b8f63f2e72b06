/** In-process throughput: `concurrency` workers call `operation` back to back for `seconds`. */

export interface LoopResult {
  /** Completed calls per second. */
  opsPerSecond: number;
  ops: number;
  errors: number;
  /** CPU time (user + system) of this process per completed call, in microseconds. */
  cpuMicrosPerOp: number;
  /** The first failure, for the report (never a secret: the bench uses the emulator's demo key). */
  firstError?: string;
}

export async function runLoop(
  operation: (index: number) => Promise<unknown>,
  seconds: number,
  concurrency: number,
): Promise<LoopResult> {
  const cpuAtStart = process.cpuUsage();
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(Math.round(seconds * 1e9));
  let ops = 0;
  let errors = 0;
  let issued = 0;
  let firstError: string | undefined;
  const worker = async () => {
    while (process.hrtime.bigint() < deadline) {
      try {
        await operation(issued++);
        ops++;
      } catch (error) {
        errors++;
        firstError ??= error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuAtStart);
  return {
    opsPerSecond: ops / elapsed,
    ops,
    errors,
    cpuMicrosPerOp: (cpu.user + cpu.system) / Math.max(1, ops),
    ...(firstError ? { firstError } : {}),
  };
}
