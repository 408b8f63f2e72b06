import { EVENTS_BASELINE_REF } from './baseline';
import type { BenchSettings } from './context';

/** `--name=value` from the command line. */
export function flag(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((arg) => arg.startsWith(prefix))?.slice(prefix.length);
}

function numberFlag(name: string): number | undefined {
  const raw = flag(name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

/**
 * Settings from the command line: `--quick` (3 rounds × 0.6 s), else full (5 rounds × 5 s);
 * `--rounds=N` (at least 5 in full mode, 2 in quick mode), `--duration=S`, `--warmup=S`,
 * `--cpu-prof=role[,role]`, `--baseline=<git ref>` (B1e/B2e). REDIS_URL for the Redis rows.
 */
export function settingsFromArgs(): BenchSettings {
  const quick = process.argv.includes('--quick');
  return {
    quick,
    rounds: Math.max(quick ? 2 : 5, Math.floor(numberFlag('rounds') ?? (quick ? 3 : 5))),
    seconds: numberFlag('duration') ?? (quick ? 0.6 : 5),
    warmupSeconds: numberFlag('warmup') ?? (quick ? 0.3 : 2),
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    cpuProfRoles: flag('cpu-prof')?.split(',').filter(Boolean) ?? [],
    baselineRef: flag('baseline') ?? EVENTS_BASELINE_REF,
  };
}
