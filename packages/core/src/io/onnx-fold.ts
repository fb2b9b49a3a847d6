/**
 * Shape arithmetic folded at load time (packages/core/README.md, "ONNX"). A graph exported with
 * dynamic axes computes its Reshape targets from the batch size at run time (Shape → Gather →
 * Unsqueeze → Concat → Reshape). A generator maps one latent at a time, so the batch is 1 and every
 * such node reads only constants and known shapes: it is evaluated here once, on small tensors, and
 * the graph that is left is the chain ./onnx.ts reads.
 */
import { FormatError } from '../errors.js';

/** A constant tensor (values as float64; `integer` for the integer types, whose Div truncates). */
export interface Const {
  dims: number[];
  values: Float64Array;
  integer?: boolean;
}

/** Operators that are always folded (they never carry the generator's values). */
export const FOLDED_SHAPE_OPS = ['Shape', 'Gather', 'Unsqueeze', 'Squeeze', 'Concat', 'Slice', 'Cast', 'ConstantOfShape'] as const;
/** Operators folded when every input is a constant. */
export const FOLDED_ON_CONSTANTS = ['Add', 'Sub', 'Mul', 'Div', 'Reshape', 'Identity'] as const;

/** Most values a folded tensor may hold (shape tensors have a handful). */
export const MAX_FOLDED_VALUES = 65536;

/** What folding one node needs from the loader. */
export interface FoldContext {
  /** `source: node 'name' (Op)`, the start of every message. */
  where: string;
  /** How many inputs the node names. */
  inputs: number;
  /** Constant input k; undefined when the input is absent (an empty name) or not a constant. */
  input(k: number): Const | undefined;
  /** The shape (batch 1) of a tensor of the chain, or of a constant. */
  shapeOf(k: number): number[] | undefined;
  int(name: string): number | undefined;
  ints(name: string): number[] | undefined;
  tensor(name: string): Const | undefined;
  /** The ONNX opset the graph imports (Unsqueeze, Squeeze and Slice moved attributes to inputs). */
  opset: number;
}

const size = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

function strides(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length);
  for (let a = dims.length - 1, m = 1; a >= 0; m *= dims[a--]) s[a] = m;
  return s;
}

/** A new tensor of `dims` whose entry at multi-index i is value(i); its size is checked first. */
function build(dims: number[], where: string, value: (idx: number[]) => number, integer?: boolean): Const {
  const n = size(dims);
  if (!(n <= MAX_FOLDED_VALUES)) throw new FormatError(`${where}: folding it would make ${n} values, more than the ${MAX_FOLDED_VALUES} allowed for shape arithmetic`);
  const values = new Float64Array(n);
  const idx = new Array<number>(dims.length).fill(0);
  for (let r = 0; r < n; r++) {
    values[r] = value(idx);
    for (let a = dims.length - 1; a >= 0 && ++idx[a] === dims[a]; a--) idx[a] = 0;
  }
  return { dims, values, integer };
}

const at = (c: Const, idx: readonly number[]) => {
  const s = strides(c.dims);
  let o = 0;
  for (let a = 0; a < idx.length; a++) o += idx[a] * s[a];
  return c.values[o];
};

function axisOf(a: number, rank: number, where: string): number {
  const axis = a < 0 ? a + rank : a;
  if (!(axis >= 0 && axis < rank)) throw new FormatError(`${where}: axis ${a} is out of range for rank ${rank}`);
  return axis;
}

/** Numpy broadcasting of two shapes. */
function broadcastDims(a: number[], b: number[], where: string): number[] {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, k) => {
    const x = a[k - rank + a.length] ?? 1, y = b[k - rank + b.length] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw new FormatError(`${where}: shapes [${a.join(', ')}] and [${b.join(', ')}] do not broadcast`);
    return Math.max(x, y);
  });
}

/** ONNX integer (and bool) element types, for Cast. */
const INTEGER_TYPES = new Set([2, 3, 4, 5, 6, 7, 9, 12, 13]);

/** The constant a shape-arithmetic node computes. */
export function foldNode(op: string, cx: FoldContext): Const {
  const { where } = cx;
  const need = (k: number, what: string): Const => {
    const c = cx.input(k);
    if (!c) throw new FormatError(`${where}: its ${what} (input ${k}) is not a constant, so the shape arithmetic cannot be folded`);
    return c;
  };
  const listOf = (k: number, attr: string): number[] | undefined => {
    const c = cx.opset >= (op === 'Slice' ? 10 : 13) ? cx.input(k) : undefined;
    return c ? Array.from(c.values) : cx.ints(attr);
  };
  switch (op) {
    case 'Shape': {
      const dims = cx.shapeOf(0);
      if (!dims) throw new FormatError(`${where}: the shape of its input is not known, so it cannot be folded`);
      const rank = dims.length;
      const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
      const part = dims.slice(clamp(cx.int('start') ?? 0), clamp(cx.int('end') ?? rank));
      return { dims: [part.length], values: Float64Array.from(part), integer: true };
    }
    case 'Identity':
      return need(0, 'input');
    case 'Gather': {
      const data = need(0, 'data'), indices = need(1, 'indices');
      const axis = axisOf(cx.int('axis') ?? 0, data.dims.length, where);
      const n = data.dims[axis];
      const dims = [...data.dims.slice(0, axis), ...indices.dims, ...data.dims.slice(axis + 1)];
      const r = indices.dims.length;
      return build(dims, where, (idx) => {
        let j = at(indices, idx.slice(axis, axis + r));
        if (j < 0) j += n;
        if (!(j >= 0 && j < n)) throw new FormatError(`${where}: index ${j} is out of range for an axis of ${n}`);
        return at(data, [...idx.slice(0, axis), j, ...idx.slice(axis + r)]);
      }, data.integer);
    }
    case 'Unsqueeze': {
      const x = need(0, 'data');
      const axes = listOf(1, 'axes');
      if (!axes) throw new FormatError(`${where}: has no axes`);
      const rank = x.dims.length + axes.length;
      const set = new Set(axes.map((a) => axisOf(a, rank, where)));
      if (set.size !== axes.length) throw new FormatError(`${where}: axes [${axes.join(', ')}] repeat an axis`);
      const rest = [...x.dims];
      return { dims: Array.from({ length: rank }, (_, k) => (set.has(k) ? 1 : rest.shift()!)), values: x.values, integer: x.integer };
    }
    case 'Squeeze': {
      const x = need(0, 'data');
      const axes = listOf(1, 'axes')?.map((a) => axisOf(a, x.dims.length, where));
      if (axes?.some((a) => x.dims[a] !== 1)) throw new FormatError(`${where}: squeezes an axis whose size is not 1 ([${x.dims.join(', ')}])`);
      return { dims: x.dims.filter((d, k) => (axes ? !axes.includes(k) : d !== 1)), values: x.values, integer: x.integer };
    }
    case 'Concat': {
      const parts = Array.from({ length: cx.inputs }, (_, k) => need(k, `part ${k}`));
      if (!parts.length) throw new FormatError(`${where}: has no inputs`);
      const rank = parts[0].dims.length;
      const axis = axisOf(cx.int('axis') ?? 0, rank, where);
      if (parts.some((p) => p.dims.length !== rank || p.dims.some((d, k) => k !== axis && d !== parts[0].dims[k]))) throw new FormatError(`${where}: its parts' shapes do not match`);
      const starts = parts.map((_, k) => parts.slice(0, k).reduce((s, p) => s + p.dims[axis], 0));
      const dims = parts[0].dims.map((d, k) => (k === axis ? starts[starts.length - 1] + parts[parts.length - 1].dims[axis] : d));
      return build(dims, where, (idx) => {
        let p = parts.length - 1;
        while (starts[p] > idx[axis]) p--;
        return at(parts[p], idx.map((v, k) => (k === axis ? v - starts[p] : v)));
      }, parts.every((p) => p.integer));
    }
    case 'Slice': {
      const x = need(0, 'data');
      const starts = listOf(1, 'starts'), ends = listOf(2, 'ends');
      if (!starts || !ends || starts.length !== ends.length) throw new FormatError(`${where}: needs starts and ends of one length`);
      const axes = (listOf(3, 'axes') ?? starts.map((_, k) => k)).map((a) => axisOf(a, x.dims.length, where));
      const steps = (cx.opset >= 10 ? cx.input(4) : undefined)?.values ?? starts.map(() => 1);
      const first = x.dims.map(() => 0), step = x.dims.map(() => 1), dims = [...x.dims];
      axes.forEach((a, k) => {
        const n = x.dims[a], s = steps[k];
        if (!Number.isInteger(s) || s === 0) throw new FormatError(`${where}: step ${s} is not supported`);
        const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v < 0 ? v + n : v, lo), hi);
        const b = s > 0 ? clamp(starts[k], 0, n) : clamp(starts[k], -1, n - 1);
        const e = s > 0 ? clamp(ends[k], 0, n) : clamp(ends[k], -1, n - 1);
        first[a] = b;
        step[a] = s;
        dims[a] = Math.max(0, Math.ceil((e - b) / s));
      });
      return build(dims, where, (idx) => at(x, idx.map((v, k) => first[k] + v * step[k])), x.integer);
    }
    case 'Cast': {
      const x = need(0, 'input');
      const to = cx.int('to') ?? 1;
      if (!INTEGER_TYPES.has(to)) return { dims: x.dims, values: to === 1 ? x.values.map(Math.fround) : x.values };
      return { dims: x.dims, values: x.values.map((v) => (to === 9 ? (v !== 0 ? 1 : 0) : Math.trunc(v))), integer: true };
    }
    case 'ConstantOfShape': {
      const dims = Array.from(need(0, 'shape').values);
      if (dims.some((d) => !Number.isInteger(d) || d < 0)) throw new FormatError(`${where}: shape [${dims.join(', ')}] is not a list of sizes`);
      const value = cx.tensor('value');
      const v = value?.values[0] ?? 0;
      return build(dims, where, () => v, value ? value.integer : false);
    }
    case 'Reshape': {
      const x = need(0, 'data');
      const target = Array.from(need(1, 'shape').values).map((d, k) => (d === 0 ? x.dims[k] : d));
      const known = size(target.filter((d) => d !== -1));
      const dims = target.map((d) => (d === -1 ? size(x.dims) / known : d));
      if (size(dims) !== x.values.length || dims.some((d) => !Number.isInteger(d) || d < 0)) throw new FormatError(`${where}: cannot reshape [${x.dims.join(', ')}] to [${target.join(', ')}]`);
      return { dims, values: x.values, integer: x.integer };
    }
    case 'Add':
    case 'Sub':
    case 'Mul':
    case 'Div': {
      const a = need(0, 'first operand'), b = need(1, 'second operand');
      const dims = broadcastDims(a.dims, b.dims, where);
      const integer = a.integer && b.integer;
      const pick = (c: Const) => (idx: number[]) => at(c, idx.slice(idx.length - c.dims.length).map((v, k) => (c.dims[k] === 1 ? 0 : v)));
      const x = pick(a), y = pick(b);
      const f = op === 'Add' ? (p: number, q: number) => p + q : op === 'Sub' ? (p: number, q: number) => p - q : op === 'Mul' ? (p: number, q: number) => p * q : (p: number, q: number) => (integer ? Math.trunc(p / q) : p / q);
      return build(dims, where, (idx) => f(x(idx), y(idx)), integer);
    }
    default:
      throw new FormatError(`${where}: operator '${op}' cannot be folded`);
  }
}
