// Profiling (issue #14): every LP of one inversion with its CPU time. node bench/profile.mjs <relu250|relu200|leaky> [item] [--lp-only]
import { Generator, Matrix, Rng, gaussianVector, boxVector, createProblem, solve, relativeError } from '@inv/core';
import { LayerLp } from '../dist/index.js';

const f32 = (g) => new Generator(g.layers.map((l) => ({ ...l, weight: new Matrix(l.weight.rows, l.weight.cols, Float64Array.from(Float32Array.from(l.weight.data))) })));
const cases = {
  relu250: [() => Generator.random([20, 250, 600], { seed: 2019 }), 1e-3, 12],
  relu250c: [() => Generator.random([20, 250, 600], { seed: 2019 }), 0, 11],
  relu200c: [() => Generator.random([10, 200, 500], { seed: 2020 }), 0, 13],
  relu200: [() => Generator.random([10, 200, 500], { seed: 2020 }), 1e-3, 14],
  leaky: [() => Generator.random([20, 200, 500, 784], { seed: 2021, activation: { kind: 'leaky_relu', alpha: 0.1 } }), 1e-6, 15],
};
const [name = 'leaky', itemArg = '0'] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const [mk, noise, seed] = cases[name];
const g = f32(mk());
const rng = new Rng(seed);
let z, y;
for (let i = 0; i <= Number(itemArg); i++) {
  z = gaussianVector(rng, g.inputDim);
  y = g.forward(z);
  if (noise > 0) { const e = boxVector(rng, y.length, noise); for (let j = 0; j < y.length; j++) y[j] += e[j]; }
}
const log = [];
const orig = LayerLp.prototype.solve;
LayerLp.prototype.solve = async function (x, req) {
  const c0 = process.cpuUsage(), r0 = this.rounds;
  const out = await orig.call(this, x, req);
  const u = process.cpuUsage(c0);
  let it = NaN;
  try { it = Number(this.model.info.get('simplex_iteration_count')); } catch {}
  log.push(`k=${this.weight.cols} m=${this.weight.rows} thres=${req.thres.toExponential(3)}${req.relaxFrom !== undefined ? ' relax' : ''}${req.warm ? ' warm' : ' cold'}${req.start ? ' start' : ''} -> ${out.status} t=${out.slack.toExponential(4)} rounds=${this.rounds - r0} dense=${this.denseSolves}/${this.denseFallbacks} lastIt=${it} cpu=${((u.user + u.system) / 1000).toFixed(0)}ms`);
  return out;
};
const opts = process.argv.includes('--lp-only') ? { fastPath: false } : {};
const c0 = process.cpuUsage();
const r = await solve(createProblem({ generator: g, observation: y, noiseLevel: noise || undefined }), 'lp-linf', opts);
const u = process.cpuUsage(c0);
console.log(log.join('\n'));
console.log(`${name} item ${itemArg} ${JSON.stringify(opts)}: ${r.status} err=${relativeError(r.latent, z).toExponential(3)} thr=${Number(r.info.threshold).toExponential(3)} lps=${r.info.lpSolves} cpu=${((u.user + u.system) / 1000).toFixed(0)}ms`);
