import { existsSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { FormatError, ValueError } from '@inv/core';
import { describe, expect, it } from 'vitest';
import { ASSET_FILES, assetsDir, LEAKY_MODELS, loadMnistGenerator, MNIST_MODELS, mnistGenerator } from '../src/node.js';
import { maxWeightDifference, readFromAssets } from './helpers.js';

describe('shipped assets', () => {
  it('lists every asset file, and each exists', () => {
    for (const f of ASSET_FILES) expect(existsSync(join(assetsDir, f)), f).toBe(true);
    const onDisk = (readdirSync(assetsDir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
      .filter((e) => e.isFile())
      .map((e) => relative(assetsDir, join(e.parentPath ?? e.path, e.name)).split(sep).join('/'));
    expect([...ASSET_FILES].sort()).toEqual(onDisk.sort());
  });

  it.each(MNIST_MODELS)('%s loads through a ReadAsset exactly as mnistGenerator loads it', async (name) => {
    const viaReader = await loadMnistGenerator(name, readFromAssets);
    const viaFs = mnistGenerator(name);
    expect(viaReader.widths.join('-')).toBe(name);
    expect(viaReader.describe()).toBe(viaFs.describe());
    expect(viaReader.hasBias).toBe(false);
    expect(viaReader.layers.at(-1)!.activation.kind).toBe('sigmoid');
    expect(maxWeightDifference(viaReader, viaFs)).toBe(0);
    // A trained decoder: the image of z = 0 is a faint blob, not a constant, and samples stay in (0, 1).
    const out = viaReader.forward(new Float64Array(20).fill(0.5));
    expect(Math.max(...out) - Math.min(...out)).toBeGreaterThan(0.3);
  });

  it.each(LEAKY_MODELS)('%s loads through a ReadAsset exactly as mnistGenerator loads it, with leaky_relu(0.1) on every layer', async (name) => {
    const viaReader = await loadMnistGenerator(name, readFromAssets);
    const viaFs = mnistGenerator(name);
    expect(viaReader.describe()).toBe('20-200-500-784 leaky_relu:0.1,leaky_relu:0.1,leaky_relu:0.1 (bias-free)');
    expect(viaReader.describe()).toBe(viaFs.describe());
    expect(maxWeightDifference(viaReader, viaFs)).toBe(0);
    // Trained weights, not an empty file of zeros: the image of z = 0.5·1 is no constant, on a mostly dark background.
    const out = viaReader.forward(new Float64Array(20).fill(0.5));
    expect(Math.max(...out) - Math.min(...out)).toBeGreaterThan(0.3);
    expect(out.filter((v) => Math.abs(v) < 0.1).length).toBeGreaterThan(392);
  });

  it('reports a bad model name and a broken file with the field or file named', async () => {
    await expect(loadMnistGenerator('20-60' as never, readFromAssets)).rejects.toThrow(new ValueError('model name: expected one of 20-60-784, 20-500-500-784, leaky-20-200-500-784, conv-20-784, got "20-60"'));
    expect(() => mnistGenerator('x' as never)).toThrow(ValueError);
    const truncated = async (p: string) => (p.endsWith('.bin') ? (await readFromAssets(p)).subarray(8) : readFromAssets(p));
    await expect(loadMnistGenerator('20-60-784', truncated)).rejects.toThrow(FormatError);
    await expect(loadMnistGenerator('20-60-784', async () => new TextEncoder().encode('{oops'))).rejects.toThrow(/^20-60-784\/model\.json: not valid JSON/);
  });
});
