/** Small DOM helpers so the page code reads as what it builds. */

/** The element with this id; a missing id is a bug in index.html, so it throws. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`index.html has no element #${id}`);
  return e as T;
}

type Attrs = Record<string, string | number | boolean | undefined>;

/** Creates an element with attributes (booleans toggle, undefined is skipped) and children. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    e.setAttribute(k, v === true ? '' : String(v));
  }
  e.append(...children);
  return e;
}

/** Distinct colours for solvers, in registry order. */
const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
export function colorOf(index: number): string {
  return PALETTE[index % PALETTE.length];
}
