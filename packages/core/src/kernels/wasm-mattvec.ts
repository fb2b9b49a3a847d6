/**
 * out = Aᵀ·y on the WebAssembly SIMD kernel. A must be resident: copied once into the kernel's linear
 * memory (rows padded to an even column count so the f64x2 loop needs no scalar tail), then reused for
 * every later product; only y and out cross the boundary per call.
 */
import type { DenseMatrix } from './dense.js';
import { MATTVEC_WASM_BASE64 } from './mattvec-bytes.js';

interface Kernel {
  memory: WebAssembly.Memory;
  tv: (rowPtrs: number, ys: number, n: number, out: number, bytes: number) => void;
}

/** A resident copy: its byte address, padded row length (doubles) and a few sampled entries. */
interface Resident {
  ptr: number;
  size: number;
  stride: number;
  samples: number[];
}

const PAGE = 65536;
/** Resident matrices stop being added beyond this many bytes (the rest use the JS loop). */
const MAX_RESIDENT_BYTES = 1 << 30;

let kernel: Kernel | null | undefined;
let f64 = new Float64Array(0), i32 = new Int32Array(0);
const residents = new WeakMap<DenseMatrix, Resident>();
/** Free blocks by address; first fit, neighbours merged. Memory never shrinks (wasm cannot). */
const free: { ptr: number; size: number }[] = [];
let top = 16, residentBytes = 0;
let scratch = { ptr: 0, size: 0 };
const finalizer = typeof FinalizationRegistry === 'function' ? new FinalizationRegistry<{ ptr: number; size: number }>(release) : undefined;

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const s = atob(base64);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return bytes;
}

/** The kernel, or null where WebAssembly SIMD is unavailable (then callers use the JS loop). */
export function wasmKernel(): Kernel | null {
  if (kernel !== undefined) return kernel;
  kernel = null;
  try {
    const bytes = decode(MATTVEC_WASM_BASE64);
    if (typeof WebAssembly === 'object' && WebAssembly.validate(bytes)) {
      const exports = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports;
      kernel = { memory: exports.memory as WebAssembly.Memory, tv: exports.tv as Kernel['tv'] };
    }
  } catch {
    kernel = null; // e.g. a content security policy that forbids compiling WebAssembly
  }
  return kernel;
}

function views(k: Kernel): void {
  if (f64.buffer !== k.memory.buffer) {
    f64 = new Float64Array(k.memory.buffer);
    i32 = new Int32Array(k.memory.buffer);
  }
}

/** A 16-byte aligned block of `size` bytes, growing memory when needed; 0 when memory is exhausted. */
function allocate(k: Kernel, size: number): number {
  size = (size + 15) & ~15;
  for (let b = 0; b < free.length; b++) {
    const block = free[b];
    if (block.size < size) continue;
    const ptr = block.ptr;
    if (block.size === size) free.splice(b, 1);
    else { block.ptr += size; block.size -= size; }
    return ptr;
  }
  const end = top + size;
  if (end > 2 ** 32 - PAGE) return 0;
  const have = k.memory.buffer.byteLength;
  if (end > have) {
    try {
      k.memory.grow(Math.ceil((end - have) / PAGE));
    } catch {
      return 0;
    }
  }
  const ptr = top;
  top = end;
  return ptr;
}

function release(block: { ptr: number; size: number }): void {
  const size = (block.size + 15) & ~15;
  let at = free.findIndex((b) => b.ptr > block.ptr);
  if (at < 0) at = free.length;
  free.splice(at, 0, { ptr: block.ptr, size });
  const next = free[at + 1];
  if (next && block.ptr + size === next.ptr) { free[at].size += next.size; free.splice(at + 1, 1); }
  const prev = free[at - 1];
  if (prev && prev.ptr + prev.size === free[at].ptr) { prev.size += free[at].size; free.splice(at, 1); }
}

const sampleIndex = (n: number): number[] => (n === 0 ? [] : [0, n >> 1, n - 1]);

/**
 * Copies A into kernel memory (once; later calls return the same copy). Returns false when the
 * kernel is unavailable or memory is exhausted.
 */
export function makeResident(A: DenseMatrix): boolean {
  const existing = residents.get(A);
  if (existing && sameSamples(A, existing)) return true;
  if (existing) dropResident(A);
  const k = wasmKernel();
  if (!k || A.rows === 0 || A.cols === 0) return false;
  const stride = A.cols + (A.cols & 1);
  const size = A.rows * stride * 8;
  if (residentBytes + size > MAX_RESIDENT_BYTES) return false;
  const ptr = allocate(k, size);
  if (ptr === 0) return false;
  views(k);
  const base = ptr / 8;
  if (stride === A.cols) f64.set(A.data, base);
  else for (let i = 0; i < A.rows; i++) { f64.set(A.row(i), base + i * stride); f64[base + i * stride + A.cols] = 0; }
  const resident = { ptr, size, stride, samples: sampleIndex(A.data.length).map((i) => A.data[i]) };
  residents.set(A, resident);
  residentBytes += size;
  finalizer?.register(A, { ptr, size }, resident);
  return true;
}

/** Frees A's resident copy (call it after writing to A.data in place, or to reclaim memory). */
export function dropResident(A: DenseMatrix): void {
  const resident = residents.get(A);
  if (!resident) return;
  residents.delete(A);
  finalizer?.unregister(resident);
  residentBytes -= resident.size;
  release(resident);
}

export function isResident(A: DenseMatrix): boolean {
  return residents.has(A);
}

/** A cheap guard against a matrix rewritten in place after it became resident (not a full check). */
function sameSamples(A: DenseMatrix, r: Resident): boolean {
  const idx = sampleIndex(A.data.length);
  for (let s = 0; s < idx.length; s++) if (!Object.is(A.data[idx[s]], r.samples[s])) return false;
  return true;
}

/** Scratch for one call: out, then the multipliers and the row addresses. */
function ensureScratch(k: Kernel, stride: number, rows: number): number {
  const need = stride * 8 + rows * 12 + 16;
  if (scratch.size >= need) return scratch.ptr;
  if (scratch.size > 0) release(scratch);
  const size = Math.max(need, scratch.size * 2);
  const ptr = allocate(k, size);
  scratch = { ptr, size: ptr === 0 ? 0 : size };
  return ptr;
}

/** out = Aᵀ·y on the kernel if A is resident (and unchanged); false means "use the JS loop". */
export function wasmMatTvec(A: DenseMatrix, y: ArrayLike<number>, out: Float64Array): boolean {
  const r = residents.get(A);
  if (!r || out.length !== A.cols) return false;
  if (!sameSamples(A, r)) { dropResident(A); return false; }
  const k = kernel!;
  const { rows, cols } = A, stride = r.stride;
  const base = ensureScratch(k, stride, rows);
  if (base === 0) return false;
  views(k);
  const outPtr = base, ysPtr = outPtr + stride * 8, rowsPtr = (ysPtr + rows * 8 + 15) & ~15;
  const ysAt = ysPtr / 8, rowsAt = rowsPtr / 4, rowBytes = stride * 8;
  let n = 0;
  for (let i = 0; i < rows; i++) {
    const v = y[i];
    if (v !== 0) { f64[ysAt + n] = v; i32[rowsAt + n] = r.ptr + i * rowBytes; n++; }
  }
  const outAt = outPtr / 8;
  f64.fill(0, outAt, outAt + stride);
  k.tv(rowsPtr, ysPtr, n, outPtr, rowBytes);
  out.set(f64.subarray(outAt, outAt + cols));
  return true;
}
