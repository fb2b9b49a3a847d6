/**
 * Aᵀ·diag(w)·A on the WebAssembly SIMD kernel of ./emit-gram.ts. A must be resident: Aᵀ is copied into
 * the kernel's memory once (rows padded to an even length, and to an even count with a zero row), then
 * every product only copies four scaled rows in and their dot products out per pass.
 */
import { type DenseMatrix, makePaddedResident, type PaddedRows } from './dense.js';
import { GRAM_WASM_BASE64 } from './gram-bytes.js';
import { heap, lazyKernel, Residents, scratchOf } from './heap.js';

interface Kernel {
  dots: (s: number, sStride: number, b: number, bStride: number, pairs: number, bytes: number, out: number) => void;
}

/** Aᵀ's padded copies (the kernel takes its rows in pairs). */
const residents = new Residents<DenseMatrix, PaddedRows>((A) => A.data);

export const wasmGramKernel = lazyKernel<Kernel>(GRAM_WASM_BASE64, (e) => ({ dots: e.dots as Kernel['dots'] }));

/** Copies Aᵀ into kernel memory (once); false when the kernel is unavailable or memory is exhausted. */
export function makeGramResident(A: DenseMatrix): boolean {
  return wasmGramKernel() !== null && makePaddedResident(residents, A, true);
}

export function isGramResident(A: DenseMatrix): boolean {
  return residents.has(A);
}

/** See linalg.ts's weightedGram; false means "use the JS loop" (A not resident or no scratch). */
export function wasmWeightedGram(A: DenseMatrix, w: ArrayLike<number>, out: Float64Array, outStride: number): boolean {
  const r = residents.current(A);
  if (!r) return false;
  const m = A.rows, k = A.cols, { stride, rows } = r, bytes = stride * 8;
  const base = scratchOf(4 * bytes + (rows / 2) * 64);
  if (base === 0) return false;
  const { f64 } = heap();
  const sAt = base / 8, resAt = sAt + 4 * stride, tAt = r.block.ptr / 8, kernel = wasmGramKernel()!;
  for (let a0 = 0; a0 < k; a0 += 4) {
    for (let q = 0; q < 4; q++) {
      const o = sAt + q * stride, src = tAt + (a0 + q) * stride;
      if (a0 + q >= k) f64.fill(0, o, o + stride);
      else for (let i = 0; i < m; i++) f64[o + i] = w[i] * f64[src + i];
      if (m & 1) f64[o + m] = 0;
    }
    const pairs = (rows - a0) / 2;
    kernel.dots(base, bytes, r.block.ptr + a0 * bytes, bytes, pairs, bytes, base + 4 * bytes);
    for (let q = 0; q < pairs; q++) {
      for (let c = 0; c < 2; c++) {
        const b = a0 + 2 * q + c;
        if (b >= k) continue;
        for (let s = 0; s < 4 && a0 + s <= b; s++) {
          const v = f64[resAt + 8 * q + 2 * s + c];
          out[(a0 + s) * outStride + b] = v;
          out[b * outStride + a0 + s] = v;
        }
      }
    }
  }
  return true;
}

/** Smaller factorisations stay in JS (the copy in and out costs about what the kernel saves). */
const MIN_CHOLESKY = 32;

/**
 * Runs cholesky's blocked loop (linalg.ts) on a copy in kernel memory, the off-block dot products on
 * the kernel: `factor(M, off, ld, n, dots)` gets the copy and a `dots(J0, nb, D)` that fills
 * D[jj·n + i] = L[J0 + jj] · L[i] over the first J0 columns, for i ≥ J0. Null (use the JS loop) when
 * n is small or memory is short.
 */
export function wasmCholesky(
  A: Float64Array,
  n: number,
  stride: number,
  factor: (M: Float64Array, off: number, ld: number, n: number, dots: (J0: number, nb: number, D: Float64Array) => void) => boolean,
): boolean | null {
  const kernel = wasmGramKernel();
  if (!kernel || n < MIN_CHOLESKY) return null;
  const ld = n + (n & 1), rows = n + 1;
  const base = scratchOf(rows * ld * 8 + Math.ceil(n / 2) * 64);
  if (base === 0) return null;
  let { f64 } = heap();
  const off = base / 8, outAt = off + rows * ld;
  for (let i = 0; i < n; i++) {
    f64.set(A.subarray(i * stride, i * stride + n), off + i * ld);
    if (ld > n) f64[off + i * ld + n] = 0;
  }
  f64.fill(0, off + n * ld, off + rows * ld);
  const dots = (J0: number, nb: number, D: Float64Array) => {
    const pairs = Math.ceil((n - J0) / 2);
    kernel.dots(base + J0 * ld * 8, ld * 8, base + J0 * ld * 8, ld * 8, pairs, J0 * 8, outAt * 8);
    f64 = heap().f64;
    for (let q = 0; q < pairs; q++)
      for (let c = 0; c < 2; c++) {
        const i = J0 + 2 * q + c;
        if (i < n) for (let jj = 0; jj < nb; jj++) D[jj * n + i] = f64[outAt + 8 * q + 2 * jj + c];
      }
  };
  const ok = factor(f64, off, ld, n, dots);
  f64 = heap().f64;
  for (let i = 0; i < n; i++) A.set(f64.subarray(off + i * ld, off + i * ld + n), i * stride);
  return ok;
}
