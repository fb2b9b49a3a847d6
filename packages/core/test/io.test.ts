import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  encodeNpy, encodePng, formatJsonArray, gaussianVector, Generator, imageGrid, InvError, leakyRelu, parseJsonArray, parseLayersModel, parseNpy,
  relativeError, Rng, serializeLayersModel, sigmoid, tanh, asMatrix, asVector,
} from '../src/index.js';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
const expected = JSON.parse(readFileSync(new URL('./fixtures/npy_expected.json', import.meta.url), 'utf8')) as Record<string, { shape: number[]; data: number[] }>;

describe('.npy', () => {
  for (const name of Object.keys(expected)) {
    it(`reads NumPy's own ${name}.npy exactly`, () => {
      const a = parseNpy(fixture(`${name}.npy`), `${name}.npy`);
      expect(a.shape).toEqual(expected[name].shape);
      expect(Array.from(a.data)).toEqual(expected[name].data);
    });
  }

  it('round-trips float64 exactly and float32 to float32 precision, 1-D and 2-D', () => {
    const v = gaussianVector(new Rng(1), 17);
    expect(parseNpy(encodeNpy(v)).data).toEqual(v);
    const m = parseNpy(encodeNpy(v.subarray(0, 12), [3, 4], 'float32'));
    expect(m.shape).toEqual([3, 4]);
    expect(m.data).toEqual(Float64Array.from(Float32Array.from(v.subarray(0, 12))));
    expect(asMatrix(m, 'm').get(2, 3)).toBe(m.data[11]);
    expect(() => asVector(m, 'observation.npy')).toThrow(/observation.npy: expected a vector, got shape \[3, 4\]/);
  });

  it('writes headers NumPy accepts (64-byte aligned, version 1.0)', () => {
    const bytes = encodeNpy([1, 2, 3]);
    const headerLen = bytes[8] | (bytes[9] << 8);
    expect((10 + headerLen) % 64).toBe(0);
    expect(new TextDecoder().decode(bytes.subarray(10, 10 + headerLen))).toMatch(/^\{'descr': '<f8', 'fortran_order': False, 'shape': \(3,\), \}\s*\n$/);
  });

  it('refuses Fortran order, 3-D arrays, truncation and junk, naming the file', () => {
    expect(() => parseNpy(fixture('f64_fortran.npy'), 'f.npy')).toThrow(/f.npy: Fortran-order arrays are not supported/);
    expect(() => parseNpy(fixture('f64_3d.npy'), 'c.npy')).toThrow(/c.npy: expected a 1-D or 2-D array, got shape \(2, 2, 2\)/);
    const full = fixture('f64_vector.npy');
    expect(() => parseNpy(full.subarray(0, full.length - 3), 't.npy')).toThrow(/t.npy: expected 104 data bytes for shape \(13\), found 101/);
    expect(() => parseNpy(new TextEncoder().encode('hello world'), 'x.npy')).toThrow(/x.npy: not a valid .npy file/);
  });
});

describe('JSON arrays', () => {
  it('read vectors and matrices and write them back', () => {
    expect(parseJsonArray('[1, 2.5, -3]')).toEqual({ shape: [3], data: Float64Array.from([1, 2.5, -3]) });
    const m = parseJsonArray('[[1, 2], [3, 4], [5, 6]]');
    expect(m.shape).toEqual([3, 2]);
    expect(parseJsonArray(formatJsonArray(m.data, m.shape))).toEqual(m);
  });

  it('refuse ragged rows, non-numbers and invalid JSON with the entry named', () => {
    expect(() => parseJsonArray('[[1, 2], [3]]', 'y.json')).toThrow(/y.json: row 1 is not an array of length 2/);
    expect(() => parseJsonArray('[1, null]', 'y.json')).toThrow(/y.json: entry \[1\] is null, expected a finite number/);
    expect(() => parseJsonArray('[1, "2"]', 'y.json')).toThrow(/entry \[1\] is the string "2"/);
    expect(() => parseJsonArray('{"a": 1}', 'y.json')).toThrow(/y.json: expected a JSON array/);
    expect(() => parseJsonArray('[1, 2', 'y.json')).toThrow(/y.json: not valid JSON/);
  });
});

/** The weights of a 4-6-5-3 net with biases in the Keras [in, out] kernel layout, as a model file would hold them. */
function kerasWeights(g: Generator): Float32Array[] {
  const out: Float32Array[] = [];
  for (const l of g.layers) {
    const k = new Float32Array(l.weight.rows * l.weight.cols);
    for (let r = 0; r < l.weight.rows; r++) for (let c = 0; c < l.weight.cols; c++) k[c * l.weight.rows + r] = l.weight.get(r, c);
    out.push(k);
    if (l.bias) out.push(Float32Array.from(l.bias));
  }
  return out;
}

function concat(parts: Float32Array[]): Uint8Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return new Uint8Array(out.buffer);
}

describe('layers-model files', () => {
  const g = Generator.random([4, 6, 5, 3], { seed: 11, bias: true, outputActivation: sigmoid });
  const z = gaussianVector(new Rng(12), 4);
  const w = kerasWeights(g);

  // What the Python converter (tensorflowjs_converter --input_format keras) writes for a Keras 2 Sequential model.
  const converterJson = {
    format: 'layers-model', generatedBy: 'keras v2.15.0', convertedBy: 'TensorFlow.js Converter v4.22.0',
    modelTopology: {
      keras_version: '2.15.0', backend: 'tensorflow',
      model_config: { class_name: 'Sequential', config: { name: 'decoder', layers: [
        { class_name: 'InputLayer', config: { batch_input_shape: [null, 4], dtype: 'float32', sparse: false, ragged: false, name: 'input_1' } },
        { class_name: 'Dense', config: { name: 'dense', trainable: true, dtype: 'float32', units: 6, activation: 'relu', use_bias: true, kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } } } },
        { class_name: 'Dense', config: { name: 'dense_1', trainable: true, dtype: 'float32', units: 5, activation: 'linear', use_bias: true } },
        { class_name: 'ReLU', config: { name: 're_lu', trainable: true, dtype: 'float32', max_value: null, negative_slope: 0.0, threshold: 0.0 } },
        { class_name: 'Dropout', config: { name: 'dropout', rate: 0.1 } },
        { class_name: 'Dense', config: { name: 'dense_2', trainable: true, dtype: 'float32', units: 3, activation: 'linear', use_bias: true } },
        { class_name: 'Activation', config: { name: 'activation', activation: 'sigmoid' } },
      ] } },
      training_config: { loss: 'binary_crossentropy' },
    },
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: [
      { name: 'dense/kernel', shape: [4, 6], dtype: 'float32' }, { name: 'dense/bias', shape: [6], dtype: 'float32' },
      { name: 'dense_1/kernel', shape: [6, 5], dtype: 'float32' }, { name: 'dense_1/bias', shape: [5], dtype: 'float32' },
      { name: 'dense_2/kernel', shape: [5, 3], dtype: 'float32' }, { name: 'dense_2/bias', shape: [3], dtype: 'float32' },
    ] }],
  };

  // What tfjs-layers `model.save` writes: no model_config wrapper, layer names like dense_Dense1, the
  // input shape on the first Dense, and the weights listed in another order than the layers.
  const tfjsJson = {
    modelTopology: { class_name: 'Sequential', config: { name: 'sequential_1', layers: [
      { class_name: 'Dense', config: { units: 6, activation: 'relu', use_bias: true, name: 'dense_Dense1', trainable: true, batch_input_shape: [null, 4], dtype: 'float32' } },
      { class_name: 'Dense', config: { units: 5, activation: 'relu', use_bias: true, name: 'dense_Dense2', trainable: true } },
      { class_name: 'Dense', config: { units: 3, activation: 'sigmoid', use_bias: true, name: 'dense_Dense3', trainable: true } },
    ] }, keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' },
    format: 'layers-model', generatedBy: 'TensorFlow.js tfjs-layers v4.22.0', convertedBy: null,
    weightsManifest: [{ paths: ['./model.weights.bin'], weights: [
      { name: 'dense_Dense2/kernel', shape: [6, 5], dtype: 'float32' }, { name: 'dense_Dense2/bias', shape: [5], dtype: 'float32' },
      { name: 'dense_Dense1/kernel', shape: [4, 6], dtype: 'float32' }, { name: 'dense_Dense1/bias', shape: [6], dtype: 'float32' },
      { name: 'dense_Dense3/kernel', shape: [5, 3], dtype: 'float32' }, { name: 'dense_Dense3/bias', shape: [3], dtype: 'float32' },
    ] }],
  };

  it('reads the Python converter layout and matches the same weights built in code to float32 precision', () => {
    const loaded = parseLayersModel(converterJson, concat(w), 'model.json');
    expect(loaded.describe()).toBe('4-6-5-3 relu,relu,sigmoid (with biases)');
    expect(relativeError(loaded.forward(z), g.forward(z))).toBeLessThan(1e-6);
  });

  it('reads the tfjs-layers layout, matching weights by name', () => {
    const loaded = parseLayersModel(tfjsJson, concat([w[2], w[3], w[0], w[1], w[4], w[5]]), 'model.json');
    expect(relativeError(loaded.forward(z), g.forward(z))).toBeLessThan(1e-6);
  });

  for (const layout of ['tfjs', 'keras'] as const) {
    it(`writes the ${layout} layout and reads it back exactly (float32 weights)`, () => {
      const h = Generator.random([3, 7, 5], { seed: 2, bias: true, activation: leakyRelu(0.2), outputActivation: tanh });
      const files = serializeLayersModel(h, { layout });
      const back = parseLayersModel(JSON.parse(JSON.stringify(files.modelJson)), files.weightData);
      const f32 = Generator.fromPlain({ layers: h.toPlain().layers.map((l) => ({ ...l, weight: Float64Array.from(Float32Array.from(l.weight)), bias: l.bias && Float64Array.from(Float32Array.from(l.bias)) })) });
      expect(back.forward(z.subarray(0, 3))).toEqual(f32.forward(z.subarray(0, 3)));
      expect(back.describe()).toBe(h.describe());
      // a second round trip is byte-identical
      expect(serializeLayersModel(back, { layout }).weightData).toEqual(files.weightData);
    });
  }

  it('refuses unknown layer classes, unknown activations, bad shapes and short weight files, naming the layer', () => {
    const bytes = concat(w);
    const withLayer = (layer: object) => ({ ...converterJson, modelTopology: { ...converterJson.modelTopology, model_config: { class_name: 'Sequential', config: { layers: [...converterJson.modelTopology.model_config.config.layers, layer] } } } });
    expect(() => parseLayersModel(withLayer({ class_name: 'LSTM', config: { name: 'lstm' } }), bytes, 'm.json')).toThrow(/m.json: layer 7 \('lstm', LSTM\): layer type 'LSTM' is not supported \(supported: Dense, .*Conv2D, Conv2DTranspose, UpSampling2D, BatchNormalization, Reshape, Flatten, Permute\)/);
    // a convolution after a flat Dense output needs an image shape, and says so
    expect(() => parseLayersModel(withLayer({ class_name: 'Conv2D', config: { name: 'conv', filters: 2, kernel_size: [3, 3] } }), bytes, 'm.json')).toThrow(/layer 7 \('conv', Conv2D\): expects an image input \[height, width, channels\], got \[\d+\] \(add a Reshape before it\)/);
    const badAct = JSON.parse(JSON.stringify(converterJson));
    badAct.modelTopology.model_config.config.layers[1].config.activation = 'gelu';
    expect(() => parseLayersModel(badAct, bytes, 'm.json')).toThrow(/layer 1 \('dense', Dense\): unsupported activation 'gelu'/);
    const badShape = JSON.parse(JSON.stringify(converterJson));
    badShape.weightsManifest[0].weights[0].shape = [6, 4];
    expect(() => parseLayersModel(badShape, bytes, 'm.json')).toThrow(/kernel 'dense\/kernel' has shape \[6, 4\], expected \[4, 6\]/);
    expect(() => parseLayersModel(converterJson, bytes.subarray(0, 40), 'm.json')).toThrow(/m.json: the weight files hold 40 bytes, the manifest describes/);
    expect(() => parseLayersModel({ format: 'graph-model' }, bytes, 'm.json')).toThrow(/format is 'graph-model', expected 'layers-model'/);
    const twoActs = withLayer({ class_name: 'Activation', config: { name: 'again', activation: 'relu' } });
    expect(() => parseLayersModel(twoActs, bytes, 'm.json')).toThrow(/already applies sigmoid/);
  });
});

describe('PNG', () => {
  it('encodes a grid of images as an 8-bit grayscale PNG whose pixels decode back', () => {
    const a = new Float64Array(4).fill(1), b = Float64Array.from([0, 0.5, 1, 0.25]);
    const grid = imageGrid([a, b], 2, { gap: 1, background: 0 });
    expect([grid.width, grid.height]).toEqual([7, 4]);
    const png = encodePng(grid, (raw) => new Uint8Array(require('node:zlib').deflateSync(raw)), 2);
    expect(Array.from(png.subarray(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    const dv = new DataView(png.buffer, png.byteOffset);
    expect([dv.getUint32(16), dv.getUint32(20)]).toEqual([14, 8]);
    const idatLen = dv.getUint32(33);
    const raw = inflateSync(png.subarray(41, 41 + idatLen));
    // row 2 of the scaled image is row 1 of the grid: gap, a(2 px), gap, b[0], b[1] → each pixel doubled
    const row = Array.from(raw.subarray(2 * 15 + 1, 3 * 15));
    expect(row).toEqual([0, 0, 255, 255, 255, 255, 0, 0, 0, 0, 128, 128, 0, 0]);
  });
});

describe('errors', () => {
  it('are typed and carry one-line messages', () => {
    try {
      parseJsonArray('oops', 'y.json');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InvError);
      expect((e as InvError).code).toBe('ERR_FORMAT');
      expect((e as Error).message.includes('\n')).toBe(false);
    }
  });
});
