// The CSGM measurement sweep on held-out MNIST digits with a shipped generator:
//   node bench/cs-measurements.mjs [model=20-60-784] [digits=10] [ms=25,50,100,200,400]
import { formatTable } from '@inv/core';
import '@inv/plugin';
import '@inv/gd';
import { heldOutDigits, indicesOfLabel, mnistGenerator } from '@inv/models/node';
import { measurementSweep, measurementsToReach, sweepTable } from '../dist/index.js';

const [model = '20-60-784', count = '10', msText = '25,50,100,200,400'] = process.argv.slice(2);
const generator = mnistGenerator(model);
const digits = heldOutDigits();
// One digit per label first (0-9), then the next of each label, so small runs cover every class.
const order = [];
for (let round = 0; order.length < Number(count); round++) for (let label = 0; label < 10 && order.length < Number(count); label++) order.push(indicesOfLabel(digits, label)[round]);
const images = order.map((i) => digits.images[i]);
const started = performance.now();
const rows = await measurementSweep({
  generator,
  images,
  ms: msText.split(',').map(Number),
  solvers: [
    { name: 'plugin', label: 'plugin' },
    { name: 'gd', label: 'csgm', options: { preset: 'csgm', restarts: 3 } },
  ],
  lasso: ['pixel', 'dct'],
  lassoLambda: [0.1, 0.03, 0.01],
  lassoIterations: 1000,
  noise: 0.1,
  seed: 0,
  onProgress: (p) => process.stderr.write(`\rm=${p.m} ${p.method} ${p.item + 1}/${p.items}      `),
});
process.stderr.write('\n');
const { headers, cells } = sweepTable(rows);
console.log(`${generator.describe()}, ${images.length} held-out digits, noise ‖ε‖ ≈ 0.1, Lasso λ best of 0.1/0.03/0.01 per m (1000 FISTA iterations), ${((performance.now() - started) / 1000).toFixed(0)} s`);
console.log(formatTable(headers, cells));
console.log(formatTable(['m', 'method', 'median MSE', 'median rel. error', 'median ms', 'lambda'], rows.map((r) => [r.m, r.method, r.medianMse, r.medianRelativeError, r.medianTimeMs, r.lambda])));
for (const target of [0.05, 0.04, 0.03, 0.02]) {
  const reach = measurementsToReach(rows, target);
  console.log(`median MSE <= ${target}: ` + [...reach].map(([k, v]) => `${k} m=${v ?? '>max'}`).join(', '));
}
