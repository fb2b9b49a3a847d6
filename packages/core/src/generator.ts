/**
 * A generator G: a stack of stages h_i = σ_i(A_i h_{i−1} + b_i), evaluated in float64. A_i is a dense
 * matrix (the fast path: a WebAssembly kernel) or a convolutional linear map from ./stages.ts.
 */
import { activate, activationDerivative, activationName, parseActivation, relu, type Activation } from './activations.js';
import { assertFinite, assertInteger, ShapeError, UnsupportedError } from './errors.js';
import { Matrix, matmul, matTvec, transpose } from './linalg.js';
import { gaussianVector, Rng } from './random.js';
import { type LinearMap, mapFromPlain, type PlainMap, type Shape } from './stages.js';

export interface DenseLayer {
  /** out×in. */
  readonly weight: Matrix;
  /** Length out, or undefined for a bias-free layer. */
  readonly bias?: Float64Array;
  readonly activation: Activation;
  /** The image shape [h, w, c] its output is reshaped to when convolutions follow (h·w·c = out). */
  readonly outShape?: Shape;
}

/** Checks and freezes one layer; `field` names it in error messages. */
export function denseLayer(weight: Matrix, bias: Float64Array | undefined, activation: Activation, field = 'layer', outShape?: Shape): DenseLayer {
  if (weight.rows === 0 || weight.cols === 0) throw new ShapeError(`${field}: weight must be non-empty, got ${weight.rows}x${weight.cols}`);
  assertFinite(weight.data, `${field} weight`);
  if (bias !== undefined) {
    if (bias.length !== weight.rows) throw new ShapeError(`${field} bias: expected length ${weight.rows}, got ${bias.length}`);
    assertFinite(bias, `${field} bias`);
  }
  if (outShape !== undefined) {
    if (outShape.reduce((a, b) => a * b, 1) !== weight.rows) throw new ShapeError(`${field}: output shape [${outShape.join(', ')}] does not hold ${weight.rows} values`);
    return Object.freeze({ weight, bias, activation, outShape: Object.freeze([...outShape]) });
  }
  return Object.freeze({ weight, bias, activation });
}

/** A stage whose affine part is a linear map on NHWC images (convolutions, upsampling, compositions). */
export interface MapLayer {
  readonly map: LinearMap;
  /** Length map.rows (a per-channel bias broadcast over pixels), or undefined. */
  readonly bias?: Float64Array;
  readonly activation: Activation;
}

export type Stage = DenseLayer | MapLayer;

export const isDense = (s: Stage): s is DenseLayer => 'weight' in s;

/** Input and output widths of a stage. */
export const stageIn = (s: Stage): number => (isDense(s) ? s.weight.cols : s.map.cols);
export const stageOut = (s: Stage): number => (isDense(s) ? s.weight.rows : s.map.rows);
/** The output shape: [n] for a dense stage, [h, w, c] for an image. */
export const stageShape = (s: Stage): Shape => (isDense(s) ? (s.outShape ?? [s.weight.rows]) : s.map.outShape);

/** Checks and freezes a map stage; `field` names it in error messages. */
export function mapLayer(map: LinearMap, bias: Float64Array | undefined, activation: Activation, field = 'layer'): MapLayer {
  if (bias !== undefined) {
    if (bias.length !== map.rows) throw new ShapeError(`${field} bias: expected length ${map.rows}, got ${bias.length}`);
    assertFinite(bias, `${field} bias`);
  }
  return Object.freeze({ map, bias, activation });
}

/** The activations of one forward pass: pre[i] = W_i post[i] + b_i, post[i+1] = σ(pre[i]); post[0] = z. */
export interface Trace {
  readonly pre: Float64Array[];
  readonly post: Float64Array[];
}

/** A plain, structured-cloneable description of a generator (for worker threads and web workers). */
export interface PlainGenerator {
  /** One entry per stage; a map stage has `map` and an empty `weight` (rows and cols are its widths). */
  readonly layers: { rows: number; cols: number; weight: Float64Array; bias?: Float64Array; activation: string; map?: PlainMap; shape?: number[] }[];
  /** Names the original generator, so that a thread rebuilding it twice gets the same object back. */
  readonly id?: string;
}

/**
 * Generators rebuilt by `fromPlain`, by id: a worker thread that receives the same generator for every
 * batch reuses one object, and with it what solvers cache per generator (plans, weight products,
 * resident kernels). Generators are never changed in place, so an id always means the same weights.
 */
const rebuilt = new Map<string, WeakRef<Generator>>();
const forget = new FinalizationRegistry<string>((id) => {
  if (!rebuilt.get(id)?.deref()) rebuilt.delete(id);
});
/** Ids are unique per thread (a random prefix) and per generator (a counter). */
const ID_PREFIX = Math.random().toString(36).slice(2, 10);
let idCount = 0;

export interface RandomGeneratorOptions {
  seed?: number;
  /** Add N(0, 1/n_i) biases (the papers' nets have none). */
  bias?: boolean;
  /** Hidden activation (default relu). */
  activation?: Activation;
  /** Activation of the last layer (default: the hidden one). */
  outputActivation?: Activation;
}

export class Generator {
  /** Every stage, dense or not. */
  readonly stages: readonly Stage[];
  private readonly dense?: readonly DenseLayer[];
  private product?: Matrix;
  private transposed?: (Matrix | undefined)[];
  /** The id of `toPlain` (see `rebuilt`). */
  private plainId?: string;

  constructor(stages: readonly Stage[]) {
    if (stages.length === 0) throw new ShapeError('generator: expected at least one layer');
    for (let i = 1; i < stages.length; i++) {
      if (stageIn(stages[i]) !== stageOut(stages[i - 1])) {
        throw new ShapeError(`generator layer ${i}: expects input width ${stageIn(stages[i])} but layer ${i - 1} outputs ${stageOut(stages[i - 1])}`);
      }
    }
    this.stages = Object.freeze([...stages]);
    if (stages.every(isDense)) this.dense = this.stages as readonly DenseLayer[];
  }

  /** True when every stage is a dense layer (what PLUGIn's matrix path and the layer-wise LPs take). */
  get isDense(): boolean {
    return this.dense !== undefined;
  }

  /** The dense layers; throws for a generator with convolutional stages (use `stages`). */
  get layers(): readonly DenseLayer[] {
    if (!this.dense) {
      const i = this.stages.findIndex((s) => !isDense(s));
      throw new UnsupportedError(`generator layer ${i} is ${(this.stages[i] as MapLayer).map.describe()}; this path takes dense layers only`);
    }
    return this.dense;
  }

  /**
   * A random generator with the papers' convention: W_i has i.i.d. N(0, 1/n_i) entries where n_i is
   * the layer's output width. `widths` = [k, n_1, …, n_d].
   */
  static random(widths: readonly number[], options: RandomGeneratorOptions = {}): Generator {
    if (widths.length < 2) throw new ShapeError(`widths: expected at least two widths [k, n_1, ...], got ${JSON.stringify(widths)}`);
    widths.forEach((w, i) => assertInteger(w, `widths[${i}]`, 1));
    const rng = new Rng(options.seed ?? 0);
    const hidden = options.activation ?? relu;
    const layers: DenseLayer[] = [];
    for (let i = 1; i < widths.length; i++) {
      const out = widths[i], inp = widths[i - 1];
      const std = 1 / Math.sqrt(out);
      const weight = new Matrix(out, inp, gaussianVector(rng, out * inp, std));
      const bias = options.bias ? gaussianVector(rng, out, std) : undefined;
      const act = i === widths.length - 1 ? (options.outputActivation ?? hidden) : hidden;
      layers.push(denseLayer(weight, bias, act, `layer ${i - 1}`));
    }
    return new Generator(layers);
  }

  static fromPlain(plain: PlainGenerator): Generator {
    const known = plain.id === undefined ? undefined : rebuilt.get(plain.id)?.deref();
    if (known) return known;
    const g = new Generator(
      plain.layers.map((l, i) => {
        const act = parseActivation(l.activation, `layer ${i} activation`);
        return l.map ? mapLayer(mapFromPlain(l.map), l.bias, act, `layer ${i}`) : denseLayer(new Matrix(l.rows, l.cols, l.weight), l.bias, act, `layer ${i}`, l.shape);
      }),
    );
    if (plain.id !== undefined) {
      g.plainId = plain.id;
      rebuilt.set(plain.id, new WeakRef(g));
      forget.register(g, plain.id);
    }
    return g;
  }

  toPlain(): PlainGenerator {
    this.plainId ??= `${ID_PREFIX}-${idCount++}`;
    return {
      id: this.plainId,
      layers: this.stages.map((l) =>
        isDense(l)
          ? { rows: l.weight.rows, cols: l.weight.cols, weight: l.weight.data, bias: l.bias, activation: activationName(l.activation), ...(l.outShape && { shape: [...l.outShape] }) }
          : { rows: l.map.rows, cols: l.map.cols, weight: new Float64Array(0), map: l.map.toPlain(), bias: l.bias, activation: activationName(l.activation) },
      ),
    };
  }

  /** Latent dimension k = n_0. */
  get inputDim(): number {
    return stageIn(this.stages[0]);
  }

  /** Output dimension n = n_d. */
  get outputDim(): number {
    return stageOut(this.stages[this.stages.length - 1]);
  }

  /** Number of layers d. */
  get depth(): number {
    return this.stages.length;
  }

  /** [k, n_1, …, n_d]. */
  get widths(): number[] {
    return [this.inputDim, ...this.stages.map(stageOut)];
  }

  get hasBias(): boolean {
    return this.stages.some((l) => l.bias !== undefined);
  }

  private checkLatent(z: ArrayLike<number>): void {
    if (z.length !== this.inputDim) throw new ShapeError(`latent: expected length ${this.inputDim}, got ${z.length}`);
  }

  /** G(z). */
  forward(z: ArrayLike<number>): Float64Array {
    this.checkLatent(z);
    let h: Float64Array = Float64Array.from(z);
    for (let i = 0; i < this.stages.length; i++) {
      const pre = this.preActivation(i, h);
      h = activate(this.stages[i].activation, pre, pre);
    }
    return h;
  }

  /** G(z) with every intermediate pre- and post-activation kept (for gradients and the LP). */
  trace(z: ArrayLike<number>): Trace {
    this.checkLatent(z);
    const post: Float64Array[] = [Float64Array.from(z)];
    const pre: Float64Array[] = [];
    for (let i = 0; i < this.stages.length; i++) {
      const p = this.preActivation(i, post[i]);
      pre.push(p);
      post.push(activate(this.stages[i].activation, p));
    }
    return { pre, post };
  }

  /** Vector-Jacobian product J_G(z)ᵀ v (backpropagation); pass a trace to reuse a forward pass. */
  vjp(z: ArrayLike<number>, v: ArrayLike<number>, trace: Trace = this.trace(z)): Float64Array {
    if (v.length !== this.outputDim) throw new ShapeError(`vjp: cotangent has length ${v.length}, expected ${this.outputDim}`);
    let g: Float64Array = Float64Array.from(v);
    for (let i = this.stages.length - 1; i >= 0; i--) {
      const layer = this.stages[i];
      const d = activationDerivative(layer.activation, trace.pre[i], trace.post[i + 1]);
      for (let j = 0; j < g.length; j++) g[j] *= d[j];
      g = isDense(layer) ? matTvec(layer.weight, g) : layer.map.adjoint(g);
    }
    return g;
  }

  /** Jacobian-vector product J_G(z) u. */
  jvp(z: ArrayLike<number>, u: ArrayLike<number>, trace: Trace = this.trace(z)): Float64Array {
    this.checkLatent(u);
    let t: Float64Array = Float64Array.from(u);
    for (let i = 0; i < this.stages.length; i++) {
      const layer = this.stages[i];
      t = isDense(layer) ? matTvec(this.transposedWeight(i), t) : layer.map.apply(t);
      const d = activationDerivative(layer.activation, trace.pre[i], trace.post[i + 1]);
      for (let j = 0; j < t.length; j++) t[j] *= d[j];
    }
    return t;
  }

  /**
   * W_i h + b_i. Computed as (W_iᵀ)ᵀ h with the cached transpose, because matTvec skips the zero
   * entries of h that a ReLU leaves (about half): twice as fast as row dot products.
   */
  preActivation(i: number, h: ArrayLike<number>): Float64Array {
    const layer = this.stages[i];
    const out = isDense(layer) ? matTvec(this.transposedWeight(i), h) : layer.map.apply(h);
    if (layer.bias) for (let r = 0; r < out.length; r++) out[r] += layer.bias[r];
    return out;
  }

  /** W_iᵀ (in×out), computed once. */
  transposedWeight(i: number): Matrix {
    this.transposed ??= this.stages.map((l) => (isDense(l) ? transpose(l.weight) : undefined));
    const t = this.transposed[i];
    if (!t) throw new UnsupportedError(`generator layer ${i} is not dense`);
    return t;
  }

  /** The product W_d ⋯ W_1 (n×k) of the weights, computed once and cached (PLUGIn's fixed matrix). */
  weightProduct(): Matrix {
    if (!this.product) {
      let P = this.layers[0].weight;
      for (let i = 1; i < this.layers.length; i++) P = matmul(this.layers[i].weight, P);
      this.product = P;
    }
    return this.product;
  }

  /** W_d⋯W_1 u: the stages' linear parts only (no biases, no activations), one stage at a time. */
  linearForward(u: ArrayLike<number>): Float64Array {
    this.checkLatent(u);
    let t: Float64Array = Float64Array.from(u);
    this.stages.forEach((l, i) => (t = isDense(l) ? matTvec(this.transposedWeight(i), t) : l.map.apply(t)));
    return t;
  }

  /** (W_d⋯W_1)ᵀ v as a composition of adjoints, never a materialised product (PLUGIn on conv nets). */
  linearAdjoint(v: ArrayLike<number>): Float64Array {
    if (v.length !== this.outputDim) throw new ShapeError(`linearAdjoint: expected length ${this.outputDim}, got ${v.length}`);
    let g: Float64Array = Float64Array.from(v);
    for (let i = this.stages.length - 1; i >= 0; i--) {
      const l = this.stages[i];
      g = isDense(l) ? matTvec(l.weight, g) : l.map.adjoint(g);
    }
    return g;
  }

  /** G applied to each row of Z (B×k), in float64; returns B×n. For large batches see TfGenerator. */
  forwardRows(Z: Matrix): Matrix {
    if (Z.cols !== this.inputDim) throw new ShapeError(`latents: expected ${this.inputDim} columns, got ${Z.cols}`);
    const out = new Matrix(Z.rows, this.outputDim);
    for (let b = 0; b < Z.rows; b++) out.data.set(this.forward(Z.row(b)), b * this.outputDim);
    return out;
  }

  /** A one-line summary such as `20-60-784 relu,sigmoid (bias-free)`; image stages show their shapes (`4x4x16`). */
  describe(): string {
    const acts = this.stages.map((l) => activationName(l.activation)).join(',');
    if (!this.dense) return `${[[this.inputDim], ...this.stages.map(stageShape)].map((s) => s.join('x')).join('-')} ${acts}${this.hasBias ? ' (with biases)' : ' (bias-free)'}`;
    return `${this.widths.join('-')} ${acts}${this.hasBias ? ' (with biases)' : ' (bias-free)'}`;
  }
}
