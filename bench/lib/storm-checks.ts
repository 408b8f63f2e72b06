/**
 * The invariants of a login storm, computed from what PerformChat (the emulator's request log)
 * and the apps (their telemetry) saw: B7 reports them, the e2e test asserts them.
 */

/** The largest number of `times` (ms) within any window [t, t + windowMs), whatever its alignment. */
export function mostInAnyWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i] - sorted[j] >= windowMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

/** The most any one key has within any window: `[key, count]`. */
export function mostPerKeyInAnyWindow(entries: { key: string; at: number }[], windowMs: number): [string, number] {
  const byKey = new Map<string, number[]>();
  for (const { key, at } of entries) byKey.set(key, [...(byKey.get(key) ?? []), at]);
  let worst: [string, number] = ['', 0];
  for (const [key, times] of byKey) {
    const most = mostInAnyWindow(times, windowMs);
    if (most > worst[1]) worst = [key, most];
  }
  return worst;
}

/** Waits out of arrival order: slots that start before the slot of an earlier ticket. */
export function slotsOutOfOrder(waits: { ticket: number; slotAt: number }[]): number {
  const sorted = [...waits].sort((a, b) => a.ticket - b.ticket);
  let late = 0;
  let latest = Number.NEGATIVE_INFINITY;
  for (const { slotAt } of sorted) {
    if (slotAt < latest) late++;
    latest = Math.max(latest, slotAt);
  }
  return late;
}

/** The p-quantile (0..1) of values, nearest rank; 0 for none. */
export function quantile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}
