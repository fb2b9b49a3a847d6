/**
 * Worker thread of `inv worker` for solve jobs: the same loading and solving code as `inv solve`, on a
 * chunk of rows, numbered from the chunk's first row so that per-item seeds match a local run. Runs in a
 * thread so that the worker's main thread keeps renewing its job locks however long a solve takes.
 */
import { createBatchProblem, Matrix, solve, getSolver, type Result } from '@inv/core';
import { serveWorker } from '@inv/core/node';
import { loadModel } from '../files.js';
import { parseMeasurement } from '../measurement.js';
import { loadSolverPackages } from '../solvers.js';
import { fileHash, generatorHash, JobError, type SolvePayload } from './jobs.js';

/** What a gathered result keeps (the fields of the result JSON and the PNGs). */
export type ChunkResult = Pick<Result, 'solver' | 'status' | 'success' | 'message' | 'latent' | 'reconstruction' | 'iterations' | 'residual' | 'fit' | 'timeMs' | 'info'>;

const ready = loadSolverPackages();

serveWorker(async (p: SolvePayload): Promise<ChunkResult[]> => {
  await ready;
  const solver = getSolver(p.solver);
  const generator = loadModel(p.model.path);
  if (generatorHash(generator) !== p.model.sha256) throw new JobError(`model ${p.model.path}: its weights differ from the ones the job was made with (sha256)`);
  for (const f of p.files) if (fileHash(f.path) !== f.sha256) throw new JobError(`${f.path}: its content differs from the file the job was made with (sha256)`);
  const measurement = parseMeasurement(p.measurement, generator.outputDim, p.seed);
  const options: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p.options)) options[k] = Array.isArray(v) && solver.options[k]?.type === 'vector' ? Float64Array.from(v) : v;
  const cols = p.rows[0].length;
  const Y = new Matrix(p.rows.length, cols, Float64Array.from(p.rows.flat()));
  const results = await solve(createBatchProblem({ generator, measurement, observation: Y, noiseLevel: p.noiseLevel, noiseNorm: p.noiseNorm, verdict: { noiseFactor: p.noiseFactor, tol: p.fitTol } }), solver, options, { item: p.item, items: p.items });
  return results.map(({ solver, status, success, message, latent, reconstruction, iterations, residual, fit, timeMs, info }) => ({ solver, status, success, message, latent, reconstruction, iterations, residual, fit, timeMs, info }));
});
