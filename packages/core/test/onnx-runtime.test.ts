/** The ONNX files inv writes run in onnxruntime-node (a devDependency of this test only) and compute our forward. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { Generator, onnxToLayersModel, parseActivation, parseLayersModel, parseOnnx, relativeError, serializeOnnx, stageShape, isDense } from '../src/index.js';

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
