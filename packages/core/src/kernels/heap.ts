/**
 * The one linear memory the WebAssembly kernels share (the mattvec and conv modules both import it as
 * `env.memory`), its allocator and the budget for resident weights. One budget for every kind of
 * resident copy keeps the total bounded however many matrices and conv stages a process holds.
 */

const PAGE = 65536;
/** Resident copies stop being added beyond this many bytes (the rest use the JS loops). */
const MAX_RESIDENT_BYTES = 1 << 30;

export interface Block {
  ptr: number;
  size: number;
}

let memory: WebAssembly.Memory | null | undefined;
let f64 = new Float64Array(0), i32 = new Int32Array(0);
/** Free blocks by address; first fit, neighbours merged. Memory never shrinks (wasm cannot). */
const free: Block[] = [];
let top = 16, residentBytes = 0;
const finalizer = typeof FinalizationRegistry === 'function' ? new FinalizationRegistry<Block>(unreserve) : undefined;

/** The shared memory, or null where WebAssembly is unavailable. */
export function heapMemory(): WebAssembly.Memory | null {
  if (memory !== undefined) return memory;
  try {
    memory = typeof WebAssembly === 'object' ? new WebAssembly.Memory({ initial: 1 }) : null;
  } catch {
    memory = null;
  }
  return memory;
}

/** Float64 and Int32 views of the memory, renewed after it grows (growth detaches the old buffer). */
export function heap(): { f64: Float64Array; i32: Int32Array } {
  const buffer = heapMemory()!.buffer;
  if (f64.buffer !== buffer) {
    f64 = new Float64Array(buffer);
    i32 = new Int32Array(buffer);
  }
  return { f64, i32 };
}

/** A 16-byte aligned block of `size` bytes, growing memory when needed; 0 when memory is exhausted. */
export function allocate(size: number): number {
  const m = heapMemory();
  if (!m) return 0;
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
  const have = m.buffer.byteLength;
  if (end > have) {
    try {
      m.grow(Math.ceil((end - have) / PAGE));
    } catch {
      return 0;
    }
  }
  const ptr = top;
  top = end;
  return ptr;
}

export function release(block: Block): void {
  const size = (block.size + 15) & ~15;
  let at = free.findIndex((b) => b.ptr > block.ptr);
  if (at < 0) at = free.length;
  free.splice(at, 0, { ptr: block.ptr, size });
  const next = free[at + 1];
  if (next && block.ptr + size === next.ptr) { free[at].size += next.size; free.splice(at + 1, 1); }
  const prev = free[at - 1];
  if (prev && prev.ptr + prev.size === free[at].ptr) { prev.size += free[at].size; free.splice(at, 1); }
}

/**
 * A block for a resident copy owned by `owner`, counted against the budget and freed when the owner is
 * garbage collected (or by `unreserve`); 0 when over budget or out of memory.
 */
export function reserve(owner: object, size: number): Block | null {
  if (residentBytes + size > MAX_RESIDENT_BYTES) return null;
  const ptr = allocate(size);
  if (ptr === 0) return null;
  const block = { ptr, size };
  residentBytes += size;
  finalizer?.register(owner, { ptr, size }, block);
  return block;
}

/** Frees a block from `reserve`. */
export function unreserve(block: Block): void {
  finalizer?.unregister(block);
  residentBytes -= block.size;
  release(block);
}

/** Every kernel's per-call scratch: calls never overlap (each copies in, runs and copies out synchronously). */
const scratch: Block = { ptr: 0, size: 0 };

/** The per-call scratch, grown by doubling (never shrinks) so steady calls allocate nothing; 0 when memory is exhausted. */
export function scratchOf(need: number): number {
  const s = scratch;
  if (s.size >= need) return s.ptr;
  if (s.size > 0) release(s);
  const size = Math.max(need, s.size * 2);
  const ptr = allocate(size);
  s.ptr = ptr;
  s.size = ptr === 0 ? 0 : size;
  return ptr;
}

/** Indices of a few entries kept with a resident copy to notice weights rewritten in place. */
export const sampleIndex = (n: number): number[] => (n === 0 ? [] : [0, n >> 1, n - 1]);

/** A cheap guard against weights rewritten in place after they became resident (not a full check). */
export function sameSamples(data: Float64Array, samples: readonly number[]): boolean {
  const idx = sampleIndex(data.length);
  for (let s = 0; s < idx.length; s++) if (!Object.is(data[idx[s]], samples[s])) return false;
  return true;
}

/** Instantiates an embedded kernel module against the shared memory; null where it does not validate. */
export function instantiate(base64: string): WebAssembly.Exports | null {
  try {
    const m = heapMemory();
    const s = atob(base64);
    const bytes = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
    if (!m || !WebAssembly.validate(bytes)) return null;
    return new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory: m } }).exports;
  } catch {
    return null; // e.g. a content security policy that forbids compiling WebAssembly
  }
}

/**
 * The resident copies of one kind of owner (dense matrices, conv stages), keyed weakly by the owner;
 * `weights` names the array whose sampled entries tell a copy is stale.
 */
export class Residents<K extends object, R extends { block: Block }> {
  private readonly copies = new WeakMap<K, { copy: R; samples: number[] }>();

  constructor(private readonly weights: (owner: K) => Float64Array) {}

  /** The copy of `owner` if it is still current (one whose weights were rewritten in place is dropped). */
  current(owner: K): R | undefined {
    const r = this.copies.get(owner);
    if (r && !sameSamples(this.weights(owner), r.samples)) {
      this.drop(owner);
      return undefined;
    }
    return r?.copy;
  }

  has(owner: K): boolean {
    return this.copies.has(owner);
  }

  /** Records a copy, sampling the owner's weights now. */
  add(owner: K, copy: R): void {
    const w = this.weights(owner);
    this.copies.set(owner, { copy, samples: sampleIndex(w.length).map((i) => w[i]) });
  }

  /**
   * Makes owner's copy once: reserves `bytes` and records what `fill` returns after writing the copy
   * into the block. True when a current copy exists or was made; false when memory is short.
   */
  ensure(owner: K, bytes: number, fill: (block: Block) => R): boolean {
    if (this.current(owner)) return true;
    const block = reserve(owner, bytes);
    if (!block) return false;
    this.add(owner, fill(block));
    return true;
  }

  drop(owner: K): void {
    const r = this.copies.get(owner);
    if (!r) return;
    this.copies.delete(owner);
    unreserve(r.copy.block);
  }
}

/** A kernel module's getter: instantiated on first call, then the same; null where WebAssembly SIMD is unavailable. */
export function lazyKernel<K>(base64: string, pick: (exports: WebAssembly.Exports) => K): () => K | null {
  let kernel: K | null | undefined;
  return () => {
    if (kernel === undefined) {
      const exports = instantiate(base64);
      kernel = exports ? pick(exports) : null;
    }
    return kernel;
  };
}
