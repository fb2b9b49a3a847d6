#!/usr/bin/env node
/**
 * The cases of docs/verdict.md ("the cases that lied"): every solver on observations it can and cannot
 * fit, printing status, success, the fit and the latent error. Run after `pnpm build`:
 *   node tooling/verdict-cases.mjs
 * A "false success" is success: true with ‖A·G(ẑ) − y‖/‖y‖ above 0.05 (far above every noise used here).
 */
const core = await import('../packages/core/dist/index.js');
await import('../packages/plugin/dist/index.js');
await import('../packages/lp-layerwise/dist/index.js');
await import('../packages/gd/dist/index.js');
const { GaussianMatrixOperator } = await import('../packages/compressed/dist/index.js');
const { mnistGenerator } = await import('../packages/models/dist/node.js');
const { createProblem, createBatchProblem, denseLayer, gaussianVector, Generator, Matrix, norm2, relativeError, relu, Rng, solve } = core;

const rows = [];
let falseSuccess = 0;
let total = 0;

function report(label, solver, result, y, zStar) {
  const rel = result.residual / norm2(y);
  const err = zStar ? relativeError(result.latent, zStar) : NaN;
  total++;
  const lie = result.success && rel > 0.05;
  if (lie) falseSuccess++;
  rows.push([label, solver, result.status, String(result.success), rel.toExponential(2), Number.isNaN(err) ? '-' : err.toExponential(2), lie ? 'FALSE SUCCESS' : '']);
}

async function run(label, solver, problem, zStar, options = {}) {
  const result = await solve(problem, solver, options);
  report(label, solver, result, problem.observation, zStar);
}

// A. The trained 20-60-784 decoder with a ReLU output in place of the sigmoid, realizable y + uniform(±1e-6).
const trained = mnistGenerator('20-60-784');
const reluOut = new Generator(trained.layers.map((l) => denseLayer(l.weight, l.bias, relu)));
for (let s = 0; s < 8; s++) {
  const rng = new Rng(100 + s);
  const zStar = gaussianVector(rng, 20);
  const y = reluOut.forward(zStar).map((v) => v + (rng.uniform() * 2 - 1) * 1e-6);
  for (const solver of ['lp-linf', 'gd', 'plugin']) await run(`trained relu-out z${s}`, solver, createProblem({ generator: reluOut, observation: y }), zStar);
}

// B. PLUGIn-CS with a Gaussian A on a random 20-600-500-500 net (seed 3), m = 300 and 200.
const deep = Generator.random([20, 600, 500, 500], { seed: 3 });
for (const m of [300, 200]) {
  for (let s = 0; s < 2; s++) {
    const zStar = gaussianVector(new Rng(200 + s), 20);
    const A = new GaussianMatrixOperator(m, 500, 3);
    await run(`plugin-cs m=${m} z${s}`, 'plugin', createProblem({ generator: deep, measurement: A, observation: A.apply(deep.forward(zStar)) }), zStar);
  }
}

// C. A random 20-250-600 net and observations nothing can fit.
const G = Generator.random([20, 250, 600], { seed: 1 });
const zStar = gaussianVector(new Rng(2), 20);
const x = G.forward(zStar);
const noiseRng = new Rng(7);
const unfit = {
  'N(0,1)': gaussianVector(new Rng(5), 600),
  '-G(z*)': x.map((v) => -v),
  '1e6*ones': new Float64Array(600).fill(1e6),
  'G(z*)+big noise': (() => {
    const e = gaussianVector(noiseRng, 600);
    const scale = norm2(x) / norm2(e);
    return x.map((v, i) => v + scale * e[i]);
  })(),
};
for (const noiseLevel of [undefined, 0.01]) {
  for (const [name, y] of Object.entries(unfit)) {
    for (const solver of ['plugin', 'lp-linf', 'gd']) {
      await run(`random ${name}${noiseLevel ? ' noise 0.01' : ''}`, solver, createProblem({ generator: G, observation: y, noiseLevel }), undefined);
    }
  }
}
// A 16-row batch of N(0, 1) rows.
const batchRng = new Rng(11);
const Y = Matrix.fromRows(Array.from({ length: 16 }, () => gaussianVector(batchRng, 600)));
for (const solver of ['plugin', 'lp-linf', 'gd']) {
  const results = await solve(createBatchProblem({ generator: G, observation: Y }), solver);
  results.forEach((r, i) => report(`random batch row ${i}`, solver, r, Y.row(i), undefined));
}

const widths = rows[0].map((_, j) => Math.max(...rows.map((r) => r[j].length), 8));
console.log(['case', 'solver', 'status', 'success', 'rel.resid', 'lat.err', ''].map((h, j) => h.padEnd(widths[j])).join('  '));
for (const r of rows) console.log(r.map((c, j) => c.padEnd(widths[j])).join('  '));
console.log(`\nfalse success: ${falseSuccess} of ${total} results`);
const { closeWorkers } = await import('../packages/core/dist/node.js');
await closeWorkers?.();
