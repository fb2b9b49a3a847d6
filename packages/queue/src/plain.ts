/**
 * Job payloads and results are plain data: null, booleans, finite numbers, strings, arrays and plain
 * objects, checked on arrival with bounds on size and depth. Nothing in a job is ever run as code.
 * Results may hold NaN, ±Infinity and −0 (an experiment's error can be any float), which JSON cannot;
 * `encodePlain`/`decodePlain` carry them as tagged objects so that a result gathered from Redis is the
 * same float64 value a local run computed (JSON round-trips every finite double exactly).
 */
import { createHash } from 'node:crypto';
import { QueueError } from './url.js';

export interface PlainLimits {
  /** Deepest nesting of arrays and objects (default 32). */
  depth?: number;
  /** Values in total, counting every array entry and object field (default 20 million). */
  values?: number;
  /** Longest string (default 65,536 characters). */
  stringLength?: number;
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Throws a one-line QueueError naming the path (`payload.rows[3]`) of the first value that is not plain data. */
export function checkPlain(value: unknown, what = 'payload', limits: PlainLimits = {}): void {
  const maxDepth = limits.depth ?? 32;
  const maxValues = limits.values ?? 20_000_000;
  const maxString = limits.stringLength ?? 65_536;
  let count = 0;
  const visit = (v: unknown, path: string, depth: number): void => {
    if (++count > maxValues) throw new QueueError(`${what}: more than ${maxValues} values`);
    if (v === null || typeof v === 'boolean') return;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new QueueError(`${path}: expected a finite number, got ${v}`);
      return;
    }
    if (typeof v === 'string') {
      if (v.length > maxString) throw new QueueError(`${path}: a string longer than ${maxString} characters`);
      return;
    }
    if (typeof v !== 'object') throw new QueueError(`${path}: expected plain data, got a ${typeof v}`);
    if (depth >= maxDepth) throw new QueueError(`${path}: nested deeper than ${maxDepth} levels`);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) visit(v[i], `${path}[${i}]`, depth + 1);
      return;
    }
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) throw new QueueError(`${path}: expected a plain object`);
    for (const key of Object.keys(v)) {
      if (FORBIDDEN_KEYS.has(key)) throw new QueueError(`${path}: the key '${key}' is not allowed`);
      visit((v as Record<string, unknown>)[key], `${path}.${key}`, depth + 1);
    }
  };
  visit(value, what, 0);
}

const TAG = '$inv.number';

/** A result as JSON-safe data: NaN, ±Infinity and −0 become `{ "$inv.number": "NaN" }` (and so on). */
export function encodePlain(value: unknown): unknown {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && !Object.is(value, -0)) return value;
    return { [TAG]: Object.is(value, -0) ? '-0' : String(value) };
  }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>, encodePlain);
  if (Array.isArray(value)) return value.map(encodePlain);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = encodePlain(v);
    return out;
  }
  return value;
}

/** The inverse of `encodePlain`. */
export function decodePlain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodePlain);
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === TAG) {
      const tag = (value as Record<string, unknown>)[TAG];
      if (tag === '-0') return -0;
      if (tag === 'NaN' || tag === 'Infinity' || tag === '-Infinity') return Number(tag);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = decodePlain(v);
    return out;
  }
  return value;
}

/** JSON with object keys sorted at every level, so that equal data always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * A job's id from its content: `<kind>-<sha256 of the canonical JSON of kind and payload>`. Equal work
 * gets the same id, so BullMQ keeps one job for it and a rerun finds the finished result.
 */
export function jobId(kind: string, payload: unknown): string {
  return `${kind}-${createHash('sha256').update(canonicalJson({ kind, payload })).digest('hex')}`;
}
