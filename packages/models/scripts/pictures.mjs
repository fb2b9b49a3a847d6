// Draws the README pictures from the shipped decoders (after `pnpm build`):
//   docs/images/mnist-samples.png          one row of decoder samples G(z), z ~ N(0, I), per dense model
//   docs/images/mnist-reconstructions.png  held-out digits (top row), then each dense model's inversion
// (the leaky decoder's outputs are Gaussian means, not intensities: the PNG writer clips them to [0, 1]).
// Usage: node scripts/pictures.mjs [outDir]
import { createBatchProblem, gaussianVector, imageGrid, Matrix, Rng, solve } from '@inv/core';
import { writePng } from '@inv/core/node';
import '@inv/gd';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { heldOutDigits, LEAKY_MODELS, MNIST_MODELS, mnistGenerator } from '../dist/node.js';

const outDir = process.argv[2] ?? fileURLToPath(new URL('../../../docs/images', import.meta.url));
const COLUMNS = 12;
const MODELS = [...MNIST_MODELS, ...LEAKY_MODELS];
const rng = new Rng(0);
const samples = MODELS.flatMap((name) => {
  const G = mnistGenerator(name);
  return Array.from({ length: COLUMNS }, () => G.forward(gaussianVector(rng, G.inputDim)));
});
writePng(join(outDir, 'mnist-samples.png'), imageGrid(samples, COLUMNS), 2);

const digits = heldOutDigits().images.slice(0, COLUMNS);
const Y = new Matrix(COLUMNS, 784);
digits.forEach((im, b) => Y.data.set(im, b * 784));
const rows = [digits];
for (const name of MODELS) {
  const G = mnistGenerator(name);
  const results = await solve(createBatchProblem({ generator: G, observation: Y }), 'gd', { optimizer: 'adam', learningRate: 0.1, maxIterations: 150, restarts: 2, negationCheck: false, seed: 0 });
  rows.push(results.map((r) => G.forward(r.latent)));
}
writePng(join(outDir, 'mnist-reconstructions.png'), imageGrid(rows.flat(), COLUMNS), 2);
console.log(`wrote ${outDir}/mnist-samples.png and mnist-reconstructions.png`);
