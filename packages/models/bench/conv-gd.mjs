// Benchmark (not a test): gd with the CSGM preset (Adam, lr 0.01, 1000 steps; 1 restart here) on the
// conv-20-784 decoder, denoising held-out digits: one at a time (float64) and a batch of 64 (tfjs-wasm).
// Build first (pnpm turbo run build --filter=@inv/models...), then: node bench/conv-gd.mjs [--quick]
import { createBatchProblem, createProblem, Matrix, median, mse, solve } from '@inv/core';
import { findPython } from '@inv/core/node';
import '@inv/gd';
import { heldOutDigits, mnistGenerator } from '../dist/node.js';

const quick = process.argv.includes('--quick');
const G = mnistGenerator('conv-20-784');
const digits = heldOutDigits().images;
const options = { preset: 'csgm', restarts: 1, maxIterations: quick ? 200 : 1000 };

const singles = quick ? 1 : 3;
let t0 = performance.now();
const single = [];
for (let i = 0; i < singles; i++) single.push(await solve(createProblem({ generator: G, observation: digits[i] }), 'gd', options));
const singleMs = (performance.now() - t0) / singles;
console.log(`conv-20-784 gd csgm single (float64): ${singleMs.toFixed(0)} ms per inversion, median MSE ${median(single.map((r, i) => mse(G.forward(r.latent), digits[i]))).toFixed(5)} (${singles} digits)`);

const B = 64;
const Y = new Matrix(B, 784);
for (let b = 0; b < B; b++) Y.data.set(digits[b], b * 784);
const batch = createBatchProblem({ generator: G, observation: Y });
for (const label of ['first call', 'warm']) {
  t0 = performance.now();
  const results = await solve(batch, 'gd', { ...options, workers: 1 });
  const ms = performance.now() - t0;
  console.log(`conv-20-784 gd csgm batch of ${B} (${results[0].info.backend}, ${label}): ${(ms / B).toFixed(1)} ms per inversion, median MSE ${median(results.map((r, b) => mse(G.forward(r.latent), digits[b]))).toFixed(5)}`);
}
if (!findPython(['torch'])) console.log('PyTorch reference: skipped (python3 has no torch; install python3-torch to compare)');
