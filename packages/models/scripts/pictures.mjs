// Draws the README pictures from the shipped decoders (after `pnpm build`):
//   docs/images/mnist-samples.png          one row of decoder samples G(z), z ~ N(0, I), per model
//   docs/images/mnist-reconstructions.png  held-out digits (top row), then each model's inversion
// Usage: node scripts/pictures.mjs [outDir]
import { createBatchProblem, gaussianVector, imageGrid, Matrix, Rng, solve } from '@inv/core';
import { writePng } from '@inv/core/node';
import '@inv/gd';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { heldOutDigits, MNIST_MODELS, mnistGenerator } from '../dist/node.js';

const outDir = process.argv[2] ?? fileURLToPath(new URL('../../../docs/images', import.meta.url));
const COLUMNS = 12;
const rng = new Rng(0);
const samples = MNIST_MODELS.flatMap((name) => {
  const G = mnistGenerator(name);
  return Array.from({ length: COLUMNS }, () => G.forward(gaussianVector(rng, G.inputDim)));
});
writePng(join(outDir, 'mnist-samples.png'), imageGrid(samples, COLUMNS), 2);

const digits = heldOutDigits().images.slice(0, COLUMNS);
const Y = new Matrix(COLUMNS, 784);
digits.forEach((im, b) => Y.data.set(im, b * 784));
const rows = [digits];
for (const name of MNIST_MODELS) {
  const G = mnistGenerator(name);
  const results = await solve(createBatchProblem({ generator: G, observation: Y }), 'gd', { optimizer: 'adam', learningRate: 0.1, maxIterations: 150, restarts: 2, negationCheck: false, seed: 0 });
  rows.push(results.map((r) => G.forward(r.latent)));
}
writePng(join(outDir, 'mnist-reconstructions.png'), imageGrid(rows.flat(), COLUMNS), 2);
console.log(`wrote ${outDir}/mnist-samples.png and mnist-reconstructions.png`);
