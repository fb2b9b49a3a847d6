// Benchmark (not a test): where the WebAssembly conv kernel starts to pay. Conv2D and Conv2DTranspose
// of growing size ('same', stride 1), forward and adjoint, on the JS loop and on the resident kernel,
// in process CPU µs per call. select.ts keeps convolutions below MIN_CONV_WORK multiply-adds in JS.
// Build first (pnpm turbo run build --filter=@inv/core), then: node bench/conv-cutover.mjs
import { Conv2DMap, Conv2DTransposeMap, gaussianVector, makeConvResident, median, Rng, setKernel } from '../dist/index.js';

const rng = new Rng(1);
/** Median over 5 timings of `calls` calls, after a warm-up, in µs per call. */
function cpuUs(f, calls) {
  for (let c = 0; c < calls; c++) f();
  const times = [];
  for (let r = 0; r < 5; r++) {
    const t = process.cpuUsage();
    for (let c = 0; c < calls; c++) f();
    const used = process.cpuUsage(t);
    times.push((used.user + used.system) / calls);
  }
  return median(times);
}

console.log('| map | input | kernel | filters | multiply-adds | forward js µs | forward wasm µs | adjoint js µs | adjoint wasm µs |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const [h, c, k, f] of [[3, 1, 2, 1], [4, 1, 3, 2], [4, 2, 3, 2], [5, 2, 3, 2], [6, 4, 3, 4], [8, 8, 3, 8], [16, 8, 3, 16]]) {
  for (const Map of [Conv2DMap, Conv2DTransposeMap]) {
    const A = new Map([h, h, c], Map === Conv2DMap ? [k, k, c, f] : [k, k, f, c], gaussianVector(rng, k * k * c * f), [1, 1], 'same');
    const g = A.core, work = g.oh * g.ow * g.kh * g.kw * g.cin * g.cout;
    const x = gaussianVector(rng, A.cols), y = gaussianVector(rng, A.rows);
    const calls = Math.max(200, Math.round(2e6 / work));
    setKernel('js');
    const [fj, aj] = [cpuUs(() => A.apply(x), calls), cpuUs(() => A.adjoint(y), calls)];
    setKernel('wasm');
    makeConvResident(g);
    const [fw, aw] = [cpuUs(() => A.apply(x), calls), cpuUs(() => A.adjoint(y), calls)];
    console.log(`| ${A.kind} | ${h}x${h}x${c} | ${k}x${k} | ${f} | ${work} | ${fj.toFixed(2)} | ${fw.toFixed(2)} | ${aj.toFixed(2)} | ${aw.toFixed(2)} |`);
  }
}
