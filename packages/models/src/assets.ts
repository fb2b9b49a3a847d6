/** Loading the shipped assets through a caller-supplied reader (fetch in a browser, fs in Node). */
import { FormatError, Generator, parseLayersModel, weightPaths } from '@inv/core';
import { decodeDigits, toDigits, type Digits } from './digits.js';
import { checkModelName, HELD_OUT_FILE, modelFile, type MnistModelName } from './names.js';

/** Reads a file given its path relative to the package's assets folder. */
export type ReadAsset = (relativePath: string) => Promise<Uint8Array>;

export async function loadMnistGenerator(name: MnistModelName, read: ReadAsset): Promise<Generator> {
  const path = modelFile(checkModelName(name, 'model name'));
  const text = new TextDecoder().decode(await read(path));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new FormatError(`${path}: not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
  const dir = path.slice(0, path.lastIndexOf('/') + 1);
  const shards = await Promise.all(weightPaths(json, path).map((p) => read(dir + p)));
  const all = new Uint8Array(await new Blob(shards as BlobPart[]).arrayBuffer());
  return parseLayersModel(json, all, path);
}

/** The 1,000 digits that training never saw (100 per label, in a fixed random order). */
export async function loadHeldOutDigits(read: ReadAsset): Promise<Digits> {
  return toDigits(decodeDigits(await read(HELD_OUT_FILE), HELD_OUT_FILE));
}
