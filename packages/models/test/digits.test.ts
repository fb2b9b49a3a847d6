import { FormatError, ShapeError, ValueError } from '@inv/core';
import { describe, expect, it } from 'vitest';
import { DIGIT_PIXELS, decodeDigits, encodeDigits, heldOutDigits, indicesOfLabel, loadHeldOutDigits, mnistPackageDigits, mnistSplit, splitDigits } from '../src/node.js';
import { readFromAssets } from './helpers.js';

describe('held-out digits', () => {
  const digits = heldOutDigits();

  it('holds 1,000 digits of 28x28 in [0, 1], 100 per label', () => {
    expect(digits.count).toBe(1000);
    expect(digits.side).toBe(28);
    expect(digits.images).toHaveLength(1000);
    for (const im of digits.images) {
      expect(im).toHaveLength(DIGIT_PIXELS);
      expect(Math.min(...im)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...im)).toBeLessThanOrEqual(1);
    }
    for (let label = 0; label < 10; label++) expect(indicesOfLabel(digits, label)).toHaveLength(100);
    // White digits on black: most pixels are background.
    const mean = digits.images.reduce((s, im) => s + im.reduce((a, b) => a + b, 0), 0) / (1000 * DIGIT_PIXELS);
    expect(mean).toBeGreaterThan(0.05);
    expect(mean).toBeLessThan(0.25);
  });

  it('is the hold-out of the fixed split, and no held-out digit is among the training digits', () => {
    const { training, heldOut } = mnistSplit();
    expect(training.labels.length).toBe(9000);
    expect(Array.from(digits.labels)).toEqual(Array.from(heldOut.labels));
    digits.images.forEach((im, i) => expect(Array.from(im, (v) => Math.round(v * 255))).toEqual(Array.from(heldOut.pixels.subarray(i * DIGIT_PIXELS, (i + 1) * DIGIT_PIXELS))));
    const key = (p: Uint8Array, i: number) => Buffer.from(p.subarray(i * DIGIT_PIXELS, (i + 1) * DIGIT_PIXELS)).toString('base64');
    const trainingKeys = new Set(Array.from({ length: 9000 }, (_, i) => key(training.pixels, i)));
    const leaked = Array.from({ length: 1000 }, (_, i) => key(heldOut.pixels, i)).filter((k) => trainingKeys.has(k));
    expect(leaked).toEqual([]);
  });

  it('splits the same way every time and covers all 10,000 digits once', () => {
    const { labels } = mnistPackageDigits();
    expect(labels.length).toBe(10000);
    const a = splitDigits(labels);
    expect(splitDigits(labels)).toEqual(a);
    expect(new Set([...a.heldOut, ...a.training]).size).toBe(10000);
  });

  it('loads the same through a ReadAsset', async () => {
    const loaded = await loadHeldOutDigits(readFromAssets);
    expect(loaded.count).toBe(1000);
    expect(Array.from(loaded.labels)).toEqual(Array.from(digits.labels));
    expect(Array.from(loaded.images[123])).toEqual(Array.from(digits.images[123]));
  });
});

describe('digits file format', () => {
  const raw = { labels: Uint8Array.from([3, 7]), pixels: Uint8Array.from({ length: 2 * DIGIT_PIXELS }, (_, i) => i % 256) };

  it('round-trips labels and pixels', () => {
    const back = decodeDigits(encodeDigits(raw));
    expect(Array.from(back.labels)).toEqual([3, 7]);
    expect(Array.from(back.pixels)).toEqual(Array.from(raw.pixels));
  });

  it('rejects malformed files and inputs with one-line messages', () => {
    const bytes = encodeDigits(raw);
    expect(() => decodeDigits(bytes.slice(0, -1), 'x.bin')).toThrow(new FormatError(`x.bin: holds ${bytes.length - 1} bytes, expected ${bytes.length} for 2 digits`));
    expect(() => decodeDigits(new Uint8Array(20), 'x.bin')).toThrow(/x\.bin: not an inv digits file/);
    const badLabel = bytes.slice();
    badLabel[9] = 12;
    expect(() => decodeDigits(badLabel, 'x.bin')).toThrow(/x\.bin: label 0 is 12, expected 0-9/);
    expect(() => encodeDigits({ labels: raw.labels, pixels: raw.pixels.subarray(1) })).toThrow(ShapeError);
    expect(() => indicesOfLabel({ labels: raw.labels }, 10)).toThrow(ValueError);
  });
});
