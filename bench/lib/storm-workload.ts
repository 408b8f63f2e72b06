/**
 * The seeded workload of the login storm (B7, and its shorter e2e test): users arrive over the
 * run, faster than the budget admits during a peak; each opens the chat a Zipf-distributed
 * number of times (1 to `maxLoads` page loads, some in several tabs at once), and a share of
 * them revoke their tokens (logout everywhere) half-way through their visits.
 */

/** mulberry32: a small seeded PRNG, so every run (and both sides of B7) sees the same workload. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A Zipf-distributed whole number from 1 to `max` (exponent `s`): most users few loads, a few many. */
export function zipf(random: () => number, max: number, s: number): number {
  let total = 0;
  for (let k = 1; k <= max; k++) total += 1 / k ** s;
  let target = random() * total;
  for (let k = 1; k <= max; k++) {
    target -= 1 / k ** s;
    if (target <= 0) return k;
  }
  return max;
}

export interface StormLoad {
  /** When the page load happens, ms after the start of the run. */
  atMs: number;
  /** Tabs opening the chat at once (each one request). */
  tabs: number;
}

export interface StormUser {
  id: string;
  loads: StormLoad[];
  /** Index of the load after which the user revokes its tokens, if it does. */
  revokeAfter?: number;
}

export interface StormWorkloadOptions {
  seed: number;
  users: number;
  /** Arrivals spread over this long (ms). */
  durationMs: number;
  /** A share of the users arrives within [startMs, endMs) on top of the even arrivals. */
  peak: { startMs: number; endMs: number; share: number };
  maxLoads: number;
  zipfExponent: number;
  /** Mean time between two page loads of one user (ms, exponential). */
  meanGapMs: number;
  /** Share of the page loads opened in 2 or 3 tabs at once. */
  multiTabShare: number;
  /** Share of the users (with at least 2 loads) that revoke half-way. */
  revokeShare: number;
}

export function stormWorkload(options: StormWorkloadOptions): StormUser[] {
  const random = seededRandom(options.seed);
  const { users, durationMs, peak } = options;
  return Array.from({ length: users }, (_, index): StormUser => {
    const inPeak = random() < peak.share;
    const arriveAt = inPeak ? peak.startMs + random() * (peak.endMs - peak.startMs) : random() * durationMs;
    const count = zipf(random, options.maxLoads, options.zipfExponent);
    const loads: StormLoad[] = [];
    let at = arriveAt;
    for (let i = 0; i < count; i++) {
      loads.push({ atMs: Math.round(at), tabs: random() < options.multiTabShare ? 2 + Math.floor(random() * 2) : 1 });
      at += -Math.log(1 - random()) * options.meanGapMs;
    }
    const revokes = count >= 2 && random() < options.revokeShare;
    return {
      id: `storm-${options.seed}-${index}`,
      loads,
      ...(revokes ? { revokeAfter: Math.floor((count - 1) / 2) } : {}),
    };
  });
}

/** Page loads (requests) of a workload. */
export function pageLoads(users: StormUser[]): number {
  return users.reduce((sum, user) => sum + user.loads.reduce((n, load) => n + load.tabs, 0), 0);
}
