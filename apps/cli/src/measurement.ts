/**
 * `--measurement` specs: identity, mask:<file>, matrix:<file>, gaussian:<m>[:<seed>] (and
 * subsample:<m>[:<seed>]); the seeded kinds come from @inv/compressed, which owns them.
 */
import { gaussianOperator, subsampleOperator } from '@inv/compressed';
import { asMatrix, asVector, IdentityOperator, MaskOperator, MatrixOperator, ShapeError, type LinearOperator } from '@inv/core';
import { UsageError } from './errors.js';
import { readInputArray } from './files.js';

const SPECS = 'identity, mask:<file>, matrix:<file>, gaussian:<m>[:<seed>] or subsample:<m>[:<seed>]';

function integerPart(text: string | undefined, what: string, min: number): number {
  const v = Number(text);
  if (text === undefined || text.trim() === '' || !Number.isInteger(v) || v < min) {
    throw new UsageError(`--measurement: ${what} must be an integer >= ${min}, got '${text ?? ''}'`);
  }
  return v;
}

/**
 * Builds the operator for a generator with `n` outputs; `seed` is the default Gaussian seed. When the
 * observation's length is known (`observed`), a seeded operator's m must equal it, and is checked
 * before the operator (m×n entries, or m row seeds) is allocated.
 */
export function parseMeasurement(spec: string, n: number, seed: number, observed?: number): LinearOperator {
  const colon = spec.indexOf(':');
  const kind = colon < 0 ? spec : spec.slice(0, colon);
  const arg = colon < 0 ? undefined : spec.slice(colon + 1);
  switch (kind) {
    case 'identity':
      if (arg !== undefined) break;
      return new IdentityOperator(n);
    case 'mask': {
      if (!arg) break;
      const mask = asVector(readInputArray(arg), `mask ${arg}`);
      if (mask.length !== n) throw new ShapeError(`mask ${arg}: expected length ${n} (the generator's outputs), got ${mask.length}`);
      return MaskOperator.fromMask(mask, `mask ${arg}`);
    }
    case 'matrix': {
      if (!arg) break;
      const A = asMatrix(readInputArray(arg), `measurement matrix ${arg}`);
      if (A.cols !== n) throw new ShapeError(`measurement matrix ${arg}: expected ${n} columns (the generator's outputs), got ${A.cols}`);
      return new MatrixOperator(A, `measurement matrix ${arg}`);
    }
    case 'gaussian':
    case 'subsample': {
      if (!arg) break;
      const [m, s, extra] = arg.split(':');
      if (extra !== undefined) break;
      const rows = integerPart(m, `${kind} m`, 1);
      if (observed !== undefined && rows !== observed) {
        throw new ShapeError(`--measurement ${spec}: m = ${rows}, but the observation has length ${observed}`);
      }
      const opSeed = s === undefined ? seed : integerPart(s, `${kind} seed`, 0);
      return kind === 'gaussian' ? gaussianOperator(rows, n, opSeed) : subsampleOperator(rows, n, opSeed);
    }
  }
  throw new UsageError(`--measurement: unknown spec '${spec}' (expected ${SPECS})`);
}
