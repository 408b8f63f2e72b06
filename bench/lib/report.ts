import { formatNumber, formatSummary, median, summarize, type Summary } from './stats';

/** One line of the results table. */
export interface RowResult {
  id: string;
  /** What A is (ours). */
  a: string;
  /** What B is (the reference), or '—'. */
  b: string;
  /** Unit of the A and B columns. */
  unit: string;
  aSummary?: Summary;
  bSummary?: Summary;
  /** Median of A / median of B (or the figure the target is about). */
  ratio?: number;
  /** Min–max of the per-round ratios A_i / B_i. */
  ratioSpread?: [number, number];
  /** Text of the ratio column when it is not a plain ratio (e.g. "+0.4 ms"). */
  ratioText?: string;
  target: string;
  pass: boolean;
  /** Why the row was not measured (e.g. a module it needs is not built yet): its verdict says so. */
  skipped?: string;
  notes?: string[];
}

/** The verdict column: PASS, MISS, or skipped. */
export function verdict(row: RowResult, miss = 'MISS'): string {
  if (row.skipped) return 'skipped';
  return row.pass ? 'PASS' : miss;
}

/** A/B of two sides measured round by round. */
export interface Comparison {
  aSummary: Summary;
  bSummary: Summary;
  ratio: number;
  ratioSpread: [number, number];
}

export function compare(aSamples: number[], bSamples: number[]): Comparison {
  const aSummary = summarize(aSamples);
  const bSummary = summarize(bSamples);
  const perRound = aSamples.map((a, i) => a / bSamples[i]);
  return {
    aSummary,
    bSummary,
    ratio: aSummary.median / bSummary.median,
    ratioSpread: [Math.min(...perRound), Math.max(...perRound)],
  };
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

export function ratioCell(row: RowResult): string {
  if (row.ratioText) return row.ratioText;
  if (row.skipped) return row.skipped;
  if (row.ratio === undefined) return '—';
  const spread = row.ratioSpread ? ` (${row.ratioSpread[0].toFixed(2)}–${row.ratioSpread[1].toFixed(2)})` : '';
  return `${row.ratio.toFixed(2)}${spread}`;
}

/** The results as a Markdown table. */
export function markdownTable(rows: RowResult[]): string {
  const lines = [
    '| id | A (ours) | B (reference) | A median (min–max) | B median (min–max) | A/B median (per-round min–max) | target | verdict |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const row of rows) {
    const a = row.aSummary ? `${formatSummary(row.aSummary)} ${row.unit}` : '—';
    const b = row.bSummary ? `${formatSummary(row.bSummary)} ${row.unit}` : '—';
    lines.push(
      `| ${[row.id, row.a, row.b, a, b, ratioCell(row), row.target, verdict(row, '**MISS**')].map(cell).join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

/** The results as plain text for the console. */
export function consoleTable(rows: RowResult[]): string {
  const header = ['id', 'A median (min–max)', 'B median (min–max)', 'A/B', 'target', 'verdict'];
  const body = rows.map((row) => [
    row.id,
    row.aSummary ? `${formatSummary(row.aSummary)} ${row.unit}` : '—',
    row.bSummary ? `${formatSummary(row.bSummary)} ${row.unit}` : '—',
    ratioCell(row),
    row.target,
    verdict(row),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

/** "CPU per request in <where> (median over rounds): A 512 µs, B 430 µs". */
export function cpuNote(where: string, sides: Record<string, number[]>): string {
  const parts = Object.entries(sides).map(([side, values]) => `${side} ${formatNumber(median(values))} µs`);
  return `CPU per call in ${where} (user + system, median of the rounds): ${parts.join(', ')}`;
}

export { formatNumber };
