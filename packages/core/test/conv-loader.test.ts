import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FormatError, Generator, isDense, parseLayersModel, randomConvGenerator, relativeError, serializeLayersModel, sigmoid } from '../src/index.js';

const dir = join(import.meta.dirname, 'fixtures', 'conv-model');
const weights = new Uint8Array(readFileSync(join(dir, 'weights.bin')));
const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { latents: number[]; outputs: number[]; shape: number[] };
const json = (file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8'));

describe('convolutional layers models (fixture from test/fixtures/make_conv_fixture.mjs)', () => {
  for (const file of ['model.json', 'keras.json']) {
    it(`${file}: forward equals tfjs-layers' predict to float32 precision`, () => {
      const G = parseLayersModel(json(file), weights, file);
      // BatchNormalization folded away, UpSampling2D composed into the next Conv2D, Dropout/Reshape/Flatten gone
      expect(G.depth).toBe(6);
      expect(G.describe()).toBe('8-4x4x6-8x8x5-14x14x4-29x29x3-15x15x2-10 relu,leaky_relu:0.2,relu,tanh,sigmoid,linear (with biases)');
      const [B, n] = expected.shape;
      for (let b = 0; b < B; b++) {
        const out = G.forward(expected.latents.slice(b * 8, (b + 1) * 8));
        const want = expected.outputs.slice(b * n, (b + 1) * n);
        expect(relativeError(out, want)).toBeLessThan(2e-6);
      }
    });
  }

  it('names layer, class and the supported list for what it cannot take', () => {
    const m = json('model.json');
    const layers = m.modelTopology.config.layers;
    const withLayer = (i: number, patch: Record<string, unknown>) => {
      const copy = JSON.parse(JSON.stringify(m));
      Object.assign(copy.modelTopology.config.layers[i].config, patch);
      return copy;
    };
    expect(layers[4].class_name).toBe('Conv2DTranspose');
    expect(() => parseLayersModel(withLayer(4, { dilation_rate: [2, 2] }), weights, 'g.json')).toThrow(/g.json: layer 4 \('up_1', Conv2DTranspose\): dilation_rate 2x2 is not supported/);
    expect(() => parseLayersModel(withLayer(8, { data_format: 'channels_first' }), weights, 'g.json')).toThrow(/layer 8 \('conv_1', Conv2D\): data_format 'channels_first' is not supported \(only channels_last\)/);
    expect(() => parseLayersModel(withLayer(7, { interpolation: 'bilinear' }), weights, 'g.json')).toThrow(/layer 7 \('nearest_1', UpSampling2D\): interpolation 'bilinear' is not supported/);
    expect(() => parseLayersModel(withLayer(8, { filters: 5 }), weights, 'g.json')).toThrow(/layer 8 \('conv_1', Conv2D\): kernel 'conv_1\/kernel' has shape \[3, 3, 5, 4\], expected \[3, 3, 5, 5\]/);
    const bnAfterRelu = JSON.parse(JSON.stringify(m));
    const ls = bnAfterRelu.modelTopology.config.layers;
    [ls[1], ls[2]] = [ls[2], ls[1]];
    expect(() => parseLayersModel(bnAfterRelu, weights, 'g.json')).toThrow(/layer 2 \('bn_1', BatchNormalization\): a BatchNormalization must directly follow/);
    expect(() => parseLayersModel(withLayer(4, { dilation_rate: [2, 2] }), weights, 'g.json')).toThrow(FormatError);
  });

  it('writes conv generators as layers models and reads them back (both layouts)', () => {
    const G = randomConvGenerator(5, [
      { kind: 'dense', shape: [3, 3, 4] },
      { kind: 'conv2d_transpose', filters: 3, kernel: 3, stride: 2, padding: 'valid' },
      { kind: 'conv2d', filters: 2, kernel: 3, upsample: 2 },
    ], { seed: 9, outputActivation: sigmoid });
    const bias = randomConvGenerator(5, [{ kind: 'dense', shape: [2, 2, 3] }, { kind: 'conv2d', filters: 2, kernel: 2, stride: 1 }], { seed: 2, bias: true });
    for (const layout of ['tfjs', 'keras'] as const) {
      for (const g of [G, bias]) {
        const files = serializeLayersModel(g, { layout });
        const back = parseLayersModel(JSON.parse(JSON.stringify(files.modelJson)), files.weightData);
        const z = Float64Array.from({ length: 5 }, (_, i) => Math.sin(i + 1));
        expect(relativeError(back.forward(z), g.forward(z))).toBeLessThan(1e-6);
        expect(back.describe()).toBe(g.describe());
        expect(back.stages.map(isDense)).toEqual(g.stages.map(isDense));
      }
    }
    expect(Generator.fromPlain(G.toPlain()).describe()).toBe(G.describe());
  });
});
