/**
 * Linear maps in which every output entry is one input entry, output r = input source[r]: Permute and
 * nearest UpSampling2D. The forward map gathers, the adjoint scatters (adding, as several outputs may
 * share an input), each sparse row holds a single 1, and there are no weights to fold a channel scale
 * into. Structurally LinearMaps of ./stages.ts, which imports this module (so this one imports nothing
 * from it).
 */
import { ShapeError } from './errors.js';

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

export abstract class GatherMap {
  abstract readonly kind: 'permute' | 'upsampling2d';
  readonly rows: number;
  readonly cols: number;
  private sourceOf?: Int32Array;

  protected constructor(
    readonly inShape: readonly number[],
    readonly outShape: readonly number[],
    /** What describe() says, such as `permute 1,0,2`. */
    private readonly description: string,
    /** Why a BatchNormalization cannot be folded in, and where to put it instead. */
    private readonly noScale: string,
  ) {
    this.rows = size(outShape);
    this.cols = size(inShape);
  }

  /** source[r]: the input index of output entry r (asked for once). */
  protected abstract sources(): Int32Array;

  private source(): Int32Array {
    return (this.sourceOf ??= this.sources());
  }

  private check(v: ArrayLike<number>, n: number, out: Float64Array | undefined, m: number, what: string): Float64Array {
    if (v.length !== n) throw new ShapeError(`${what}: expected length ${n}, got ${v.length}`);
    if (out && out.length !== m) throw new ShapeError(`output buffer: expected length ${m}, got ${out.length}`);
    return out ?? new Float64Array(m);
  }

  apply(x: ArrayLike<number>, out?: Float64Array): Float64Array {
    const o = this.check(x, this.cols, out, this.rows, `${this.kind} input`);
    const src = this.source();
    for (let r = 0; r < this.rows; r++) o[r] = x[src[r]];
    return o;
  }

  adjoint(y: ArrayLike<number>, out?: Float64Array): Float64Array {
    const o = this.check(y, this.rows, out, this.cols, `${this.kind} adjoint input`).fill(0);
    const src = this.source();
    for (let r = 0; r < this.rows; r++) o[src[r]] += y[r];
    return o;
  }

  sparseRows(): { rows: number; cols: number; rowStart: Int32Array; col: Int32Array; value: Float64Array } {
    const rowStart = Int32Array.from({ length: this.rows + 1 }, (_, i) => i);
    return { rows: this.rows, cols: this.cols, rowStart, col: this.source().slice(), value: new Float64Array(this.rows).fill(1) };
  }

  scaleChannels(): never {
    throw new ShapeError(`${this.kind}: a BatchNormalization cannot be folded into ${this.noScale}`);
  }

  describe(): string {
    return this.description;
  }
}
