/**
 * A permutation of a tensor's axes as a linear stage (Keras' Permute; ONNX's Transpose when it does
 * more than switch between the channels-first and channels-last views, docs/conv-stages.md): a gather
 * map (./gather.ts), every output entry being one input entry.
 */
import { ShapeError } from './errors.js';
import { GatherMap } from './gather.js';

export interface PermutePlain {
  kind: 'permute';
  inShape: number[];
  /** Output axis i is input axis axes[i] (0-based, no batch axis). */
  axes: number[];
}

export class PermuteMap extends GatherMap {
  readonly kind = 'permute' as const;

  constructor(inShape: readonly number[], readonly axes: readonly number[]) {
    const rank = inShape.length;
    if (axes.length !== rank || [...axes].sort((a, b) => a - b).some((a, i) => a !== i)) {
      throw new ShapeError(`permute: axes [${axes.join(', ')}] are not a permutation of the ${rank} axes of [${inShape.join(', ')}]`);
    }
    super([...inShape], axes.map((a) => inShape[a]), `permute ${axes.join(',')}`, 'a permutation; put it before the Permute/Transpose');
  }

  protected sources(): Int32Array {
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
    return src;
  }

  toPlain(): PermutePlain {
    return { kind: this.kind, inShape: [...this.inShape], axes: [...this.axes] };
  }
}
