/** JSON arrays: a list of numbers (a vector) or a list of equal-length lists (a matrix). */
import { FormatError } from '../errors.js';
import { parseJsonText } from './json-text.js';
import type { NdArray } from './ndarray.js';

/** Parses JSON text (or an already-parsed value); `source` is named in every error message. */
export function parseJsonArray(input: string | unknown, source = 'array'): NdArray {
  const value = typeof input === 'string' ? parseJsonText(input, source) : input;
  if (!Array.isArray(value)) throw new FormatError(`${source}: expected a JSON array of numbers or of rows, got ${typeName(value)}`);
  if (value.length > 0 && Array.isArray(value[0])) {
    const cols = (value[0] as unknown[]).length;
    const data = new Float64Array(value.length * cols);
    value.forEach((row, i) => {
      if (!Array.isArray(row) || row.length !== cols) throw new FormatError(`${source}: row ${i} is not an array of length ${cols}`);
      row.forEach((v, j) => {
        data[i * cols + j] = checkNumber(v, `${source}: entry [${i}][${j}]`);
      });
    });
    return { shape: [value.length, cols], data };
  }
  const data = new Float64Array(value.length);
  value.forEach((v, i) => {
    data[i] = checkNumber(v, `${source}: entry [${i}]`);
  });
  return { shape: [value.length], data };
}

function checkNumber(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new FormatError(`${where} is ${typeName(v)}, expected a finite number`);
  return v;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'number' ? String(v) : typeof v === 'string' ? `the string ${JSON.stringify(v.slice(0, 20))}` : `a${typeof v === 'object' ? 'n' : ''} ${typeof v}`;
}

/** A vector or row-major matrix as JSON text. */
export function formatJsonArray(data: ArrayLike<number>, shape: readonly number[] = [data.length]): string {
  if (shape.length === 1) return JSON.stringify(Array.from(data));
  const [r, c] = shape;
  const rows: number[][] = [];
  for (let i = 0; i < r; i++) rows.push(Array.from({ length: c }, (_, j) => data[i * c + j]));
  return JSON.stringify(rows);
}
