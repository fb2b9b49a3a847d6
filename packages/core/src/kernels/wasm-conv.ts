/**
 * The loops of a 2-D convolution (stages.ts's ConvCore: forward and adjoint, which also serve
 * Conv2DTranspose) on the WebAssembly SIMD kernel of ./emit-conv.ts. A convolution must be resident:
 * its kernel (in both layouts the two loops want) and its task list (one per output pixel and kernel
 * row, the boundary clipping worked out once) are copied into the shared memory once; only the input
 * and the output cross the boundary per call.
 */
import { CONV_WASM_BASE64 } from './conv-bytes.js';
import { type Block, heap, lazyKernel, Residents, scratchOf } from './heap.js';

/** What the kernel needs of a convolution from an h×w×cin image with kernel [kh, kw, cin, cout]; ConvCore has it all. */
export interface ConvGeometry {
  readonly h: number;
  readonly w: number;
  readonly cin: number;
  readonly kh: number;
  readonly kw: number;
  readonly cout: number;
  readonly sh: number;
  readonly sw: number;
  readonly top: number;
  readonly left: number;
  readonly oh: number;
  readonly ow: number;
  /** [kh, kw, cin, cout] row-major. */
  readonly kernel: Float64Array;
}

interface Kernel {
  fwd: (tasks: number, end: number, img: number, out: number, kf: number, cout: number, rowBytes: number) => void;
  adj: (tasks: number, end: number, starts: number, out: number, ka: number) => void;
}

interface Resident {
  block: Block;
  /** Byte addresses of K (rows padded to an even length), Kᵀ ([cout, R+1]) and the task list. */
  kf: number;
  ka: number;
  tasks: number;
  tasksEnd: number;
  rowBytes: number;
  kaRowBytes: number;
}

const residents = new Residents<ConvGeometry, Resident>((c) => c.kernel);

export const wasmConvKernel = lazyKernel<Kernel>(CONV_WASM_BASE64, (e) => ({ fwd: e.fwd as Kernel['fwd'], adj: e.adj as Kernel['adj'] }));

/** The tasks [image byte offset, output pixel, first kernel row, length] in ConvCore's loop order. */
function tasksOf(c: ConvGeometry): Int32Array {
  const t: number[] = [];
  for (let oy = 0; oy < c.oh; oy++) {
    for (let ox = 0; ox < c.ow; ox++) {
      const kx0 = Math.max(0, c.left - ox * c.sw), kx1 = Math.min(c.kw, c.w + c.left - ox * c.sw);
      if (kx1 <= kx0) continue;
      for (let ky = 0; ky < c.kh; ky++) {
        const iy = oy * c.sh + ky - c.top;
        if (iy < 0 || iy >= c.h) continue;
        const ix0 = ox * c.sw + kx0 - c.left;
        t.push((iy * c.w + ix0) * c.cin * 8, oy * c.ow + ox, (ky * c.kw + kx0) * c.cin, (kx1 - kx0) * c.cin);
      }
    }
  }
  return Int32Array.from(t);
}

/** Copies the convolution into kernel memory (once); false when the kernel is unavailable or memory is exhausted. */
export function makeConvResident(c: ConvGeometry): boolean {
  if (residents.current(c)) return true;
  if (!wasmConvKernel()) return false;
  const R = c.kh * c.kw * c.cin, coutPad = c.cout + (c.cout & 1);
  const tasks = tasksOf(c);
  const kfBytes = R * coutPad * 8, kaBytes = (c.cout * (R + 1) * 8 + 15) & ~15;
  return residents.ensure(c, kfBytes + kaBytes + tasks.length * 4, (block) => {
    const { f64, i32 } = heap();
    const kf = block.ptr, ka = kf + kfBytes, at = ka + kaBytes;
    f64.fill(0, kf / 8, at / 8);
    for (let r = 0; r < R; r++) {
      for (let co = 0; co < c.cout; co++) {
        const v = c.kernel[r * c.cout + co];
        f64[kf / 8 + r * coutPad + co] = v;
        f64[ka / 8 + co * (R + 1) + r] = v;
      }
    }
    i32.set(tasks, at / 4);
    return { block, kf, ka, tasks: at, tasksEnd: at + tasks.length * 4, rowBytes: coutPad * 8, kaRowBytes: (R + 1) * 8 };
  });
}

export function dropConvResident(c: ConvGeometry): void {
  residents.drop(c);
}

export function isConvResident(c: ConvGeometry): boolean {
  return residents.has(c);
}

/** c's current resident copy and the address of `bytes` of scratch for one call; undefined means "use the JS loop". */
function callOn(c: ConvGeometry, bytes: number): { r: Resident; base: number } | undefined {
  const r = residents.current(c);
  if (!r) return undefined;
  const base = scratchOf(bytes);
  return base === 0 ? undefined : { r, base };
}

/** out (oh×ow×cout) += conv(x) on the kernel if c is resident; false means "use the JS loop". */
export function wasmConvForward(c: ConvGeometry, x: ArrayLike<number>, out: Float64Array): boolean {
  const nIn = c.h * c.w * c.cin, nOut = c.oh * c.ow * c.cout;
  const inBytes = (nIn * 8 + 15) & ~15;
  // The output region has two spare doubles: an odd cout's last pair reads one past its pixel.
  const call = callOn(c, inBytes + nOut * 8 + 16);
  if (!call) return false;
  const { r, base } = call;
  const { f64 } = heap();
  const img = base, outPtr = base + inBytes;
  f64.set(x, img / 8);
  f64.set(out, outPtr / 8);
  wasmConvKernel()!.fwd(r.tasks, r.tasksEnd, img, outPtr, r.kf, c.cout, r.rowBytes);
  out.set(f64.subarray(outPtr / 8, outPtr / 8 + nOut));
  return true;
}

/** out (h×w×cin) += convᵀ(g) on the kernel if c is resident; false means "use the JS loop". */
export function wasmConvAdjoint(c: ConvGeometry, g: ArrayLike<number>, out: Float64Array): boolean {
  const nOut = c.h * c.w * c.cin, pixels = c.oh * c.ow, cout = c.cout;
  const outBytes = (nOut * 8 + 15) & ~15, startBytes = ((pixels + 1) * 4 + 15) & ~15;
  const call = callOn(c, outBytes + startBytes + pixels * cout * 16);
  if (!call) return false;
  const { r, base } = call;
  const { f64, i32 } = heap();
  const outPtr = base, starts = base + outBytes, entries = starts + startBytes;
  f64.set(out, outPtr / 8);
  // The nonzero g of each pixel (a ReLU leaves about half zero) with the byte offset of their row of Kᵀ.
  let e = entries;
  for (let p = 0; p < pixels; p++) {
    i32[starts / 4 + p] = e;
    for (let co = 0; co < cout; co++) {
      const v = g[p * cout + co];
      if (v === 0) continue;
      f64[e / 8] = v;
      i32[e / 4 + 2] = co * r.kaRowBytes;
      e += 16;
    }
  }
  i32[starts / 4 + pixels] = e;
  wasmConvKernel()!.adj(r.tasks, r.tasksEnd, starts, outPtr, r.ka);
  out.set(f64.subarray(outPtr / 8, outPtr / 8 + nOut));
  return true;
}
