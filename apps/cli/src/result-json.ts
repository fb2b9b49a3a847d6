/** The result file of `inv solve`: one result, or per-problem arrays for a batch. */
import type { Fit, Result } from '@inv/core';

export interface ResultJson {
  solver: string;
  status: string | string[];
  success: boolean | boolean[];
  /** The verdict's fit: residual, allowed level, ok, and the stated noise norm (docs/verdict.md). */
  fit: Fit | Fit[];
  message: string | string[];
  latent: number[] | number[][];
  reconstruction: number[] | number[][];
  iterations: number | number[];
  residual: number | number[];
  timeMs: number | number[];
  /** For a batch: the number of problems and the wall time of the whole batch solve. */
  batch?: number;
  totalTimeMs?: number;
  info?: Record<string, number | string | boolean> | (Record<string, number | string | boolean> | null)[];
}

export function singleResultJson(r: Result): ResultJson {
  const out: ResultJson = {
    solver: r.solver,
    status: r.status,
    success: r.success,
    fit: r.fit,
    message: r.message,
    latent: Array.from(r.latent),
    reconstruction: Array.from(r.reconstruction),
    iterations: r.iterations,
    residual: r.residual,
    timeMs: r.timeMs,
  };
  if (r.info) out.info = r.info;
  return out;
}

export function batchResultJson(solver: string, results: readonly Result[], totalTimeMs: number): ResultJson {
  const out: ResultJson = {
    solver,
    status: results.map((r) => r.status),
    success: results.map((r) => r.success),
    fit: results.map((r) => r.fit),
    message: results.map((r) => r.message),
    latent: results.map((r) => Array.from(r.latent)),
    reconstruction: results.map((r) => Array.from(r.reconstruction)),
    iterations: results.map((r) => r.iterations),
    residual: results.map((r) => r.residual),
    timeMs: results.map((r) => r.timeMs),
    batch: results.length,
    totalTimeMs,
  };
  if (results.some((r) => r.info)) out.info = results.map((r) => r.info ?? null);
  return out;
}
