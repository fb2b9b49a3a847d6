// Benchmark (not a test): gd with the CSGM preset (Adam, lr 0.01, 1000 steps; 1 restart here) on the
// conv-20-784 decoder, denoising held-out digits: one at a time (float64) and a batch of 64 (tfjs-wasm).
// First the float64 kernels: forward, vjp and one single solve on the JS loops and on the WebAssembly
// kernels, in process CPU time (the wall clock of a shared machine says little).
// Build first (pnpm turbo run build --filter=@inv/models...), then: node bench/conv-gd.mjs [--quick]
import { createBatchProblem, createProblem, gaussianVector, Matrix, median, mse, Rng, setKernel, solve } from '@inv/core';
import { findPython } from '@inv/core/node';
import '@inv/gd';
import { heldOutDigits, mnistGenerator } from '../dist/node.js';

const quick = process.argv.includes('--quick');
const G = mnistGenerator('conv-20-784');
const digits = heldOutDigits().images;
const options = { preset: 'csgm', restarts: 1, maxIterations: quick ? 200 : 1000 };

/** Process CPU ms of one call of f (median of 5 timings over `calls` calls, after a warm-up). */
async function cpuMs(f, calls) {
  for (let c = 0; c < Math.min(calls, 20); c++) await f();
  const times = [];
  for (let r = 0; r < 5; r++) {
    const t = process.cpuUsage();
    for (let c = 0; c < calls; c++) await f();
    const used = process.cpuUsage(t);
    times.push((used.user + used.system) / 1000 / calls);
  }
  return median(times);
}
const z = gaussianVector(new Rng(1), 20), v = gaussianVector(new Rng(2), 784);
const problem = createProblem({ generator: G, observation: digits[0] });
for (const kernel of ['js', 'wasm']) {
  setKernel(kernel);
  const [fwd, vjp] = [await cpuMs(() => G.forward(z), quick ? 200 : 1000), await cpuMs(() => G.vjp(z, v), quick ? 200 : 1000)];
  const gd = await cpuMs(() => solve(problem, 'gd', options), 1);
  console.log(`conv-20-784 float64 on the ${kernel} kernels, CPU ms per call: forward ${fwd.toFixed(3)}, vjp (with its forward) ${vjp.toFixed(3)}, one gd csgm solve ${gd.toFixed(0)}`);
}
setKernel('wasm');

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
