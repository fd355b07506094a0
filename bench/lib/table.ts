/** Markdown-style tables and the statistics every benchmark prints: median and spread of repeated runs. */

export function table(rows: Record<string, string | number>[]): string {
  const cols = Object.keys(rows[0] ?? {});
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(width[i]!)).join(' | ') + ' |';
  return [line(cols), line(width.map((w) => '-'.repeat(w))), ...rows.map((r) => line(cols.map((c) => String(r[c]))))].join('\n');
}

/** Linear-interpolated quantile (q in 0..1) of a non-empty sample. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) throw new RangeError('quantile of an empty sample');
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

export interface Spread {
  readonly n: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly q1: number;
  readonly q3: number;
}

export function spread(xs: readonly number[]): Spread {
  return { n: xs.length, median: quantile(xs, 0.5), min: Math.min(...xs), max: Math.max(...xs), q1: quantile(xs, 0.25), q3: quantile(xs, 0.75) };
}

/** One table row: median, IQR and min–max, each with `digits` decimals. */
export function spreadRow(label: string, xs: readonly number[], digits = 0): Record<string, string> {
  const s = spread(xs);
  const f = (x: number) => x.toFixed(digits);
  return { measure: label, median: f(s.median), 'IQR (q1–q3)': `${f(s.q1)}–${f(s.q3)}`, 'min–max': `${f(s.min)}–${f(s.max)}`, runs: String(s.n) };
}

/**
 * Runs each contestant once, in an order rotated by `round`: on a shared machine whoever goes first or
 * last (a warmer server, a quieter minute) changes from round to round, so per-round ratios stay fair.
 */
export async function rotated(round: number, contestants: readonly (() => unknown)[]): Promise<void> {
  for (let k = 0; k < contestants.length; k++) await contestants[(round + k) % contestants.length]!();
}
