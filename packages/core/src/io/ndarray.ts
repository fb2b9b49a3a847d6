/** A 1-D or 2-D array of numbers as read from .npy or JSON files. */
import { ShapeError } from '../errors.js';
import { Matrix } from '../linalg.js';

export interface NdArray {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

/** The array as a vector; a 1×n or n×1 matrix counts as a vector. */
export function asVector(a: NdArray, field: string): Float64Array {
  if (a.shape.length === 1 || (a.shape.length === 2 && (a.shape[0] === 1 || a.shape[1] === 1))) return a.data;
  throw new ShapeError(`${field}: expected a vector, got shape [${a.shape.join(', ')}]`);
}

/** The array as a matrix; a vector becomes one row. */
export function asMatrix(a: NdArray, field: string): Matrix {
  if (a.shape.length === 1) return new Matrix(1, a.shape[0], a.data);
  if (a.shape.length === 2) return new Matrix(a.shape[0], a.shape[1], a.data);
  throw new ShapeError(`${field}: expected a 1-D or 2-D array, got shape [${a.shape.join(', ')}]`);
}
