// The leaky 200→500 layer's cold LP, solved several ways (issue #14): node bench/cold-lp.mjs seed full ipm pdual small
import { Generator, Matrix, Rng, gaussianVector, boxVector, createProblem, solve } from '@inv/core';
import { LayerLp, getHighs, fastPath } from '../dist/index.js';

const f32 = (g) => new Generator(g.layers.map((l) => ({ ...l, weight: new Matrix(l.weight.rows, l.weight.cols, Float64Array.from(Float32Array.from(l.weight.data))) })));
const g = f32(Generator.random([20, 200, 500, 784], { seed: 2021, activation: { kind: 'leaky_relu', alpha: 0.1 } }));
const rng = new Rng(15);
const z = gaussianVector(rng, g.inputDim);
const y = g.forward(z);
const e = boxVector(rng, y.length, 1e-6); for (let j = 0; j < y.length; j++) y[j] += e[j];
let captured;
const orig = LayerLp.prototype.solve;
LayerLp.prototype.solve = async function (x, req) {
  if (!captured && this.weight.cols === 200) captured = { x: Float64Array.from(x), req: { ...req } };
  return orig.call(this, x, req);
};
await solve(createProblem({ generator: g, observation: y, noiseLevel: 1e-6 }), 'lp-linf', {});
LayerLp.prototype.solve = orig;
const highs = await getHighs();
const layer = g.layers[1];
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
let iters = 0;
const origRun = LayerLp.prototype.run;
LayerLp.prototype.run = async function (req) { const o = await origRun.call(this, req); iters += Number(this.model.info.get('simplex_iteration_count')); return o; };
const variants = process.argv.slice(2);
for (const v of variants) {
  const lp = new LayerLp(highs, layer.weight, layer.bias, layer.activation, 'linf', false, v !== 'full');
  if (v === 'ipm') lp.model.options.set({ solver: 'ipm', run_crossover: 'on' });
  if (v === 'pdual') lp.model.options.set({ simplex_strategy: 4 });
  iters = 0;
  const c0 = cpu();
  const out = await lp.solve(captured.x, { ...captured.req, start: v === 'nostart' ? undefined : captured.req.start });
  console.log(`${v}: t=${out.slack.toExponential(6)} rounds=${lp.rounds} iterations=${iters} cpu=${(cpu() - c0).toFixed(0)}ms`);
  lp.dispose();
}
if (process.argv.includes('small')) {
  const lp = new LayerLp(highs, layer.weight, layer.bias, layer.activation, 'linf', false, true);
  await lp.solve(captured.x, captured.req);
  const n = lp.inSet.length, k = layer.weight.cols, m = layer.weight.rows, alpha = 0.1;
  const rows = []; for (let r = 0; r < n; r++) if (lp.inSet[r]) rows.push(r);
  for (const variant of ['only working set', 'only bounded rows']) {
    const list = variant === 'only working set' ? rows : Array.from({ length: n }, (_, r) => r).filter((r) => lp.lower[r] > -highs.infinity || lp.upper[r] < highs.infinity);
    const R = list.length;
    const starts = new Int32Array(R + 1), indices = new Int32Array(R * (k + 1)), values = new Float64Array(R * (k + 1));
    let nz = 0;
    list.forEach((r, q) => { const block = Math.floor(r / m), i = r % m, sc = block < 2 ? 1 : alpha; for (let j = 0; j < k; j++) { indices[nz] = j; values[nz++] = sc * layer.weight.data[i * k + j]; } indices[nz] = k; values[nz++] = block % 2 === 0 ? -1 : 1; starts[q + 1] = nz; });
    const model = highs.createModel({ numCols: k + 1, numRows: R, colCost: new Float64Array(k + 1).fill(1, k), colLower: new Float64Array(k + 1).fill(-highs.infinity, 0, k), colUpper: new Float64Array(k + 1).fill(highs.infinity),
      rowLower: Float64Array.from(list, (r) => lp.lower[r]), rowUpper: Float64Array.from(list, (r) => lp.upper[r]), matrix: { format: 'csr', numRows: R, numCols: k + 1, starts, indices: indices.subarray(0, nz), values: values.subarray(0, nz) } });
    model.options.set({ output_flag: false, presolve: 'off' });
    const c0 = cpu();
    model.run();
    console.log(`${variant} (${R} rows): t=${model.getObjectiveValue().toExponential(6)} iterations=${model.info.get('simplex_iteration_count')} cpu=${(cpu() - c0).toFixed(0)}ms`);
    model.dispose();
  }
}
