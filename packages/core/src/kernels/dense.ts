import { type Block, heap, type Residents } from './heap.js';

/**
 * What a kernel needs of a matrix: its shape, its row-major entries and its rows. linalg's `Matrix` has
 * all of them; the kernels name this shape instead of importing the class, so that linalg.ts can use
 * the kernels without an import cycle.
 */
export interface DenseMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
  row(i: number): Float64Array;
}

/**
 * A dense matrix's copy in kernel memory: A's rows, or Aᵀ's (`transposed`), each padded with zeros to
 * an even length (`stride` doubles) so that f64x2 loops need no scalar tail; a transposed copy also
 * gets an even row count (a zero row last), for kernels that take rows in pairs.
 */
export interface PaddedRows {
  block: Block;
  stride: number;
  rows: number;
}

/** Makes A's padded copy resident in `residents` (once); false when A is empty or memory is short. */
export function makePaddedResident(residents: Residents<DenseMatrix, PaddedRows>, A: DenseMatrix, transposed: boolean): boolean {
  if (A.rows === 0 || A.cols === 0) return false;
  const m = A.rows, k = A.cols;
  const rows = transposed ? k + (k & 1) : m, length = transposed ? m : k, stride = length + (length & 1);
  return residents.ensure(A, rows * stride * 8, (block) => {
    const { f64 } = heap();
    const base = block.ptr / 8;
    f64.fill(0, base, base + rows * stride);
    if (transposed) for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) f64[base + j * stride + i] = A.data[i * k + j];
    else for (let i = 0; i < m; i++) f64.set(A.row(i), base + i * stride);
    return { block, stride, rows };
  });
}
