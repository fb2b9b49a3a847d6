/**
 * Measurement specs as data: the one parser of `identity`, `mask:<file>`, `matrix:<file>`,
 * `gaussian:<m>[:<seed>]` and `subsample:<m>[:<seed>]` (the CLI's `--measurement`, queue jobs, scripts).
 * Parsing is separate from building, so m can be checked against an observation before an m×n operator
 * is allocated and a job can list the files a spec names without reading them. The seeded kinds are
 * built by @inv/compressed (`measurementFromSpec`), which owns those operators.
 */
import { ValueError } from './errors.js';

export type MeasurementSpec =
  | { readonly kind: 'identity' }
  | { readonly kind: 'mask' | 'matrix'; readonly path: string }
  /** `seed` absent: the caller's default seed applies. */
  | { readonly kind: 'gaussian' | 'subsample'; readonly m: number; readonly seed?: number };

export type SeededMeasurementSpec = Extract<MeasurementSpec, { m: number }>;

export const MEASUREMENT_SPEC_FORMS = 'identity, mask:<file>, matrix:<file>, gaussian:<m>[:<seed>] or subsample:<m>[:<seed>]';

/**
 * A whole number >= min. Seeds are integers >= 0, like every `--seed` (a negative seed is refused, not
 * folded onto another stream). Number() spelling is accepted (`1e6`), so a too-large m is reported as such.
 */
function integerPart(text: string | undefined, what: string, min: number, field: string): number {
  const v = Number(text);
  if (text === undefined || text.trim() === '' || !Number.isInteger(v) || v < min) {
    throw new ValueError(`${field}: ${what} must be an integer >= ${min}, got '${text ?? ''}'`);
  }
  return v;
}

/** Parses a spec; `field` names the source in errors (e.g. `--measurement`). */
export function parseMeasurementSpec(text: string, field = 'measurement'): MeasurementSpec {
  const colon = text.indexOf(':');
  const kind = colon < 0 ? text : text.slice(0, colon);
  const arg = colon < 0 ? undefined : text.slice(colon + 1);
  switch (kind) {
    case 'identity':
      if (arg === undefined) return { kind };
      break;
    case 'mask':
    case 'matrix':
      if (arg) return { kind, path: arg };
      break;
    case 'gaussian':
    case 'subsample': {
      if (!arg) break;
      const [m, seed, extra] = arg.split(':');
      if (extra !== undefined) break;
      const rows = integerPart(m, `${kind} m`, 1, field);
      return seed === undefined ? { kind, m: rows } : { kind, m: rows, seed: integerPart(seed, `${kind} seed`, 0, field) };
    }
  }
  throw new ValueError(`${field}: unknown spec '${text}' (expected ${MEASUREMENT_SPEC_FORMS})`);
}

/** The spec's text, as parseMeasurementSpec reads it back. */
export function formatMeasurementSpec(spec: MeasurementSpec): string {
  switch (spec.kind) {
    case 'identity':
      return 'identity';
    case 'mask':
    case 'matrix':
      return `${spec.kind}:${spec.path}`;
    default:
      return `${spec.kind}:${spec.m}${spec.seed === undefined ? '' : `:${spec.seed}`}`;
  }
}

/** The files a spec names (mask:<file>, matrix:<file>); none for the others. */
export function measurementSpecFiles(spec: MeasurementSpec): string[] {
  return spec.kind === 'mask' || spec.kind === 'matrix' ? [spec.path] : [];
}
