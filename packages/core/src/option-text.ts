/**
 * Option values typed as text (a command-line flag, a form field), read and bounded one way: the CLI's
 * flags and the web bench's controls read text with valueFromText, and resolveOptions checks the same
 * bounds with brokenBound, so a bound means the same wherever it is written.
 */
import { OptionError } from './errors.js';

export interface NumberBounds {
  readonly min?: number;
  /** The value must be greater than this (a step size > 0). */
  readonly exclusiveMin?: number;
  readonly max?: number;
}

/** The first bound `v` breaks, as a message states it (`>= 1`, `> 0`, `<= 5`); undefined when it fits. */
export function brokenBound(bounds: NumberBounds, v: number): string | undefined {
  if (bounds.min !== undefined && v < bounds.min) return `>= ${bounds.min}`;
  if (bounds.exclusiveMin !== undefined && !(v > bounds.exclusiveMin)) return `> ${bounds.exclusiveMin}`;
  if (bounds.max !== undefined && v > bounds.max) return `<= ${bounds.max}`;
  return undefined;
}

/** What a text value must be. */
export type TextKind = ({ readonly type: 'number'; readonly integer?: boolean } & NumberBounds) | { readonly type: 'boolean' } | { readonly type: 'enum'; readonly values: readonly string[] };

/** Reads `raw` as `kind`; a value that does not fit is an OptionError `<who>: expected …, got '<raw>'`. */
export function valueFromText(kind: TextKind, raw: string, who: string): number | boolean | string {
  switch (kind.type) {
    case 'boolean':
      if (raw === 'true' || raw === 'false') return raw === 'true';
      throw new OptionError(`${who}: expected true or false, got '${raw}'`);
    case 'enum':
      if (kind.values.includes(raw)) return raw;
      throw new OptionError(`${who}: expected one of ${kind.values.join(', ')}, got '${raw}'`);
    case 'number': {
      const v = raw.trim() === '' ? NaN : Number(raw);
      const what = kind.integer ? 'an integer' : 'a number';
      if (!Number.isFinite(v) || (kind.integer && !Number.isInteger(v))) throw new OptionError(`${who}: expected ${what}, got '${raw}'`);
      const bound = brokenBound(kind, v);
      if (bound) throw new OptionError(`${who}: expected ${what} ${bound}, got ${raw}`);
      return v;
    }
  }
}
