/** Keras' Permute layer, read as a permutation stage, computes what tfjs-layers computes, and is written back. */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { isDense, parseLayersModel, parseOnnx, PermuteMap, relativeError, serializeLayersModel, serializeOnnx, type Generator } from '../src/index.js';

/** A tfjs-layers model's files, as model.save writes them. */
async function saved(model: tfl.LayersModel): Promise<{ modelJson: Record<string, unknown>; weightData: Uint8Array }> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
  const weightData = new Uint8Array(artifacts!.weightData as ArrayBuffer);
  return { modelJson: { format: 'layers-model', modelTopology: artifacts!.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: artifacts!.weightSpecs }] }, weightData };
}

const permutes = (G: Generator) => G.stages.flatMap((s) => (isDense(s) ? [] : s.map.describe().split(' + ').filter((d) => d.startsWith('permute'))));

describe('Permute layers', () => {
  it('equal tfjs-layers predict, after a Dense, between convolutions and before the output; and are written back', async () => {
    tf.env().set('IS_TEST', true); // no advice to install tfjs-node on stderr
    await tf.setBackend('cpu');
    const k = 4;
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({ inputShape: [k], units: 24, activation: 'relu' }),
        tfl.layers.reshape({ targetShape: [2, 4, 3] }),
        tfl.layers.permute({ dims: [3, 1, 2] }), // 3x2x4: channels become height
        tfl.layers.conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
        tfl.layers.permute({ dims: [2, 1, 3] }), // 6x4x3 → 4x6x3: height and width swapped
        tfl.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', activation: 'sigmoid' }),
        tfl.layers.permute({ dims: [3, 1, 2] }),
      ],
    });
    const { modelJson, weightData } = await saved(model);
    const G = parseLayersModel(modelJson, weightData);
    // the first Permute reorders the Dense's rows; the others are stages' parts
    expect(permutes(G)).toEqual(['permute 1,0,2', 'permute 2,0,1']);
    expect(G.describe()).toMatch(/^4-3x2x4-4x6x3-2x4x6 relu,relu,sigmoid/);
    const Z = tf.randomNormal([3, k], 0, 1, 'float32', 7);
    const want = (await (model.predict(Z) as tf.Tensor).data()) as Float32Array;
    const zs = await Z.data();
    for (let b = 0; b < 3; b++) {
      const out = G.forward(zs.subarray(b * k, (b + 1) * k));
      expect(relativeError(out, want.subarray(b * out.length, (b + 1) * out.length))).toBeLessThan(2e-6);
    }
    // written as a layers model and as ONNX (Transpose nodes), then read: the same generator
    const files = serializeLayersModel(G);
    const viaOnnx = parseOnnx(serializeOnnx(G));
    for (const H of [parseLayersModel(files.modelJson, files.weightData), viaOnnx]) {
      expect(H.describe()).toBe(G.describe());
      for (let b = 0; b < 3; b++) expect(relativeError(H.forward(zs.subarray(b * k, (b + 1) * k)), G.forward(zs.subarray(b * k, (b + 1) * k)))).toBeLessThan(1e-6);
    }
  });

  it('PermuteMap by hand: a 2x3 transpose, and axes that are not a permutation refused', () => {
    const P = new PermuteMap([2, 3], [1, 0]);
    expect(P.outShape).toEqual([3, 2]);
    expect(Array.from(P.apply([1, 2, 3, 4, 5, 6]))).toEqual([1, 4, 2, 5, 3, 6]);
    expect(Array.from(P.adjoint([1, 4, 2, 5, 3, 6]))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(() => new PermuteMap([2, 3, 4], [0, 0, 2])).toThrow(/permute: axes \[0, 0, 2\] are not a permutation of the 3 axes of \[2, 3, 4\]/);
  });
});
