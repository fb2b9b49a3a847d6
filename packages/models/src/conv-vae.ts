/**
 * A convolutional VAE on MNIST, trained with tfjs-core on the wasm backend by hand-written
 * backpropagation (as ./vae.ts; the wasm build has no gradient functions and no Conv2DBackpropFilter
 * kernel). Decoder, DCGAN-style with biases:
 *   z (20) → Dense → 7×7×32, ReLU → Conv2DTranspose 4×4 stride 2 same → 14×14×16, ReLU
 *          → Conv2DTranspose 4×4 stride 2 same → 28×28×1, sigmoid.
 * Encoder: an MLP 784 → 400 → (μ, log σ²). Loss as in ./vae.ts (Bernoulli cross-entropy + KL).
 */
import { ConvMap, denseLayer, Generator, mapLayer, type Stage, Matrix, relu, Rng, sigmoid, boxVector, transpose } from '@inv/core';
import { conv2dPadded, conv2dTransposeByConv, flipTransposeKernel, tf } from '@inv/core/tf';
import { backward, dense, type DecoderPass, forward, type Dense, type NamedGrad, startRun, trainLoop, type VaeOptions } from './vae.js';

export const CONV_LATENT = 20;
/** [height, width, channels] after the dense layer, then the two transposed convolutions' filters. */
const START: [number, number, number] = [7, 7, 32];
const FILTERS = [16, 1];
const KERNEL = 4;
const STRIDE = 2;
const ENCODER_HIDDEN = 400;

/** The dense VAE's training options without its widths and bias switch (this architecture fixes both). */
export type ConvVaeOptions = Omit<VaeOptions, 'widths' | 'bias'>;

interface ConvT {
  /** [kh, kw, out, in], as Keras stores a Conv2DTranspose kernel. */
  kernel: tf.Variable;
  bias: tf.Variable;
  inShape: [number, number, number];
  outShape: [number, number, number];
}

function convT(rng: Rng, inShape: [number, number, number], filters: number, name: string): ConvT {
  const c = inShape[2];
  const a = Math.sqrt(6 / (KERNEL * KERNEL * (c + filters))); // Glorot uniform with the kernel's fans
  const w = Float32Array.from(boxVector(rng, KERNEL * KERNEL * filters * c, a));
  return {
    kernel: tf.variable(tf.tensor4d(w, [KERNEL, KERNEL, filters, c]), true, `${name}/kernel`),
    bias: tf.variable(tf.zeros([filters]), true, `${name}/bias`),
    inShape,
    outShape: [inShape[0] * STRIDE, inShape[1] * STRIDE, filters],
  };
}

/**
 * ∂L/∂K of a 'same' Conv2DTranspose Y = convT(X, K) given dY: dK[ky, kx, f, c] = Σ_{b, iy, ix}
 * dY_pad[b, iy·s+ky, ix·s+kx, f]·X[b, iy, ix, c]. That is one stride-1 convolution with batch and channels
 * swapped: dY_pad as [f, H, W, B] against X as a [h, w, B, c] kernel dilated by s (XNNPACK runs it; 16
 * strided slices and a product took 500 ms per batch of 100).
 */
export function convTransposeFilterGrad(X: tf.Tensor4D, dY: tf.Tensor4D, kh: number, kw: number, stride: number): tf.Tensor4D {
  const [, h, w] = X.shape;
  const [oh, ow] = [dY.shape[1], dY.shape[2]];
  // TensorFlow's 'same' padding of the forward convolution from the output (oh×ow) back to h×w
  const top = Math.floor(Math.max((h - 1) * stride + kh - oh, 0) / 2);
  const left = Math.floor(Math.max((w - 1) * stride + kw - ow, 0) / 2);
  const bottom = Math.max((h - 1) * stride + kh - top - oh, 0);
  const right = Math.max((w - 1) * stride + kw - left - ow, 0);
  const padded = tf.pad(dY, [[0, 0], [top, bottom], [left, right], [0, 0]]);
  const input = tf.transpose(padded, [3, 1, 2, 0]); // [f, H, W, B]
  const filter = tf.transpose(X, [1, 2, 0, 3]); // [h, w, B, c]
  const out = tf.conv2d(input, filter, 1, 'valid', 'NHWC', stride); // [f, ≥kh, ≥kw, c]
  return tf.transpose(tf.slice(out, [0, 0, 0, 0], [-1, kh, kw, -1]), [1, 2, 0, 3]);
}

interface Decoder {
  dense: Dense;
  convs: ConvT[];
}

/** Logits of the decoder for latents z (B×20), with what the backward pass needs. */
function decode(dec: Decoder, z: tf.Tensor2D) {
  const pass = forward([dec.dense], z);
  const B = z.shape[0];
  let h = tf.reshape(pass.out, [B, ...START]) as tf.Tensor4D;
  const inputs: tf.Tensor4D[] = [];
  const pres: tf.Tensor4D[] = [];
  dec.convs.forEach((l, i) => {
    inputs.push(h);
    // 'same', k 4, stride 2: the forward convolution pads 1 before on each axis
    const y = conv2dTransposeByConv(h, flipTransposeKernel(l.kernel as tf.Tensor4D), l.outShape, [STRIDE, STRIDE], [1, 1]);
    const p = tf.add(y, l.bias) as tf.Tensor4D;
    pres.push(p);
    h = i < dec.convs.length - 1 ? tf.relu(p) : p;
  });
  return { pass, inputs, pres, logits: tf.reshape(h, [B, -1]) as tf.Tensor2D };
}

function decoderBackward(dec: Decoder, d: ReturnType<typeof decode>, dLogits: tf.Tensor2D, grads: NamedGrad[]): tf.Tensor2D {
  const B = dLogits.shape[0];
  let g = tf.reshape(dLogits, [B, ...dec.convs[dec.convs.length - 1].outShape]) as tf.Tensor4D;
  for (let i = dec.convs.length - 1; i >= 0; i--) {
    const l = dec.convs[i];
    if (i < dec.convs.length - 1) g = tf.mul(g, tf.step(d.pres[i], 0)) as tf.Tensor4D;
    grads.push({ name: l.kernel.name, tensor: convTransposeFilterGrad(d.inputs[i], g, KERNEL, KERNEL, STRIDE) });
    grads.push({ name: l.bias.name, tensor: tf.sum(g, [0, 1, 2]) });
    // the adjoint of a transposed convolution is the convolution with the same kernel
    g = conv2dPadded(g, l.kernel as tf.Tensor4D, [STRIDE, STRIDE], 'same');
  }
  return backward([dec.dense], d.pass, tf.reshape(g, [B, -1]) as tf.Tensor2D, grads);
}

/** Trains the conv VAE; returns the decoder as a float64 Generator and the mean loss of each epoch. */
export async function trainConvVae(o: ConvVaeOptions): Promise<{ generator: Generator; losses: number[] }> {
  const { rng, run } = await startRun('cvae', o.seed);
  const k = CONV_LATENT, n = 784;
  const encoder = [dense(rng, n, ENCODER_HIDDEN, true, true, `${run}/enc_1`), dense(rng, ENCODER_HIDDEN, 2 * k, true, false, `${run}/enc_2`)];
  const first = dense(rng, k, START[0] * START[1] * START[2], true, true, `${run}/dec_dense`);
  const convs: ConvT[] = [];
  let shape = START;
  FILTERS.forEach((f, i) => {
    const l = convT(rng, shape, f, `${run}/dec_convt_${i + 1}`);
    convs.push(l);
    shape = l.outShape;
  });
  const decoder: Decoder = { dense: first, convs };
  const variables = [...encoder, first].flatMap((d) => [d.kernel, d.bias!]).concat(convs.flatMap((c) => [c.kernel, c.bias]));
  const decodePass = (z: tf.Tensor2D): DecoderPass => {
    const d = decode(decoder, z);
    return { logits: d.logits, backward: (dLogits, grads) => decoderBackward(decoder, d, dLogits, grads) };
  };
  return trainLoop(o, { rng, k, encoder, decode: decodePass, variables, decoderGenerator: () => decoderGenerator(decoder) });
}

/** The trained decoder in float64: a dense stage reshaped to 7×7×32, then the transposed convolutions. */
async function decoderGenerator(dec: Decoder): Promise<Generator> {
  const [inp, out] = dec.dense.kernel.shape as [number, number];
  const weight = transpose(new Matrix(inp, out, Float64Array.from(await dec.dense.kernel.data())));
  const stages: Stage[] = [denseLayer(weight, Float64Array.from(await dec.dense.bias!.data()), relu, 'decoder dense', START)];
  for (const [i, l] of dec.convs.entries()) {
    const map = new ConvMap('conv2d_transpose', l.inShape, l.kernel.shape, Float64Array.from(await l.kernel.data()), [STRIDE, STRIDE], 'same');
    const perChannel = await l.bias.data();
    const bias = Float64Array.from({ length: map.rows }, (_, r) => perChannel[r % perChannel.length]);
    stages.push(mapLayer(map, bias, i === dec.convs.length - 1 ? sigmoid : relu, `decoder conv ${i + 1}`));
  }
  return new Generator(stages);
}
