/**
 * The linear part of a convolutional generator's stages, on channels-last (NHWC) images flattened
 * row-major, as Keras and TensorFlow.js store them: entry (y, x, c) of an H×W×C image is at
 * (y·W + x)·C + c. Reshape and Flatten are therefore the identity on these vectors. Every map has a
 * forward product, its adjoint and its rows as a sparse matrix (for the layer-wise LPs).
 * Geometry follows TensorFlow (docs/conv-stages.md): `same` pads floor(total/2) before, the rest after.
 */
import { assertFinite, ShapeError } from './errors.js';
import { kernelConv } from './kernels/select.js';
import { type Adjointable, Matrix, matTvec, matvec } from './linalg.js';
import { GatherMap } from './gather.js';
import { PermuteMap, type PermutePlain } from './permute.js';

/** [height, width, channels] of an image, or [n] of a flat vector. */
export type Shape = readonly number[];
export type Padding = 'same' | 'valid';

/** Compressed sparse rows: row r holds (col[j], value[j]) for j in rowStart[r] … rowStart[r+1]−1. */
export interface SparseRows {
  readonly rows: number;
  readonly cols: number;
  readonly rowStart: Int32Array;
  readonly col: Int32Array;
  readonly value: Float64Array;
}

export type PlainMap =
  | { kind: 'conv2d' | 'conv2d_transpose'; inShape: number[]; kernelShape: number[]; kernel: Float64Array; strides: number[]; padding: Padding }
  | { kind: 'upsampling2d'; inShape: number[]; size: number[] }
  | { kind: 'matrix'; rows: number; cols: number; weight: Float64Array }
  | { kind: 'compose'; parts: PlainMap[] }
  | PermutePlain;

/** A linear map between flattened shapes. */
export interface LinearMap extends Adjointable {
  readonly kind: PlainMap['kind'];
  readonly inShape: Shape;
  readonly outShape: Shape;
  /** Rows as a sparse matrix (rows = outputs). */
  sparseRows(): SparseRows;
  /** The map with output channel c (the last axis) multiplied by scale[c]: BatchNormalization folded in. */
  scaleChannels(scale: Float64Array): LinearMap;
  toPlain(): PlainMap;
  /** A short description such as `conv2d_transpose 4x4 s2 same`. */
  describe(): string;
}

const size = (s: Shape) => s.reduce((a, b) => a * b, 1);
const shapeText = (s: Shape) => s.join('x');

function checkOut(out: Float64Array | undefined, n: number): Float64Array {
  if (!out) return new Float64Array(n);
  if (out.length !== n) throw new ShapeError(`output buffer: expected length ${n}, got ${out.length}`);
  out.fill(0);
  return out;
}

function checkIn(x: ArrayLike<number>, n: number, what: string): void {
  if (x.length !== n) throw new ShapeError(`${what}: expected length ${n}, got ${x.length}`);
}

/** Output length and padding before, along one axis (TensorFlow's rule). */
export function convAxis(input: number, kernel: number, stride: number, padding: Padding): { out: number; before: number } {
  if (padding === 'valid') return { out: Math.max(0, Math.floor((input - kernel) / stride) + 1), before: 0 };
  const out = Math.ceil(input / stride);
  return { out, before: Math.floor(Math.max((out - 1) * stride + kernel - input, 0) / 2) };
}

/** Output length of a transposed convolution along one axis (Keras' deconv_length, no output_padding). */
export function deconvAxis(input: number, kernel: number, stride: number, padding: Padding): number {
  return padding === 'valid' ? input * stride + Math.max(kernel - stride, 0) : input * stride;
}

/**
 * The geometry of a 2-D convolution from an H×W×Cin image with kernel [kh, kw, Cin, Cout]; the loops
 * below visit every (output pixel, tap, input channel) once and skip zero inputs (a ReLU leaves many).
 * Once used a few times, a large enough convolution runs on the WebAssembly SIMD kernel instead
 * (./kernels/wasm-conv.ts), which adds the same terms in the same order: the results are bit-identical.
 */
export class ConvCore {
  readonly oh: number;
  readonly ow: number;
  readonly top: number;
  readonly left: number;
  constructor(
    readonly h: number,
    readonly w: number,
    readonly cin: number,
    readonly kh: number,
    readonly kw: number,
    readonly cout: number,
    readonly sh: number,
    readonly sw: number,
    padding: Padding,
    /** [kh, kw, cin, cout] row-major. */
    readonly kernel: Float64Array,
  ) {
    const a = convAxis(h, kh, sh, padding), b = convAxis(w, kw, sw, padding);
    this.oh = a.out;
    this.ow = b.out;
    this.top = a.before;
    this.left = b.before;
  }

  /** out (oh×ow×cout) = conv(x), accumulated into out. */
  forward(x: ArrayLike<number>, out: Float64Array): void {
    if (!kernelConv(this, false, x, out)) this.run(x, out, false);
  }

  /** out (h×w×cin) = convᵀ(g), accumulated into out. */
  adjoint(g: ArrayLike<number>, out: Float64Array): void {
    if (!kernelConv(this, true, g, out)) this.run(g, out, true);
  }

  /** One loop nest for both directions (the branch is constant per call, which the JIT hoists). */
  private run(v: ArrayLike<number>, out: Float64Array, adjoint: boolean): void {
    const { h, w, cin, kh, kw, cout, sh, sw, top, left, kernel } = this;
    for (let oy = 0; oy < this.oh; oy++) {
      for (let ox = 0; ox < this.ow; ox++) {
        const ob = (oy * this.ow + ox) * cout;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh + ky - top;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * sw + kx - left;
            if (ix < 0 || ix >= w) continue;
            const xb = (iy * w + ix) * cin;
            const kb = (ky * kw + kx) * cin * cout;
            for (let ci = 0; ci < cin; ci++) {
              const k0 = kb + ci * cout;
              if (adjoint) {
                let s = 0;
                for (let co = 0; co < cout; co++) s += v[ob + co] * kernel[k0 + co];
                out[xb + ci] += s;
              } else {
                const x = v[xb + ci];
                if (x === 0) continue;
                for (let co = 0; co < cout; co++) out[ob + co] += x * kernel[k0 + co];
              }
            }
          }
        }
      }
    }
  }

  /** The rows of the convolution (one per output entry), columns in input order. */
  rows(): SparseRows {
    const { h, w, cin, kh, kw, cout, sh, sw, top, left, kernel } = this;
    const nRows = this.oh * this.ow * cout;
    const rowStart = new Int32Array(nRows + 1);
    const cols: number[] = [];
    const vals: number[] = [];
    for (let oy = 0; oy < this.oh; oy++) {
      for (let ox = 0; ox < this.ow; ox++) {
        for (let co = 0; co < cout; co++) {
          for (let ky = 0; ky < kh; ky++) {
            const iy = oy * sh + ky - top;
            if (iy < 0 || iy >= h) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ix = ox * sw + kx - left;
              if (ix < 0 || ix >= w) continue;
              for (let ci = 0; ci < cin; ci++) {
                const v = kernel[((ky * kw + kx) * cin + ci) * cout + co];
                if (v === 0) continue;
                cols.push((iy * w + ix) * cin + ci);
                vals.push(v);
              }
            }
          }
          rowStart[(oy * this.ow + ox) * cout + co + 1] = cols.length;
        }
      }
    }
    return sortedRows({ rows: nRows, cols: h * w * cin, rowStart, col: Int32Array.from(cols), value: Float64Array.from(vals) });
  }
}

/** Sorts each row's columns ascending (the LP code and tests expect a canonical order). */
function sortedRows(s: SparseRows): SparseRows {
  for (let r = 0; r < s.rows; r++) {
    const a = s.rowStart[r], b = s.rowStart[r + 1];
    const idx = Array.from({ length: b - a }, (_, j) => a + j).sort((p, q) => s.col[p] - s.col[q]);
    const c = idx.map((j) => s.col[j]), v = idx.map((j) => s.value[j]);
    s.col.set(c, a);
    s.value.set(v, a);
  }
  return s;
}

/** The transpose of sparse rows. */
export function transposeSparse(s: SparseRows): SparseRows {
  const counts = new Int32Array(s.cols + 1);
  for (let j = 0; j < s.col.length; j++) counts[s.col[j] + 1]++;
  for (let c = 0; c < s.cols; c++) counts[c + 1] += counts[c];
  const rowStart = counts.slice();
  const next = counts.slice(0, s.cols);
  const col = new Int32Array(s.col.length), value = new Float64Array(s.col.length);
  for (let r = 0; r < s.rows; r++) {
    for (let j = s.rowStart[r]; j < s.rowStart[r + 1]; j++) {
      const t = next[s.col[j]]++;
      col[t] = r;
      value[t] = s.value[j];
    }
  }
  return { rows: s.cols, cols: s.rows, rowStart, col, value };
}

/** The product A·B of sparse row matrices (rows of A combine rows of B). */
export function multiplySparse(A: SparseRows, B: SparseRows): SparseRows {
  if (A.cols !== B.rows) throw new ShapeError(`sparse product: ${A.rows}x${A.cols} times ${B.rows}x${B.cols}`);
  const rowStart = new Int32Array(A.rows + 1);
  const cols: number[] = [], vals: number[] = [];
  const acc = new Float64Array(B.cols);
  const mark = new Int32Array(B.cols).fill(-1);
  for (let r = 0; r < A.rows; r++) {
    const touched: number[] = [];
    for (let j = A.rowStart[r]; j < A.rowStart[r + 1]; j++) {
      const a = A.value[j], k = A.col[j];
      for (let t = B.rowStart[k]; t < B.rowStart[k + 1]; t++) {
        const c = B.col[t];
        if (mark[c] !== r) {
          mark[c] = r;
          acc[c] = 0;
          touched.push(c);
        }
        acc[c] += a * B.value[t];
      }
    }
    touched.sort((p, q) => p - q);
    for (const c of touched) {
      if (acc[c] !== 0) {
        cols.push(c);
        vals.push(acc[c]);
      }
    }
    rowStart[r + 1] = cols.length;
  }
  return { rows: A.rows, cols: B.cols, rowStart, col: Int32Array.from(cols), value: Float64Array.from(vals) };
}

/** y = S·x for sparse rows S. */
export function sparseApply(S: SparseRows, x: ArrayLike<number>): Float64Array {
  const out = new Float64Array(S.rows);
  for (let r = 0; r < S.rows; r++) {
    let s = 0;
    for (let j = S.rowStart[r]; j < S.rowStart[r + 1]; j++) s += S.value[j] * x[S.col[j]];
    out[r] = s;
  }
  return out;
}

function check3(shape: Shape, what: string): [number, number, number] {
  if (shape.length !== 3 || !shape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new ShapeError(`${what}: expected an input shape [height, width, channels] of positive integers, got [${shape.join(', ')}]`);
  }
  return [shape[0], shape[1], shape[2]];
}

function checkConvArgs(kernelShape: Shape, kernel: Float64Array, strides: Shape, padding: Padding, what: string): void {
  if (kernelShape.length !== 4 || !kernelShape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new ShapeError(`${what}: expected a kernel shape [kh, kw, in, out] of positive integers, got [${kernelShape.join(', ')}]`);
  }
  if (kernel.length !== size(kernelShape)) throw new ShapeError(`${what}: kernel has ${kernel.length} entries, its shape [${kernelShape.join(', ')}] needs ${size(kernelShape)}`);
  if (strides.length !== 2 || !strides.every((d) => Number.isInteger(d) && d >= 1)) throw new ShapeError(`${what}: strides must be two positive integers, got [${strides.join(', ')}]`);
  if (padding !== 'same' && padding !== 'valid') throw new ShapeError(`${what}: padding must be 'same' or 'valid', got '${String(padding)}'`);
  assertFinite(kernel, `${what} kernel`);
}

/** Kernel [kh, kw, cin, cout] with output channel co multiplied by scale[co] (cout is the last axis). */
function scaleLastAxis(kernel: Float64Array, scale: Float64Array): Float64Array {
  const c = scale.length;
  if (kernel.length % c !== 0) throw new ShapeError(`channel scale: ${c} channels do not divide ${kernel.length} weights`);
  const out = kernel.slice();
  for (let i = 0; i < out.length; i++) out[i] *= scale[i % c];
  return out;
}

/**
 * Keras Conv2D (kernel [kh, kw, in, out], dilation 1) and Conv2DTranspose (kernel [kh, kw, out, in]).
 * A transposed convolution is the adjoint of the Conv2D with the same kernel from its output shape back
 * to its input shape (which is how TensorFlow computes it), so both share one ConvCore.
 */
export class ConvMap implements LinearMap {
  readonly inShape: Shape;
  readonly outShape: Shape;
  readonly rows: number;
  readonly cols: number;
  /** The convolution's loops (the wasm kernel keeps its resident copy per core). */
  readonly core: ConvCore;

  constructor(
    readonly kind: 'conv2d' | 'conv2d_transpose',
    inShape: Shape,
    readonly kernelShape: Shape,
    readonly kernel: Float64Array,
    readonly strides: Shape,
    readonly padding: Padding,
  ) {
    const [h, w, c] = check3(inShape, kind);
    checkConvArgs(kernelShape, kernel, strides, padding, kind);
    const [kh, kw, a, b] = kernelShape;
    const transposed = kind === 'conv2d_transpose';
    const inChannels = transposed ? b : a;
    if (inChannels !== c) throw new ShapeError(`${kind}: kernel expects ${inChannels} input channels, the input has ${c}`);
    if (transposed) {
      const oh = deconvAxis(h, kh, strides[0], padding), ow = deconvAxis(w, kw, strides[1], padding);
      this.core = new ConvCore(oh, ow, a, kh, kw, c, strides[0], strides[1], padding, kernel);
      this.outShape = [oh, ow, a];
    } else {
      this.core = new ConvCore(h, w, c, kh, kw, b, strides[0], strides[1], padding, kernel);
      if (this.core.oh < 1 || this.core.ow < 1) throw new ShapeError(`conv2d: a ${kh}x${kw} valid kernel does not fit a ${h}x${w} input`);
      this.outShape = [this.core.oh, this.core.ow, b];
    }
    this.inShape = [h, w, c];
    this.rows = size(this.outShape);
    this.cols = size(this.inShape);
  }

  private get transposed(): boolean {
    return this.kind === 'conv2d_transpose';
  }

  apply(x: ArrayLike<number>, out?: Float64Array): Float64Array {
    checkIn(x, this.cols, `${this.kind} input`);
    const o = checkOut(out, this.rows);
    if (this.transposed) this.core.adjoint(x, o);
    else this.core.forward(x, o);
    return o;
  }

  adjoint(y: ArrayLike<number>, out?: Float64Array): Float64Array {
    checkIn(y, this.rows, `${this.kind} adjoint input`);
    const o = checkOut(out, this.cols);
    if (this.transposed) this.core.forward(y, o);
    else this.core.adjoint(y, o);
    return o;
  }

  sparseRows(): SparseRows {
    return this.transposed ? transposeSparse(this.core.rows()) : this.core.rows();
  }

  scaleChannels(scale: Float64Array): LinearMap {
    const [kh, kw, a, b] = this.kernelShape;
    if (!this.transposed) return new ConvMap(this.kind, this.inShape, this.kernelShape, scaleLastAxis(this.kernel, scale), this.strides, this.padding);
    // Output channels are the kernel's third axis here.
    if (scale.length !== a) throw new ShapeError(`channel scale: expected ${a} channels, got ${scale.length}`);
    const k = this.kernel.slice();
    for (let i = 0; i < kh * kw; i++) for (let f = 0; f < a; f++) for (let c = 0; c < b; c++) k[(i * a + f) * b + c] *= scale[f];
    return new ConvMap(this.kind, this.inShape, this.kernelShape, k, this.strides, this.padding);
  }

  toPlain(): PlainMap {
    return { kind: this.kind, inShape: [...this.inShape], kernelShape: [...this.kernelShape], kernel: this.kernel, strides: [...this.strides], padding: this.padding };
  }

  describe(): string {
    return `${this.kind} ${this.kernelShape[0]}x${this.kernelShape[1]} s${this.strides.join('x')} ${this.padding}`;
  }
}

/** Keras Conv2D: kernel [kh, kw, in, out]. */
export class Conv2DMap extends ConvMap {
  constructor(inShape: Shape, kernelShape: Shape, kernel: Float64Array, strides: Shape, padding: Padding) {
    super('conv2d', inShape, kernelShape, kernel, strides, padding);
  }
}

/** Keras Conv2DTranspose: kernel [kh, kw, out, in]. */
export class Conv2DTransposeMap extends ConvMap {
  constructor(inShape: Shape, kernelShape: Shape, kernel: Float64Array, strides: Shape, padding: Padding) {
    super('conv2d_transpose', inShape, kernelShape, kernel, strides, padding);
  }
}

/** Keras UpSampling2D with interpolation 'nearest': each pixel repeated size[0]×size[1] times. */
export class UpSampling2DMap extends GatherMap implements LinearMap {
  readonly kind = 'upsampling2d' as const;

  constructor(inShape: Shape, readonly size: Shape) {
    const [h, w, c] = check3(inShape, 'upsampling2d');
    if (size.length !== 2 || !size.every((d) => Number.isInteger(d) && d >= 1)) throw new ShapeError(`upsampling2d: size must be two positive integers, got [${size.join(', ')}]`);
    super([h, w, c], [h * size[0], w * size[1], c], `upsampling2d ${size.join('x')}`, 'an UpSampling2D (it has no weights); put it after the convolution');
  }

  protected sources(): Int32Array {
    const [, w, c] = this.inShape;
    const ow = this.outShape[1];
    const src = new Int32Array(this.rows);
    for (let r = 0; r < this.rows; r++) {
      const ch = r % c, p = (r - ch) / c, x = p % ow, y = (p - x) / ow;
      src[r] = (Math.floor(y / this.size[0]) * w + Math.floor(x / this.size[1])) * c + ch;
    }
    return src;
  }

  toPlain(): PlainMap {
    return { kind: this.kind, inShape: [...this.inShape], size: [...this.size] };
  }
}

/** A dense matrix as a map (out×in, as in DenseLayer), for a Dense inside a composition. */
export class MatrixMap implements LinearMap {
  readonly kind = 'matrix' as const;
  readonly inShape: Shape;
  readonly outShape: Shape;
  readonly rows: number;
  readonly cols: number;

  constructor(readonly weight: Matrix) {
    this.rows = weight.rows;
    this.cols = weight.cols;
    this.inShape = [weight.cols];
    this.outShape = [weight.rows];
  }

  apply(x: ArrayLike<number>, out?: Float64Array): Float64Array {
    return matvec(this.weight, x, out);
  }

  adjoint(y: ArrayLike<number>, out?: Float64Array): Float64Array {
    return matTvec(this.weight, y, out);
  }

  sparseRows(): SparseRows {
    const { rows, cols, data } = this.weight;
    const rowStart = Int32Array.from({ length: rows + 1 }, (_, i) => i * cols);
    const col = new Int32Array(rows * cols);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) col[r * cols + c] = c;
    return { rows, cols, rowStart, col, value: data.slice() };
  }

  /** Rows are outputs; for a Dense feeding a Reshape the channel is the last axis of the row index. */
  scaleChannels(scale: Float64Array): LinearMap {
    const w = this.weight.clone();
    if (w.rows % scale.length !== 0) throw new ShapeError(`channel scale: ${scale.length} channels do not divide ${w.rows} outputs`);
    for (let r = 0; r < w.rows; r++) for (let c = 0; c < w.cols; c++) w.data[r * w.cols + c] *= scale[r % scale.length];
    return new MatrixMap(w);
  }

  toPlain(): PlainMap {
    return { kind: 'matrix', rows: this.rows, cols: this.cols, weight: this.weight.data };
  }

  describe(): string {
    return `dense ${this.cols}→${this.rows}`;
  }
}

/** parts[last] ∘ … ∘ parts[0]: consecutive linear layers with no activation between them (UpSampling then Conv2D). */
export class ComposedMap implements LinearMap {
  readonly kind = 'compose' as const;
  readonly rows: number;
  readonly cols: number;
  readonly inShape: Shape;
  readonly outShape: Shape;

  constructor(readonly parts: readonly LinearMap[]) {
    if (parts.length === 0) throw new ShapeError('compose: expected at least one map');
    for (let i = 1; i < parts.length; i++) {
      if (parts[i].cols !== parts[i - 1].rows) throw new ShapeError(`compose: part ${i} (${parts[i].describe()}) expects ${parts[i].cols} inputs, part ${i - 1} gives ${parts[i - 1].rows}`);
    }
    this.inShape = parts[0].inShape;
    this.outShape = parts[parts.length - 1].outShape;
    this.cols = parts[0].cols;
    this.rows = parts[parts.length - 1].rows;
  }

  apply(x: ArrayLike<number>, out?: Float64Array): Float64Array {
    let h: ArrayLike<number> = x;
    this.parts.forEach((p, i) => (h = p.apply(h, i === this.parts.length - 1 ? out : undefined)));
    return h as Float64Array;
  }

  adjoint(y: ArrayLike<number>, out?: Float64Array): Float64Array {
    let g: ArrayLike<number> = y;
    for (let i = this.parts.length - 1; i >= 0; i--) g = this.parts[i].adjoint(g, i === 0 ? out : undefined);
    return g as Float64Array;
  }

  sparseRows(): SparseRows {
    let S = this.parts[this.parts.length - 1].sparseRows();
    for (let i = this.parts.length - 2; i >= 0; i--) S = multiplySparse(S, this.parts[i].sparseRows());
    return S;
  }

  scaleChannels(scale: Float64Array): LinearMap {
    const last = this.parts.length - 1;
    return new ComposedMap([...this.parts.slice(0, last), this.parts[last].scaleChannels(scale)]);
  }

  toPlain(): PlainMap {
    return { kind: 'compose', parts: this.parts.map((p) => p.toPlain()) };
  }

  describe(): string {
    return this.parts.map((p) => p.describe()).join(' + ');
  }
}

/** Rebuilds a map from `toPlain` (worker threads). */
export function mapFromPlain(p: PlainMap): LinearMap {
  switch (p.kind) {
    case 'conv2d':
    case 'conv2d_transpose':
      return new ConvMap(p.kind, p.inShape, p.kernelShape, p.kernel, p.strides, p.padding);
    case 'upsampling2d':
      return new UpSampling2DMap(p.inShape, p.size);
    case 'matrix':
      return new MatrixMap(new Matrix(p.rows, p.cols, p.weight));
    case 'compose':
      return new ComposedMap(p.parts.map(mapFromPlain));
    case 'permute':
      return new PermuteMap(p.inShape, p.axes);
  }
}

/** The output shape as text, e.g. `8x8x32`. */
export function shapeOf(map: LinearMap): string {
  return shapeText(map.outShape);
}

/** Sparse rows as a dense matrix (zeros filled in), for code that takes a Matrix. */
export function sparseToMatrix(S: SparseRows): Matrix {
  const M = new Matrix(S.rows, S.cols);
  for (let r = 0; r < S.rows; r++) for (let j = S.rowStart[r]; j < S.rowStart[r + 1]; j++) M.data[r * S.cols + S.col[j]] = S.value[j];
  return M;
}
