import { describe, expect, it } from 'vitest';
import {
  activate, denseLayer, dot, gaussianVector, Generator, invertActivation, leakyRelu, linear, Matrix, matvec, norm2, parseActivation,
  relativeError, relu, Rng, sigmoid, tanh, ACTIVATION_KINDS, activationName, gaussianGain,
} from '../src/index.js';

const acts = [relu, leakyRelu(0.1), linear, sigmoid, tanh];

describe('activations', () => {
  it('parses every kind by name and round-trips names', () => {
    for (const a of acts) expect(parseActivation(activationName(a))).toEqual(a);
    expect(parseActivation('leaky_relu')).toEqual({ kind: 'leaky_relu', alpha: 0.2 });
    expect(ACTIVATION_KINDS).toHaveLength(5);
    expect(() => parseActivation('gelu')).toThrow(/expected one of relu/);
    expect(() => leakyRelu(1.5)).toThrow(/alpha/);
  });

  it('inverts every invertible activation elementwise, and clips outside the range', () => {
    const pre = Float64Array.from([-3, -0.5, 0.25, 2]);
    for (const a of [leakyRelu(0.1), linear, sigmoid, tanh]) {
      const back = invertActivation(a, activate(a, pre));
      for (let i = 0; i < pre.length; i++) expect(back[i]).toBeCloseTo(pre[i], 9);
    }
    expect(Number.isFinite(invertActivation(sigmoid, [1.2, -0.1])[0])).toBe(true);
    expect(() => invertActivation(relu, [1])).toThrow(/not invertible/);
  });

  it('gives the PLUGIn gain E[g·σ(g)] for positively homogeneous activations', () => {
    expect(gaussianGain(relu)).toBe(0.5);
    expect(gaussianGain(leakyRelu(0.2))).toBeCloseTo(0.6, 15);
    expect(() => gaussianGain(sigmoid)).toThrow(/positively homogeneous/);
    // Monte Carlo check of E[g·relu(g)] = 1/2.
    const g = gaussianVector(new Rng(1), 200_000);
    let s = 0;
    for (const v of g) s += v * Math.max(v, 0);
    expect(s / g.length).toBeCloseTo(0.5, 2);
  });
});

describe('Generator', () => {
  it('computes the forward pass layer by layer, with biases', () => {
    const W1 = Matrix.fromRows([[1, -1], [2, 0.5], [0, 1]]);
    const W2 = Matrix.fromRows([[1, 1, 1]]);
    const g = new Generator([denseLayer(W1, Float64Array.from([0, -1, 0.5]), relu), denseLayer(W2, undefined, sigmoid)]);
    // h1 = relu([1 - 2, 2 + 1 - 1, 2 + 0.5]) = [0, 2, 2.5]; out = sigmoid(4.5)
    expect(g.forward([1, 2])[0]).toBeCloseTo(1 / (1 + Math.exp(-4.5)), 15);
    expect(g.widths).toEqual([2, 3, 1]);
    expect(g.depth).toBe(2);
    expect(g.describe()).toBe('2-3-1 relu,sigmoid (with biases)');
  });

  it('draws N(0, 1/n_i) weights reproducibly from the seed', () => {
    const a = Generator.random([20, 400, 300], { seed: 3 });
    const b = Generator.random([20, 400, 300], { seed: 3 });
    expect(a.layers[1].weight.data).toEqual(b.layers[1].weight.data);
    expect(Generator.random([20, 400, 300], { seed: 4 }).layers[0].weight.data).not.toEqual(a.layers[0].weight.data);
    const w = a.layers[0].weight.data; // 400×20, variance 1/400
    expect(dot(w, w) / w.length).toBeCloseTo(1 / 400, 4);
    expect(a.hasBias).toBe(false);
    expect(Generator.random([5, 8], { seed: 1, bias: true }).layers[0].bias).toHaveLength(8);
  });

  it('has a vector-Jacobian product that matches finite differences and is the adjoint of the JVP', () => {
    for (const act of acts) {
      const g = Generator.random([6, 30, 25], { seed: 7, bias: true, activation: act, outputActivation: act.kind === 'relu' ? sigmoid : act });
      const z = gaussianVector(new Rng(8), 6), u = gaussianVector(new Rng(9), 6), v = gaussianVector(new Rng(10), 25);
      const jvp = g.jvp(z, u), vjp = g.vjp(z, v);
      expect(dot(jvp, v)).toBeCloseTo(dot(u, vjp), 10);
      const h = 1e-6;
      const zp = z.map((x, i) => x + h * u[i]), zm = z.map((x, i) => x - h * u[i]);
      const fd = g.forward(zp).map((x, i) => (x - g.forward(zm)[i]) / (2 * h));
      expect(relativeError(jvp, fd)).toBeLessThan(1e-6);
    }
  });

  it('caches the weight product W_d⋯W_1', () => {
    const g = Generator.random([4, 9, 7, 5], { seed: 2, activation: linear });
    const P = g.weightProduct();
    expect(g.weightProduct()).toBe(P);
    const z = gaussianVector(new Rng(3), 4);
    expect(relativeError(matvec(P, z), g.forward(z))).toBeLessThan(1e-14); // a linear net is its product
  });

  it('round-trips through its plain form and evaluates batches row by row', () => {
    const g = Generator.random([3, 10, 8], { seed: 5, bias: true, activation: leakyRelu(0.2), outputActivation: tanh });
    const h = Generator.fromPlain(structuredClone(g.toPlain()));
    const z = gaussianVector(new Rng(1), 3);
    expect(h.forward(z)).toEqual(g.forward(z));
    const Z = new Matrix(2, 3, Float64Array.from([...z, ...z.map((x) => -x)]));
    const X = g.forwardRows(Z);
    expect(X.row(0)).toEqual(g.forward(z));
    expect(Array.from(X.row(1))).toEqual(Array.from(g.forward(z.map((x) => -x))));
  });

  it('rebuilds one object per generator from its plain form (what a worker thread gets for every batch)', () => {
    const g = Generator.random([3, 10, 8], { seed: 5 });
    const other = Generator.random([3, 10, 8], { seed: 6 });
    expect(g.toPlain().id).toBe(g.toPlain().id);
    expect(other.toPlain().id).not.toBe(g.toPlain().id);
    const first = Generator.fromPlain(structuredClone(g.toPlain()));
    expect(first).not.toBe(g);
    expect(Generator.fromPlain(structuredClone(g.toPlain()))).toBe(first);
    expect(first.toPlain().id).toBe(g.toPlain().id); // and it passes the same id on
    const { id: _, ...anonymous } = g.toPlain();
    expect(Generator.fromPlain(structuredClone(anonymous))).not.toBe(first);
  });

  it('rejects mismatched layers, bad biases, non-finite weights and wrong latent lengths', () => {
    const l1 = denseLayer(new Matrix(4, 3), undefined, relu);
    expect(() => new Generator([l1, denseLayer(new Matrix(2, 5), undefined, relu)])).toThrow(/layer 1: expects input width 5 but layer 0 outputs 4/);
    expect(() => denseLayer(new Matrix(2, 2), new Float64Array(3), relu, 'dense_1')).toThrow(/dense_1 bias: expected length 2, got 3/);
    expect(() => denseLayer(new Matrix(1, 2, Float64Array.from([1, NaN])), undefined, relu, 'dense_2')).toThrow(/dense_2 weight: expected finite numbers, found NaN at index 1/);
    expect(() => new Generator([l1]).forward([1, 2])).toThrow(/latent: expected length 3, got 2/);
    expect(() => Generator.random([3])).toThrow(/widths/);
    expect(() => Generator.random([3, 0])).toThrow(/widths\[1\]/);
    expect(norm2(new Generator([l1]).forward([0, 0, 0]))).toBe(0);
  });
});
