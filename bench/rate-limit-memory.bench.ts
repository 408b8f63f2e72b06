/**
 * Memory of the rate-limit memory store (issue 6): heap per tracked user while their windows
 * are open, and heap once they have expired (target: back within 20 MB of the baseline).
 *
 *   node --expose-gc -r ts-node/register/transpile-only -r tsconfig-paths/register \
 *     bench/rate-limit-memory.bench.ts [--users 1000000] [--window 15]
 *
 * It drives the real code path of the guard (PerformChatRateLimitStore → PerformChatLimiter →
 * rate-limiter-flexible's RateLimiterMemory) with one request per distinct user (`u:<id>` keys).
 * RateLimiterMemory evicts each key with one unref'd setTimeout per key and window (not per
 * hit); `keysWithTimer` shows it.
 */
import { resolvePerformChatOptions } from '../libs/perform-chat/src/options/perform-chat-options.validation';
import { PerformChatRedisConnections } from '../libs/perform-chat/src/redis/perform-chat-redis.connections';
import { PerformChatRateLimitStore } from '../libs/perform-chat/src/rate-limit/perform-chat-rate-limit.store';

const TARGET_MB = 20;

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
}

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error('Run with node --expose-gc');
  process.exit(2);
}
const heapMb = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
};
/** RateLimiterMemory's records (internals, read here only to show eviction and the per-key timers). */
type Records = Map<string, { timeoutId?: unknown }>;
const recordsOf = (limiter: unknown): Records =>
  (limiter as { limiter: { _memoryStorage: { _storage: Records } } }).limiter._memoryStorage._storage;
const withTimer = (records: Records) => [...records.values()].filter((record) => record.timeoutId).length;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const users = argument('users', 1_000_000);
  const windowSeconds = argument('window', 15);
  const options = resolvePerformChatOptions({ keyId: 'pk_bench', keySecret: 'sk_bench' });
  const store = new PerformChatRateLimitStore(options, new PerformChatRedisConnections());
  const limiter = store.limiter({ name: 'BenchController.route', points: 10, duration: windowSeconds, blockDuration: 0 });
  await limiter.consume('u:warm-up');

  const baseline = heapMb();
  const started = Date.now();
  for (let i = 0; i < users; i++) await limiter.consume(`u:user-${i}`);
  const insertMs = Date.now() - started;
  const full = heapMb();
  const tracked = recordsOf(limiter).size;
  const keysWithTimer = withTimer(recordsOf(limiter));
  const perUserBytes = ((full - baseline) * 1024 * 1024) / users;
  if (Date.now() - started > windowSeconds * 1000) console.warn('warning: the first windows expired before the measurement; raise --window');

  // The last key was counted at started + insertMs; its window ends windowSeconds later.
  await sleep(Math.max(0, started + insertMs + windowSeconds * 1000 - Date.now()) + 1_000);
  const after = heapMb();
  const delta = after - baseline;

  console.log(
    JSON.stringify(
      {
        users,
        windowSeconds,
        insertMs,
        insertsPerSecond: Math.round((users / insertMs) * 1000),
        heapBaselineMb: +baseline.toFixed(1),
        heapWithUsersMb: +full.toFixed(1),
        bytesPerTrackedUser: Math.round(perUserBytes),
        trackedKeys: tracked,
        keysWithTimer,
        heapAfterExpiryMb: +after.toFixed(1),
        heapAfterExpiryMinusBaselineMb: +delta.toFixed(2),
        trackedKeysAfterExpiry: recordsOf(limiter).size,
        target: `after expiry within ${TARGET_MB} MB of baseline`,
        pass: delta < TARGET_MB,
      },
      null,
      2,
    ),
  );
  process.exit(delta < TARGET_MB ? 0 : 1);
}

void main();
