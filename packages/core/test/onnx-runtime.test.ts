/** The ONNX files inv writes run in onnxruntime-node (a devDependency of this test only) and compute our forward. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel } from '../src/io/onnx-schema.js';
import { Generator, onnxToLayersModel, parseActivation, parseLayersModel, parseOnnx, randomConvGenerator, relativeError, serializeOnnx, stageShape, isDense } from '../src/index.js';

const fixtures = join(import.meta.dirname, 'fixtures');
const conv = parseLayersModel(JSON.parse(readFileSync(join(fixtures, 'conv-model', 'model.json'), 'utf8')), new Uint8Array(readFileSync(join(fixtures, 'conv-model', 'weights.bin'))));
const generators: [string, Generator][] = [
  ['random leaky MLP with biases', Generator.random([6, 30, 40], { seed: 3, bias: true, activation: parseActivation('leaky_relu:0.2'), outputActivation: parseActivation('tanh') })],
  ['conv layers-model fixture', conv],
  ['PyTorch DCGAN read and written again', parseOnnx(readFileSync(join(fixtures, 'onnx', 'dcgan.onnx')))],
  // what `inv convert` does: ONNX → layers model → generator, then written as ONNX again
  ...['keras-layout', 'dynamic-conv', 'permute-flat', 'dynamic-mlp', 'grouped-dilated'].map((name): [string, Generator] => {
    const files = onnxToLayersModel(new Uint8Array(readFileSync(join(fixtures, 'onnx', `${name}.onnx`))));
    return [`PyTorch ${name} through the layers model`, parseLayersModel(files.modelJson, files.weightData)];
  }),
];

describe('inv-written ONNX in onnxruntime', () => {
  it.each(generators)('%s: onnxruntime computes our forward to float32 precision', async (_, G) => {
    const session = await ort.InferenceSession.create(serializeOnnx(G));
    const first = G.stages[0];
    const latentDims = !isDense(first) ? [1, G.inputDim, 1, 1] : [1, G.inputDim];
    const shape = stageShape(G.stages[G.stages.length - 1]);
    for (let s = 0; s < 3; s++) {
      const z = Array.from({ length: G.inputDim }, (_, i) => Math.sin(3 * s + i));
      const { x } = await session.run({ z: new ort.Tensor('float32', Float32Array.from(z), latentDims) });
      const got = x.data as Float32Array;
      const ours = G.forward(Float32Array.from(z));
      // onnxruntime's image is NCHW, ours NHWC.
      const [h, w, c] = shape.length === 3 ? shape : [1, 1, shape[0]];
      const want = new Float64Array(ours.length);
      for (let j = 0; j < ours.length; j++) want[(j % c) * h * w + Math.floor(j / c)] = ours[j];
      expect(got.length).toBe(ours.length);
      expect(relativeError(got, want)).toBeLessThan(5e-6);
    }
  });
});

describe('ConvTranspose with output_shape or auto_pad, against onnxruntime', () => {
  /** A generator with one 'same' transposed convolution, written as ONNX with its pads replaced by `attrs`. */
  const variant = (kernel: number, attrs: { name: string; type: number; ints?: number[]; s?: Uint8Array }[]) => {
    const G = randomConvGenerator(4, [{ kind: 'dense', shape: [3, 3, 2] }, { kind: 'conv2d_transpose', filters: 2, kernel, stride: 2 }], { seed: 5, bias: true });
    const m = decodeModel(serializeOnnx(G));
    const node = m.graph!.node!.find((n) => n.opType === 'ConvTranspose')!;
    node.attribute = [...node.attribute!.filter((a) => a.name !== 'pads'), ...attrs];
    return { G, bytes: encodeModel(m) };
  };
  const INTS = 7, STRING = 3;
  const outputShape = { name: 'output_shape', type: INTS, ints: [6, 6] };
  const autoPad = (v: string) => ({ name: 'auto_pad', type: STRING, s: new TextEncoder().encode(v) });

  it.each([
    ['kernel 3, auto_pad SAME_UPPER', 3, [autoPad('SAME_UPPER')]],
    ['kernel 3, output_shape with SAME_UPPER', 3, [outputShape, autoPad('SAME_UPPER')]],
    ['kernel 4, output_shape', 4, [outputShape]],
  ] as const)('%s: read as the same generator, which onnxruntime computes too', async (_, kernel, attrs) => {
    const { G, bytes } = variant(kernel, [...attrs]);
    const read = parseOnnx(bytes);
    expect(read.describe()).toBe(G.describe());
    const session = await ort.InferenceSession.create(bytes);
    const z = [0.3, -1.2, 0.8, 0.5];
    const { x } = await session.run({ z: new ort.Tensor('float32', Float32Array.from(z), [1, 4]) });
    const ours = read.forward(z);
    // onnxruntime's image is NCHW (2 channels of 6×6), ours NHWC
    expect(relativeError(x.data as Float32Array, Array.from(ours, (_, t) => ours[(t % 36) * 2 + Math.floor(t / 36)]))).toBeLessThan(5e-6);
    expect(relativeError(ours, G.forward(z))).toBeLessThan(1e-6);
  });

  it('kernel 3 with output_shape and no auto_pad puts the odd pad first, which is not TensorFlow’s same: refused in one line', () => {
    const { bytes } = variant(3, [outputShape]);
    expect(() => parseOnnx(bytes, { source: 'o.onnx' })).toThrow(/^o.onnx: node 'convtranspose_\d+' \(ConvTranspose\): pads \[1, 1, 0, 0\] match neither 'valid' \(none\) nor TensorFlow's 'same' for this size; not supported$/);
  });
});
