/**
 * Emulator throughput benchmark (issue 3; row B5 of `npm run bench`): token generations per
 * second on loopback with keep-alive, against a minimal node:http server that only signs an
 * HS256 JWT (the limit).
 *
 *   npx ts-node --transpile-only -r tsconfig-paths/register bench/emulator.bench.ts [--quick] [--rounds=N] [--duration=S]
 *
 * Each server runs in its own child process (bench/roles/emulator.role.ts and
 * sign-only.role.ts); autocannon drives load from this process. Runs are interleaved
 * A,B,A,B,... so drift of the machine hits both sides alike. The measurement itself is
 * bench/rows/emulator.row.ts, shared with `npm run bench -- --only=B5`.
 * Targets: emulator median >= 15,000 req/s and >= 0.6 of the reference median.
 */
import { BenchContext } from './lib/context';
import { consoleTable } from './lib/report';
import { settingsFromArgs } from './lib/settings';
import { emulatorRow } from './rows/emulator.row';

async function main(): Promise<void> {
  const context = new BenchContext(settingsFromArgs());
  try {
    await emulatorRow.prepare?.(context);
    const rows = await emulatorRow.run(context);
    console.log(`\n${consoleTable(rows)}`);
    if (rows.some((row) => !row.pass)) process.exitCode = 1;
  } finally {
    await context.stopAll();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
