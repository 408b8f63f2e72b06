/**
 * Edit distance of two names (optimal string alignment: insertions, deletions, substitutions
 * and swaps of two neighbours each count 1), so `tiemoutMs` is 1 from `timeoutMs`.
 */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
      }
    }
  }
  return rows[a.length][b.length];
}

/** Lower case, without a plural `s`: `Points` and `point` are the same name then. */
const stem = (name: string) => name.toLowerCase().replace(/s$/, '');

/** Names this short share too much with everything: only a case or plural difference counts. */
const MIN_FUZZY_LENGTH = 4;

/**
 * How far an unknown option name is from a known one, or `undefined` when too far to suggest:
 * 0 for a case or plural difference (`timeOutMs`, `point`), the edit distance when at most 2
 * (`tries` → `retries`), and 3 when one is the start of the other (`timeout` → `timeoutMs`,
 * `tokensPerMin` → `tokensPerMinute`), which a unit or an abbreviation usually explains.
 */
function closeness(unknown: string, known: string): number | undefined {
  if (stem(unknown) === stem(known)) return 0;
  if (unknown.length < MIN_FUZZY_LENGTH) return undefined;
  const distance = editDistance(unknown.toLowerCase(), known.toLowerCase());
  if (distance <= 2) return distance;
  const [short, long] = unknown.length < known.length ? [unknown, known] : [known, unknown];
  if (short.length >= MIN_FUZZY_LENGTH + 1 && long.toLowerCase().startsWith(short.toLowerCase())) return 3;
  return undefined;
}

/** The known name closest to `unknown` (the first of equals, in the order given), or `undefined`. */
export function didYouMean(unknown: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = closeness(unknown, name);
    if (distance !== undefined && (best === undefined || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}
