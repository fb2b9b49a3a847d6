/**
 * Measurement specs as the CLI writes them: `gaussian:<m>[:<seed>]` and `subsample:<m>[:<seed>]`.
 * Parsing is separate from building so that `inv info` can check m before n is known.
 */
import { ValueError, type LinearOperator } from '@inv/core';
import { gaussianOperator } from './gaussian.js';
import { subsampleOperator } from './subsample.js';

export const MEASUREMENT_KINDS = ['gaussian', 'subsample'] as const;
export type MeasurementKind = (typeof MEASUREMENT_KINDS)[number];

export interface MeasurementSpec {
  kind: MeasurementKind;
  /** Number of measurements. */
  m: number;
  seed: number;
}

const SPEC = /^(gaussian|subsample):(\d+)(?::(-?\d+))?$/;

export function isMeasurementSpec(text: string): boolean {
  return SPEC.test(text.trim());
}

/** Parses `gaussian:<m>[:<seed>]` or `subsample:<m>[:<seed>]` (seed defaults to 0); `field` names the source. */
export function parseMeasurementSpec(text: string, field = 'measurement'): MeasurementSpec {
  const match = SPEC.exec(text.trim());
  if (!match) throw new ValueError(`${field}: expected gaussian:<m>[:<seed>] or subsample:<m>[:<seed>], got ${JSON.stringify(text)}`);
  const m = Number(match[2]);
  if (m < 1) throw new ValueError(`${field}: expected at least one measurement, got m = ${m}`);
  const seed = match[3] === undefined ? 0 : Number(match[3]);
  if (!Number.isSafeInteger(m) || !Number.isSafeInteger(seed)) throw new ValueError(`${field}: m and seed must be safe integers, got ${JSON.stringify(text)}`);
  return { kind: match[1] as MeasurementKind, m, seed };
}

/** The operator of a spec (a string or a parsed spec) for signals of length n. */
export function measurementFromSpec(spec: string | MeasurementSpec, n: number, options: { onTheFly?: boolean; scaled?: boolean } = {}): LinearOperator {
  const s = typeof spec === 'string' ? parseMeasurementSpec(spec) : spec;
  return s.kind === 'gaussian' ? gaussianOperator(s.m, n, s.seed, { onTheFly: options.onTheFly }) : subsampleOperator(s.m, n, s.seed, { scaled: options.scaled });
}
