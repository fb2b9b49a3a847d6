/**
 * A permutation of a tensor's axes as a linear stage (Keras' Permute; ONNX's Transpose when it does
 * more than switch between the channels-first and channels-last views, docs/conv-stages.md). Every
 * output entry is one input entry, so the forward map gathers, the adjoint scatters and each sparse
 * row holds a single 1. Structurally a LinearMap of ./stages.ts, which imports this module (so this
 * one imports nothing from it).
 */
import { ShapeError } from './errors.js';

export interface PermutePlain {
  kind: 'permute';
  inShape: number[];
  /** Output axis i is input axis axes[i] (0-based, no batch axis). */
  axes: number[];
}

export class PermuteMap {
  readonly kind = 'permute' as const;
  readonly inShape: readonly number[];
  readonly outShape: readonly number[];
  readonly rows: number;
  readonly cols: number;
  private sourceOf?: Int32Array;

  constructor(inShape: readonly number[], readonly axes: readonly number[]) {
    const rank = inShape.length;
    if (axes.length !== rank || [...axes].sort((a, b) => a - b).some((a, i) => a !== i)) {
      throw new ShapeError(`permute: axes [${axes.join(', ')}] are not a permutation of the ${rank} axes of [${inShape.join(', ')}]`);
    }
    this.inShape = [...inShape];
    this.outShape = axes.map((a) => inShape[a]);
    this.rows = this.cols = inShape.reduce((a, b) => a * b, 1);
  }

  /** source[r]: the input index of output entry r (built once). */
  private source(): Int32Array {
    if (this.sourceOf) return this.sourceOf;
    const rank = this.inShape.length;
    const inStride = new Array<number>(rank);
    for (let a = rank - 1, s = 1; a >= 0; s *= this.inShape[a--]) inStride[a] = s;
    const stride = this.axes.map((a) => inStride[a]);
    const src = new Int32Array(this.rows);
    const idx = new Array<number>(rank).fill(0);
    for (let r = 0, off = 0; r < this.rows; r++) {
      src[r] = off;
      // odometer over the output axes, last fastest
      for (let a = rank - 1; a >= 0; a--) {
        off += stride[a];
        if (++idx[a] < this.outShape[a]) break;
        off -= stride[a] * idx[a];
        idx[a] = 0;
      }
    }
    return (this.sourceOf = src);
  }

  private check(v: ArrayLike<number>, out: Float64Array | undefined, what: string): Float64Array {
    if (v.length !== this.rows) throw new ShapeError(`${what}: expected length ${this.rows}, got ${v.length}`);
    if (out && out.length !== this.rows) throw new ShapeError(`output buffer: expected length ${this.rows}, got ${out.length}`);
    return out ?? new Float64Array(this.rows);
  }

  apply(x: ArrayLike<number>, out?: Float64Array): Float64Array {
    const o = this.check(x, out, 'permute input');
    const src = this.source();
    for (let r = 0; r < this.rows; r++) o[r] = x[src[r]];
    return o;
  }

  adjoint(y: ArrayLike<number>, out?: Float64Array): Float64Array {
    const o = this.check(y, out, 'permute adjoint input');
    const src = this.source();
    for (let r = 0; r < this.rows; r++) o[src[r]] = y[r];
    return o;
  }

  sparseRows(): { rows: number; cols: number; rowStart: Int32Array; col: Int32Array; value: Float64Array } {
    const rowStart = Int32Array.from({ length: this.rows + 1 }, (_, i) => i);
    return { rows: this.rows, cols: this.cols, rowStart, col: this.source().slice(), value: new Float64Array(this.rows).fill(1) };
  }

  scaleChannels(): never {
    throw new ShapeError('permute: a BatchNormalization cannot be folded into a permutation; put it before the Permute/Transpose');
  }

  toPlain(): PermutePlain {
    return { kind: this.kind, inShape: [...this.inShape], axes: [...this.axes] };
  }

  describe(): string {
    return `permute ${this.axes.join(',')}`;
  }
}
