/** The results area: one table row and one image tile per solver, plus the truth and the observation. */
import { formatNumber } from '@inv/core';
import type { ResultRow, SweepPoint } from '../protocol.js';
import { el } from './dom.js';
import { drawVector, type DrawOptions } from './image.js';

export function addTile(container: HTMLElement, caption: string, values: ArrayLike<number>, draw: DrawOptions, solver?: string): HTMLCanvasElement {
  const canvas = el('canvas', { 'data-solver': solver });
  drawVector(canvas, values, draw);
  container.append(el('figure', { class: 'tile' }, canvas, el('figcaption', {}, caption)));
  return canvas;
}

const fmt = (v: number | undefined) => (v === undefined ? '—' : v === Infinity ? '∞' : formatNumber(v));
/** A number cell: rounded for reading, exact in data-value for whoever checks it (the e2e test). */
const numberCell = (v: number | undefined) => el('td', { 'data-value': v === undefined ? undefined : String(v) }, fmt(v));

export function addResultRow(body: HTMLTableSectionElement, row: ResultRow, color: string): void {
  body.append(
    el(
      'tr',
      { 'data-solver': row.solver, title: row.message },
      el('td', { style: `color:${color}` }, row.solver),
      el('td', { class: `status-${row.status}` }, row.status),
      numberCell(row.relativeError),
      numberCell(row.latentError),
      numberCell(row.psnr),
      numberCell(row.iterations),
      numberCell(row.timeMs),
      numberCell(row.fit.residual),
      numberCell(row.fit.allowed),
      el('td', { class: row.success ? 'verdict-yes' : 'verdict-no' }, row.success ? 'yes' : 'no'),
    ),
  );
}

/** A solver that could not take the problem still gets a row, with the reason. */
export function addErrorRow(body: HTMLTableSectionElement, solver: string, message: string): void {
  body.append(el('tr', { 'data-solver': solver, class: 'solver-error' }, el('td', {}, solver), el('td', { colspan: 9 }, message)));
}

/** The sweep's numbers beside its plot: one row per swept value, one column per solver. */
export function showSweepTable(table: HTMLTableElement, parameter: string, solvers: readonly string[], points: readonly SweepPoint[]): void {
  const values = [...new Set(points.map((p) => p.value))].sort((a, b) => a - b);
  const cell = (value: number, solver: string) => {
    const p = points.find((q) => q.value === value && q.solver === solver);
    return p ? numberCell(p.relativeError) : el('td', {}, '');
  };
  table.replaceChildren(
    el('thead', {}, el('tr', {}, el('th', {}, parameter), ...solvers.map((s) => el('th', {}, `${s} rel. error`)))),
    el('tbody', {}, ...values.map((v) => el('tr', { 'data-value': String(v) }, el('td', {}, fmt(v)), ...solvers.map((s) => cell(v, s))))),
  );
}
