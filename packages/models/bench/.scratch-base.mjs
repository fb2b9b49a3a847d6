import { mnistGenerator } from '../dist/node.js';
import { gaussianVector, Rng } from '@inv/core';
const G = mnistGenerator('conv-20-784');
const z = gaussianVector(new Rng(1), 20);
const cpu = (f, n) => { for (let i = 0; i < n; i++) f(); const t = process.cpuUsage(); for (let i = 0; i < n; i++) f(); const d = process.cpuUsage(t); return (d.user + d.system) / 1000 / n; };
console.log('forward ms', cpu(() => G.forward(z), 300));
const tr = G.trace(z); const v = gaussianVector(new Rng(2), 784);
console.log('vjp ms', cpu(() => G.vjp(z, v, tr), 300));
G.stages.forEach((s, i) => { const x = tr.post[i]; const g = tr.pre[i];
  if (s.map) { console.log(i, s.map.describe(), 'apply', cpu(() => s.map.apply(x), 300), 'adjoint', cpu(() => s.map.adjoint(g), 300), 'zeros in x', x.filter(a=>a===0).length/x.length); }
  else console.log(i, 'dense', s.weight.rows, s.weight.cols); });
