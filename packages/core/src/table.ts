/** Plain-text tables for terminals and closing notes (Markdown pipe syntax, aligned). */

export type Cell = string | number | undefined;

/** Formats a number for tables: 3 significant digits, exponent notation for very small/large values. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(2);
  if (Number.isInteger(v)) return String(v);
  return v.toPrecision(3);
}

/** A Markdown table whose columns are padded to equal width. */
export function formatTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const text = rows.map((r) => headers.map((_, i) => (r[i] === undefined ? '' : typeof r[i] === 'number' ? formatNumber(r[i] as number) : String(r[i]))));
  const widths = headers.map((h, i) => Math.max(h.length, 3, ...text.map((r) => r[i].length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(headers), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...text.map(line)].join('\n');
}

/** One row of a benchmark table: an implementation timed on a case. */
export interface BenchRow {
  /** The benchmark suite, e.g. `plugin`. */
  suite: string;
  /** The instance, e.g. `20-600-500-500 single`. */
  case: string;
  /** `inv` or the reference, e.g. `numpy`, `scipy linprog`. */
  impl: string;
  /** Problems solved in the timed run. */
  items: number;
  /** Wall time of the timed run (median over repeats where the suite repeats). */
  timeMs: number;
  /** timeMs / items. */
  perItemMs: number;
  /** Median relative latent error of the timed run. */
  error?: number;
  note?: string;
}

export function formatBenchTable(rows: readonly BenchRow[]): string {
  return formatTable(
    ['suite', 'case', 'impl', 'items', 'time ms', 'ms/item', 'rel. error', 'note'],
    rows.map((r) => [r.suite, r.case, r.impl, r.items, r.timeMs, r.perItemMs, r.error, r.note]),
  );
}
