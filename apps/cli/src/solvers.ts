/**
 * Solver packages are loaded for their side effect (each registers its solvers with @inv/core); the
 * CLI then finds solvers only through the registry. A package that is not installed is reported by
 * `inv list`, not hidden. INV_PLUGINS adds more modules (comma-separated paths or package names), so
 * that a solver written outside this repository plugs in the same way.
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { asVector, checkSupport, createBatchProblem, type Generator, type LinearOperator, type OptionSchema, type OptionSpec, type OptionValues, type Solver } from '@inv/core';
import { kebabCase, type FlagSpec, type FlagSpecs, type FlagValue } from './args.js';
import { UsageError } from './errors.js';
import { readInputArray } from './files.js';

/** The solver packages that ship with inv. */
export const SOLVER_PACKAGES = ['@inv/plugin', '@inv/lp-layerwise', '@inv/gd', '@inv/compressed'] as const;

export interface LoadReport {
  loaded: string[];
  missing: { name: string; reason: string }[];
}

let loading: Promise<LoadReport> | undefined;

/** Whether an import failed because the module (or one it imports) is not installed. */
export function isMissing(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

/** Imports every solver package once (and the INV_PLUGINS modules); a plugin that fails is an error. */
export function loadSolverPackages(): Promise<LoadReport> {
  loading ??= (async () => {
    const report: LoadReport = { loaded: [], missing: [] };
    for (const name of SOLVER_PACKAGES) {
      try {
        await import(name);
        report.loaded.push(name);
      } catch (e) {
        if (!isMissing(e)) throw e;
        report.missing.push({ name, reason: (e as Error).message.split('\n')[0] });
      }
    }
    for (const spec of (process.env.INV_PLUGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
      const target = spec.startsWith('.') || isAbsolute(spec) ? pathToFileURL(resolve(spec)).href : spec;
      try {
        await import(target);
      } catch (e) {
        throw new UsageError(`INV_PLUGINS: cannot load '${spec}' (${(e as Error).message.split('\n')[0]})`);
      }
      report.loaded.push(spec);
    }
    return report;
  })();
  return loading;
}

/** A solver option as a CLI flag: `maxIterations` → `--max-iterations`. Vectors are read from files. */
export function optionFlag(spec: OptionSpec): FlagSpec {
  switch (spec.type) {
    case 'number':
      return { type: 'number', description: spec.description, default: spec.default, min: spec.min, exclusiveMin: spec.exclusiveMin, max: spec.max };
    case 'integer':
      return { type: 'number', description: spec.description, default: spec.default, min: spec.min, max: spec.max, integer: true };
    case 'boolean':
      return { type: 'boolean', description: spec.description, default: spec.default };
    case 'enum':
      return { type: 'enum', description: spec.description, values: spec.values, default: spec.default };
    case 'vector':
      return { type: 'string', description: `${spec.description} (a .npy or .json file)`, placeholder: 'file' };
  }
}

/** Flag specs for every option of a schema, keyed by kebab-case flag name (only typed flags reach the solver). */
export function optionFlags(schema: OptionSchema, reserved: FlagSpecs): { flags: Record<string, FlagSpec>; keyOf: Map<string, string> } {
  const flags: Record<string, FlagSpec> = {};
  const keyOf = new Map<string, string>();
  for (const [key, spec] of Object.entries(schema)) {
    const name = kebabCase(key);
    keyOf.set(name, key);
    // A solver option that shares a command flag's name (e.g. --seed) receives that flag's value.
    if (name in reserved) continue;
    flags[name] = optionFlag(spec);
  }
  return { flags, keyOf };
}

/** Turns parsed flags into solver options (reading vector options from their files). */
export function solverOptions(schema: OptionSchema, keyOf: Map<string, string>, flags: Record<string, FlagValue | undefined>, given: Set<string>): OptionValues {
  const out: OptionValues = {};
  for (const name of given) {
    const key = keyOf.get(name);
    if (key === undefined) continue;
    const value = flags[name];
    if (schema[key].type === 'vector') {
      const path = String(value);
      out[key] = asVector(readInputArray(path), `--${name} ${path}`);
    } else out[key] = value;
  }
  return out;
}

/** Whether `solver` takes this generator with this kind of measurement (core's checkSupport, as a boolean). */
export function supportsProblem(solver: Solver, generator: Generator, measurement: LinearOperator): boolean {
  try {
    checkSupport(solver, createBatchProblem({ generator, measurement, observation: new Float64Array(measurement.rows) }));
    return true;
  } catch {
    return false;
  }
}

/**
 * Solver defaults, except an iteration cap for solvers whose schema has an integer `maxIterations`
 * with a larger default (keeps the demo and the MNIST experiments short).
 */
export function cappedOptions(solver: Solver, cap: number): Record<string, unknown> {
  const spec = solver.options.maxIterations;
  if (spec?.type !== 'integer' || (spec.default !== undefined && spec.default <= cap)) return {};
  return { maxIterations: cap };
}
