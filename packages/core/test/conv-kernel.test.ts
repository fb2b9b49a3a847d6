import { afterEach, describe, expect, it } from 'vitest';
import {
  ComposedMap, Conv2DMap, Conv2DTransposeMap, ConvMap, dot, dropConvResident, gaussianVector, type Generator, isConvResident, makeConvResident, type Padding, randomConvGenerator, Rng, setKernel, sigmoid,
} from '../src/index.js';
import { CONV_WASM_BASE64 } from '../src/kernels/conv-bytes.js';
import { emitConvModule } from '../src/kernels/emit-conv.js';
import { kernelConv } from '../src/kernels/select.js';
import { expectEmbeddedBytes } from './kernel-bytes.js';

const rng = new Rng(15);
const int = (lo: number, hi: number) => lo + Math.floor(rng.uniform() * (hi - lo + 1));

/** x with about `zeroFraction` of its entries exactly zero (as after a ReLU). */
function sparse(n: number, zeroFraction: number): Float64Array {
  const x = gaussianVector(rng, n);
  for (let i = 0; i < n; i++) if (rng.uniform() < zeroFraction) x[i] = 0;
  return x;
}

function onJs<T>(f: () => T): T {
  setKernel('js');
  try {
    return f();
  } finally {
    setKernel('wasm');
  }
}

/** Forward and adjoint of A on the resident wasm kernel, failing the test if the kernel did not run them. */
function onWasm(A: ConvMap, x: Float64Array, y: Float64Array): [Float64Array, Float64Array] {
  expect(makeConvResident(A.core)).toBe(true);
  const fx = A.apply(x), aty = A.adjoint(y);
  expect(isConvResident(A.core)).toBe(true);
  return [fx, aty];
}

/** Bit for bit: the kernel adds the same terms in the same order as the JS loops. */
const expectIdentical = (got: Float64Array, want: Float64Array, what: string) => expect(Array.from(got), what).toEqual(Array.from(want));

function randomConv(transposed: boolean, big: boolean): ConvMap {
  const h = int(1, big ? 16 : 9), w = int(1, big ? 16 : 9), c = int(1, big ? 33 : 5), f = int(1, big ? 33 : 5), k = int(1, 5);
  const strides = [int(1, 3), int(1, 3)];
  const padding: Padding = rng.uniform() < 0.5 ? 'same' : 'valid';
  if (transposed) return new Conv2DTransposeMap([h, w, c], [k, k, f, c], gaussianVector(rng, k * k * f * c), strides, padding);
  const kh = padding === 'valid' ? Math.min(k, h) : k, kw = padding === 'valid' ? Math.min(int(1, 5), w) : int(1, 5);
  return new Conv2DMap([h, w, c], [kh, kw, c, f], gaussianVector(rng, kh * kw * c * f), strides, padding);
}

afterEach(() => setKernel('wasm'));

describe('wasm SIMD convolution kernel', () => {
  it('validates, and the embedded bytes are what the emitter produces', () => {
    expectEmbeddedBytes(emitConvModule(), CONV_WASM_BASE64, new URL('../src/kernels/conv-bytes.ts', import.meta.url));
  });

  for (const transposed of [false, true]) {
    const kind = transposed ? 'conv2d_transpose' : 'conv2d';
    it(`${kind}: forward and adjoint are bit-identical to the JS loops on 60 random shapes, strides, paddings and channels`, () => {
      for (let t = 0; t < 60; t++) {
        const A = randomConv(transposed, t % 2 === 1);
        const what = `${A.describe()} on ${A.inShape.join('x')}`;
        const x = sparse(A.cols, [0, 0.5, 0.9][t % 3]), y = sparse(A.rows, [0.5, 0, 0.9][t % 3]);
        const [fx, aty] = onWasm(A, x, y);
        expectIdentical(fx, onJs(() => A.apply(x)), `${what} forward`);
        expectIdentical(aty, onJs(() => A.adjoint(y)), `${what} adjoint`);
        // and the kernel's own products are adjoint
        const lhs = dot(fx, y), rhs = dot(x, aty);
        expect(Math.abs(lhs - rhs), what).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(lhs)));
        dropConvResident(A.core);
      }
    });
  }

  it('covers odd and unit channel counts, 1×1 kernels and kernels larger than the image', () => {
    const cases: [number[], number[], number[], Padding][] = [
      [[7, 5, 1], [3, 3, 1, 1], [1, 1], 'same'],
      [[6, 6, 3], [1, 1, 3, 5], [2, 2], 'valid'],
      [[4, 4, 9], [7, 7, 9, 7], [1, 1], 'same'],
      [[2, 3, 17], [5, 4, 17, 3], [3, 2], 'same'],
      [[28, 28, 1], [5, 5, 1, 16], [2, 2], 'same'],
    ];
    for (const [shape, kernelShape, strides, padding] of cases) {
      for (const A of [
        new Conv2DMap(shape, kernelShape, gaussianVector(rng, kernelShape.reduce((a, b) => a * b)), strides, padding),
        new Conv2DTransposeMap(shape, [kernelShape[0], kernelShape[1], kernelShape[3], kernelShape[2]], gaussianVector(rng, kernelShape.reduce((a, b) => a * b)), strides, padding),
      ]) {
        const x = sparse(A.cols, 0.3), y = sparse(A.rows, 0.3);
        const [fx, aty] = onWasm(A, x, y);
        expectIdentical(fx, onJs(() => A.apply(x)), `${A.describe()} forward`);
        expectIdentical(aty, onJs(() => A.adjoint(y)), `${A.describe()} adjoint`);
      }
    }
  });

  it('gives exact zeros for zero inputs and accumulates into the caller\'s output like the JS loop', () => {
    const A = new Conv2DTransposeMap([5, 5, 8], [4, 4, 6, 8], gaussianVector(rng, 4 * 4 * 6 * 8), [2, 2], 'same');
    const [fx, aty] = onWasm(A, new Float64Array(A.cols), new Float64Array(A.rows));
    expect(fx.every((v) => Object.is(v, 0))).toBe(true);
    expect(aty.every((v) => Object.is(v, 0))).toBe(true);
    const x = sparse(A.cols, 0.5), start = gaussianVector(rng, A.rows);
    const viaKernel = start.slice(), viaJs = start.slice();
    expect(kernelConv(A.core, true, x, viaKernel)).toBe(true); // a transposed conv's forward is its core's adjoint
    onJs(() => A.core.adjoint(x, viaJs));
    expectIdentical(viaKernel, viaJs, 'accumulated');
  });

  it('makes a large convolution resident on its third product only, never a tiny one', () => {
    const A = new Conv2DMap([12, 12, 8], [3, 3, 8, 8], gaussianVector(rng, 3 * 3 * 8 * 8), [1, 1], 'same');
    const tiny = new Conv2DMap([3, 3, 1], [2, 2, 1, 1], gaussianVector(rng, 4), [1, 1], 'valid');
    const x = sparse(A.cols, 0.5);
    const want = onJs(() => A.apply(x));
    A.adjoint(A.apply(x)); // uses one and two (either direction counts)
    expect(isConvResident(A.core)).toBe(false);
    expectIdentical(A.apply(x), want, 'third call');
    expect(isConvResident(A.core)).toBe(true);
    for (let r = 0; r < 5; r++) tiny.apply(Float64Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9));
    expect(isConvResident(tiny.core)).toBe(false);
  });

  it('notices a kernel rewritten in place (sampled entries) and recomputes from the new weights', () => {
    const A = new Conv2DMap([8, 8, 4], [3, 3, 4, 4], gaussianVector(rng, 144), [1, 1], 'same');
    const x = sparse(A.cols, 0), y = sparse(A.rows, 0);
    onWasm(A, x, y);
    A.kernel[0] += 1;
    expectIdentical(A.apply(x), onJs(() => A.apply(x)), 'after the rewrite');
    expect(isConvResident(A.core)).toBe(false);
  });

  it('setKernel("js") routes every convolution to the JS loop (the fallback)', () => {
    const A = new Conv2DMap([8, 8, 4], [3, 3, 4, 4], gaussianVector(rng, 144), [1, 1], 'same');
    const x = sparse(A.cols, 0);
    const [fx] = onWasm(A, x, sparse(A.rows, 0));
    setKernel('js');
    const out = new Float64Array(A.rows);
    expect(kernelConv(A.core, false, x, out)).toBe(false);
    expect(out.every((v) => v === 0)).toBe(true);
    expectIdentical(A.apply(x), fx, 'JS forward');
  });

  it('a random conv generator: forward, vjp and jvp are bit-identical on both kernels', () => {
    const G: Generator = randomConvGenerator(16, [
      { kind: 'dense', shape: [4, 4, 16] },
      { kind: 'conv2d_transpose', filters: 32, kernel: 4, stride: 2 },
      { kind: 'conv2d_transpose', filters: 8, kernel: 4, stride: 2, padding: 'valid' },
      { kind: 'conv2d', filters: 3, kernel: 3, upsample: 2 },
    ], { seed: 3, bias: true, outputActivation: sigmoid });
    const z = gaussianVector(rng, G.inputDim), v = gaussianVector(rng, G.outputDim), u = gaussianVector(rng, G.inputDim);
    const want = onJs(() => [G.forward(z), G.vjp(z, v), G.jvp(z, u)]);
    for (let r = 0; r < 3; r++) G.vjp(z, v); // three uses of each direction: the stages become resident
    const convs = G.stages.flatMap((s) => ('map' in s ? (s.map instanceof ComposedMap ? s.map.parts : [s.map]) : [])).filter((m) => m instanceof ConvMap);
    expect(convs.length).toBe(3);
    for (const m of convs) expect(isConvResident(m.core)).toBe(true);
    const got = [G.forward(z), G.vjp(z, v), G.jvp(z, u)];
    got.forEach((g, i) => expectIdentical(g, want[i], ['forward', 'vjp', 'jvp'][i]));
  });
});
