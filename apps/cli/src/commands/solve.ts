/** `inv solve`: one problem or a batch from files, with any registered solver. */
import { createBatchProblem, createProblem, formatTable, getSolver, listSolvers, now, solve, type Result } from '@inv/core';
import { SHIPPED_MODELS } from '@inv/models';
import { defineFlags, peekFlag } from '../args.js';
import { defineCommand, EXIT } from '../command.js';
import { UsageError } from '../errors.js';
import { gridPng, humanIo, imageSide, loadModel, loadObservation, readObservation, writeAll } from '../files.js';
import { setActivity } from '../interrupt.js';
import { progressBar, say } from '../io.js';
import { parseMeasurement } from '../measurement.js';
import { batchResultJson, singleResultJson } from '../result-json.js';
import { loadSolverPackages, optionFlags, solverOptions } from '../solvers.js';
import { CHUNK_FLAG, QUEUE_FLAGS, solveOnQueue } from '../queue/client.js';

const FLAGS = defineFlags({
  model: { type: 'string', description: `the generator: a layers-model model.json, an .onnx file or a shipped decoder (${SHIPPED_MODELS.join(', ')})`, placeholder: 'model.json|name' },
  observation: { type: 'string', description: 'y: a vector, or a B×m matrix for a batch (.npy or .json; - reads standard input)', placeholder: 'file' },
  solver: { type: 'string', description: 'a registered solver (see `inv list`)', placeholder: 'name' },
  measurement: { type: 'string', description: 'identity, mask:<mask.npy>, matrix:<A.npy> or gaussian:<m>[:<seed>]', default: 'identity', placeholder: 'spec' },
  'noise-level': { type: 'number', description: 'per-entry noise size σ, if known (the verdict allows ‖ε‖ = σ·√m; solvers document their own use)', min: 0 },
  'noise-norm': { type: 'number', description: 'the noise norm ‖ε‖₂, if known (per observation; preferred by the verdict to --noise-level)', min: 0 },
  'noise-factor': { type: 'number', description: 'verdict: a fit may reach this multiple of ‖ε‖ (default 1.5; docs/verdict.md)', min: 0 },
  'fit-tol': { type: 'number', description: 'verdict: relative slack tol·‖y‖ added to the allowed fit (default 1e-3)', min: 0 },
  seed: { type: 'number', description: 'seed of the Gaussian measurement (and of the solver, if it takes one)', integer: true, min: 0, default: 0 },
  out: { type: 'string', description: 'write the result JSON here (- for standard output)', placeholder: 'result.json' },
  png: { type: 'string', description: 'write <prefix>-reconstruction.png (and <prefix>-observation.png)', placeholder: 'prefix' },
  ...QUEUE_FLAGS,
  ...CHUNK_FLAG,
});


export const solveCommand = defineCommand({
  name: 'solve',
  summary: 'Recover z* and G(z*) from y = A·G(z*) + noise with a registered solver; solver options are flags too.',
  usage:
    'inv solve --model <model.json> --observation <file.npy|file.json> --solver <name> [--measurement <spec>] [--noise-level <σ>] [--noise-norm <‖ε‖>] [--noise-factor <c>] [--fit-tol <t>] [--seed <n>] [solver options] [--out <result.json>] [--png <prefix>]',
  flags: FLAGS,
  async dynamicFlags(argv) {
    const name = peekFlag(argv, 'solver');
    if (!name) return [];
    await loadSolverPackages();
    const solver = getSolver(name);
    return [{ title: `Options of solver '${solver.name}'`, flags: optionFlags(solver.options, FLAGS).flags }];
  },
  async run(args, io) {
    await loadSolverPackages();
    if (args.flags.solver === undefined) throw new UsageError(`--solver: required (registered: ${listSolvers().map((s) => s.name).join(', ') || 'none'})`);
    const solver = getSolver(String(args.flags.solver));
    const f = args.flags;
    const generator = loadModel(f.model);
    const seed = f.seed;
    const observation = readObservation(f.observation);
    const measurement = parseMeasurement(f.measurement, generator.outputDim, seed, observation.length);
    const { Y, batch } = loadObservation(observation, measurement.rows, measurement.describe());
    const { keyOf } = optionFlags(solver.options, FLAGS);
    const options = solverOptions(solver.options, keyOf, args.flags, args.given);
    const noise = {
      noiseLevel: f['noise-level'],
      noiseNorm: f['noise-norm'],
      verdict: { noiseFactor: f['noise-factor'], tol: f['fit-tol'] },
    };
    const side = imageSide(generator.outputDim);
    const png = f.png;
    if (png !== undefined && side === undefined) throw new UsageError(`--png: the generator's ${generator.outputDim} outputs are not a square image`);

    const bar = progressBar(io, batch ? Y.rows : 1, `${solver.name}`);
    const onProgress = (p: { item: number; items: number; iteration: number; residual?: number }) =>
      bar.tick(p.item, `iteration ${p.iteration}${p.residual !== undefined ? ` residual ${p.residual.toExponential(2)}` : ''}`);
    setActivity(`solving ${Y.rows} problem${Y.rows > 1 ? 's' : ''} with ${solver.name} (inv solve; nothing written yet)`);
    const started = now();
    let results: Result[];
    try {
      if (f.redis !== undefined) results = (await solveOnQueue(io, args, { solver: solver.name, generator, batch, Y, seed, noise, options })) as Result[];
      else if (batch) results = await solve(createBatchProblem({ generator, measurement, observation: Y, ...noise }), solver, options, { onProgress });
      else results = [await solve(createProblem({ generator, measurement, observation: Y.row(0), ...noise }), solver, options, { onProgress })];
    } finally {
      bar.finish();
    }
    const total = now() - started;
    const json = batch ? batchResultJson(solver.name, results, total) : singleResultJson(results[0]);

    const files: { path: string; data: Uint8Array | string }[] = [];
    if (args.flags.out) files.push({ path: String(args.flags.out), data: `${JSON.stringify(json)}\n` });
    if (png !== undefined) {
      const columns = Math.min(8, results.length);
      files.push({ path: `${png}-reconstruction.png`, data: gridPng(results.map((r) => r.reconstruction), columns) });
      if (measurement.kind === 'identity' || measurement.kind === 'mask') {
        const observed = Array.from({ length: Y.rows }, (_, b) => measurement.adjoint(Y.row(b)));
        files.push({ path: `${png}-observation.png`, data: gridPng(observed, columns) });
      }
    }
    writeAll(files, io);
    setActivity('finishing inv solve (its outputs are written)');

    // With --out -, stdout carries the result JSON alone; the human lines go to stderr.
    const human = humanIo(io, f.out);
    const failed = results.filter((r) => !r.success).length;
    if (io.json) {
      if (f.out !== '-') io.out(JSON.stringify(json));
    } else {
      say(human, `${solver.name} on ${generator.describe()}, ${measurement.describe()}, ${results.length} problem${results.length > 1 ? 's' : ''}`);
      say(human, formatTable(['#', 'status', 'success', 'iterations', 'residual', 'allowed', 'time ms'], results.map((r, i) => [i, r.status, r.success ? 'yes' : 'no', r.iterations, r.residual, r.fit.allowed, r.timeMs])));
      for (const f of files) if (f.path !== '-') say(human, `wrote ${f.path}`);
      // The message says why and what to try; for a batch, the first failure's stands for the rest.
      const first = results.findIndex((r) => !r.success);
      if (first >= 0) say(human, `${failed} of ${results.length} did not succeed (exit code ${EXIT.notSuccess}); #${first}: ${results[first].message}`);
    }
    return failed > 0 ? EXIT.notSuccess : EXIT.ok;
  },
});
