/**
 * Batched work on tfjs-core with the wasm backend (SIMD): for 16 or more observations at once it is
 * 10-35x faster than plain JavaScript (docs/engineering.md). tfjs is float32 only, so single inversions that
 * must reach 1e-9 stay on the float64 kernels of ./linalg.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { Activation } from './activations.js';
import { isDense, type Generator } from './generator.js';
import { Matrix } from './linalg.js';
import { selectedEntries, type LinearOperator } from './operators.js';
import type { LinearMap } from './stages.js';

export { tf };

let ready: Promise<string> | undefined;

/**
 * Selects the wasm backend once. In Node no paths are needed; a bundled browser build passes the
 * folder (or file map) where the tfjs-backend-wasm .wasm files are served.
 */
export function initTf(options: { wasmPaths?: string | Record<string, string> } = {}): Promise<string> {
  if (!ready) {
    if (options.wasmPaths) setWasmPaths(options.wasmPaths as string);
    ready = (async () => {
      tf.enableProdMode();
      if (!(await tf.setBackend('wasm'))) throw new Error('tfjs: the wasm backend could not be initialised');
      await tf.ready();
      return tf.getBackend();
    })();
  }
  return ready;
}

export function toTensor(M: Matrix): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from(M.data), [M.rows, M.cols]);
}

/** Reads a tensor back as a float64 Matrix and disposes it. */
export async function fromTensor(t: tf.Tensor2D): Promise<Matrix> {
  const [r, c] = t.shape;
  const data = await t.data();
  t.dispose();
  return new Matrix(r, c, Float64Array.from(data));
}

function tfActivate(a: Activation, x: tf.Tensor2D): tf.Tensor2D {
  switch (a.kind) {
    case 'relu':
      return tf.relu(x);
    case 'leaky_relu':
      return tf.leakyRelu(x, a.alpha);
    case 'linear':
      return x;
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'tanh':
      return tf.tanh(x);
  }
}

function tfDerivative(a: Activation, pre: tf.Tensor2D, post: tf.Tensor2D): tf.Tensor2D | undefined {
  switch (a.kind) {
    case 'relu':
      return tf.step(pre, 0) as tf.Tensor2D;
    case 'leaky_relu':
      return tf.step(pre, a.alpha) as tf.Tensor2D;
    case 'linear':
      return undefined;
    case 'sigmoid':
      return tf.mul(post, tf.sub(1, post)) as tf.Tensor2D;
    case 'tanh':
      return tf.sub(1, tf.square(post)) as tf.Tensor2D;
  }
}

export interface TfTrace {
  pre: tf.Tensor2D[];
  post: tf.Tensor2D[];
}

/**
 * tf.conv2d with TensorFlow's padding applied explicitly: tfjs-wasm's own 'same' returned zeros for a
 * 2×2 kernel at stride 3 on a 9×3 input (tfjs 4.22), so only 'valid' reaches the backend.
 */
export function conv2dPadded(x: tf.Tensor4D, K: tf.Tensor4D, strides: readonly [number, number], padding: 'same' | 'valid'): tf.Tensor4D {
  if (padding === 'valid') return tf.conv2d(x, K, strides as [number, number], 'valid');
  const pads = [0, 1].map((a) => {
    const size = x.shape[a + 1], k = K.shape[a], s = strides[a];
    const total = Math.max((Math.ceil(size / s) - 1) * s + k - size, 0);
    return [Math.floor(total / 2), total - Math.floor(total / 2)] as [number, number];
  });
  return tf.conv2d(tf.pad(x, [[0, 0], pads[0], pads[1], [0, 0]]), K, strides as [number, number], 'valid');
}

/**
 * A Conv2DTranspose kernel [kh, kw, out, in] as the kernel of the equivalent stride-1 convolution of the
 * zero-dilated input: spatially flipped, channels swapped ([kh, kw, in, out]).
 */
export function flipTransposeKernel(K: tf.Tensor4D): tf.Tensor4D {
  return tf.reverse(tf.transpose(K, [0, 1, 3, 2]), [0, 1]);
}

/**
 * tf.conv2dTranspose computed with tf.conv2d: the input dilated by the strides (zeros between pixels),
 * padded, and convolved at stride 1 with `flipped` (see flipTransposeKernel). On the wasm backend
 * Conv2DBackpropInput runs plain loops, about 5-10x slower than this (measured: 110 ms for a batch of
 * 100 7×7×32 → 14×14×16 maps). `top`/`left` are the forward convolution's padding before (TensorFlow's rule).
 */
export function conv2dTransposeByConv(
  x: tf.Tensor4D,
  flipped: tf.Tensor4D,
  outShape: readonly number[],
  strides: readonly [number, number],
  before: readonly [number, number],
): tf.Tensor4D {
  const [B, h, w, c] = x.shape;
  const [kh, kw] = flipped.shape;
  const [sh, sw] = strides;
  let xd: tf.Tensor4D = x;
  if (sh > 1 || sw > 1) {
    // rank 5 ([B·h, 1, w, 1, c] → [B·h, sh, w, sw, c]): zeros after every pixel, then back to an image
    const spread = tf.pad(tf.reshape(x, [B * h, 1, w, 1, c]), [[0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]);
    xd = tf.reshape(spread, [B, h * sh, w * sw, c]);
  }
  const pad = (size: number, k: number, top: number, out: number): [number, number, number] => {
    const b = k - 1 - top;
    return [Math.max(b, 0), Math.max(out - size - b + k - 1, 0), Math.max(-b, 0)];
  };
  const [pt, pb, cropT] = pad(h * sh, kh, before[0], outShape[0]);
  const [pl, pr, cropL] = pad(w * sw, kw, before[1], outShape[1]);
  if (cropT || cropL) xd = tf.slice(xd, [0, cropT, cropL, 0], [-1, -1, -1, -1]);
  const padded = tf.pad(xd, [[0, 0], [pt, pb], [pl, pr], [0, 0]]);
  const y = tf.conv2d(padded, flipped, 1, 'valid');
  // 'valid' on the padded input can give a longer output where the dilation left trailing zeros
  return y.shape[1] === outShape[0] && y.shape[2] === outShape[1] ? y : tf.slice(y, [0, 0, 0, 0], [-1, outShape[0], outShape[1], -1]);
}

/**
 * tf.conv2dTranspose for equal strides s that divide the kernel (DCGAN's 4×4 stride 2), as one
 * stride-1 tf.conv2d of the undilated input and an interleave: output pixel s·i + p meets only kernel
 * rows s·m + p', so each of the s·s output phases is a small convolution (a (k/s + 1)² sub-kernel, its
 * shift by the padding `before` folded in), computed side by side as channels and then interleaved.
 * s² fewer multiplications than convolving the zero-dilated input (conv2dTransposeByConv), and no
 * slice (tfjs-wasm slices 4-d tensors in JavaScript) when the output is a multiple of s.
 */
export class PhasedTranspose {
  private readonly W: tf.Tensor4D;
  private readonly pads: [number, number][];

  constructor(
    kernel: Float64Array,
    kernelShape: readonly number[],
    readonly inShape: readonly number[],
    readonly outShape: readonly number[],
    readonly s: number,
    before: readonly [number, number],
  ) {
    const [kh, kw, out, inC] = kernelShape;
    // Per axis: output phase p reads full phase (p + before) mod s, shifted by d = ⌊(p + before)/s⌋ rows.
    const axis = (k: number, b: number, n: number, o: number) => {
      const q = k / this.s, L = q - 1;
      const d = Array.from({ length: this.s }, (_, p) => Math.floor((p + b) / this.s));
      const size = q + d[this.s - 1];
      const rows = Math.ceil(o / this.s);
      return { q, L, d, size, pad: [L, rows + size - 1 - L - n] as [number, number], full: (p: number) => (p + b) % this.s };
    };
    const ay = axis(kh, before[0], inShape[0], outShape[0]);
    const ax = axis(kw, before[1], inShape[1], outShape[1]);
    const ch = this.s * this.s * out;
    const W = new Float32Array(ay.size * ax.size * inC * ch);
    for (let py = 0; py < this.s; py++) for (let px = 0; px < this.s; px++) {
      for (let a = ay.d[py]; a < ay.d[py] + ay.q; a++) for (let b = ax.d[px]; b < ax.d[px] + ax.q; b++) {
        // x[i + a − L] meets kernel row s·m + p_full with m = L + d − a.
        const ty = this.s * (ay.L + ay.d[py] - a) + ay.full(py), tx = this.s * (ax.L + ax.d[px] - b) + ax.full(px);
        for (let c = 0; c < inC; c++) for (let f = 0; f < out; f++) {
          W[((a * ax.size + b) * inC + c) * ch + (py * this.s + px) * out + f] = kernel[((ty * kw + tx) * out + f) * inC + c];
        }
      }
    }
    this.W = tf.tensor4d(W, [ay.size, ax.size, inC, ch]);
    this.pads = [ay.pad, ax.pad];
  }

  static fits(kernelShape: readonly number[], strides: readonly number[]): boolean {
    const s = strides[0];
    return s > 1 && strides[1] === s && kernelShape[0] % s === 0 && kernelShape[1] % s === 0;
  }

  apply(x: tf.Tensor4D): tf.Tensor4D {
    const [ph, pw] = this.pads;
    // A negative pad (never for 'same' or 'valid', checked in the tests) would need a crop first.
    const phases = tf.conv2d(tf.pad(x, [[0, 0], ph, pw, [0, 0]]), this.W, 1, 'valid');
    // Interleave the phases (depthToSpace, which tfjs-wasm runs 10x slower than this rank-4 transpose):
    // [B·h, w, p_y, (p_x, out)] → [B·h, p_y, w, (p_x, out)] is the image [B, h·s, w·s, out].
    const [B, h, w, ch] = phases.shape;
    const y = tf.reshape(tf.transpose(tf.reshape(phases, [B * h, w, this.s, ch / this.s]), [0, 2, 1, 3]), [B, h * this.s, w * this.s, ch / (this.s * this.s)]) as tf.Tensor4D;
    return y.shape[1] === this.outShape[0] && y.shape[2] === this.outShape[1] ? y : tf.slice(y, [0, 0, 0, 0], [-1, this.outShape[0], this.outShape[1], -1]);
  }

  dispose(): void {
    this.W.dispose();
  }
}

/**
 * A linear map of ./stages.ts on the rows of a B×n tensor (NHWC images flattened row-major): convolutions
 * through tf.conv2d / tf.conv2dTranspose (each one's adjoint is the other), nearest upsampling by
 * broadcasting, dense parts by matMul. Dispose when done.
 */
export class TfMap {
  private readonly tensors: tf.Tensor[] = [];
  private readonly fwd: (x: tf.Tensor2D) => tf.Tensor2D;
  private readonly adj: (g: tf.Tensor2D) => tf.Tensor2D;

  constructor(readonly map: LinearMap) {
    const keep = <T extends tf.Tensor>(t: T): T => (this.tensors.push(t), t);
    const flat = (t: tf.Tensor): tf.Tensor2D => tf.reshape(t, [t.shape[0], -1]);
    const image = (t: tf.Tensor2D, s: readonly number[]) => tf.reshape(t, [t.shape[0], s[0], s[1], s[2]]) as tf.Tensor4D;
    const [h, w, c] = map.inShape;
    const [oh, ow] = map.outShape;
    switch (map.kind) {
      case 'conv2d':
      case 'conv2d_transpose': {
        const m = map as LinearMap & { kernelShape: number[]; kernel: Float64Array; strides: number[]; padding: 'same' | 'valid' };
        const K = keep(tf.tensor4d(Float32Array.from(m.kernel), m.kernelShape as [number, number, number, number]));
        const strides = m.strides as [number, number];
        const conv = (x: tf.Tensor4D) => conv2dPadded(x, K, strides, m.padding);
        const flipped = keep(flipTransposeKernel(K));
        // Padding before of the convolution from `big` (the transposed conv's output side) to `small`.
        const before = (big: readonly number[], small: readonly number[]): [number, number] =>
          m.padding === 'valid'
            ? [0, 0]
            : [0, 1].map((a) => Math.floor(Math.max((small[a] - 1) * strides[a] + m.kernelShape[a] - big[a], 0) / 2)) as [number, number];
        const convT = (x: tf.Tensor4D, out: readonly number[]) => conv2dTransposeByConv(x, flipped, out, strides, before(out, x.shape.slice(1)));
        if (map.kind === 'conv2d') {
          this.fwd = (x) => flat(conv(image(x, map.inShape)));
          this.adj = (g) => flat(convT(image(g, map.outShape), map.inShape));
        } else if (PhasedTranspose.fits(m.kernelShape, strides)) {
          // DCGAN's 4×4 stride 2: the phase form (docs/results/bench.md, "gd on the convolutional decoder").
          const phased = new PhasedTranspose(m.kernel, m.kernelShape, map.inShape, map.outShape, strides[0], before(map.outShape, map.inShape));
          this.disposeParts = () => phased.dispose();
          this.fwd = (x) => flat(phased.apply(image(x, map.inShape)));
          this.adj = (g) => flat(conv(image(g, map.outShape)));
        } else {
          this.fwd = (x) => flat(convT(image(x, map.inShape), map.outShape));
          this.adj = (g) => flat(conv(image(g, map.outShape)));
        }
        break;
      }
      case 'upsampling2d': {
        const a = oh / h, b = ow / w;
        const ones = keep(tf.ones([1, a, 1, b, c]));
        // Rows of the image (B·h of them) as rank 5: [B·h, 1, w, 1, c] broadcast against [1, a, 1, b, c].
        this.fwd = (x) => tf.reshape(tf.mul(tf.reshape(x, [-1, 1, w, 1, c]), ones), [x.shape[0], -1]);
        this.adj = (g) => tf.reshape(tf.sum(tf.reshape(g, [-1, a, w, b, c]), [1, 3]), [g.shape[0], -1]);
        break;
      }
      case 'matrix': {
        const W = keep(toTensor((map as unknown as { weight: Matrix }).weight));
        const WT = keep(tf.transpose(W) as tf.Tensor2D);
        this.fwd = (x) => tf.matMul(x, WT);
        this.adj = (g) => tf.matMul(g, W);
        break;
      }
      case 'permute': {
        const axes = [0, ...(map as unknown as { axes: number[] }).axes.map((a) => a + 1)];
        const back = axes.map((_, i) => axes.indexOf(i));
        this.fwd = (x) => flat(tf.transpose(tf.reshape(x, [x.shape[0], ...map.inShape]), axes));
        this.adj = (g) => flat(tf.transpose(tf.reshape(g, [g.shape[0], ...map.outShape]), back));
        break;
      }
      case 'compose': {
        const parts = (map as unknown as { parts: LinearMap[] }).parts.map((p) => new TfMap(p));
        this.disposeParts = () => parts.forEach((p) => p.dispose());
        this.fwd = (x) => parts.reduce((t, p) => p.forward(t), x);
        this.adj = (g) => parts.reduceRight((t, p) => p.adjoint(t), g);
        break;
      }
    }
  }

  private disposeParts?: () => void;

  forward(x: tf.Tensor2D): tf.Tensor2D {
    return this.fwd(x);
  }

  adjoint(g: tf.Tensor2D): tf.Tensor2D {
    return this.adj(g);
  }

  dispose(): void {
    for (const t of this.tensors) t.dispose();
    this.disposeParts?.();
  }
}

/** One stage's linear part on tensors: a dense matrix (W_iᵀ and W_i kept) or a TfMap. */
interface TfStage {
  forward(x: tf.Tensor2D): tf.Tensor2D;
  adjoint(g: tf.Tensor2D): tf.Tensor2D;
  dispose(): void;
}

function denseStage(weight: Matrix): TfStage {
  const W = toTensor(weight);
  // W_iᵀ (in×out), so that a B×in batch times it is B×out; W_i (out×in) for the backward pass: a
  // transposed operand makes wasm's matMul about 12x slower.
  const WT = tf.transpose(W) as tf.Tensor2D;
  return {
    forward: (x) => tf.matMul(x, WT),
    adjoint: (g) => tf.matMul(g, W),
    dispose: () => (W.dispose(), WT.dispose()),
  };
}

/**
 * A generator's weights held as tensors, for B latents at once (rows of a B×k tensor). Call the
 * methods inside `tf.tidy` and `dispose()` when done.
 */
export class TfGenerator {
  private constructor(
    readonly generator: Generator,
    private readonly linear: TfStage[],
    private readonly biases: (tf.Tensor1D | undefined)[],
  ) {}

  static async create(generator: Generator): Promise<TfGenerator> {
    await initTf();
    const linear = generator.stages.map((l) => (isDense(l) ? denseStage(l.weight) : new TfMap(l.map)));
    const biases = generator.stages.map((l) => (l.bias ? tf.tensor1d(Float32Array.from(l.bias)) : undefined));
    return new TfGenerator(generator, linear, biases);
  }

  /** G applied to every row of Z (B×k) → B×n. */
  forward(Z: tf.Tensor2D): tf.Tensor2D {
    return this.trace(Z).post[this.linear.length];
  }

  trace(Z: tf.Tensor2D): TfTrace {
    const pre: tf.Tensor2D[] = [];
    const post: tf.Tensor2D[] = [Z];
    this.generator.stages.forEach((layer, i) => {
      let p: tf.Tensor2D = this.linear[i].forward(post[i]);
      const b = this.biases[i];
      if (b) p = tf.add(p, b) as tf.Tensor2D;
      pre.push(p);
      post.push(tfActivate(layer.activation, p));
    });
    return { pre, post };
  }

  /** Row-wise vector-Jacobian products: row b of the result is J_G(z_b)ᵀ v_b. */
  vjp(trace: TfTrace, V: tf.Tensor2D): tf.Tensor2D {
    let g = V;
    for (let i = this.generator.stages.length - 1; i >= 0; i--) {
      const d = tfDerivative(this.generator.stages[i].activation, trace.pre[i], trace.post[i + 1]);
      if (d) g = tf.mul(g, d) as tf.Tensor2D;
      g = this.linear[i].adjoint(g);
    }
    return g;
  }

  dispose(): void {
    for (const s of this.linear) s.dispose();
    for (const b of this.biases) b?.dispose();
  }
}

/**
 * A measurement A on the rows of a B×n tensor, for batched solvers. A selection (a mask) keeps all n
 * columns and zeroes the unobserved ones, with observations lifted to length n (zeros there): tfjs-wasm's
 * gather cost more than the rest of a PLUGIn iteration, and a dense 0/1 matrix costs an n×m product.
 * Residuals, their norms and adjoints are unchanged by the zeros. Dispose when done.
 */
export class TfMeasurement {
  private constructor(
    private readonly A: LinearOperator,
    /** Columns of the measured rows: n for the identity and selections, m otherwise. */
    readonly width: number,
    /** 0/1 over the n entries for a selection. */
    private readonly keep?: tf.Tensor1D,
    /** A as m×n for a general operator. */
    private readonly matrix?: tf.Tensor2D,
    /** Aᵀ (n×m), so that rows times it need no transposed operand (12x slower on wasm). */
    private readonly matrixT?: tf.Tensor2D,
  ) {}

  static create(A: LinearOperator): TfMeasurement {
    if (A.kind === 'identity') return new TfMeasurement(A, A.cols);
    if (selectedEntries(A)) {
      const keep = tf.tensor1d(Float32Array.from(A.adjoint(new Float64Array(A.rows).fill(1))));
      return new TfMeasurement(A, A.cols, keep);
    }
    const matrix = toTensor(A.toMatrix());
    return new TfMeasurement(A, A.rows, undefined, matrix, tf.transpose(matrix) as tf.Tensor2D);
  }

  /** A applied to every row of G (B×n) → B×width. */
  apply(G: tf.Tensor2D): tf.Tensor2D {
    if (this.keep) return tf.mul(G, this.keep) as tf.Tensor2D;
    return this.matrixT ? tf.matMul(G, this.matrixT) : G;
  }

  /** Aᵀ applied to every row of R (B×width) → B×n. */
  adjoint(R: tf.Tensor2D): tf.Tensor2D {
    if (this.keep) return tf.mul(R, this.keep) as tf.Tensor2D;
    return this.matrix ? tf.matMul(R, this.matrix) : R;
  }

  /** An observation (length m) as a row of length `width`. */
  lift(y: ArrayLike<number>): Float64Array {
    return this.keep ? this.A.adjoint(y) : Float64Array.from(y);
  }

  /** Observations (length m each) lifted to rows of length `width`, row-major in float32. */
  liftRows(rows: readonly ArrayLike<number>[]): Float32Array {
    const out = new Float32Array(rows.length * this.width);
    rows.forEach((y, b) => out.set(this.lift(y), b * this.width));
    return out;
  }

  /**
   * The rows `which` of lifted rows, as a |which|×width tensor. Packed in JS and uploaded: tfjs-wasm's
   * gather was slower than the copy (a tenth of a PLUGIn batch).
   */
  pickRows(lifted: Float32Array, which: ArrayLike<number>): tf.Tensor2D {
    const w = this.width;
    const out = new Float32Array(which.length * w);
    for (let t = 0; t < which.length; t++) out.set(lifted.subarray(which[t] * w, (which[t] + 1) * w), t * w);
    return tf.tensor2d(out, [which.length, w]);
  }

  /** M (m×k) with its rows put where `apply` puts the measurements (width×k): Aᵀ·M for a selection. */
  liftMatrix(M: Matrix): Matrix {
    if (!this.keep) return M;
    const out = new Matrix(this.width, M.cols);
    const col = new Float64Array(M.rows);
    for (let j = 0; j < M.cols; j++) {
      for (let i = 0; i < M.rows; i++) col[i] = M.data[i * M.cols + j];
      const lifted = this.A.adjoint(col);
      for (let i = 0; i < this.width; i++) out.data[i * M.cols + j] = lifted[i];
    }
    return out;
  }

  dispose(): void {
    this.keep?.dispose();
    this.matrix?.dispose();
    this.matrixT?.dispose();
  }
}
