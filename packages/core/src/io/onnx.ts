/**
 * ONNX generators (docs: packages/core/README.md, "ONNX"). The protobuf is decoded by ./protobuf.ts with
 * the schema of ./onnx-schema.ts; the graph, a chain of supported operators from one input to one output, is
 * translated once into the equivalent layers model (channels-first NCHW → the core's NHWC, weights
 * permuted at load time) and built by the layers-model loader, so both formats share one builder.
 */
import { FormatError } from '../errors.js';
import type { Generator } from '../generator.js';
import { PermuteMap } from '../permute.js';
import { convAxis } from '../stages.js';
import { parseLayersModel, type LayersModelFiles } from './layers-model.js';
import { DEFAULT_LIMITS } from './limits.js';
import { type Const, FOLDED_ON_CONSTANTS, FOLDED_SHAPE_OPS, type FoldContext, foldNode } from './onnx-fold.js';
import {
  decodeModel, ONNX_TYPES, onnxDataType, type OnnxAttribute, type OnnxModel, type OnnxNode, type OnnxTensor, type OnnxValueInfo,
} from './onnx-schema.js';

/** Reads `length` bytes (all, when undefined) at `offset` of an external-data file named relative to the model. */
export type ExternalDataReader = (location: string, offset: number, length: number | undefined) => Uint8Array;

export interface OnnxOptions {
  /** Names the file in messages. */
  source?: string;
  /** Resolves external tensor data; without it a model with external data is refused. */
  external?: ExternalDataReader;
  /** Most nodes accepted (default DEFAULT_LIMITS.nodes). */
  maxNodes?: number;
}

export const SUPPORTED_ONNX_OPS = [
  'Gemm', 'MatMul', 'Add', 'Relu', 'LeakyRelu', 'Sigmoid', 'Tanh', 'Identity', 'Dropout', 'Conv', 'ConvTranspose',
  'BatchNormalization', 'Reshape', 'Flatten', 'Transpose', 'Resize', 'Upsample', 'Constant',
] as const;

type Json = Record<string, unknown>;

/** Most values one node may output (2^24: a 4096×4096 image); a generator's stages are far smaller. */
export const MAX_STAGE_VALUES = 2 ** 24;

/** An int64 field (a number, or a bigint when outside the safe range) as a safe integer. */
function int(v: unknown, where: string): number {
  const n = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : NaN;
  if (!Number.isSafeInteger(n)) throw new FormatError(`${where}: ${String(v)} is not an integer in the safe range`);
  return n;
}

/** Decodes the protobuf; a truncated or malformed file gets a one-line error. */
export function decodeOnnx(bytes: Uint8Array, source = 'model.onnx'): OnnxModel {
  let model: OnnxModel;
  try {
    model = decodeModel(bytes);
  } catch (e) {
    throw new FormatError(`${source}: not a valid ONNX file (${(e as Error).message.split('\n')[0]})`);
  }
  if (!model.graph) throw new FormatError(`${source}: not an ONNX model (no graph)`);
  return model;
}

/** A tensor's values as float64; sizes are checked against the bytes present before anything is allocated. */
function tensorValues(t: OnnxTensor, where: string, external: ExternalDataReader | undefined): Const {
  const dims = (t.dims ?? []).map((d, i) => int(d, `${where}: dims[${i}]`));
  let n = 1;
  for (const d of dims) {
    if (d < 0) throw new FormatError(`${where}: negative dimension ${d}`);
    n *= d;
    if (n > 2 ** 31) throw new FormatError(`${where}: declares more than 2^31 values`);
  }
  const type = onnxDataType(t.dataType ?? 0);
  if (type === undefined) throw new FormatError(`${where}: data type ${t.dataType ?? 0} is not supported (float32, float64, int32, int64)`);
  const size = type.bytes;
  let raw = t.rawData && t.rawData.length ? t.rawData : undefined;
  if (t.dataLocation === 1 || (t.externalData && t.externalData.length)) {
    const entry = (k: string) => t.externalData?.find((e) => e.key === k)?.value;
    const location = entry('location');
    if (!location) throw new FormatError(`${where}: external data without a location`);
    if (!external) throw new FormatError(`${where}: stored in external file '${location}', which cannot be read here (load the model from its folder)`);
    const offset = entry('offset'), length = entry('length');
    const num = (s: string | undefined, what: string) => {
      if (s === undefined) return undefined;
      if (!/^\d+$/.test(s)) throw new FormatError(`${where}: external data ${what} '${s}' is not a whole number`);
      return Number(s);
    };
    const len = num(length, 'length');
    if (len !== undefined && len !== n * size) throw new FormatError(`${where}: declares ${n} values (${n * size} bytes) but its external length is ${len}`);
    raw = external(location, num(offset, 'offset') ?? 0, n * size);
  }
  const values = (count: number) => {
    if (count !== n) throw new FormatError(`${where}: declares ${n} values but holds ${count}`);
    return new Float64Array(n);
  };
  if (raw) {
    if (raw.length !== n * size) throw new FormatError(`${where}: declares ${n} values (${n * size} bytes) but holds ${raw.length} bytes`);
    const out = values(n);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let i = 0; i < n; i++) out[i] = type.read(view, size * i);
    return { dims, values: out, integer: type.integer };
  }
  const list: ArrayLike<unknown> = t[type.field] ?? [];
  const out = values(list.length);
  // int64 values arrive as numbers (bigints when unsafe); int() checks that each is a safe integer.
  for (let i = 0; i < n; i++) out[i] = type === ONNX_TYPES.int64 ? int(list[i], where) : (list[i] as number);
  return { dims, values: out, integer: type.integer };
}

/** The value of a Constant node. */
function constantOf(node: OnnxNode, where: string, external: ExternalDataReader | undefined): Const {
  const a = node.attribute?.[0];
  if (a?.t) return tensorValues(a.t, where, external);
  if (a?.name === 'value_float') return { dims: [], values: Float64Array.of(a.f ?? 0) };
  if (a?.name === 'value_floats') return { dims: [a.floats?.length ?? 0], values: Float64Array.from(a.floats ?? []) };
  if (a?.name === 'value_int') return { dims: [], values: Float64Array.of(int(a.i ?? 0, where)), integer: true };
  if (a?.name === 'value_ints') return { dims: [a.ints?.length ?? 0], values: Float64Array.from(a.ints ?? [], (v) => int(v, where)), integer: true };
  throw new FormatError(`${where}: only tensor, float and int constants are supported`);
}

/**
 * The declared shape of the graph's input or output, with the batch axis as 1. Only the first axis
 * may be symbolic (dynamic_axes) or -1; a fixed batch size is read as 1 too (one latent at a time).
 */
function declaredDims(v: OnnxValueInfo, what: string, source: string): number[] {
  return (v.type?.tensorType?.shape?.dim ?? []).map((d, k) => {
    const fixed = Object.prototype.hasOwnProperty.call(d, 'dimValue') && d.dimValue !== undefined && d.dimValue !== null ? int(d.dimValue, `${source}: ${what} '${v.name}' axis ${k}`) : undefined;
    if (k === 0) return 1;
    if (fixed !== undefined && fixed > 0) return fixed;
    const shown = d.dimParam ? `symbolic ('${d.dimParam}')` : fixed !== undefined ? `${fixed}` : 'unknown';
    throw new FormatError(`${source}: ${what} '${v.name}' axis ${k} is ${shown}; only the first (batch) axis may be dynamic`);
  });
}

/** The shortest decimal that is the same float32 (attributes are float32: 0.1 arrives as 0.10000000149). */
function shortestFloat32(f: number): number {
  for (let p = 1; p < 9; p++) {
    const d = Number(f.toPrecision(p));
    if (Math.fround(d) === f) return d;
  }
  return f;
}

const attrOf = (node: OnnxNode, name: string): OnnxAttribute | undefined => node.attribute?.find((a) => a.name === name);
/** A string attribute; present without a value, it is '' (see intAttr). */
const text = (a: OnnxAttribute | undefined): string | undefined => (a ? new TextDecoder().decode(a.s ?? new Uint8Array(0)) : undefined);

/** Position t (torch's C,H,W order) of our index j (H,W,C order) in an image of shape [c, h, w]. */
export function chwIndex(c: number, h: number, w: number): (j: number) => number {
  return (j) => {
    const ch = j % c, p = (j - ch) / c;
    return ch * h * w + p;
  };
}

/**
 * How the running value's entries are stored: our physical axis k holds ONNX axis order[k] of
 * `shape`, row-major. Channels-first images computed by our (channels-last) stages have order
 * [0, 2, 3, 1]; a Transpose only changes the order, and entries move only when a node needs another
 * storage than the one at hand (docs/conv-stages.md, "ONNX layouts").
 */
interface Layout {
  shape: number[];
  order: number[];
}

const IMAGE_ORDER = [0, 2, 3, 1];
const identity = (n: number) => Array.from({ length: n }, (_, i) => i);
const product = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** Whether the storage is plain row-major (axes of size 1 may sit anywhere). */
function plain(v: Layout): boolean {
  const big = v.order.filter((a) => v.shape[a] > 1);
  return big.every((a, k) => k === 0 || big[k - 1] < a);
}

/** For every stored entry j, its row-major index in the ONNX tensor. */
function logicalIndex(v: Layout): Int32Array {
  return new PermuteMap(v.shape, v.order).sparseRows().col;
}

function sameStorage(a: Layout, b: Layout): boolean {
  if (plain(a) && plain(b)) return true;
  const x = logicalIndex(a), y = logicalIndex(b);
  return x.every((v, j) => v === y[j]);
}

/** The supported operators, and the shape arithmetic that is folded, as messages list them. */
const SUPPORTED_TEXT = `${[...SUPPORTED_ONNX_OPS].join(', ')}; folded shape arithmetic: ${[...FOLDED_SHAPE_OPS].join(', ')}, and ${[...FOLDED_ON_CONSTANTS].join(', ')} on constants`;

/** foldNode, whose refusals also list what is supported. */
function folded(op: string, cx: FoldContext): Const {
  try {
    return foldNode(op, cx);
  } catch (e) {
    if (e instanceof FormatError) throw new FormatError(`${e.message} (supported: ${SUPPORTED_TEXT})`);
    throw e;
  }
}

/**
 * The layers model equivalent to an ONNX generator: model.json and float32 weight bytes that
 * parseLayersModel (and writeGenerator's files) understand.
 */
export function onnxToLayersModel(bytes: Uint8Array, options: OnnxOptions = {}): LayersModelFiles {
  const source = options.source ?? 'model.onnx';
  const maxNodes = options.maxNodes ?? DEFAULT_LIMITS.nodes;
  const model = decodeOnnx(bytes, source);
  const graph = model.graph!;
  const nodes = graph.node ?? [];
  if (nodes.length > maxNodes) throw new FormatError(`${source}: the graph has ${nodes.length} nodes, more than the limit of ${maxNodes}`);
  const opset = int(model.opsetImport?.find((o) => !o.domain || o.domain === 'ai.onnx')?.version ?? 13, `${source}: opset version`);
  const consts = new Map<string, Const>();
  (graph.initializer ?? []).forEach((t, i) => consts.set(t.name ?? '', tensorValues(t, `${source}: initializer '${t.name ?? i}'`, options.external)));
  const inputs = (graph.input ?? []).filter((v) => !consts.has(v.name ?? ''));
  if (inputs.length !== 1) throw new FormatError(`${source}: the graph has ${inputs.length} inputs besides its weights; a generator takes exactly one (the latent)`);
  if ((graph.output ?? []).length !== 1) throw new FormatError(`${source}: the graph has ${(graph.output ?? []).length} outputs; a generator has exactly one`);
  const inDims = declaredDims(inputs[0], 'input', source);
  if (inDims.length !== 2 && !(inDims.length === 4 && inDims[2] * inDims[3] === 1)) {
    throw new FormatError(`${source}: input '${inputs[0].name}' has shape [${inDims.join(', ')}], expected [batch, k] or [batch, k, 1, 1]`);
  }
  let current = inputs[0].name ?? '';
  let shape: number[] = [1, ...inDims.slice(1)]; // ONNX's shape with batch 1
  /** The shapes of the chain's tensors so far, for folded Shape nodes. */
  const shapes = new Map<string, number[]>([[current, shape]]);
  let view: Layout = { shape, order: identity(shape.length) };
  /** The layers model's shape at the end of `layers` (no batch axis). */
  let kerasShape: number[] = inDims.length === 2 ? [inDims[1]] : [1, 1, inDims[1]];
  const layers: Json[] = [{ class_name: 'InputLayer', config: { name: 'input', batch_input_shape: [null, ...kerasShape] } }];
  const weights: { name: string; shape: number[]; data: Float64Array }[] = [];
  /** The last Dense's kernel ([in, out]) and bias, which a following Add or a change of storage still changes. */
  let dense: DenseRecord | undefined;
  /** Only elementwise layers (activations, reshapes) since that Dense: its outputs may still be reordered. */
  let denseOpen = false;
  const denses = new Map<string, DenseRecord>();
  const names = new Set<string>();

  /** A Flatten or Reshape layer when the layers model's shape is not `dims`. */
  const kerasAs = (dims: number[], name: string) => {
    if (kerasShape.join() === dims.join()) return;
    layers.push(dims.length === 1 ? { class_name: 'Flatten', config: { name: `${name}_flatten` } } : { class_name: 'Reshape', config: { name: `${name}_reshape`, target_shape: dims } });
    kerasShape = dims;
  };
  /**
   * Stores the running value as `target` (same ONNX shape): by reordering the outputs of the Dense
   * it comes from when nothing but elementwise layers followed it, else by a Permute stage.
   */
  const storeAs = (target: Layout, where: string, name: string) => {
    if (sameStorage(view, target)) {
      view = target;
      return;
    }
    if (dense && denseOpen) {
      const from = logicalIndex(view), want = logicalIndex(target);
      const at = new Int32Array(from.length);
      from.forEach((l, j) => (at[l] = j));
      const src = Array.from(want, (l) => at[l]);
      const { out, kernel } = dense;
      const k = new Float64Array(kernel.length);
      for (let r = 0; r < kernel.length / out; r++) for (let j = 0; j < out; j++) k[r * out + j] = kernel[r * out + src[j]];
      dense.kernel = k;
      if (dense.bias) dense.bias = Float64Array.from(src, (s) => dense!.bias![s]);
    } else {
      // A Permute of the stored tensor; into plain order when the target (a flat vector) is a reshape of it.
      const goal = view.shape.join() === target.shape.join() ? target : plain(target) ? { shape: view.shape, order: identity(view.shape.length) } : undefined;
      if (!goal || view.order[0] !== 0) {
        throw new FormatError(`${where}: needs its input reordered from a transposed tensor of another shape ([${view.shape.join(', ')}] → [${target.shape.join(', ')}]), which is not supported`);
      }
      kerasAs(view.order.slice(1).map((a) => view.shape[a]), name);
      layers.push({ class_name: 'Permute', config: { name: `${name}_permute`, dims: goal.order.slice(1).map((a) => view.order.indexOf(a)) } });
      kerasShape = goal.order.slice(1).map((a) => goal.shape[a]);
      denseOpen = false;
    }
    view = target;
  };

  nodes.forEach((node, i) => {
    const op = node.opType ?? '';
    const label = node.name || `${op}_${i}`;
    const where = `${source}: node '${label}' (${op})`;
    const name = names.has(label) ? `${label}_${i}` : label;
    names.add(name);
    const ins = node.input ?? [];
    const outs = node.output ?? [];
    if (node.domain && node.domain !== 'ai.onnx') throw new FormatError(`${where}: operator domain '${node.domain}' is not supported (only the standard ONNX operators: ${SUPPORTED_TEXT})`);
    const constIn = (k: number, what: string): Const => {
      const c = consts.get(ins[k] ?? '');
      if (!c) throw new FormatError(`${where}: its ${what} '${ins[k] ?? ''}' must be a constant (an initializer or Constant)`);
      return c;
    };
    const optionalConst = (k: number): Const | undefined => (ins[k] ? constIn(k, `input ${k}`) : undefined);
    // An attribute that is present but holds no value has protobuf's default (0, [], ''): writers
    // may leave out a value equal to it. The fallback is for an absent attribute.
    const intAttr = (a: string, fallback: number) => {
      const v = attrOf(node, a);
      return v ? int(v.i ?? 0, `${where}: ${a}`) : fallback;
    };
    const intsAttr = (a: string): number[] | undefined => {
      const v = attrOf(node, a);
      return v && (v.ints ?? []).map((x) => int(x, `${where}: ${a}`));
    };
    const floatAttr = (a: string, fallback: number) => {
      const v = attrOf(node, a);
      return v ? shortestFloat32(v.f ?? 0) : fallback;
    };

    if (op === 'Constant') {
      consts.set(outs[0] ?? '', constantOf(node, where, options.external));
      return;
    }
    const readsConstants = ins.length > 0 && ins.every((n) => !n || consts.has(n));
    if ((FOLDED_SHAPE_OPS as readonly string[]).includes(op) || ((FOLDED_ON_CONSTANTS as readonly string[]).includes(op) && readsConstants)) {
      consts.set(outs[0] ?? '', folded(op, {
        where,
        opset,
        inputs: ins.length,
        input: (k) => (ins[k] ? consts.get(ins[k]) : undefined),
        shapeOf: (k) => consts.get(ins[k] ?? '')?.dims ?? shapes.get(ins[k] ?? ''),
        int: (a) => (attrOf(node, a) ? intAttr(a, 0) : undefined),
        ints: intsAttr,
        tensor: (a) => {
          const t = attrOf(node, a)?.t;
          return t ? tensorValues(t, `${where}: ${a}`, options.external) : undefined;
        },
      }));
      return;
    }
    if (!(SUPPORTED_ONNX_OPS as readonly string[]).includes(op)) {
      throw new FormatError(`${where}: operator '${op}' is not supported (supported: ${SUPPORTED_TEXT})`);
    }
    // Every other node continues the chain: it reads the running value first and writes one output.
    if (ins[0] !== current) {
      const why = consts.has(ins[0] ?? '') ? 'reads only constants' : `reads '${ins[0] ?? ''}', not the output of the node before it`;
      throw new FormatError(`${where}: ${why}; the graph must be a chain from one input to one output (no branches or cycles; supported: ${SUPPORTED_TEXT})`);
    }
    if (ins.slice(1).includes(current)) throw new FormatError(`${where}: uses the running value twice; the graph must be a chain (supported: ${SUPPORTED_TEXT})`);
    if (outs.length < 1 || !outs[0]) throw new FormatError(`${where}: has no output`);

    const image = () => {
      if (shape.length !== 4) throw new FormatError(`${where}: expects an image [batch, channels, height, width], got [${shape.join(', ')}]`);
      storeAs({ shape, order: IMAGE_ORDER }, where, name);
      const [, c, h, w] = shape;
      kerasAs([h, w, c], name);
      return shape as [number, number, number, number];
    };
    const flat = () => {
      if (shape.length !== 2) throw new FormatError(`${where}: expects a flat input [batch, features], got [${shape.join(', ')}] (add a Flatten before it)`);
      return shape[1];
    };
    const pushDense = (kernel: Float64Array, inW: number, out: number, bias?: Float64Array) => {
      if (!plain(view)) {
        // Our inputs are stored in another order than ONNX's (e.g. H,W,C after a Flatten of a C,H,W image).
        const t = logicalIndex(view);
        const k = new Float64Array(kernel.length);
        for (let j = 0; j < inW; j++) k.set(kernel.subarray(t[j] * out, t[j] * out + out), j * out);
        kernel = k;
      }
      kerasAs([inW], name);
      const layer: Json = { class_name: 'Dense', config: { name, units: out, use_bias: bias !== undefined, activation: 'linear' } };
      layers.push(layer);
      dense = { layer, kernel, out, bias, name };
      denses.set(name, dense);
      denseOpen = true;
      shape = [1, out];
      view = { shape, order: [0, 1] };
      kerasShape = [out];
    };
    switch (op) {
      case 'Identity':
      case 'Dropout':
        break;
      case 'Relu':
      case 'Sigmoid':
      case 'Tanh':
        layers.push({ class_name: 'Activation', config: { name, activation: op.toLowerCase() } });
        break;
      case 'LeakyRelu':
        layers.push({ class_name: 'LeakyReLU', config: { name, alpha: floatAttr('alpha', 0.01) } });
        break;
      case 'Gemm':
      case 'MatMul': {
        const inW = flat();
        const b = constIn(1, 'weight');
        if (b.dims.length !== 2) throw new FormatError(`${where}: weight has shape [${b.dims.join(', ')}], expected a matrix`);
        if (op === 'Gemm' && intAttr('transA', 0) !== 0) throw new FormatError(`${where}: transA=1 is not supported`);
        const trans = op === 'Gemm' && intAttr('transB', 0) === 1;
        const [rows, cols] = b.dims;
        const [wIn, out] = trans ? [cols, rows] : [rows, cols];
        if (wIn !== inW) throw new FormatError(`${where}: weight has shape [${b.dims.join(', ')}] but the input has ${inW} features`);
        const alpha = op === 'Gemm' ? floatAttr('alpha', 1) : 1;
        const kernel = new Float64Array(inW * out);
        for (let r = 0; r < inW; r++) for (let c = 0; c < out; c++) kernel[r * out + c] = alpha * (trans ? b.values[c * cols + r] : b.values[r * cols + c]);
        let bias: Float64Array | undefined;
        const c = op === 'Gemm' ? optionalConst(2) : undefined;
        if (c) {
          if (c.values.length !== out) throw new FormatError(`${where}: bias has ${c.values.length} values, expected ${out}`);
          const beta = floatAttr('beta', 1);
          bias = c.values.map((v) => beta * v);
        }
        pushDense(kernel, inW, out, bias);
        break;
      }
      case 'Add': {
        const c = constIn(1, 'addend');
        const last = layers[layers.length - 1];
        if (!dense || last !== dense.layer || dense.bias || c.values.length !== dense.out || !plain(view)) {
          throw new FormatError(`${where}: an Add is supported only as the bias of the MatMul right before it (${dense?.out ?? '?'} values)`);
        }
        dense.bias = Float64Array.from(c.values);
        (dense.layer.config as Json).use_bias = true;
        break;
      }
      case 'Conv':
      case 'ConvTranspose': {
        const given = constIn(1, 'weight');
        if (given.dims.length !== 4) throw new FormatError(`${where}: weight has shape [${given.dims.join(', ')}], expected 4 dimensions`);
        const [, cin, h, w] = image();
        const transposed = op === 'ConvTranspose';
        const wt = plainKernel(given, transposed, intAttr('group', 1), intsAttr('dilations') ?? [1, 1], cin, where);
        const [a0, a1, kh, kw] = wt.dims;
        const [wCin, cout] = transposed ? [a0, a1] : [a1, a0];
        if (wCin !== cin) throw new FormatError(`${where}: weight has shape [${given.dims.join(', ')}] but the input has ${cin} channels`);
        const [sh, sw] = intsAttr('strides') ?? [1, 1];
        const outPad = intsAttr('output_padding') ?? [0, 0];
        let autoPad = text(attrOf(node, 'auto_pad')) ?? 'NOTSET';
        let pads = intsAttr('pads') ?? [0, 0, 0, 0];
        const outputShape = intsAttr('output_shape');
        if (transposed && (outputShape || autoPad.startsWith('SAME'))) {
          pads = transposedPads(outputShape, autoPad, [h, w], [kh, kw], [sh, sw], outPad, where);
          autoPad = 'NOTSET';
        }
        const padding = paddingOf(transposed, autoPad, pads, outPad, [h, w], [kh, kw], [sh, sw], where);
        // Keras kernels: Conv2D [kh, kw, cin, cout]; Conv2DTranspose [kh, kw, cout, cin].
        const kernel = new Float64Array(wt.values.length);
        const [d2, d3] = transposed ? [cout, cin] : [cin, cout];
        for (let y = 0; y < kh; y++) {
          for (let x = 0; x < kw; x++) {
            for (let p = 0; p < d2; p++) {
              for (let q = 0; q < d3; q++) {
                // ONNX: Conv [cout, cin, kh, kw], ConvTranspose [cin, cout, kh, kw].
                const src = transposed ? ((q * cout + p) * kh + y) * kw + x : ((q * cin + p) * kh + y) * kw + x;
                kernel[((y * kw + x) * d2 + p) * d3 + q] = wt.values[src];
              }
            }
          }
        }
        const bias = optionalConst(2);
        if (bias && bias.values.length !== cout) throw new FormatError(`${where}: bias has ${bias.values.length} values, expected ${cout}`);
        layers.push({
          class_name: transposed ? 'Conv2DTranspose' : 'Conv2D',
          config: { name, filters: cout, kernel_size: [kh, kw], strides: [sh, sw], padding, use_bias: bias !== undefined, activation: 'linear', data_format: 'channels_last' },
        });
        weights.push({ name: `${name}/kernel`, shape: transposed ? [kh, kw, cout, cin] : [kh, kw, cin, cout], data: kernel });
        if (bias) weights.push({ name: `${name}/bias`, shape: [cout], data: bias.values });
        const oh = transposed ? (h - 1) * sh + kh - pads[0] - pads[2] + outPad[0] : convAxis(h, kh, sh, padding).out;
        const ow = transposed ? (w - 1) * sw + kw - pads[1] - pads[3] + outPad[1] : convAxis(w, kw, sw, padding).out;
        shape = [1, cout, oh, ow];
        view = { shape, order: IMAGE_ORDER };
        kerasShape = [oh, ow, cout];
        denseOpen = false;
        break;
      }
      case 'BatchNormalization': {
        if (shape.length === 4) image();
        else if (shape.length === 2) storeAs({ shape, order: [0, 1] }, where, name);
        else throw new FormatError(`${where}: expects [batch, features] or [batch, channels, height, width], got [${shape.join(', ')}]`);
        if (shape.length === 2) kerasAs([shape[1]], name);
        const channels = shape[1];
        const vec = (k: number, what: string) => {
          const c = constIn(k, what);
          if (c.values.length !== channels) throw new FormatError(`${where}: ${what} has ${c.values.length} values, expected ${channels}`);
          return c.values;
        };
        layers.push({ class_name: 'BatchNormalization', config: { name, axis: -1, epsilon: floatAttr('epsilon', 1e-5), center: true, scale: true } });
        weights.push({ name: `${name}/gamma`, shape: [channels], data: vec(1, 'scale') });
        weights.push({ name: `${name}/beta`, shape: [channels], data: vec(2, 'bias') });
        weights.push({ name: `${name}/moving_mean`, shape: [channels], data: vec(3, 'mean') });
        weights.push({ name: `${name}/moving_variance`, shape: [channels], data: vec(4, 'variance') });
        denseOpen = false;
        break;
      }
      case 'Flatten':
      case 'Reshape': {
        const total = product(shape);
        let target: number[];
        if (op === 'Flatten') {
          if (intAttr('axis', 1) !== 1) throw new FormatError(`${where}: only axis 1 is supported`);
          target = [1, total];
        } else {
          const asked = Array.from(constIn(1, 'shape').values);
          target = asked.map((d, k) => (d === 0 ? shape[k] : d));
          const known = product(target.filter((d) => d !== -1));
          target = target.map((d) => (d === -1 ? total / known : d));
          if (target.some((d) => !Number.isInteger(d) || d < 1) || product(target) !== total) {
            throw new FormatError(`${where}: cannot reshape [${shape.join(', ')}] to [${asked.join(', ')}]`);
          }
          if (target[0] !== 1) throw new FormatError(`${where}: reshapes across the batch axis ([${shape.join(', ')}] to [${target.join(', ')}])`);
        }
        // The entries stay where they are; the layers model's Reshape or Flatten comes when a node needs it.
        shape = target;
        if (plain(view)) view = { shape, order: identity(shape.length) };
        break;
      }
      case 'Transpose': {
        const perm = intsAttr('perm') ?? identity(shape.length).reverse();
        if (perm.length !== shape.length || [...perm].sort((a, b) => a - b).some((a, k) => a !== k)) {
          throw new FormatError(`${where}: perm [${perm.join(', ')}] is not a permutation of the ${shape.length} axes of [${shape.join(', ')}]`);
        }
        if (perm[0] !== 0) throw new FormatError(`${where}: perm [${perm.join(', ')}] moves the batch axis, which is not supported`);
        if (view.shape.join() !== shape.join()) {
          if (!plain(view)) throw new FormatError(`${where}: transposes a reshaped view of a transposed tensor, which is not supported`);
          view = { shape, order: identity(shape.length) };
        }
        // Bookkeeping only: output axis k is input axis perm[k], so stored axis a becomes perm⁻¹[a].
        const back = identity(perm.length).map((a) => perm.indexOf(a));
        shape = perm.map((a) => shape[a]);
        view = { shape, order: view.order.map((a) => back[a]) };
        break;
      }
      case 'Resize':
      case 'Upsample': {
        const [, c, h, w] = image();
        const mode = text(attrOf(node, 'mode')) ?? 'nearest';
        const coords = text(attrOf(node, 'coordinate_transformation_mode')) ?? (op === 'Upsample' ? 'asymmetric' : 'half_pixel');
        const nearest = text(attrOf(node, 'nearest_mode')) ?? (op === 'Upsample' ? 'floor' : 'round_prefer_floor');
        if (mode !== 'nearest' || coords !== 'asymmetric' || nearest !== 'floor') {
          throw new FormatError(`${where}: only nearest upsampling by whole factors is supported (mode nearest, asymmetric, floor), got ${mode}, ${coords}, ${nearest}`);
        }
        // Resize (opset 11+): X, roi, scales, sizes; Resize-10 and Upsample-9: X, scales.
        const scales = op === 'Upsample' || ins.length === 2 ? optionalConst(1) : optionalConst(2);
        const sizes = op === 'Resize' ? optionalConst(3) : undefined;
        const factors = scales && scales.values.length ? Array.from(scales.values) : sizes ? Array.from(sizes.values).map((s, k) => s / shape[k]) : undefined;
        if (!factors || factors.length !== 4 || factors[0] !== 1 || factors[1] !== 1 || !Number.isInteger(factors[2]) || !Number.isInteger(factors[3]) || factors[2] < 1 || factors[3] < 1) {
          throw new FormatError(`${where}: scales must be [1, 1, sh, sw] with whole sh, sw, got [${factors?.join(', ') ?? ''}]`);
        }
        layers.push({ class_name: 'UpSampling2D', config: { name, size: [factors[2], factors[3]], interpolation: 'nearest', data_format: 'channels_last' } });
        shape = [1, c, h * factors[2], w * factors[3]];
        view = { shape, order: IMAGE_ORDER };
        kerasShape = [shape[2], shape[3], c];
        denseOpen = false;
        break;
      }
      default:
        throw new FormatError(`${where}: operator '${op}' is not supported (supported: ${SUPPORTED_TEXT})`);
    }
    // Attributes (strides, scales) could declare a huge image; refuse it before any layer allocates it.
    const values = product(shape);
    if (!(values <= MAX_STAGE_VALUES)) throw new FormatError(`${where}: its output [${shape.join(', ')}] has more than ${MAX_STAGE_VALUES} values (the limit)`);
    current = outs[0];
    shapes.set(current, shape);
  });
  const output = graph.output![0];
  if (output.name !== current) throw new FormatError(`${source}: the graph's output '${output.name}' is not the end of the chain of nodes ('${current}')`);
  const declared = declaredDims(output, 'output', source);
  if (declared.length && (declared.length !== shape.length || declared.some((d, k) => k > 0 && d !== shape[k]))) {
    throw new FormatError(`${source}: output '${output.name}' is declared [${declared.join(', ')}] but the graph computes [${shape.join(', ')}]`);
  }
  // The output: a channels-first image (what PyTorch's convolutions give) comes out channels-last like
  // every image of inv; anything else in ONNX's own order (a Keras NHWC image, a flat vector).
  const outputAs: Layout = shape.length === 4 && !plain(view) ? { shape, order: IMAGE_ORDER } : { shape, order: identity(shape.length) };
  storeAs(outputAs, `${source}: output '${output.name}'`, 'output');
  // Weights go into the manifest in layer order, Dense ones after any reordering above.
  const ordered: Weight[] = [];
  for (const layer of layers) {
    const n = (layer.config as Json).name as string;
    const d = layer.class_name === 'Dense' ? denses.get(n) : undefined;
    if (d) {
      ordered.push({ name: `${n}/kernel`, shape: [d.kernel.length / d.out, d.out], data: d.kernel });
      if (d.bias) ordered.push({ name: `${n}/bias`, shape: [d.out], data: d.bias });
    } else ordered.push(...weights.filter((w) => w.name.startsWith(`${n}/`)));
  }
  return toFiles(layers, ordered);
}

interface DenseRecord {
  layer: Json;
  /** [in, out] row-major, as Keras stores it. */
  kernel: Float64Array;
  out: number;
  bias?: Float64Array;
  name: string;
}

interface Weight {
  name: string;
  shape: number[];
  data: Float64Array;
}

/** A Sequential layers model from layer configs and their weights (float32, in order). */
function toFiles(layers: Json[], weights: readonly Weight[]): LayersModelFiles {
  const weightData = new Uint8Array(weights.reduce((s, w) => s + 4 * w.data.length, 0));
  const view = new DataView(weightData.buffer);
  let o = 0;
  for (const w of weights) for (let i = 0; i < w.data.length; i++, o += 4) view.setFloat32(o, w.data[i], true);
  const modelJson = {
    format: 'layers-model',
    generatedBy: 'inv (from ONNX)',
    modelTopology: { class_name: 'Sequential', config: { name: 'generator', layers } },
    weightsManifest: [{ paths: ['weights.bin'], weights: weights.map((w) => ({ name: w.name, shape: w.shape, dtype: 'float32' })) }],
  };
  return { modelJson, weightData, weightsPath: 'weights.bin' };
}

/**
 * The kernel of a grouped and/or dilated convolution as the equivalent plain one (group 1, dilation 1),
 * which computes exactly the same: a dilation d spreads the taps d apart with zeros between them
 * (kernel (k − 1)·d + 1), and groups become a block-diagonal kernel, zero between channels of
 * different groups. The work grows by the number of groups and the zeros added; the answer does not
 * change. ONNX weights: Conv [cout, cin/group, kh, kw], ConvTranspose [cin, cout/group, kh, kw].
 */
function plainKernel(wt: Const, transposed: boolean, group: number, dilations: number[], cin: number, where: string): Const {
  if (group === 1 && dilations.every((d) => d === 1)) return wt;
  const [a0, a1, kh, kw] = wt.dims;
  const cout = transposed ? a1 * group : a0;
  if (!(Number.isInteger(group) && group >= 1 && cin % group === 0 && cout % group === 0)) {
    throw new FormatError(`${where}: attribute group=${group} must divide the ${cin} input and ${cout} output channels`);
  }
  if (dilations.length !== 2 || !dilations.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new FormatError(`${where}: attribute dilations=[${dilations.join(', ')}] must be two positive integers`);
  }
  if ((transposed ? a0 : a1 * group) !== cin) throw new FormatError(`${where}: weight has shape [${wt.dims.join(', ')}] but the input has ${cin} channels (group=${group})`);
  const [dh, dw] = dilations;
  const eh = (kh - 1) * dh + 1, ew = (kw - 1) * dw + 1;
  const dims = transposed ? [cin, cout, eh, ew] : [cout, cin, eh, ew];
  if (!(dims.reduce((a, b) => a * b, 1) <= MAX_STAGE_VALUES)) throw new FormatError(`${where}: its kernel with group=${group} and dilations=[${dilations.join(', ')}] would hold more than ${MAX_STAGE_VALUES} values (the limit)`);
  const values = new Float64Array(dims[0] * dims[1] * eh * ew);
  const cinG = cin / group, coutG = cout / group;
  for (let p = 0; p < a0; p++) {
    for (let q = 0; q < a1; q++) {
      // (p, q) of the grouped weight: Conv (output o = p, input i within its group), ConvTranspose (input i = p, output o within its group)
      const g = transposed ? Math.floor(p / cinG) : Math.floor(p / coutG);
      const full = transposed ? p * cout + g * coutG + q : p * cin + g * cinG + q;
      for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) values[(full * eh + y * dh) * ew + x * dw] = wt.values[((p * a1 + q) * kh + y) * kw + x];
    }
  }
  return { dims, values };
}

/**
 * The pads of a ConvTranspose given by its output_shape (or by auto_pad SAME_*, whose output is
 * input·stride), as the ONNX operator spec computes them: total = s·(in − 1) + output_padding + k − out,
 * the larger half at the end for SAME_UPPER and at the start otherwise (onnxruntime does the same;
 * test/onnx-runtime.test.ts).
 */
function transposedPads(outputShape: number[] | undefined, autoPad: string, hw: number[], k: number[], s: number[], outPad: number[], where: string): number[] {
  const out = outputShape ? outputShape.slice(-2) : hw.map((n, a) => n * s[a]);
  if (out.length !== 2 || (outputShape && outputShape.length !== 2 && outputShape.length !== 4)) throw new FormatError(`${where}: output_shape [${outputShape!.join(', ')}] must give the height and width`);
  const pads = [0, 0, 0, 0];
  [0, 1].forEach((a) => {
    const total = s[a] * (hw[a] - 1) + (outPad[a] ?? 0) + k[a] - out[a];
    if (!(total >= 0)) throw new FormatError(`${where}: the output [${out.join(', ')}] is larger than the full transposed convolution (negative pads); not supported`);
    const small = Math.floor(total / 2);
    [pads[a], pads[a + 2]] = autoPad === 'SAME_UPPER' ? [small, total - small] : [total - small, small];
  });
  return pads;
}

/**
 * Keras' padding name for ONNX pads, or an error: `valid` is no padding; `same` pads what TensorFlow
 * pads (docs/conv-stages.md: floor(total/2) before, the rest after).
 */
function paddingOf(transposed: boolean, autoPad: string, pads: number[], outPad: number[], hw: number[], k: number[], s: number[], where: string): 'same' | 'valid' {
  if (autoPad === 'VALID') return 'valid';
  if (autoPad === 'SAME_UPPER') return 'same';
  if (autoPad !== 'NOTSET') throw new FormatError(`${where}: auto_pad '${autoPad}' is not supported (NOTSET, VALID, SAME_UPPER)`);
  if (pads.length !== 4) throw new FormatError(`${where}: pads must have 4 values, got ${pads.length}`);
  const valid = [0, 1].every((a) => pads[a] === 0 && pads[a + 2] === 0 && (outPad[a] ?? 0) === 0 && (!transposed || k[a] >= s[a]));
  if (valid) return 'valid';
  const same = [0, 1].every((a) => {
    if (transposed) {
      // The adjoint of a `same` convolution from an image s times larger: torch's padding p with
      // output_padding o pads p before and p − o after.
      const total = k[a] - s[a];
      const before = Math.floor(total / 2);
      return total >= 0 && pads[a] === before && pads[a + 2] - (outPad[a] ?? 0) === total - before;
    }
    const { out } = convAxis(hw[a], k[a], s[a], 'same');
    const total = Math.max((out - 1) * s[a] + k[a] - hw[a], 0);
    const before = Math.floor(total / 2);
    return pads[a] === before && pads[a + 2] === total - before && (outPad[a] ?? 0) === 0;
  });
  if (same) return 'same';
  throw new FormatError(`${where}: pads [${pads.join(', ')}] match neither 'valid' (none) nor TensorFlow's 'same' for this size; not supported`);
}

/** A Generator from the bytes of an ONNX file (browser-safe; external data needs `options.external`). */
export function parseOnnx(bytes: Uint8Array | ArrayBuffer, options: OnnxOptions = {}): Generator {
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const files = onnxToLayersModel(b, options);
  return parseLayersModel(files.modelJson, files.weightData, options.source ?? 'model.onnx');
}
