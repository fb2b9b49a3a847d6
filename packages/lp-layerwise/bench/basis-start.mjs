// Starting bases for one cold noisy LP of the top layer (issue #14, docs/lp-layerwise.md): node bench/basis-start.mjs <relu250|relu200|leaky>
import { Generator, Matrix, Rng, gaussianVector, boxVector, matvec } from '@inv/core';
import { LayerLp, getHighs, fastPath } from '../dist/index.js';

const f32 = (g) => new Generator(g.layers.map((l) => ({ ...l, weight: new Matrix(l.weight.rows, l.weight.cols, Float64Array.from(Float32Array.from(l.weight.data))) })));
const cases = {
  relu250: [() => Generator.random([20, 250, 600], { seed: 2019 }), 1e-3, 12],
  relu200: [() => Generator.random([10, 200, 500], { seed: 2020 }), 1e-3, 14],
  leaky: [() => Generator.random([20, 200, 500, 784], { seed: 2021, activation: { kind: 'leaky_relu', alpha: 0.1 } }), 1e-6, 15],
};
const name = process.argv[2] ?? 'relu250';
const [mk, noise, seed] = cases[name];
const g = f32(mk());
const rng = new Rng(seed);
const z = gaussianVector(rng, g.inputDim);
const y = g.forward(z);
const e = boxVector(rng, y.length, noise); for (let j = 0; j < y.length; j++) y[j] += e[j];
const L = g.layers.length - 1, layer = g.layers[L];
const highs = await getHighs();
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const rowsData = { weight: layer.weight, bias: layer.bias, activation: layer.activation, nonnegative: g.layers[L - 1].activation.kind === 'relu', preActivation: (h) => g.preActivation(L, h) };
const ls = fastPath(rowsData, y, noise, Infinity);
const mkLp = () => new LayerLp(highs, layer.weight, layer.bias, layer.activation, 'linf', rowsData.nonnegative, false);
const it = (lp) => Number(lp.model.info.get('simplex_iteration_count'));
// 1. cold full LP
let lp = mkLp();
let c0 = cpu();
let out = await lp.solve(y, { thres: noise });
console.log(`cold full: t=${out.slack.toExponential(6)} it=${it(lp)} cpu=${(cpu() - c0).toFixed(0)}ms`);
const opt = lp.model.getBasis();
const nRows = opt.rowStatus.length, k = layer.weight.cols;
const tight = new Set(); for (let r = 0; r < nRows; r++) if (opt.rowStatus[r] !== 1) tight.add(r);
console.log(`optimal basis: ${tight.size} nonbasic rows, cols basic ${Array.from(opt.colStatus).filter((s) => s === 1).length}/${opt.colStatus.length}`);
// optimal basis reinstalled
lp.model.clearSolver(); lp.model.setBasis(opt); c0 = cpu(); out = await lp.solve(y, { thres: noise, warm: true });
console.log(`optimal basis reinstalled: t=${out.slack.toExponential(6)} it=${it(lp)} cpu=${(cpu() - c0).toFixed(0)}ms`);
const inf = highs.infinity;
function guessBasis(h, label) {
  const v = lp.violations(h, 0); // >0 violated by that much (with t=0: |residual| on the violated side)
  const order = [];
  for (let r = 0; r < nRows; r++) if (lp.lower[r] > -inf || lp.upper[r] < inf) order.push(r);
  order.sort((a, b) => v[b] - v[a]);
  const chosen = order.slice(0, k + 1);
  const overlap = chosen.filter((r) => tight.has(r)).length;
  const rowStatus = new Int32Array(nRows).fill(1);
  const m = layer.weight.rows;
  for (const r of chosen) rowStatus[r] = Math.floor(r / m) % 2 === 0 ? 2 : 0; // even blocks: upper bound rows; odd: lower
  const colStatus = new Int32Array(opt.colStatus.length).fill(1);
  if (rowsData.nonnegative) { let z = 0; for (let j = 0; j < k; j++) if (h[j] <= 0) { colStatus[j] = 0; z++; }
    for (const r of chosen.slice(k + 1 - z)) rowStatus[r] = 1; }
  return { basis: { colStatus, rowStatus }, overlap };
}
async function tryBasis(h, label) {
  const { basis, overlap } = guessBasis(h, label);
  const c1 = cpu();
  lp.model.clearSolver();
  lp.model.setBasis(basis);
  const o = await lp.solve(y, { thres: noise, warm: true });
  console.log(`${label}: overlap ${overlap}/${k + 1}, t=${o.slack.toExponential(6)} it=${it(lp)} cpu=${(cpu() - c1).toFixed(0)}ms`);
}
await tryBasis(ls.h, 'LS guess');

async function tryBasisPrimal(h, label) {
  lp.model.options.set({ simplex_strategy: 4 });
  await tryBasis(h, label + ' primal');
  lp.model.options.set({ simplex_strategy: 1 });
}
await tryBasisPrimal(ls.h, 'LS guess');
async function tryCross(h, label) {
  const v = lp.violations(h, 0); let t = 0; for (let r = 0; r < nRows; r++) t = Math.max(t, v[r]);
  const colValue = new Float64Array(k + 1); colValue.set(h); colValue[k] = t;
  const c1 = cpu();
  lp.model.clearSolver();
  lp.model.crossover({ colValue });
  const c2 = cpu();
  const o = await lp.solve(y, { thres: noise, warm: true });
  console.log(`${label} crossover: t=${o.slack.toExponential(6)} crossover ${(c2 - c1).toFixed(0)}ms then it=${it(lp)} total cpu=${(cpu() - c1).toFixed(0)}ms`);
}
await tryCross(ls.h, 'LS');
