/**
 * Emits the bytes of the `mattvec` WebAssembly module (no toolchain: the module is small enough to
 * assemble here, and ./mattvec-bytes.ts embeds the output so nothing is generated at run time).
 *
 * Imports `env.memory` (./heap.ts owns it; the conv module shares it) and exports
 * `tv(rowPtrs, ys, n, out, bytes)`: for each of the n active rows,
 * out[0..bytes) += y_t · A_row_t, GROUP rows per pass over `out` and then the remaining rows one by one,
 * two doubles per f64x2 lane. `rowPtrs` holds n i32 byte addresses of rows, `ys` n float64
 * multipliers; `bytes` is the row length in bytes, a positive multiple of 16 (rows are padded to an
 * even column count). The additions happen in exactly the order of the JS loop in linalg.ts (wasm has
 * no fused multiply-add), so both kernels give bit-identical results and a solve does not depend on
 * when its matrix became resident.
 */

/** Rows accumulated per pass over `out`, as in linalg.ts's matTvec (the two must agree for identical sums). */
export const GROUP = 8;

export const I32 = 0x7f, V128 = 0x7b, F64 = 0x7c;
export const op = {
  block: 0x02, loop: 0x03, br: 0x0c, brIf: 0x0d, end: 0x0b,
  get: 0x20, set: 0x21, tee: 0x22,
  i32Load: 0x28, f64Load: 0x2b, i32Const: 0x41, i32Eqz: 0x45, i32LtU: 0x49, i32Add: 0x6a, i32Sub: 0x6b,
} as const;
export const simd = (code: number): number[] => [0xfd, ...uleb(code)];
export const v128Load = (offset = 0) => [...simd(0x00), 4, ...uleb(offset)];
export const v128Store = (offset = 0) => [...simd(0x0b), 4, ...uleb(offset)];
export const f64x2Splat = simd(0x14), f64x2Add = simd(0xf0), f64x2Mul = simd(0xf2);

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) return [...out, b];
    out.push(b | 0x80);
  }
}

export const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
export const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
export const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

/** More opcodes (the emitters' structured helpers below use them). */
export const x = {
  i32Mul: 0x6c, i32GeU: 0x4f, i32Ne: 0x47, f64Load: 0x2b, f64Store: 0x39, f64Add: 0xa0, f64Ne: 0x62, f64Const: 0x44, if: 0x04,
} as const;
export const i32Load = (offset: number) => [op.i32Load, 2, ...uleb(offset)];
export const f64Load = (offset = 0) => [x.f64Load, 3, ...uleb(offset)];
export const f64Store = (offset = 0) => [x.f64Store, 3, ...uleb(offset)];
export const v128Zero = [...simd(0x0c), ...new Array(16).fill(0)];
export const lane0 = [...simd(0x21), 0];
export const get = (l: number) => [op.get, l];
export const set = (l: number) => [op.set, l];
export const i32 = (n: number) => [op.i32Const, ...sleb(n)];
export const add = (a: number, n: number) => [...get(a), ...i32(n), op.i32Add, ...set(a)];
/** while (cond) body: cond must leave an i32; `br 1` inside body leaves the loop. */
export const whileDo = (cond: number[], body: number[]) => [op.block, 0x40, op.loop, 0x40, ...cond, op.i32Eqz, op.brIf, 1, ...body, op.br, 0, op.end, op.end];
export const ifDo = (cond: number[], body: number[]) => [...cond, x.if, 0x40, ...body, op.end];

/** Local declarations after the params: groups of [count, type], in index order. */
export const locals = (...groups: [number, number][]) => [...uleb(groups.length), ...groups.flatMap(([n, type]) => [...uleb(n), type])];

/**
 * A module of functions (type i, body i; params are i32) that imports `env.memory` and exports the
 * functions under `names`. `bodies` are locals then code, without the final `end`.
 */
export function emitModule(names: string[], params: number[], bodies: number[][]): Uint8Array<ArrayBuffer> {
  const type = section(1, vec(params.map((n) => [0x60, ...vec(Array.from({ length: n }, () => [I32])), 0])));
  const imports = section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, 1]]));
  const funcs = section(3, vec(names.map((_, i) => uleb(i))));
  const exports = section(7, vec(names.map((n, i) => [...name(n), 0x00, ...uleb(i)])));
  const code = section(10, vec(bodies.map((b) => [...uleb(b.length + 1), ...b, op.end])));
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...type, ...imports, ...funcs, ...exports, ...code]);
}

/** The body of `tv`. Params 0-4: rowPtrs, ys, n, out, bytes; then k, p_0..p_G-1 (i32), y_0..y_G-1, acc (v128). */
function tvBody(): number[] {
  const [rowPtrs, ys, n, out, bytes, k] = [0, 1, 2, 3, 4, 5];
  const p = (r: number) => 6 + r, y = (r: number) => 6 + GROUP + r, acc = 6 + 2 * GROUP;
  const code: number[] = [];
  const emit = (...parts: (number | number[])[]) => { for (const x of parts) typeof x === 'number' ? code.push(x) : code.push(...x); };
  const term = (r: number) => [op.get, y(r), op.get, p(r), op.get, k, op.i32Add, ...v128Load(), ...f64x2Mul];
  /** Left to right, as JS evaluates `t0 + t1 + t2 + t3`. */
  const chain = (lo: number, hi: number): number[] => [...term(lo), ...Array.from({ length: hi - lo - 1 }, (_, r) => [...term(lo + 1 + r), ...f64x2Add]).flat()];
  /** One pass over `out` for `rows` rows: out[k] += (the linalg.ts sum of the rows' terms). */
  const pass = (rows: number) => {
    for (let r = 0; r < rows; r++) {
      emit(op.get, rowPtrs, op.i32Load, 2, ...uleb(4 * r), op.set, p(r));
      emit(op.get, ys, op.f64Load, 3, ...uleb(8 * r), f64x2Splat, op.set, y(r));
    }
    emit(op.i32Const, 0, op.set, k, op.loop, 0x40);
    const sum = rows === 1 ? term(0) : [...chain(0, rows / 2), ...chain(rows / 2, rows), ...f64x2Add];
    emit(op.get, out, op.get, k, op.i32Add, ...v128Load(), sum, f64x2Add, op.set, acc);
    emit(op.get, out, op.get, k, op.i32Add, op.get, acc, ...v128Store());
    emit(op.get, k, op.i32Const, 16, op.i32Add, op.set, k);
    emit(op.get, k, op.get, bytes, op.i32LtU, op.brIf, 0, op.end);
    emit(op.get, rowPtrs, op.i32Const, ...sleb(4 * rows), op.i32Add, op.set, rowPtrs);
    emit(op.get, ys, op.i32Const, ...sleb(8 * rows), op.i32Add, op.set, ys);
    emit(op.get, n, op.i32Const, ...sleb(rows), op.i32Sub, op.set, n);
  };
  // while (n >= GROUP) pass(GROUP); while (n > 0) pass(1)
  emit(op.block, 0x40, op.loop, 0x40, op.get, n, op.i32Const, ...sleb(GROUP), op.i32LtU, op.brIf, 1);
  pass(GROUP);
  emit(op.br, 0, op.end, op.end);
  emit(op.block, 0x40, op.loop, 0x40, op.get, n, op.i32Eqz, op.brIf, 1);
  pass(1);
  emit(op.br, 0, op.end, op.end);
  const locals = vec([[...uleb(1 + GROUP), I32], [...uleb(GROUP + 1), V128]]);
  return [...locals, ...code];
}

export function emitMatTvecModule(): Uint8Array<ArrayBuffer> {
  return emitModule(['tv'], [5], [tvBody()]);
}
