import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Generator } from '@inv/core';
import { assetsDir } from '../src/node.js';

/** A ReadAsset over the package's assets folder, as a Node app would write it. */
export const readFromAssets = async (relativePath: string): Promise<Uint8Array> => new Uint8Array(await readFile(join(assetsDir, relativePath)));

/** Largest absolute difference between the weights of two generators of equal shape. */
export function maxWeightDifference(a: Generator, b: Generator): number {
  let worst = 0;
  a.layers.forEach((l, i) => {
    const w = b.layers[i].weight.data;
    l.weight.data.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - w[j]))));
  });
  return worst;
}
