import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValueError } from '@inv/core';
import { readGenerator } from '@inv/core/node';
import { afterAll, describe, expect, it } from 'vitest';
import { MNIST_MODELS, trainMnistVae, writeMnistModel, type TrainProgress } from '../src/node.js';
import { maxWeightDifference } from './helpers.js';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('trainMnistVae', () => {
  const dir = mkdtempSync(join(tmpdir(), 'inv-models-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(MNIST_MODELS)('%s: one epoch on 500 digits lowers the loss and gives a bias-free relu/sigmoid decoder', async (model) => {
    const progress: TrainProgress[] = [];
    const { generator, losses } = await trainMnistVae({ model, epochs: 1, digits: 500, batchSize: 25, seed: 1, onProgress: (p) => progress.push(p) });
    expect(progress.map((p) => p.batch)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const batchLosses = progress.map((p) => p.loss);
    // 784 Bernoulli pixels at p = 0.5 cost 543 nats; an untrained VAE starts near there and must improve.
    expect(batchLosses[0]).toBeGreaterThan(400);
    expect(mean(batchLosses.slice(-5))).toBeLessThan(0.85 * mean(batchLosses.slice(0, 5)));
    expect(losses).toHaveLength(1);
    expect(losses[0]).toBeCloseTo(mean(batchLosses), 6);
    expect(generator.describe()).toBe(`${model} ${model.split('-').slice(2).map(() => 'relu').concat('sigmoid').join(',')} (bias-free)`);
  });

  it('leaky-20-200-500-784: one epoch on 500 digits lowers the Gaussian loss and gives a bias-free decoder with leaky_relu(0.1) on every layer', async () => {
    const progress: TrainProgress[] = [];
    const { generator, losses } = await trainMnistVae({ model: 'leaky-20-200-500-784', epochs: 1, digits: 500, batchSize: 25, seed: 1, onProgress: (p) => progress.push(p) });
    const batchLosses = progress.map((p) => p.loss);
    expect(batchLosses).toHaveLength(20);
    // Σ (G(z) − x)² / (2·0.2²): an output of 0 costs 12.5·Σ x², 1,100 nats on average over the training digits.
    expect(batchLosses[0]).toBeGreaterThan(800);
    expect(mean(batchLosses.slice(-5))).toBeLessThan(0.85 * mean(batchLosses.slice(0, 5)));
    expect(losses[0]).toBeCloseTo(mean(batchLosses), 6);
    expect(generator.describe()).toBe('20-200-500-784 leaky_relu:0.1,leaky_relu:0.1,leaky_relu:0.1 (bias-free)');
    expect(generator.layers.map((l) => l.activation)).toEqual(Array(3).fill({ kind: 'leaky_relu', alpha: 0.1 }));
  });

  it('is reproducible: the same seed gives the same weights, another seed different ones', async () => {
    const run = (seed: number) => trainMnistVae({ model: '20-60-784', epochs: 1, digits: 200, seed });
    const [a, b, c] = [await run(7), await run(7), await run(8)];
    expect(maxWeightDifference(a.generator, b.generator)).toBe(0);
    expect(a.losses).toEqual(b.losses);
    expect(maxWeightDifference(a.generator, c.generator)).toBeGreaterThan(1e-3);
  });

  it('trains decoder biases when asked', async () => {
    const { generator } = await trainMnistVae({ model: '20-60-784', epochs: 1, digits: 100, bias: true });
    expect(generator.hasBias).toBe(true);
  });

  it('writes a layers model that the core loader reads back', async () => {
    const { generator } = await trainMnistVae({ model: '20-60-784', epochs: 1, digits: 100 });
    const path = writeMnistModel(generator, '20-60-784', dir);
    expect(path).toBe(join(dir, '20-60-784', 'model.json'));
    const back = readGenerator(path);
    expect(back.describe()).toBe(generator.describe());
    // Weights are stored as float32.
    expect(maxWeightDifference(back, generator)).toBeLessThan(1e-6);
    expect(() => writeMnistModel(generator, '20-500-500-784', dir)).toThrow(new ValueError("generator: has widths 20-60-784, expected 20-500-500-784 for model '20-500-500-784'"));
  });

  it('rejects bad options with a message naming the field', async () => {
    await expect(trainMnistVae({ model: '20-40-784' as never })).rejects.toThrow('model: expected one of 20-60-784, 20-500-500-784, leaky-20-200-500-784, conv-20-784, got "20-40-784"');
    await expect(trainMnistVae({ model: '20-60-784', epochs: 0 })).rejects.toThrow('epochs: expected an integer >= 1, got 0');
    await expect(trainMnistVae({ model: '20-60-784', digits: 9001 })).rejects.toThrow('digits: expected an integer <= 9000, got 9001');
    await expect(trainMnistVae({ model: '20-60-784', batchSize: 2.5 })).rejects.toThrow(ValueError);
    await expect(trainMnistVae({ model: '20-60-784', learningRate: -1 })).rejects.toThrow('learningRate: expected a positive number, got -1');
  });

  it('stops when the signal aborts', async () => {
    const controller = new AbortController();
    const batches: number[] = [];
    const run = trainMnistVae({
      model: '20-60-784',
      epochs: 5,
      digits: 1000,
      signal: controller.signal,
      onProgress: (p) => {
        batches.push(p.batch);
        if (batches.length === 3) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(batches).toHaveLength(3);
  });
});
