/// <reference lib="webworker" />
/**
 * The solver worker: builds each experiment and runs the chosen solvers off the page's thread, posting
 * progress and results. The page cancels a run by terminating this worker and starting a new one, which
 * also stops a synchronous HiGHS solve that no AbortSignal could interrupt.
 */
import { Generator, listSolvers, oneLine, parseOnnx, solve, type Progress } from '@inv/core';
import { loadMnistGenerator, type ShippedModelName } from '@inv/models';
import { assetReader, type ReadAsset } from './assets.js';
import { buildExperiment, gaussianGenerator, scoreResult, withParameter, type Experiment } from './experiment.js';
import type { FromWorker, GeneratorSpec, RunRequest, SolverChoice, SweepParameter, ToWorker } from './protocol.js';
import { configureRuntime } from './runtime.js';

declare const self: DedicatedWorkerGlobalScope;

const post = (message: FromWorker) => self.postMessage(message);

let readModel: ReadAsset | undefined;
const generators = new Map<string, Promise<Generator>>();

function loadGenerator(spec: GeneratorSpec): Promise<Generator> {
  const key = spec.kind === 'onnx' ? `onnx:${spec.id}` : JSON.stringify(spec);
  let g = generators.get(key);
  if (!g) {
    g =
      spec.kind === 'mnist'
        ? loadMnistGenerator(spec.name as ShippedModelName, readModel!)
        : spec.kind === 'onnx'
          ? Promise.resolve().then(() => parseOnnx(spec.bytes, { source: spec.name }))
          : Promise.resolve(gaussianGenerator(spec.widths, spec.seed));
    g.catch(() => generators.delete(key));
    generators.set(key, g);
  }
  return g;
}

/** Solves with one solver; every solver already paces its reports (core's Pacer: at most one per 100 ms), so each is forwarded. */
async function runSolver(id: number, experiment: Experiment, choice: SolverChoice, step: number, steps: number) {
  const onProgress = (p: Progress) => post({ type: 'progress', id, solver: choice.name, step, steps, iteration: p.iteration, residual: p.residual });
  post({ type: 'progress', id, solver: choice.name, step, steps, iteration: 0 });
  return solve(experiment.problem, choice.name, choice.options, { onProgress });
}

async function run(id: number, request: RunRequest) {
  const generator = await loadGenerator(request.experiment.generator);
  const experiment = buildExperiment(generator, request.experiment);
  post({ type: 'problem', id, truth: experiment.truth, observed: experiment.observed, observedLabel: experiment.observedLabel, range: experiment.range, observedRange: experiment.observedRange, description: experiment.description });
  for (const [i, choice] of request.solvers.entries()) {
    try {
      const result = await runSolver(id, experiment, choice, i, request.solvers.length);
      post({ type: 'result', id, row: scoreResult(experiment, result) });
    } catch (e) {
      post({ type: 'solver-error', id, solver: choice.name, message: oneLine(e) });
    }
  }
}

async function sweep(id: number, request: RunRequest, parameter: SweepParameter, values: number[]) {
  const generator = await loadGenerator(request.experiment.generator);
  // Every experiment is built first, so an impossible value is reported before any solver runs.
  const experiments = values.map((v) => buildExperiment(generator, withParameter(request.experiment, parameter, v)));
  const steps = values.length * request.solvers.length;
  for (const [j, experiment] of experiments.entries()) {
    for (const [i, choice] of request.solvers.entries()) {
      try {
        const result = await runSolver(id, experiment, choice, j * request.solvers.length + i, steps);
        const row = scoreResult(experiment, result);
        post({ type: 'sweep-point', id, point: { solver: choice.name, value: values[j], relativeError: row.relativeError, status: row.status } });
      } catch (e) {
        post({ type: 'solver-error', id, solver: choice.name, message: oneLine(e) });
      }
    }
  }
}

self.onmessage = async (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  try {
    switch (message.type) {
      case 'init': {
        readModel = assetReader(message.modelBase);
        const backend = await configureRuntime(message.wasmBase);
        const solvers = listSolvers().map(({ name, summary, reference, options, supports }) => ({ name, summary, reference, options, supports }));
        post({ type: 'ready', solvers, backend });
        return;
      }
      case 'run':
        await run(message.id, message.request);
        break;
      case 'sweep':
        await sweep(message.id, message.request, message.parameter, message.values);
        break;
    }
    post({ type: 'done', id: message.id });
  } catch (e) {
    post({ type: 'error', id: 'id' in message ? message.id : undefined, message: oneLine(e) });
  }
};
