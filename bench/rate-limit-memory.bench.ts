/**
 * Memory of the rate-limit memory store (issue 6, row B4 of `npm run bench`): heap per tracked
 * user while their windows are open, and heap once they have expired (targets: <= 250 bytes
 * per user; back within 20 MB of the baseline).
 *
 *   node --expose-gc -r ts-node/register/transpile-only -r tsconfig-paths/register \
 *     bench/rate-limit-memory.bench.ts [--users 1000000] [--window 15]
 *
 * It drives the real code path of the guard (PerformChatRateLimitStore → PerformChatLimiter →
 * the store's memory limiter) with one request per distinct user (`u:<id>` keys).
 * `keysWithTimer` counts records that hold a timer of their own (rate-limiter-flexible's
 * MemoryStorage keeps one unref'd setTimeout per key and window).
 */
import { resolvePerformChatOptions } from '../libs/perform-chat/src/options/perform-chat-options.validation';
import { PerformChatRedisConnections } from '../libs/perform-chat/src/redis/perform-chat-redis.connections';
import { PerformChatRateLimitStore } from '../libs/perform-chat/src/rate-limit/perform-chat-rate-limit.store';

export const TARGET_BYTES_PER_USER = 250;
export const TARGET_AFTER_EXPIRY_MB = 20;

export interface RateLimitMemoryResult {
  users: number;
  windowSeconds: number;
  insertMs: number;
  insertsPerSecond: number;
  heapBaselineMb: number;
  heapWithUsersMb: number;
  bytesPerTrackedUser: number;
  trackedKeys: number;
  keysWithTimer: number;
  heapAfterExpiryMb: number;
  heapAfterExpiryMinusBaselineMb: number;
  trackedKeysAfterExpiry: number;
  /** Time from the end of the last window to the measurement after expiry. */
  graceMs: number;
  pass: boolean;
}

const gcOrThrow = (): (() => void) => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('Run with node --expose-gc');
  return gc;
};

/** The limiter's records (internals, read here only to show eviction and per-key timers). */
type Records = Map<string, { timeoutId?: unknown }>;
const recordsOf = (limiter: unknown): Records =>
  (limiter as { limiter: { storage: { records: Records } } }).limiter.storage.records;
const withTimer = (records: Records) => {
  let count = 0;
  for (const record of records.values()) if (record.timeoutId) count++;
  return count;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function measureRateLimitMemory(
  users: number,
  windowSeconds: number,
  graceMs = 1_000,
): Promise<RateLimitMemoryResult> {
  const gc = gcOrThrow();
  const heapMb = () => {
    gc();
    gc();
    return process.memoryUsage().heapUsed / 1024 / 1024;
  };
  const options = resolvePerformChatOptions({ keyId: 'pk_bench', keySecret: 'sk_bench' });
  const store = new PerformChatRateLimitStore(options, new PerformChatRedisConnections());
  const limiter = store.limiter({
    name: 'BenchController.route',
    points: 10,
    duration: windowSeconds,
    blockDuration: 0,
  });
  await limiter.consume('u:warm-up');

  const baseline = heapMb();
  const started = Date.now();
  for (let i = 0; i < users; i++) await limiter.consume(`u:user-${i}`);
  const insertMs = Date.now() - started;
  const full = heapMb();
  const tracked = recordsOf(limiter).size;
  const keysWithTimer = withTimer(recordsOf(limiter));
  const perUserBytes = ((full - baseline) * 1024 * 1024) / users;
  if (Date.now() - started > windowSeconds * 1000)
    console.warn('warning: the first windows expired before the measurement; raise --window');

  // The last key was counted at started + insertMs; its window ends windowSeconds later.
  await sleep(Math.max(0, started + insertMs + windowSeconds * 1000 - Date.now()) + graceMs);
  const after = heapMb();
  const delta = after - baseline;
  return {
    users,
    windowSeconds,
    insertMs,
    insertsPerSecond: Math.round((users / Math.max(1, insertMs)) * 1000),
    heapBaselineMb: +baseline.toFixed(1),
    heapWithUsersMb: +full.toFixed(1),
    bytesPerTrackedUser: Math.round(perUserBytes),
    trackedKeys: tracked,
    keysWithTimer,
    heapAfterExpiryMb: +after.toFixed(1),
    heapAfterExpiryMinusBaselineMb: +delta.toFixed(2),
    trackedKeysAfterExpiry: recordsOf(limiter).size,
    graceMs,
    pass: perUserBytes <= TARGET_BYTES_PER_USER && delta < TARGET_AFTER_EXPIRY_MB,
  };
}

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
}

if (require.main === module) {
  measureRateLimitMemory(argument('users', 1_000_000), argument('window', 15), argument('grace', 1_000)).then(
    (result) => {
      console.log(
        JSON.stringify(
          {
            ...result,
            target: `<= ${TARGET_BYTES_PER_USER} B/user; after expiry within ${TARGET_AFTER_EXPIRY_MB} MB of baseline`,
          },
          null,
          2,
        ),
      );
      process.exit(result.pass ? 0 : 1);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(2);
    },
  );
}
