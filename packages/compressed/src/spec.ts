/**
 * The operator of a measurement spec (parsed by @inv/core's parseMeasurementSpec): identity, mask and
 * matrix from arrays the caller reads, and the seeded Gaussian and subsampled operators this package owns.
 */
import {
  asMatrix, asVector, IdentityOperator, MaskOperator, MatrixOperator, parseMeasurementSpec, ShapeError, ValueError,
  type LinearOperator, type MeasurementSpec, type NdArray,
} from '@inv/core';
import { gaussianOperator } from './gaussian.js';
import { subsampleOperator } from './subsample.js';

export interface SpecOptions {
  /** The seed of a gaussian/subsample spec that names none. Default 0. */
  seed?: number;
  /** Reads the array a mask:<file> or matrix:<file> spec names; without it, those specs are refused. */
  read?: (path: string) => NdArray;
  /** Gaussian: regenerate rows on the fly (see gaussianOperator). */
  onTheFly?: boolean;
  /** Subsample: scale by √(n/m). */
  scaled?: boolean;
}

/** The operator of a spec (text or parsed) for signals of length n. */
export function measurementFromSpec(spec: string | MeasurementSpec, n: number, options: SpecOptions = {}): LinearOperator {
  const s = typeof spec === 'string' ? parseMeasurementSpec(spec) : spec;
  switch (s.kind) {
    case 'identity':
      return new IdentityOperator(n);
    case 'mask':
    case 'matrix': {
      if (!options.read) throw new ValueError(`measurement ${s.kind}:${s.path}: no file reader was given`);
      const array = options.read(s.path);
      if (s.kind === 'mask') {
        const mask = asVector(array, `mask ${s.path}`);
        if (mask.length !== n) throw new ShapeError(`mask ${s.path}: expected length ${n} (the generator's outputs), got ${mask.length}`);
        return MaskOperator.fromMask(mask, `mask ${s.path}`);
      }
      const A = asMatrix(array, `measurement matrix ${s.path}`);
      if (A.cols !== n) throw new ShapeError(`measurement matrix ${s.path}: expected ${n} columns (the generator's outputs), got ${A.cols}`);
      return new MatrixOperator(A, `measurement matrix ${s.path}`);
    }
    case 'gaussian':
      return gaussianOperator(s.m, n, s.seed ?? options.seed ?? 0, { onTheFly: options.onTheFly });
    case 'subsample':
      return subsampleOperator(s.m, n, s.seed ?? options.seed ?? 0, { scaled: options.scaled });
  }
}
