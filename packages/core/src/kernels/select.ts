/**
 * Which kernel `matTvec` uses. 'wasm' (the default where WebAssembly SIMD validates) runs products on
 * resident matrices in the SIMD kernel; 'js' forces the plain loop (for comparison, or to rule the
 * kernel out). `INV_KERNEL=js` in the environment sets the initial choice.
 */
import { ValueError } from '../errors.js';
import type { DenseMatrix } from './dense.js';
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

const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.INV_KERNEL;
let requested: KernelName = env === 'js' ? 'js' : 'wasm';
const uses = new WeakMap<DenseMatrix, number>();

/** Chooses the matTvec kernel; 'wasm' falls back to 'js' where WebAssembly SIMD is unavailable. */
export function setKernel(name: KernelName): void {
  if (!KERNELS.includes(name)) throw new ValueError(`kernel: expected one of ${KERNELS.join(', ')}, got ${JSON.stringify(name)}`);
  requested = name;
}

/** The kernel matTvec actually uses now. */
export function getKernel(): KernelName {
  return requested === 'wasm' && wasmKernel() ? 'wasm' : 'js';
}

/** True when WebAssembly SIMD validates here (whatever setKernel chose). */
export function wasmSimdAvailable(): boolean {
  return wasmKernel() !== null;
}

/**
 * Computes out = Aᵀ·y on the wasm kernel when it is chosen and A is (or now becomes) resident;
 * returns false to let the caller run the JS loop.
 */
export function kernelMatTvec(A: DenseMatrix, y: ArrayLike<number>, out: Float64Array): boolean {
  if (requested === 'js') return false;
  if (wasmMatTvec(A, y, out)) return true;
  if (A.rows * A.cols < MIN_RESIDENT_ENTRIES) return false;
  const n = (uses.get(A) ?? 0) + 1;
  if (n < AUTO_RESIDENT_USES) {
    uses.set(A, n);
    return false;
  }
  uses.delete(A);
  return makeResident(A) && wasmMatTvec(A, y, out);
}
