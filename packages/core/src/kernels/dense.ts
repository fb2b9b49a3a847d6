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
