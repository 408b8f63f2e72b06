import type { BenchRow } from '../lib/row';
import { summarize } from '../lib/stats';
import { TARGET_AFTER_EXPIRY_MB, TARGET_BYTES_PER_USER, type RateLimitMemoryResult } from '../rate-limit-memory.bench';

/**
 * B4: heap per tracked user of the rate-limit memory store and after every window expired
 * (bench/rate-limit-memory.bench.ts in a child of its own, node --expose-gc). Full mode:
 * 1,000,000 users with 15 s windows; quick mode: 200,000 users with 3 s windows.
 */
export const rateLimitMemoryRow: BenchRow = {
  ids: ['B4'],
  title: 'rate-limit memory store: heap per tracked user and after expiry',
  async run(context) {
    const { quick } = context.settings;
    const users = quick ? 200_000 : 1_000_000;
    const windowSeconds = quick ? 3 : 15;
    const child = await context.child('rate-limit-memory', {}, { nodeFlags: ['--expose-gc'] });
    const result = await child.call<RateLimitMemoryResult>('measure', { users, windowSeconds, graceMs: 2_000 });
    await context.release('rate-limit-memory');
    context.log(`    ${JSON.stringify(result)}`);
    const perUser = result.bytesPerTrackedUser;
    const after = result.heapAfterExpiryMinusBaselineMb;
    const notes = [
      `${result.users.toLocaleString('en-US')} users, ${result.windowSeconds} s windows, ${result.insertsPerSecond.toLocaleString('en-US')} inserts/s; ` +
        `${result.keysWithTimer.toLocaleString('en-US')} keys with a timer; ${result.trackedKeysAfterExpiry} keys left ${result.graceMs} ms after the last window ended`,
    ];
    return [
      {
        id: 'B4',
        a: `memory limiter, heap per tracked user (${result.users.toLocaleString('en-US')} users)`,
        b: '—',
        unit: 'B/user',
        aSummary: summarize([perUser]),
        target: `≤ ${TARGET_BYTES_PER_USER} B/user`,
        pass: perUser <= TARGET_BYTES_PER_USER,
        notes,
      },
      {
        id: 'B4 expiry',
        a: 'heap after every window expired, minus baseline',
        b: '—',
        unit: 'MB',
        aSummary: summarize([after]),
        target: `≤ ${TARGET_AFTER_EXPIRY_MB} MB`,
        pass: after <= TARGET_AFTER_EXPIRY_MB,
      },
    ];
  },
};
