import { afterEach, describe, expect, it } from 'vitest';
import {
  checkSupport, ComposedMap, conditionsFor, describeStage, firstContractingStage, Conv2DMap, Conv2DTransposeMap, ConvMap, dot, KERNELS, makeConvResident, setKernel, gaussianVector, Generator, isDense, leakyRelu, type LinearMap, mapFromPlain, Matrix,
  MatrixMap, type Padding, PermuteMap, randomConvGenerator, relativeError, Rng, sigmoid, sparseApply, type Solver, tanh, UpSampling2DMap, UnsupportedError,
} from '../src/index.js';
import { fromTensor, PhasedTranspose, tf, TfGenerator, TfMap } from '../src/tf.js';
import { expectTfMatchesFloat64 } from './tf-helpers.js';

const rng = new Rng(20261126);
const int = (lo: number, hi: number) => lo + Math.floor(rng.uniform() * (hi - lo + 1));
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.uniform() * xs.length)];

/** A random map of the given kind with random shape, kernel, stride and padding. */
function randomMap(kind: LinearMap['kind']): LinearMap {
  const h = int(1, 9), w = int(1, 9), c = int(1, 4), k = int(1, 5), f = int(1, 4);
  const strides = [int(1, 3), int(1, 3)];
  const padding = pick<Padding>(['same', 'valid']);
  switch (kind) {
    case 'conv2d': {
      // valid needs the kernel to fit
      const kk = padding === 'valid' ? Math.min(k, h, w) : k;
      return new Conv2DMap([h, w, c], [kk, kk, c, f], gaussianVector(rng, kk * kk * c * f), strides, padding);
    }
    case 'conv2d_transpose':
      return new Conv2DTransposeMap([h, w, c], [k, k, f, c], gaussianVector(rng, k * k * f * c), strides, padding);
    case 'upsampling2d':
      return new UpSampling2DMap([h, w, c], [int(1, 3), int(1, 3)]);
    case 'matrix': {
      const r = int(1, 12), cols = int(1, 12);
      return new MatrixMap(new Matrix(r, cols, gaussianVector(rng, r * cols)));
    }
    case 'permute': {
      const axes = pick([[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]]);
      return new PermuteMap([h, w, c], axes);
    }
    case 'compose': {
      const up = new UpSampling2DMap([h, w, c], [2, 2]);
      return new ComposedMap([up, new Conv2DMap(up.outShape, [3, 3, c, f], gaussianVector(rng, 9 * c * f), [1, 1], 'same')]);
    }
  }
}

const KINDS = ['conv2d', 'conv2d_transpose', 'upsampling2d', 'matrix', 'permute', 'compose'] as const;
const make = randomMap;

/** The convolutions inside A, made resident so that its products run on the wasm kernel. */
function onWasmKernel(A: LinearMap): LinearMap {
  for (const m of A instanceof ComposedMap ? A.parts : [A]) if (m instanceof ConvMap) expect(makeConvResident(m.core)).toBe(true);
  return A;
}

describe('convolutional stage maps', () => {
  afterEach(() => setKernel('wasm'));
  for (const [kind, kernel] of KINDS.flatMap((k) => KERNELS.map((n) => [k, n] as const))) {
    it(`${kind}: <Ax, y> = <x, Aᵀy> to 1e-12 over 40 random shapes, strides and paddings (${kernel} kernel)`, () => {
      setKernel(kernel);
      for (let t = 0; t < 40; t++) {
        const A = kernel === 'wasm' ? onWasmKernel(make(kind)) : make(kind);
        const x = gaussianVector(rng, A.cols), y = gaussianVector(rng, A.rows);
        const lhs = dot(A.apply(x), y), rhs = dot(x, A.adjoint(y));
        expect(Math.abs(lhs - rhs), `${A.describe()} on ${A.inShape.join('x')}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(lhs)));
        // the sparse rows are the same map
        expect(relativeError(sparseApply(A.sparseRows(), x), A.apply(x))).toBeLessThan(1e-13);
        // and survive the plain form (worker threads)
        expect(mapFromPlain(A.toPlain()).apply(x)).toEqual(A.apply(x));
      }
    });
  }

  it('computes TensorFlow output shapes and a known convolution by hand', () => {
    // 'same' 3x3 stride 2 on 5x5: ceil(5/2) = 3; valid: floor((5-3)/2)+1 = 2
    expect(new Conv2DMap([5, 5, 1], [3, 3, 1, 1], new Float64Array(9), [2, 2], 'same').outShape).toEqual([3, 3, 1]);
    expect(new Conv2DMap([5, 5, 1], [3, 3, 1, 1], new Float64Array(9), [2, 2], 'valid').outShape).toEqual([2, 2, 1]);
    // transposed: same → in·s, valid → in·s + max(k − s, 0)
    expect(new Conv2DTransposeMap([4, 4, 2], [5, 5, 3, 2], new Float64Array(150), [2, 2], 'same').outShape).toEqual([8, 8, 3]);
    expect(new Conv2DTransposeMap([4, 4, 2], [5, 5, 3, 2], new Float64Array(150), [2, 2], 'valid').outShape).toEqual([11, 11, 3]);
    // a 2x2 box sum, valid, on a 3x3 ramp
    const box = new Conv2DMap([3, 3, 1], [2, 2, 1, 1], Float64Array.from([1, 1, 1, 1]), [1, 1], 'valid');
    expect(Array.from(box.apply([1, 2, 3, 4, 5, 6, 7, 8, 9]))).toEqual([12, 16, 24, 28]);
    // nearest upsampling repeats pixels per channel
    const up = new UpSampling2DMap([1, 2, 2], [2, 1]);
    expect(Array.from(up.apply([1, 2, 3, 4]))).toEqual([1, 2, 3, 4, 1, 2, 3, 4]);
  });

  it('folds a per-channel scale (BatchNormalization) into every kind with weights', () => {
    for (const kind of ['conv2d', 'conv2d_transpose', 'compose'] as const) {
      const A = randomMap(kind);
      const c = A.outShape[A.outShape.length - 1];
      const s = gaussianVector(rng, c);
      const x = gaussianVector(rng, A.cols);
      const want = A.apply(x).map((v, i) => v * s[i % c]);
      expect(relativeError(A.scaleChannels(s).apply(x), want)).toBeLessThan(1e-14);
    }
  });

  it('gather maps (upsampling, permute): scatter-add adjoint, checked lengths, and no scale to fold, each said in one line', () => {
    const up = new UpSampling2DMap([1, 2, 2], [2, 1]);
    const out = new Float64Array(4).fill(9); // the adjoint overwrites what a reused buffer held
    expect(Array.from(up.adjoint([1, 2, 3, 4, 5, 6, 7, 8], out))).toEqual([6, 8, 10, 12]);
    expect(up.describe()).toBe('upsampling2d 2x1');
    expect(() => up.apply([1, 2, 3])).toThrow(/^upsampling2d input: expected length 4, got 3$/);
    expect(() => up.adjoint([1, 2, 3, 4])).toThrow(/^upsampling2d adjoint input: expected length 8, got 4$/);
    expect(() => up.apply([1, 2, 3, 4], new Float64Array(4))).toThrow(/^output buffer: expected length 8, got 4$/);
    expect(() => up.scaleChannels()).toThrow(/^upsampling2d: a BatchNormalization cannot be folded into an UpSampling2D \(it has no weights\); put it after the convolution$/);
    const P = new PermuteMap([2, 3], [1, 0]);
    expect(() => P.adjoint([1, 2])).toThrow(/^permute adjoint input: expected length 6, got 2$/);
    expect(() => P.scaleChannels()).toThrow(/^permute: a BatchNormalization cannot be folded into a permutation; put it before the Permute\/Transpose$/);
  });
});

describe('convolutional generators', () => {
  const specs = [
    { kind: 'dense', shape: [4, 4, 8] },
    { kind: 'conv2d_transpose', filters: 6, kernel: 4, stride: 2 },
    { kind: 'conv2d', filters: 3, kernel: 3, upsample: 2, padding: 'same' },
  ] as const;

  for (const [name, opts] of [
    ['relu, bias-free', {}],
    ['leaky relu, biases, tanh output', { bias: true, activation: leakyRelu(0.2), outputActivation: tanh }],
    ['relu, biases, sigmoid output', { bias: true, outputActivation: sigmoid }],
  ] as const) {
    it(`${name}: vjp matches finite differences and is the adjoint of jvp; plain form round-trips`, () => {
      const G = randomConvGenerator(6, specs, { seed: 3, ...opts });
      expect(G.widths).toEqual([6, 128, 384, 768]);
      expect(G.describe()).toMatch(/^6-4x4x8-8x8x6-16x16x3 /);
      expect(G.isDense).toBe(false);
      const z = gaussianVector(rng, 6), u = gaussianVector(rng, 6), v = gaussianVector(rng, G.outputDim);
      const jv = G.jvp(z, u);
      expect(Math.abs(dot(jv, v) - dot(u, G.vjp(z, v)))).toBeLessThan(1e-11 * Math.abs(dot(jv, v)));
      const eps = 1e-6;
      const fd = G.forward(z.map((x, i) => x + eps * u[i])).map((x, i) => (x - G.forward(z.map((y, j) => y - eps * u[j]))[i]) / (2 * eps));
      expect(relativeError(fd, jv)).toBeLessThan(1e-6);
      const rebuilt = Generator.fromPlain(G.toPlain());
      expect(rebuilt.forward(z)).toEqual(G.forward(z));
      expect(isDense(rebuilt.stages[1])).toBe(false);
    });

    it(`${name}: the tfjs batch path equals float64 row by row to float32 precision`, async () => {
      const G = randomConvGenerator(6, specs, { seed: 4, ...opts });
      const tg = await TfGenerator.create(G);
      const B = 5, k = 6, n = G.outputDim;
      const Z = new Matrix(B, k, gaussianVector(rng, B * k));
      const V = new Matrix(B, n, gaussianVector(rng, B * n));
      await expectTfMatchesFloat64(tg, G, Z, V);
      tg.dispose();
    });
  }

  it('tfjs maps equal the float64 maps, forward and adjoint, for every kind', async () => {
    await TfGenerator.create(Generator.random([1, 1])); // selects the wasm backend
    // tfjs-wasm's own 'same' gave zeros here (a kernel smaller than the stride)
    const edge = new Conv2DMap([9, 3, 2], [2, 2, 2, 3], gaussianVector(rng, 24), [3, 3], 'same');
    const x = gaussianVector(rng, edge.cols);
    const out = await fromTensor(tf.tidy(() => new TfMap(edge).forward(tf.tensor2d(Float32Array.from(x), [1, edge.cols]))));
    expect(relativeError(out.row(0), edge.apply(x))).toBeLessThan(1e-5);
    for (const kind of KINDS) {
      for (let t = 0; t < 6; t++) {
        const A = make(kind);
        const tm = new TfMap(A);
        const B = 3;
        const X = new Matrix(B, A.cols, gaussianVector(rng, B * A.cols));
        const Y = new Matrix(B, A.rows, gaussianVector(rng, B * A.rows));
        const AX = await fromTensor(tf.tidy(() => tm.forward(tf.tensor2d(Float32Array.from(X.data), [B, A.cols]))));
        const ATY = await fromTensor(tf.tidy(() => tm.adjoint(tf.tensor2d(Float32Array.from(Y.data), [B, A.rows]))));
        for (let b = 0; b < B; b++) {
          expect(relativeError(AX.row(b), A.apply(X.row(b))), `${A.describe()} on ${A.inShape.join('x')}`).toBeLessThan(1e-5);
          expect(relativeError(ATY.row(b), A.adjoint(Y.row(b))), `${A.describe()} adjoint`).toBeLessThan(1e-5);
        }
        tm.dispose();
      }
    }
  });

  it('tfjs transposed convolutions whose stride divides the kernel (the phase form) equal float64', async () => {
    await TfGenerator.create(Generator.random([1, 1])); // selects the wasm backend
    for (const [s, k] of [[2, 2], [2, 4], [3, 3], [3, 6], [2, 6], [4, 4]]) {
      for (const padding of ['same', 'valid'] as Padding[]) {
        const h = int(1, 7), w = int(1, 7), c = int(1, 4), f = int(1, 4);
        expect(PhasedTranspose.fits([k, k], [s, s])).toBe(true);
        const A = new Conv2DTransposeMap([h, w, c], [k, k, f, c], gaussianVector(rng, k * k * f * c), [s, s], padding);
        const tm = new TfMap(A);
        const X = new Matrix(2, A.cols, gaussianVector(rng, 2 * A.cols));
        const AX = await fromTensor(tf.tidy(() => tm.forward(tf.tensor2d(Float32Array.from(X.data), [2, A.cols]))));
        for (let b = 0; b < 2; b++) expect(relativeError(AX.row(b), A.apply(X.row(b))), `${A.describe()} on ${A.inShape.join('x')}`).toBeLessThan(1e-5);
        tm.dispose();
      }
    }
  });

  it('keeps dense-only paths dense: `layers` and solvers without conv support say which stage is convolutional', () => {
    const G = randomConvGenerator(4, [{ kind: 'dense', shape: [2, 2, 3] }, { kind: 'conv2d_transpose', filters: 2, kernel: 3, stride: 2 }]);
    expect(() => G.layers).toThrow(/generator layer 1 is conv2d_transpose 3x3 s2x2 same; this path takes dense layers only/);
    const denseOnly = { name: 'dense-only', supports: { hidden: ['relu'], output: ['relu'], measurements: 'any', biases: false } } as unknown as Solver;
    const problem = { generator: G, measurement: { kind: 'identity' } } as never;
    expect(() => checkSupport(denseOnly, problem)).toThrow(UnsupportedError);
    expect(() => checkSupport(denseOnly, problem)).toThrow(/does not support convolutional stages \(layer 1 is conv2d_transpose/);
    expect(() => checkSupport({ ...denseOnly, supports: { ...denseOnly.supports, convolutional: true } } as Solver, problem)).not.toThrow();
  });

  it('conditionsFor: the supports check first, then the solver\'s own; stages named with kind, shapes and sizes', () => {
    // 4 → 2x2x3 (12) → conv2d_transpose s2 → 4x4x2 (32) → conv2d s2 → 2x2x1 (4): the last stage contracts.
    const G = randomConvGenerator(4, [{ kind: 'dense', shape: [2, 2, 3] }, { kind: 'conv2d_transpose', filters: 2, kernel: 3, stride: 2 }, { kind: 'conv2d', filters: 1, kernel: 3, stride: 2 }], { seed: 2 });
    expect(firstContractingStage(G)).toBe(2);
    expect(describeStage(G, 2)).toBe('stage 2 (conv2d 3x3 s2x2 same, relu: 4x4x2 → 2x2x1, 32 → 4)');
    expect(describeStage(G, 0)).toBe('stage 0 (dense, relu: 4 → 12)');
    expect(firstContractingStage(Generator.random([3, 7, 9], { seed: 1 }))).toBe(-1);
    const denseOnly = { name: 'dense-only', supports: { hidden: ['relu'], output: ['relu'], measurements: 'any', biases: false } } as unknown as Solver;
    expect(conditionsFor(denseOnly, G)).toEqual([
      { name: 'supports its stages', kind: 'required', holds: false, reason: "solver 'dense-only' does not support convolutional stages (layer 1 is conv2d_transpose 3x3 s2x2 same)" },
    ]);
    const own = { name: 'theory', kind: 'theory' as const, holds: false, reason: 'stated by the solver' };
    const withOwn = { ...denseOnly, supports: { ...denseOnly.supports, convolutional: true }, conditions: () => [own] } as Solver;
    expect(conditionsFor(withOwn, G)).toEqual([{ name: 'supports its stages', kind: 'required', holds: true, reason: 'takes every stage of this generator (3 stages)' }, own]);
  });
});

describe('the linear parts of a conv generator', () => {
  it('linearForward and linearAdjoint are adjoint and equal the weight product on dense nets', () => {
    const G = randomConvGenerator(5, [{ kind: 'dense', shape: [3, 3, 4] }, { kind: 'conv2d_transpose', filters: 2, kernel: 3, stride: 2 }], { seed: 8, bias: true });
    const u = gaussianVector(rng, 5), v = gaussianVector(rng, G.outputDim);
    expect(Math.abs(dot(G.linearForward(u), v) - dot(u, G.linearAdjoint(v)))).toBeLessThan(1e-12 * Math.abs(dot(u, G.linearAdjoint(v))));
    const D = Generator.random([4, 9, 7], { seed: 1, bias: true });
    const w = gaussianVector(rng, 4);
    const P = D.weightProduct();
    expect(relativeError(D.linearForward(w), Array.from({ length: 7 }, (_, r) => dot(P.row(r), w)))).toBeLessThan(1e-13);
  });
});
