/**
 * out = Aᵀ·y on the WebAssembly SIMD kernel. A must be resident: copied once into the kernel's linear
 * memory (rows padded to an even column count so the f64x2 loop needs no scalar tail), then reused for
 * every later product; only y and out cross the boundary per call.
 */
import { type DenseMatrix, makePaddedResident, type PaddedRows } from './dense.js';
import { heap, lazyKernel, Residents, scratchOf } from './heap.js';
import { MATTVEC_WASM_BASE64 } from './mattvec-bytes.js';

interface Kernel {
  tv: (rowPtrs: number, ys: number, n: number, out: number, bytes: number) => void;
}

const residents = new Residents<DenseMatrix, PaddedRows>((A) => A.data);

/** The kernel, or null where WebAssembly SIMD is unavailable (then callers use the JS loop). */
export const wasmKernel = lazyKernel<Kernel>(MATTVEC_WASM_BASE64, (e) => ({ tv: e.tv as Kernel['tv'] }));

/**
 * Copies A into kernel memory (once; later calls return the same copy). Returns false when the
 * kernel is unavailable or memory is exhausted.
 */
export function makeResident(A: DenseMatrix): boolean {
  return wasmKernel() !== null && makePaddedResident(residents, A, false);
}

/** Frees A's resident copy (call it after writing to A.data in place, or to reclaim memory). */
export function dropResident(A: DenseMatrix): void {
  residents.drop(A);
}

export function isResident(A: DenseMatrix): boolean {
  return residents.has(A);
}

/** out = Aᵀ·y on the kernel if A is resident (and unchanged); false means "use the JS loop". */
export function wasmMatTvec(A: DenseMatrix, y: ArrayLike<number>, out: Float64Array): boolean {
  if (out.length !== A.cols) return false;
  const r = residents.current(A);
  if (!r) return false;
  const { rows, cols } = A, stride = r.stride;
  // Scratch for one call: out, then the multipliers and the row addresses.
  const base = scratchOf(stride * 8 + rows * 12 + 16);
  if (base === 0) return false;
  const { f64, i32 } = heap();
  const outPtr = base, ysPtr = outPtr + stride * 8, rowsPtr = (ysPtr + rows * 8 + 15) & ~15;
  const ysAt = ysPtr / 8, rowsAt = rowsPtr / 4, rowBytes = stride * 8;
  let n = 0;
  for (let i = 0; i < rows; i++) {
    const v = y[i];
    if (v !== 0) { f64[ysAt + n] = v; i32[rowsAt + n] = r.block.ptr + i * rowBytes; n++; }
  }
  const outAt = outPtr / 8;
  f64.fill(0, outAt, outAt + stride);
  wasmKernel()!.tv(rowsPtr, ysPtr, n, outPtr, rowBytes);
  out.set(f64.subarray(outAt, outAt + cols));
  return true;
}
