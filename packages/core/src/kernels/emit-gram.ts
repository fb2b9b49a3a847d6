/**
 * Emits the bytes of the `gram` WebAssembly module (by hand, as ./emit.ts does for mattvec;
 * ./gram-bytes.ts embeds the output). It imports `env.memory` and exports
 * `dots(s, sStride, b, bStride, pairs, bytes, out)`: for four rows s_r at s + r·sStride and `pairs`
 * pairs of rows b_j at b + j·bStride, it writes the dot products of their first `bytes` bytes,
 * out[8q + 2r + c] = s_r · b_{2q+c} (`bytes` a positive multiple of 16). Each dot product sums the
 * even terms in lane 0 and the odd ones in lane 1, in order, then adds the two lanes: linalg.ts's JS
 * loops do the same, so both agree bit for bit. linalg.ts's weightedGram (s: scaled rows of Aᵀ,
 * b: rows of Aᵀ) and cholesky (s: four rows of L, b: the rows below) use it.
 * Four rows against two per pass keep eight independent f64x2 sums in registers and read each loaded
 * row six times less often than one product at a time would.
 */
import { add, emitModule, f64Store, f64x2Add, f64x2Mul, get, I32, i32, lane0, locals, op, set, simd, V128, v128Load, v128Zero, whileDo, x } from './emit.js';

const lane1 = [...simd(0x21), 1];

function gramBody(): number[] {
  const [s, sStride, b, bStride, pairs, bytes, out] = [0, 1, 2, 3, 4, 5, 6];
  const [i, s1, s2, s3, b1] = [7, 8, 9, 10, 11];
  const acc = (j: number) => 12 + j, x0 = 20, x1 = 21, sv = 22;
  const rowsOfS = [s, s1, s2, s3];
  const step = [
    ...get(b), ...get(i), op.i32Add, ...v128Load(), ...set(x0),
    ...get(b1), ...get(i), op.i32Add, ...v128Load(), ...set(x1),
    ...rowsOfS.flatMap((row, r) => [
      ...get(row), ...get(i), op.i32Add, ...v128Load(), ...set(sv),
      ...get(acc(2 * r)), ...get(sv), ...get(x0), ...f64x2Mul, ...f64x2Add, ...set(acc(2 * r)),
      ...get(acc(2 * r + 1)), ...get(sv), ...get(x1), ...f64x2Mul, ...f64x2Add, ...set(acc(2 * r + 1)),
    ]),
    ...add(i, 16),
  ];
  const pass = [
    ...Array.from({ length: 8 }, (_, j) => [...v128Zero, ...set(acc(j))]).flat(),
    ...get(b), ...get(bStride), op.i32Add, ...set(b1),
    ...i32(0), ...set(i),
    // bytes ≥ 16, so the loop body runs at least once.
    op.loop, 0x40, ...step, ...get(i), ...get(bytes), op.i32LtU, op.brIf, 0, op.end,
    ...Array.from({ length: 8 }, (_, j) => [...get(out), ...get(acc(j)), ...lane0, ...get(acc(j)), ...lane1, x.f64Add, ...f64Store(8 * j)]).flat(),
    ...add(out, 64),
    ...get(b1), ...get(bStride), op.i32Add, ...set(b),
    ...add(pairs, -1),
  ];
  const body = [
    ...get(s), ...get(sStride), op.i32Add, ...set(s1),
    ...get(s1), ...get(sStride), op.i32Add, ...set(s2),
    ...get(s2), ...get(sStride), op.i32Add, ...set(s3),
    ...whileDo(get(pairs), pass),
  ];
  return [...locals([5, I32], [11, V128]), ...body];
}

export function emitGramModule(): Uint8Array<ArrayBuffer> {
  return emitModule(['dots'], [7], [gramBody()]);
}
