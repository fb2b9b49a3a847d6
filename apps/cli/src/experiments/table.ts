/** Experiment tables: named columns, CSV text and small statistics. */

export type Value = number | string;

export interface ExperimentTable {
  columns: readonly string[];
  rows: Value[][];
}

export function toCsv(table: ExperimentTable): string {
  const cell = (v: Value) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : Number.isFinite(v) ? v.toPrecision(6) : String(v)) : /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return [table.columns.join(','), ...table.rows.map((r) => r.map(cell).join(','))].join('\n') + '\n';
}

/** The values of one column. */
export function column(table: ExperimentTable, name: string): Value[] {
  const i = table.columns.indexOf(name);
  if (i < 0) throw new Error(`no column '${name}'`);
  return table.rows.map((r) => r[i]);
}

/** Rows as objects keyed by column name. */
export function records(table: ExperimentTable): Record<string, Value>[] {
  return table.rows.map((r) => Object.fromEntries(table.columns.map((c, i) => [c, r[i]])));
}

/** Core's median (mean of the two middle values for even counts; NaN for none). */
export { median } from '@inv/core';

export function mean(values: readonly number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN;
}

/** Groups items by a string key, keeping first-seen order. */
export function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const t of items) {
    const k = key(t);
    const list = out.get(k);
    if (list) list.push(t);
    else out.set(k, [t]);
  }
  return out;
}
