/**
 * Writes a generator as an ONNX model (opset 13, IR 7), the inverse of ./onnx.ts: dense stages become
 * Gemm, map stages Conv / ConvTranspose / Resize (nearest) in channels-first (NCHW) layout, with the
 * weights permuted so that the ONNX graph computes what PyTorch would: its output is the generator's,
 * flattened in NCHW order (the same vector when the output has one channel).
 */
import { type Activation } from '../activations.js';
import { FormatError } from '../errors.js';
import { type Generator, isDense, type Stage } from '../generator.js';
import { PermuteMap } from '../permute.js';
import { ConvMap, convAxis, type Shape, UpSampling2DMap } from '../stages.js';
import { perChannel, stageParts } from './conv-write.js';
import { encodeModel, ONNX_TYPES, type OnnxDataType, type OnnxNode, type OnnxTensor } from './onnx-schema.js';

import { chwIndex as chw } from './onnx.js';

const tensor = (name: string, dims: number[], values: ArrayLike<number>, type: OnnxDataType = ONNX_TYPES.float): OnnxTensor => {
  const raw = new Uint8Array(values.length * type.bytes);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < values.length; i++) type.write(view, type.bytes * i, values[i]);
  return { name, dims, dataType: type.code, rawData: raw };
};

/** ONNX AttributeProto types. */
const FLOAT = 1, INT = 2, STRING = 3, INTS = 7;
const ints = (name: string, v: number[]) => ({ name, type: INTS, ints: v });
const str = (name: string, v: string) => ({ name, type: STRING, s: new TextEncoder().encode(v) });

/** ONNX (NCHW) axis of each of our image axes H, W, C, and our axis of each ONNX axis 1, 2, 3. */
const NCHW_OF = [2, 3, 1];
const OURS_OF = [-1, 2, 0, 1];

/** The ONNX bytes of a generator. */
export function serializeOnnx(generator: Generator, options: { producer?: string } = {}): Uint8Array {
  const nodes: OnnxNode[] = [];
  const initializer: OnnxTensor[] = [];
  const stages = generator.stages;
  const first = stages[0];
  const firstShape: Shape = isDense(first) ? [first.weight.cols] : first.map.inShape;
  if (firstShape.length === 3 && firstShape[0] * firstShape[1] > 1 && firstShape[2] > 1) {
    throw new FormatError(`layer 0: an image latent [${firstShape.join(', ')}] with several channels cannot be written as ONNX`);
  }
  const inputDims = firstShape.length === 3 ? [1, firstShape[2], firstShape[0], firstShape[1]] : [1, firstShape[0]];
  let current = 'z';
  let shape: Shape = firstShape; // ours (NHWC without batch)
  let count = 0;
  const emit = (opType: string, inputs: string[], attribute: OnnxNode['attribute'] = []) => {
    const out = `t${count}`;
    nodes.push({ name: `${opType.toLowerCase()}_${count++}`, opType, input: [current, ...inputs], output: [out], attribute });
    current = out;
  };
  const constant = (name: string, dims: number[], values: ArrayLike<number>, type: OnnxDataType = ONNX_TYPES.float) => {
    initializer.push(tensor(name, dims, values, type));
    return name;
  };
  const reshapeTo = (to: Shape, i: number) => {
    if (to.join() === shape.join()) return;
    if (to.length === 1) emit('Flatten', [], [{ name: 'axis', type: INT, i: 1 }]);
    else emit('Reshape', [constant(`shape_${i}`, [4], [1, to[2], to[0], to[1]], ONNX_TYPES.int64)]);
    shape = to;
  };
  const activation = (act: Activation) => {
    if (act.kind === 'linear') return;
    if (act.kind === 'leaky_relu') emit('LeakyRelu', [], [{ name: 'alpha', type: FLOAT, f: act.alpha }]);
    else emit(act.kind === 'relu' ? 'Relu' : act.kind === 'sigmoid' ? 'Sigmoid' : 'Tanh', []);
  };

  stages.forEach((stage, i) => {
    const where = `layer ${i}`;
    const next: Stage | undefined = stages[i + 1];
    if (isDense(stage)) {
      const { rows, cols, data } = stage.weight;
      // Columns: after a Flatten of an image ours come in H,W,C order, torch's in C,H,W order.
      const inPerm = shape.length === 3 ? chw(shape[2], shape[0], shape[1]) : (j: number) => j;
      reshapeTo([cols], i);
      // Rows: when an image follows, torch's Reshape reads them in C,H,W order.
      const outShape = next && !isDense(next) ? next.map.inShape : undefined;
      const outPerm = outShape && outShape.length === 3 ? chw(outShape[2], outShape[0], outShape[1]) : (j: number) => j;
      const w = new Float64Array(rows * cols);
      for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) w[outPerm(r) * cols + inPerm(c)] = data[r * cols + c];
      const inputs = [constant(`w_${i}`, [rows, cols], w)];
      if (stage.bias) {
        const b = new Float64Array(rows);
        for (let r = 0; r < rows; r++) b[outPerm(r)] = stage.bias[r];
        inputs.push(constant(`b_${i}`, [rows], b));
      }
      emit('Gemm', inputs, [{ name: 'transB', type: INT, i: 1 }]);
      shape = [rows];
      activation(stage.activation);
      return;
    }
    reshapeTo(stage.map.inShape, i);
    const { parts, convBias } = stageParts(stage, where, 'ONNX');
    parts.forEach((p, j) => {
      if (p instanceof PermuteMap) {
        if (p.inShape.length !== 3) throw new FormatError(`${where}: ${p.describe()} of [${p.inShape.join(', ')}] cannot be written as ONNX (only of images)`);
        // Both sides are NCHW views of our images: ONNX output axis k is our output axis OURS_OF[k].
        emit('Transpose', [], [ints('perm', [0, 1, 2, 3].map((k) => (k === 0 ? 0 : NCHW_OF[p.axes[OURS_OF[k]]])))]);
        return;
      }
      if (p instanceof UpSampling2DMap) {
        emit('Resize', ['', constant(`scales_${i}_${j}`, [4], [1, 1, p.size[0], p.size[1]])], [
          str('mode', 'nearest'), str('coordinate_transformation_mode', 'asymmetric'), str('nearest_mode', 'floor'),
        ]);
        return;
      }
      const conv = p as ConvMap;
      const transposed = conv.kind === 'conv2d_transpose';
      const [kh, kw, a, b] = conv.kernelShape;
      // Ours: Conv2D [kh, kw, cin, cout], Conv2DTranspose [kh, kw, cout, cin]; ONNX: [cout, cin, kh, kw] and [cin, cout, kh, kw].
      const w = new Float64Array(conv.kernel.length);
      for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) for (let p2 = 0; p2 < a; p2++) for (let q = 0; q < b; q++) w[((q * a + p2) * kh + y) * kw + x] = conv.kernel[((y * kw + x) * a + p2) * b + q];
      const [h, wd] = conv.inShape;
      const pads = [0, 0, 0, 0];
      if (conv.padding === 'same') {
        [[h, kh, conv.strides[0]], [wd, kw, conv.strides[1]]].forEach(([n, k, s], ax) => {
          const total = transposed ? k - s : Math.max((convAxis(n, k, s, 'same').out - 1) * s + k - n, 0);
          if (total < 0) throw new FormatError(`${where}: a 'same' transposed convolution with kernel smaller than its stride cannot be written as ONNX`);
          pads[ax] = Math.floor(total / 2);
          pads[ax + 2] = total - pads[ax];
        });
      } else if (transposed && (kh < conv.strides[0] || kw < conv.strides[1])) {
        throw new FormatError(`${where}: a 'valid' transposed convolution with kernel smaller than its stride cannot be written as ONNX`);
      }
      const inputs = [constant(`w_${i}_${j}`, [b, a, kh, kw], w)];
      if (convBias) inputs.push(constant(`b_${i}_${j}`, [conv.outShape[2]], perChannel(convBias, conv.outShape[2], where, 'ONNX Conv')));
      emit(transposed ? 'ConvTranspose' : 'Conv', inputs, [ints('kernel_shape', [kh, kw]), ints('strides', [...conv.strides]), ints('pads', pads)]);
    });
    shape = stage.map.outShape;
    activation(stage.activation);
  });
  const outShape = shape.length === 3 ? [1, shape[2], shape[0], shape[1]] : [1, shape[0]];
  const value = (name: string, dims: number[]) => ({ name, type: { tensorType: { elemType: ONNX_TYPES.float.code, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } });
  const last = nodes[nodes.length - 1];
  last.output = ['x'];
  const model = {
    irVersion: 7,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: options.producer ?? 'inv',
    graph: {
      name: 'generator',
      node: nodes,
      initializer,
      input: [value('z', inputDims)],
      output: [value('x', outShape)],
    },
  };
  return encodeModel(model);
}
