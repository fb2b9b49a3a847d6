/** Loading the shipped assets through a caller-supplied reader (fetch in a browser, fs in Node). */
import { assembleLayersModel, readModelJson, type Generator } from '@inv/core';
import { decodeDigits, toDigits, type Digits } from './digits.js';
import { checkShippedModelName, HELD_OUT_FILE, modelFile, type ShippedModelName } from './names.js';

/** Reads a file given its path relative to the package's assets folder. */
export type ReadAsset = (relativePath: string) => Promise<Uint8Array>;

export async function loadMnistGenerator(name: ShippedModelName, read: ReadAsset): Promise<Generator> {
  const path = modelFile(checkShippedModelName(name, 'model name'));
  const { json, shards } = readModelJson(await read(path), path);
  const dir = path.slice(0, path.lastIndexOf('/') + 1);
  return assembleLayersModel(json, await Promise.all(shards.map((p) => read(dir + p))), path);
}

/** The 1,000 digits that training never saw (100 per label, in a fixed random order). */
export async function loadHeldOutDigits(read: ReadAsset): Promise<Digits> {
  return toDigits(decodeDigits(await read(HELD_OUT_FILE), HELD_OUT_FILE));
}
