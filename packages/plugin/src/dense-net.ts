/**
 * A float64 forward pass tuned for PLUGIn's inner loop. Weights are stored column by column so that a
 * layer only reads the columns of its non-zero inputs: after a ReLU about half of them are zero, which
 * halves the work compared with row dot products.
 */
import { activate, type Activation, type Generator } from '@inv/core';

interface ColumnLayer {
  readonly rows: number;
  readonly cols: number;
  /** Column j is columns[j·rows … (j+1)·rows). */
  readonly columns: Float64Array;
  readonly bias?: Float64Array;
  readonly activation: Activation;
}

/** Per-solve scratch space, so that concurrent solves can share one DenseNet. */
export interface Workspace {
  readonly outputs: Float64Array[];
  readonly active: Int32Array;
}

export class DenseNet {
  private readonly layers: ColumnLayer[];

  constructor(generator: Generator) {
    this.layers = generator.layers.map((l) => {
      const { rows, cols, data } = l.weight;
      const columns = new Float64Array(rows * cols);
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) columns[j * rows + i] = data[i * cols + j];
      return { rows, cols, columns, bias: l.bias, activation: l.activation };
    });
  }

  workspace(): Workspace {
    const widest = Math.max(...this.layers.map((l) => l.cols));
    return { outputs: this.layers.map((l) => new Float64Array(l.rows)), active: new Int32Array(widest) };
  }

  /** G(z); the returned array belongs to `ws` and is overwritten by the next call. */
  forward(z: ArrayLike<number>, ws: Workspace): Float64Array {
    let h: ArrayLike<number> = z;
    this.layers.forEach((layer, L) => {
      const out = ws.outputs[L];
      accumulateColumns(layer, h, out, ws.active);
      activate(layer.activation, out, out);
      h = out;
    });
    return h as Float64Array;
  }
}

/** out = W·h + b, reading only the columns j with h[j] ≠ 0, eight at a time (fewer passes over out). */
function accumulateColumns(layer: ColumnLayer, h: ArrayLike<number>, out: Float64Array, active: Int32Array): void {
  const { rows, cols, columns: c } = layer;
  if (layer.bias) out.set(layer.bias);
  else out.fill(0);
  let na = 0;
  for (let j = 0; j < cols; j++) if (h[j] !== 0) active[na++] = j;
  let a = 0;
  for (; a + 7 < na; a += 8) {
    const x0 = h[active[a]], x1 = h[active[a + 1]], x2 = h[active[a + 2]], x3 = h[active[a + 3]];
    const x4 = h[active[a + 4]], x5 = h[active[a + 5]], x6 = h[active[a + 6]], x7 = h[active[a + 7]];
    const o0 = active[a] * rows, o1 = active[a + 1] * rows, o2 = active[a + 2] * rows, o3 = active[a + 3] * rows;
    const o4 = active[a + 4] * rows, o5 = active[a + 5] * rows, o6 = active[a + 6] * rows, o7 = active[a + 7] * rows;
    for (let i = 0; i < rows; i++) {
      out[i] += x0 * c[o0 + i] + x1 * c[o1 + i] + x2 * c[o2 + i] + x3 * c[o3 + i] + (x4 * c[o4 + i] + x5 * c[o5 + i] + x6 * c[o6 + i] + x7 * c[o7 + i]);
    }
  }
  for (; a < na; a++) {
    const j = active[a], x = h[j], o = j * rows;
    for (let i = 0; i < rows; i++) out[i] += x * c[o + i];
  }
}
