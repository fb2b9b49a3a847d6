/**
 * A VAE trained with tfjs-core (no tfjs-layers): encoder x → (μ, log σ²) mirrors the decoder's hidden
 * widths; decoder z → sigmoid(W_d relu(… relu(W_1 z))). Loss per digit: Bernoulli cross-entropy summed
 * over pixels + KL(q(z|x) ‖ N(0, I)), averaged over the batch (Kingma & Welling). A leaky decoder
 * (`leaky`) has LeakyReLU(α) after every layer, the output included; its output is the mean of a Gaussian
 * likelihood instead (see `gaussian`). All randomness (weight init, batch order, reparameterisation noise)
 * comes from core's seeded Rng, so a seed fixes the result.
 */
import { boxVector, denseLayer, Generator, leakyRelu, Matrix, relu, Rng, sigmoid, gaussianVector, transpose } from '@inv/core';
import { initTf, tf } from '@inv/core/tf';
import { permutation } from './split.js';

export interface TrainProgress {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  /** Loss of this batch (nats per digit). */
  loss: number;
}

export interface VaeOptions {
  /** Decoder widths [k, n_1, …, 784]. */
  widths: readonly number[];
  /** Training images, count×784 bytes (0–255). */
  pixels: Uint8Array;
  epochs: number;
  batchSize: number;
  seed: number;
  bias: boolean;
  learningRate: number;
  /** LeakyReLU(alpha) after every decoder layer and a Gaussian likelihood of std sigma (default: relu/sigmoid, Bernoulli). */
  leaky?: { alpha: number; sigma: number };
  onProgress?: (p: TrainProgress) => void;
  signal?: AbortSignal;
}

export interface Dense {
  kernel: tf.Variable; // in×out, so that a batch (B×in) times it is B×out
  bias?: tf.Variable;
  /** A rectifier after this layer (else linear). */
  relu: boolean;
  /** The rectifier's slope for inputs ≤ 0: 0 is ReLU, α ∈ (0, 1) LeakyReLU(α). */
  leak: number;
}

let runs = 0; // variable names are global in tfjs; a run counter keeps concurrent trainings apart

/** The start of a training: tfjs ready, the seeded Rng and a run name no other training in this process has. */
export async function startRun(prefix: string, seed: number): Promise<{ rng: Rng; run: string }> {
  await initTf();
  return { rng: new Rng(seed), run: `${prefix}${++runs}` };
}

/** Glorot-uniform kernel from the seeded Rng (tfjs's own initialisers are seeded differently per backend). */
export function dense(rng: Rng, inp: number, out: number, bias: boolean, relu: boolean, name: string, leak = 0): Dense {
  const a = Math.sqrt(6 / (inp + out));
  const w = Float32Array.from(boxVector(rng, inp * out, a));
  return {
    kernel: tf.variable(tf.tensor2d(w, [inp, out]), true, `${name}/kernel`),
    bias: bias ? tf.variable(tf.zeros([out]), true, `${name}/bias`) : undefined,
    relu,
    leak,
  };
}

/** What Adam's applyGradients takes: a gradient keyed by its variable's name. */
export type NamedGrad = { name: string; tensor: tf.Tensor };

interface MlpPass {
  inputs: tf.Tensor2D[];
  pres: tf.Tensor2D[];
  out: tf.Tensor2D;
}

export function forward(layers: readonly Dense[], x: tf.Tensor2D): MlpPass {
  const inputs: tf.Tensor2D[] = [];
  const pres: tf.Tensor2D[] = [];
  let h = x;
  for (const l of layers) {
    inputs.push(h);
    let p: tf.Tensor2D = tf.matMul(h, l.kernel as tf.Tensor2D);
    if (l.bias) p = tf.add(p, l.bias) as tf.Tensor2D;
    pres.push(p);
    h = !l.relu ? p : l.leak ? (tf.leakyRelu(p, l.leak) as tf.Tensor2D) : (tf.relu(p) as tf.Tensor2D);
  }
  return { inputs, pres, out: h };
}

/**
 * Backpropagation through a pass by hand: the wasm build of tfjs-core registers no gradient
 * functions (those ship with tfjs-layers/the union package), so tf.grads cannot be used.
 * Appends the gradients to `grads` and returns ∂L/∂input.
 */
export function backward(layers: readonly Dense[], pass: MlpPass, dOut: tf.Tensor2D, grads: NamedGrad[]): tf.Tensor2D {
  let g = dOut;
  for (let i = layers.length - 1; i >= 0; i--) {
    const l = layers[i];
    // The rectifier's derivative: 1 where p > 0, the slope (0 for ReLU) elsewhere.
    if (l.relu) g = tf.mul(g, tf.step(pass.pres[i], l.leak)) as tf.Tensor2D;
    // Explicit transposes: matMul's transpose flags run about 4x slower on the wasm backend.
    grads.push({ name: l.kernel.name, tensor: tf.matMul(tf.transpose(pass.inputs[i]), g) });
    if (l.bias) grads.push({ name: l.bias.name, tensor: tf.sum(g, 0) });
    g = tf.matMul(g, tf.transpose(l.kernel as tf.Tensor2D));
  }
  return g;
}

/** Bernoulli cross-entropy of logits l against targets x, summed, stably: relu(l) − l·x + log(1 + e^{−|l|}). */
export function bceWithLogits(logits: tf.Tensor2D, x: tf.Tensor2D): tf.Tensor {
  return tf.sum(tf.sub(tf.add(tf.relu(logits), tf.softplus(tf.neg(tf.abs(logits)))), tf.mul(logits, x)));
}

export function abortError(): Error {
  return Object.assign(new Error('training aborted'), { name: 'AbortError' });
}

/** A decoder's pass to logits and its backward pass (appends weight gradients, returns ∂L/∂z). */
export interface DecoderPass {
  /** The decoder's last pre-sigmoid output (Bernoulli), or its output (Gaussian). */
  logits: tf.Tensor2D;
  backward(dLogits: tf.Tensor2D, grads: NamedGrad[]): tf.Tensor2D;
}

/** −log p(x | decoder output), summed over the batch and pixels, and its derivative in the output. */
export interface Likelihood {
  nll(out: tf.Tensor2D, x: tf.Tensor2D): tf.Tensor;
  grad(out: tf.Tensor2D, x: tf.Tensor2D): tf.Tensor2D;
}

/** Pixels as Bernoulli draws with the logits' probabilities (the relu/sigmoid decoders). */
export const bernoulli: Likelihood = { nll: bceWithLogits, grad: (l, x) => tf.sub(tf.sigmoid(l), x) };

/**
 * Pixels as N(G(z), σ²) (the leaky decoders, whose output is no logit): Σ (G(z) − x)² / (2σ²), without
 * the constant 784·log(σ√(2π)), so the loss is not comparable with the Bernoulli one.
 */
export function gaussian(sigma: number): Likelihood {
  const s2 = sigma * sigma;
  return { nll: (out, x) => tf.div(tf.sum(tf.square(tf.sub(out, x))), 2 * s2), grad: (out, x) => tf.div(tf.sub(out, x), s2) };
}

/**
 * One step's loss and gradients. L = (1/B) Σ_b [NLL(G(z_b), x_b) + KL_b] with z = μ + e^{lv/2}·ε;
 * ∂L/∂logits = grad/B (Bernoulli: (σ(logits) − x)/B), ∂L/∂μ = ∂L/∂z + μ/B,
 * ∂L/∂lv = ∂L/∂z·ε·e^{lv/2}/2 + (e^{lv} − 1)/(2B).
 */
export function lossAndGrads(encoder: readonly Dense[], decode: (z: tf.Tensor2D) => DecoderPass, k: number, x: tf.Tensor2D, eps: tf.Tensor2D, likelihood: Likelihood = bernoulli): { loss: tf.Scalar; grads: NamedGrad[] } {
  const B = x.shape[0];
  const enc = forward(encoder, x);
  const mu = tf.slice(enc.out, [0, 0], [-1, k]);
  const logVar = tf.slice(enc.out, [0, k], [-1, k]);
  const std = tf.exp(tf.mul(logVar, 0.5));
  const z = tf.add(mu, tf.mul(std, eps)) as tf.Tensor2D;
  const dec = decode(z);
  const kl = tf.mul(-0.5, tf.sum(tf.sub(tf.add(1, logVar), tf.add(tf.square(mu), tf.square(std)))));
  const loss = tf.div(tf.add(likelihood.nll(dec.logits, x), kl), B) as tf.Scalar;
  const grads: NamedGrad[] = [];
  const dz = dec.backward(tf.div(likelihood.grad(dec.logits, x), B), grads);
  const dMu = tf.add(dz, tf.div(mu, B));
  const dLogVar = tf.add(tf.mul(tf.mul(dz, eps), tf.mul(std, 0.5)), tf.div(tf.sub(tf.square(std), 1), 2 * B));
  backward(encoder, enc, tf.concat([dMu, dLogVar], 1) as tf.Tensor2D, grads);
  return { loss, grads };
}

/** What the training loop needs from a VAE: its seeded Rng (already used for the weights), encoder and decoder. */
export interface VaeModel {
  rng: Rng;
  k: number;
  encoder: readonly Dense[];
  decode(z: tf.Tensor2D): DecoderPass;
  variables: tf.Variable[];
  decoderGenerator(): Promise<Generator>;
  /** Default: Bernoulli. */
  likelihood?: Likelihood;
}

/** Adam over shuffled batches, shared by the dense and conv VAEs; returns the decoder and each epoch's mean loss. */
export async function trainLoop(o: Omit<VaeOptions, 'widths' | 'bias'>, m: VaeModel): Promise<{ generator: Generator; losses: number[] }> {
  const { rng, k } = m;
  const n = 784;
  const count = o.pixels.length / n;
  const optimizer = tf.train.adam(o.learningRate);
  const data = tf.tensor2d(Float32Array.from(o.pixels, (p) => p / 255), [count, n]);
  const batches = Math.ceil(count / o.batchSize);
  const losses: number[] = [];
  try {
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      const order = permutation(rng, count);
      let sum = 0;
      for (let b = 0; b < batches; b++) {
        if (o.signal?.aborted) throw abortError();
        const idx = order.slice(b * o.batchSize, (b + 1) * o.batchSize);
        const noise = Float32Array.from(gaussianVector(rng, idx.length * k));
        const lossT = tf.tidy(() => {
          const x = tf.gather(data, tf.tensor1d(Int32Array.from(idx), 'int32')) as tf.Tensor2D;
          const { loss, grads } = lossAndGrads(m.encoder, (z) => m.decode(z), k, x, tf.tensor2d(noise, [idx.length, k]), m.likelihood);
          optimizer.applyGradients(grads);
          return loss;
        });
        const loss = (await lossT.data())[0];
        lossT.dispose();
        sum += loss * idx.length;
        o.onProgress?.({ epoch, epochs: o.epochs, batch: b + 1, batches, loss });
      }
      losses.push(sum / count);
    }
    return { generator: await m.decoderGenerator(), losses };
  } finally {
    data.dispose();
    optimizer.dispose();
    for (const v of m.variables) v.dispose();
  }
}

/** The pass of a dense decoder (an MLP) with its backward pass. */
export function mlpDecoder(decoder: readonly Dense[]): (z: tf.Tensor2D) => DecoderPass {
  return (z) => {
    const pass = forward(decoder, z);
    return { logits: pass.out, backward: (dLogits, grads) => backward(decoder, pass, dLogits, grads) };
  };
}

/** Trains the VAE; returns the decoder as a float64 Generator and the mean loss of each epoch. */
export async function trainVae(o: VaeOptions): Promise<{ generator: Generator; losses: number[] }> {
  const { rng, run } = await startRun('vae', o.seed);
  const k = o.widths[0];
  const n = o.widths[o.widths.length - 1];
  const encWidths = [n, ...o.widths.slice(1, -1).reverse(), 2 * k];
  // The encoder always has biases: only the decoder is shipped, and it follows the papers' form.
  const encoder = encWidths.slice(1).map((w, i) => dense(rng, encWidths[i], w, true, i < encWidths.length - 2, `${run}/enc_${i + 1}`));
  const leak = o.leaky?.alpha ?? 0;
  // Relu/sigmoid: the last layer is linear (its logits go through the sigmoid); leaky: every layer is rectified.
  const decoder = o.widths.slice(1).map((w, i) => dense(rng, o.widths[i], w, o.bias, leak > 0 || i < o.widths.length - 2, `${run}/dec_${i + 1}`, leak));
  const variables = [...encoder, ...decoder].flatMap((d) => (d.bias ? [d.kernel, d.bias] : [d.kernel]));
  const likelihood = o.leaky ? gaussian(o.leaky.sigma) : bernoulli;
  return trainLoop(o, { rng, k, encoder, decode: mlpDecoder(decoder), variables, decoderGenerator: () => decoderGenerator(decoder), likelihood });
}

/** The trained decoder in float64: weights transposed to out×in; a linear last layer gets the sigmoid, a rectified one keeps its rectifier. */
async function decoderGenerator(decoder: Dense[]): Promise<Generator> {
  const layers = await Promise.all(
    decoder.map(async (d, i) => {
      const [inp, out] = d.kernel.shape as [number, number];
      const weight = transpose(new Matrix(inp, out, Float64Array.from(await d.kernel.data())));
      const bias = d.bias ? Float64Array.from(await d.bias.data()) : undefined;
      const act = !d.relu ? sigmoid : d.leak ? leakyRelu(d.leak) : relu;
      return denseLayer(weight, bias, act, `decoder layer ${i}`);
    }),
  );
  return new Generator(layers);
}
