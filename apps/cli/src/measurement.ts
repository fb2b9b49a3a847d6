/**
 * `--measurement` specs (@inv/core's parser; @inv/compressed builds the operators): a bad spec is a
 * usage error, and a seeded operator's m is checked against the observation before it is allocated.
 */
import { measurementFromSpec } from '@inv/compressed';
import { parseMeasurementSpec, ShapeError, ValueError, type LinearOperator, type MeasurementSpec } from '@inv/core';
import { UsageError } from './errors.js';
import { readInputArray } from './files.js';

/** The parsed spec; a malformed one is a UsageError (exit 2). */
export function parseMeasurementFlag(spec: string): MeasurementSpec {
  try {
    return parseMeasurementSpec(spec, '--measurement');
  } catch (e) {
    throw e instanceof ValueError ? new UsageError(e.message) : e;
  }
}

/**
 * Builds the operator for a generator with `n` outputs; `seed` is the default seed of the seeded kinds.
 * When the observation's length is known (`observed`), a seeded operator's m must equal it.
 */
export function parseMeasurement(spec: string, n: number, seed: number, observed?: number): LinearOperator {
  const s = parseMeasurementFlag(spec);
  if ('m' in s && observed !== undefined && s.m !== observed) {
    throw new ShapeError(`--measurement ${spec}: m = ${s.m}, but the observation has length ${observed}`);
  }
  return measurementFromSpec(s, n, { seed, read: readInputArray });
}
