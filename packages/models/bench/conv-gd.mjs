// Benchmark (not a test): gd with the CSGM preset (Adam, lr 0.01, 1000 steps; 1 restart here) on the
// conv-20-784 decoder, fitting held-out digits: one at a time (float64) and a batch of 64 (tfjs-wasm,
// one thread), next to the same loop in PyTorch on the CPU (tooling/reference/gd-torch.py, one thread,
// float32, the same start points and observations; skipped with a message when python3 has no torch).
// First the float64 kernels: forward, vjp and one single solve on the JS loops and on the WebAssembly
// kernels. Times are process CPU time (this process, or the python process), per call or inversion.
// Build first (pnpm turbo run build --filter=@inv/models...), then: node bench/conv-gd.mjs [--quick]
import { fileURLToPath } from 'node:url';
import { createBatchProblem, createProblem, gaussianVector, Matrix, median, mse, resolveOptions, Rng, setKernel, solve } from '@inv/core';
import { findPython, referenceDir, runPythonJson } from '@inv/core/node';
import { gdOptionSchema, settingsFrom, startPoints } from '@inv/gd';
import { heldOutDigits, mnistGenerator } from '../dist/node.js';

const quick = process.argv.includes('--quick');
const G = mnistGenerator('conv-20-784');
const digits = heldOutDigits().images;
const options = { preset: 'csgm', restarts: 1, maxIterations: quick ? 200 : 1000 };
const settings = settingsFrom(resolveOptions(gdOptionSchema, options));
// Every observation starts from the same point (gd shares its start points across a batch).
const start = Array.from(startPoints(settings, G.inputDim)[0]);
const cpuSince = (from) => {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1000;
};
const medianMse = (latents, first = 0) => median(latents.map((z, i) => mse(G.forward(Float64Array.from(z)), digits[first + i])));

/** Process CPU ms of one call of f (median of 5 timings over `calls` calls, after a warm-up). */
async function cpuMs(f, calls) {
  for (let c = 0; c < Math.min(calls, 20); c++) await f();
  const times = [];
  for (let r = 0; r < 5; r++) {
    const t = process.cpuUsage();
    for (let c = 0; c < calls; c++) await f();
    times.push(cpuSince(t) / calls);
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
let c0 = process.cpuUsage();
const single = [];
for (let i = 0; i < singles; i++) single.push(await solve(createProblem({ generator: G, observation: digits[i] }), 'gd', options));
const singleMs = cpuSince(c0) / singles;
console.log(`conv-20-784 gd csgm single (float64): ${singleMs.toFixed(0)} ms CPU per inversion, median MSE ${medianMse(single.map((r) => r.latent)).toFixed(5)} (${singles} digits)`);

const B = 64;
const Y = new Matrix(B, 784);
for (let b = 0; b < B; b++) Y.data.set(digits[b], b * 784);
const batch = createBatchProblem({ generator: G, observation: Y });
let oursWarm;
for (const label of ['first call', 'warm']) {
  c0 = process.cpuUsage();
  const results = await solve(batch, 'gd', { ...options, workers: 1 });
  const ms = cpuSince(c0) / B;
  if (label === 'warm') oursWarm = ms;
  console.log(`conv-20-784 gd csgm batch of ${B} (${results[0].info.backend}, one thread, ${label}): ${ms.toFixed(1)} ms CPU per inversion, median MSE ${medianMse(results.map((r) => r.latent)).toFixed(5)}`);
}

const python = findPython(['torch']);
if (!python) {
  console.log('PyTorch reference: skipped (python3 has no torch; install python3-torch to compare)');
} else {
  const script = `${referenceDir()}/gd-torch.py`;
  const model = fileURLToPath(new URL('../assets/conv-20-784', import.meta.url));
  const run = (rows, asBatch) =>
    runPythonJson(python, script, {
      model, threads: 1, learning_rate: settings.learningRate, iterations: settings.maxIterations, batch: asBatch,
      starts: Array.from({ length: rows }, () => start), observations: digits.slice(0, rows).map((d) => Array.from(d)),
      check: { z: start, x: Array.from(G.forward(Float64Array.from(start))) },
    });
  const one = run(singles, false);
  console.log(`PyTorch ${one.torch} (${one.threads} thread) single: ${one.ms_per_inversion.toFixed(0)} ms CPU per inversion, median MSE ${medianMse(one.latents).toFixed(5)} (its forward matches ours to ${one.check_max_abs.toExponential(1)})`);
  const many = run(B, true);
  console.log(`PyTorch ${many.torch} (${many.threads} thread) batch of ${B}: ${many.ms_per_inversion.toFixed(1)} ms CPU per inversion, median MSE ${medianMse(many.latents).toFixed(5)}`);
  console.log(`batch of ${B}, ours (warm) / PyTorch: ${(oursWarm / many.ms_per_inversion).toFixed(2)}x`);
}
