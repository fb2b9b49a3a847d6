/** Worker thread for `inv experiment`: loads the solver packages and runs one experiment task per message. */
import { serveWorker } from '@inv/core/node';
import { findExperiment } from './experiments/index.js';
import { loadSolverPackages } from './solvers.js';

const ready = loadSolverPackages();

serveWorker(async (msg: { experiment: string; task: unknown }) => {
  await ready;
  const experiment = findExperiment(msg.experiment);
  if (!experiment) throw new Error(`unknown experiment '${msg.experiment}'`);
  return experiment.run(msg.task);
});
