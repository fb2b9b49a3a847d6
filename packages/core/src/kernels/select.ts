/**
 * Which kernel `matTvec` and the convolutions of stages.ts use. 'wasm' (the default where WebAssembly
 * SIMD validates) runs products on resident weights in the SIMD kernels; 'js' forces the plain loops
 * (for comparison, or to rule the kernels out). `INV_KERNEL=js` in the environment sets the initial choice.
 */
import { ValueError } from '../errors.js';
import type { DenseMatrix } from './dense.js';
import { type ConvGeometry, makeConvResident, wasmConvAdjoint, wasmConvForward, wasmConvKernel } from './wasm-conv.js';
import { makeGramResident, wasmCholesky, wasmGramKernel, wasmWeightedGram } from './wasm-gram.js';
import { makeResident, wasmKernel, wasmMatTvec } from './wasm-mattvec.js';

export type KernelName = 'js' | 'wasm';
export const KERNELS: readonly KernelName[] = ['js', 'wasm'];

/**
 * A matrix becomes resident on its AUTO_RESIDENT_USES-th product: the copy costs about one product, so
 * a matrix used once or twice (a one-off) stays on the JS loop while a generator's weights, used for
 * every forward pass, move over. Tiny matrices stay in JS (call overhead dominates).
 */
const AUTO_RESIDENT_USES = 3;
const MIN_RESIDENT_ENTRIES = 2048;
/**
 * Convolutions with fewer multiply-adds per product than this stay in JS: below it the copies in and
 * out of kernel memory cost about what the kernel saves (measured: docs/conv-stages.md, "Kernels").
 */
const MIN_CONV_WORK = 256;

const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.INV_KERNEL;
let requested: KernelName = env === 'js' ? 'js' : 'wasm';
const uses = new WeakMap<object, number>();

/** Chooses the matTvec kernel; 'wasm' falls back to 'js' where WebAssembly SIMD is unavailable. */
export function setKernel(name: KernelName): void {
  if (!KERNELS.includes(name)) throw new ValueError(`kernel: expected one of ${KERNELS.join(', ')}, got ${JSON.stringify(name)}`);
  requested = name;
}

/** The kernel matTvec and the convolutions actually use now. */
export function getKernel(): KernelName {
  return requested === 'wasm' && wasmSimdAvailable() ? 'wasm' : 'js';
}

/** True when WebAssembly SIMD validates here (whatever setKernel chose). */
export function wasmSimdAvailable(): boolean {
  return wasmKernel() !== null && wasmConvKernel() !== null && wasmGramKernel() !== null;
}

/** True on the AUTO_RESIDENT_USES-th call for `owner` (counting stops there). */
function dueForResidence(owner: object): boolean {
  const n = (uses.get(owner) ?? 0) + 1;
  if (n < AUTO_RESIDENT_USES) {
    uses.set(owner, n);
    return false;
  }
  uses.delete(owner);
  return true;
}

/**
 * Computes out = Aᵀ·y on the wasm kernel when it is chosen and A is (or now becomes) resident;
 * returns false to let the caller run the JS loop.
 */
export function kernelMatTvec(A: DenseMatrix, y: ArrayLike<number>, out: Float64Array): boolean {
  if (requested === 'js') return false;
  if (wasmMatTvec(A, y, out)) return true;
  if (A.rows * A.cols < MIN_RESIDENT_ENTRIES || !dueForResidence(A)) return false;
  return makeResident(A) && wasmMatTvec(A, y, out);
}

/**
 * out += conv(v) (or convᵀ(v) when `adjoint`) on the wasm kernel when it is chosen and the convolution
 * is (or now becomes) resident; returns false to let the caller run the JS loop.
 */
export function kernelConv(c: ConvGeometry, adjoint: boolean, v: ArrayLike<number>, out: Float64Array): boolean {
  if (requested === 'js') return false;
  const run = adjoint ? wasmConvAdjoint : wasmConvForward;
  if (run(c, v, out)) return true;
  if (c.oh * c.ow * c.kh * c.kw * c.cin * c.cout < MIN_CONV_WORK || !dueForResidence(c)) return false;
  return makeConvResident(c) && run(c, v, out);
}

/**
 * out = Aᵀ·diag(w)·A on the wasm kernel when it is chosen; Aᵀ becomes resident at once (its copy
 * costs one pass over A, the product k passes). Returns false to let the caller run the JS loop.
 */
export function kernelWeightedGram(A: DenseMatrix, w: ArrayLike<number>, out: Float64Array, stride: number): boolean {
  if (requested === 'js' || A.rows * A.cols < MIN_RESIDENT_ENTRIES) return false;
  return makeGramResident(A) && wasmWeightedGram(A, w, out, stride);
}

/** Runs cholesky's `factor` on the wasm kernel when it is chosen (and n worth it); null lets the caller run the JS loop. */
export function kernelCholesky(
  A: Float64Array,
  n: number,
  stride: number,
  factor: Parameters<typeof wasmCholesky>[3],
): boolean | null {
  if (requested === 'js') return null;
  return wasmCholesky(A, n, stride, factor);
}
