/**
 * Emits the bytes of the `conv` WebAssembly module (by hand, as ./emit.ts does for mattvec;
 * ./conv-bytes.ts embeds the output). It imports `env.memory` and exports two functions that run the
 * loops of stages.ts's ConvCore over a list of tasks, one per (output pixel, kernel row ky) that
 * meets the image. A task is four i32: the byte offset of its image segment (the input pixels the
 * kernel row covers, kx and channel flattened into one index j), the output pixel p, the first kernel
 * row r0 = (ky·kw + kx0)·cin of the flattened kernel [kh·kw·cin, cout], and the segment length n.
 *
 * - `fwd(tasks, tasksEnd, img, out, kf, cout, rowBytes)`: ConvCore.forward, out[p·cout + co] +=
 *   img[j]·K[r0 + j][co] for j in order, zero img[j] skipped; f64x2 over co, eight at a time.
 *   kf holds K with rows padded to an even count (rowBytes).
 * - `adj(tasks, tasksEnd, starts, out, ka)`: ConvCore.adjoint, s = Σ_co g[p·cout + co]·K[r0 + j][co]
 *   from 0 in co order, then out[segment + j] += s; f64x2 over j, eight at a time. ka holds Kᵀ
 *   ([cout, R+1], a zero column last); the nonzero g of pixel p are 16-byte entries {g: f64, byte
 *   offset of row co of Kᵀ: i32} from starts[p] to starts[p+1] (absolute addresses).
 *
 * Each output entry receives the same terms in the same order as in the JS loops, and wasm has no
 * fused multiply-add, so both give bit-identical results. Skipping a zero term changes nothing:
 * the sums start at +0 and never become −0, and kernels are finite (ConvMap checks).
 */
import {
  add, emitModule, F64, f64Load, f64Store, f64x2Add, f64x2Mul, f64x2Splat, get, I32, i32, i32Load, ifDo, lane0, locals, op, set, simd, sleb, uleb, V128, v128Load, v128Store, v128Zero, whileDo, x,
} from './emit.js';

/**
 * Pairs of doubles accumulated at once: independent f64x2 add chains (the add latency bounds a single
 * one). The widest block repeats; each narrower one then runs at most once, down to a last lone double.
 */
const PAIRS = 4;
const NARROWER = [2, 1];


/**
 * Runs `block(pairs, lane0Only)` over a length held in local `left` (doubles): PAIRS pairs while they
 * fit, then 2 and 1 pair once each if they fit, then the last double alone; `advance(bytes)` moves
 * the block's pointers on.
 */
const blocks = (left: number, block: (pairs: number, lane0Only: boolean) => number[], advance: (bytes: number) => number[]) => [
  ...whileDo([...get(left), ...i32(2 * PAIRS), x.i32GeU], [...block(PAIRS, false), ...advance(16 * PAIRS), ...add(left, -2 * PAIRS)]),
  ...NARROWER.flatMap((pairs) => ifDo([...get(left), ...i32(2 * pairs), x.i32GeU], [...block(pairs, false), ...advance(16 * pairs), ...add(left, -2 * pairs)])),
  ...ifDo(get(left), block(1, true)),
];

/** Loops over the tasks from `tasks` to `end` (params 0 and 1), running `body` with the task at local t. */
const overTasks = (t: number, body: number[]) => [...get(0), ...set(t), ...whileDo([...get(t), ...get(1), op.i32LtU], [...body, ...add(t, 16)])];

function fwdBody(): number[] {
  // params: tasks 0, end 1, img 2, out 3, kf 4, cout 5, rowBytes 6
  const [t, xp, xEnd, ob, kc, c, kp] = [7, 8, 9, 10, 11, 12, 13];
  const xv = 14, xs = 15, acc = (i: number) => 16 + i;
  const feed = (pairs: number) => [
    ...whileDo([...get(xp), ...get(xEnd), op.i32LtU], [
      ...ifDo([...get(xp), ...f64Load(), op.tee, xv, x.f64Const, ...new Array(8).fill(0), x.f64Ne], [
        ...get(xv), ...f64x2Splat, ...set(xs),
        ...Array.from({ length: pairs }, (_, i) => [...get(acc(i)), ...get(xs), ...get(kp), ...v128Load(16 * i), ...f64x2Mul, ...f64x2Add, ...set(acc(i))]).flat(),
      ]),
      ...add(xp, 8), ...get(kp), ...get(6), op.i32Add, ...set(kp),
    ]),
  ];
  /** acc = out pairs; acc += img[j]·K[j] over the segment; then store (all lanes or lane 0 only). */
  const block = (pairs: number, lane0Only: boolean) => [
    ...Array.from({ length: pairs }, (_, i) => [...get(ob), ...v128Load(16 * i), ...set(acc(i))]).flat(),
    ...get(t), ...i32Load(0), ...get(2), op.i32Add, ...set(xp),
    ...get(xp), ...get(t), ...i32Load(12), ...i32(8), x.i32Mul, op.i32Add, ...set(xEnd),
    ...get(kc), ...set(kp),
    ...feed(pairs),
    ...(lane0Only
      ? [...get(ob), ...get(acc(0)), ...lane0, ...f64Store()]
      : Array.from({ length: pairs }, (_, i) => [...get(ob), ...get(acc(i)), ...v128Store(16 * i)]).flat()),
  ];
  const body = [
    ...get(3), ...get(t), ...i32Load(4), ...get(5), x.i32Mul, ...i32(8), x.i32Mul, op.i32Add, ...set(ob),
    ...get(4), ...get(t), ...i32Load(8), ...get(6), x.i32Mul, op.i32Add, ...set(kc),
    ...get(5), ...set(c),
    ...blocks(c, block, (bytes) => [...add(ob, bytes), ...add(kc, bytes)]),
  ];
  return [...locals([7, I32], [1, F64], [PAIRS + 1, V128]), ...overTasks(t, body)];
}

function adjBody(): number[] {
  // params: tasks 0, end 1, starts 2, out 3, ka 4
  const [t, outp, kb, n, eBeg, eEnd, e, sp] = [5, 6, 7, 8, 9, 10, 11, 12];
  const g = 13, acc = (i: number) => 14 + i;
  /** acc = Σ over pixel p's nonzero g of g·Kᵀ[co][j..]; then out[j..] += acc (all lanes or lane 0 only). */
  const block = (pairs: number, lane0Only: boolean) => [
    ...Array.from({ length: pairs }, (_, i) => [...v128Zero, ...set(acc(i))]).flat(),
    ...get(eBeg), ...set(e),
    ...whileDo([...get(e), ...get(eEnd), op.i32LtU], [
      ...get(e), ...f64Load(), ...f64x2Splat, ...set(g),
      ...get(kb), ...get(e), ...i32Load(8), op.i32Add, ...set(sp),
      ...Array.from({ length: pairs }, (_, i) => [...get(acc(i)), ...get(g), ...get(sp), ...v128Load(16 * i), ...f64x2Mul, ...f64x2Add, ...set(acc(i))]).flat(),
      ...add(e, 16),
    ]),
    ...(lane0Only
      ? [...get(outp), ...get(outp), ...f64Load(), ...get(acc(0)), ...lane0, x.f64Add, ...f64Store()]
      : Array.from({ length: pairs }, (_, i) => [...get(outp), ...get(outp), ...v128Load(16 * i), ...get(acc(i)), ...f64x2Add, ...v128Store(16 * i)]).flat()),
  ];
  const body = [
    ...get(2), ...get(t), ...i32Load(4), ...i32(4), x.i32Mul, op.i32Add, ...set(sp),
    ...get(sp), ...i32Load(0), ...set(eBeg),
    ...get(sp), ...i32Load(4), ...set(eEnd),
    ...ifDo([...get(eBeg), ...get(eEnd), x.i32Ne], [
      ...get(3), ...get(t), ...i32Load(0), op.i32Add, ...set(outp),
      ...get(4), ...get(t), ...i32Load(8), ...i32(8), x.i32Mul, op.i32Add, ...set(kb),
      ...get(t), ...i32Load(12), ...set(n),
      ...blocks(n, block, (bytes) => [...add(outp, bytes), ...add(kb, bytes)]),
    ]),
  ];
  return [...locals([8, I32], [PAIRS + 1, V128]), ...overTasks(t, body)];
}

export function emitConvModule(): Uint8Array<ArrayBuffer> {
  return emitModule(['fwd', 'adj'], [7, 5], [fwdBody(), adjBody()]);
}
