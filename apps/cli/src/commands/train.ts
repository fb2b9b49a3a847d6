/** `inv train`: trains an MNIST VAE decoder (from @inv/models) and saves it as a layers model. */
import { SHIPPED_MODELS, type ShippedModelName } from '@inv/models';
import { assetsDir, trainMnistVae, writeMnistModel, DEFAULT_EPOCHS } from '@inv/models/node';
import { defineCommand } from '../command.js';
import { progressBar, say } from '../io.js';

export const trainCommand = defineCommand({
  name: 'train',
  summary: 'Train an MNIST VAE decoder on the training digits (never the held-out ones) and save it as model.json + weights.bin.',
  usage: 'inv train [--model <name>] [--epochs N] [--batch-size N] [--digits N] [--seed S] [--learning-rate r] [--bias] [--out <dir>]',
  flags: {
    model: { type: 'enum', values: SHIPPED_MODELS, default: '20-60-784', description: 'decoder widths (relu hidden layers, sigmoid output), leaky-20-200-500-784 (LeakyReLU(0.1) on every layer, Gaussian likelihood) or conv-20-784 (the convolutional decoder, always with biases)' },
    epochs: { type: 'number', integer: true, min: 1, description: `passes over the training digits (default: ${Object.entries(DEFAULT_EPOCHS).map(([m, e]) => `${e} for ${m}`).join(', ')})` },
    'batch-size': { type: 'number', integer: true, min: 1, default: 100, description: 'digits per Adam step' },
    digits: { type: 'number', integer: true, min: 1, description: 'use only the first N training digits (default: all)' },
    seed: { type: 'number', integer: true, min: 0, default: 0, description: 'seed of the initial weights, batch order and sampling noise' },
    'learning-rate': { type: 'number', min: 0, default: 1e-3, description: 'Adam step size' },
    bias: { type: 'boolean', default: false, description: 'give the decoder biases (the papers use none)' },
    out: { type: 'string', description: `folder to write <model>/model.json into (default: the shipped assets, ${assetsDir})`, placeholder: 'dir' },
  },
  async run(args, io) {
    const model = args.flags.model;
    const f = args.flags;
    let bar: ReturnType<typeof progressBar> | undefined;
    const { generator, losses, timeMs } = await trainMnistVae({
      model,
      epochs: f.epochs,
      batchSize: f['batch-size'],
      digits: f.digits,
      seed: f.seed,
      learningRate: f['learning-rate'],
      bias: f.bias,
      onProgress: (p) => {
        bar ??= progressBar(io, p.epochs * p.batches, `train ${model}`);
        bar.tick((p.epoch - 1) * p.batches + p.batch, `epoch ${p.epoch}/${p.epochs} loss ${p.loss.toFixed(1)}`);
      },
    });
    bar?.finish();
    const path = writeMnistModel(generator, model, f.out ?? assetsDir);
    const summary = { model, path, epochs: losses.length, finalLoss: losses[losses.length - 1], timeMs };
    if (io.json) io.out(JSON.stringify(summary));
    else say(io, `trained ${generator.describe()} in ${(timeMs / 1000).toFixed(1)} s, final loss ${summary.finalLoss?.toFixed(2)} nats/digit; wrote ${path}`);
  },
});
