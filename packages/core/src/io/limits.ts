/**
 * Documented limits on what the loaders accept (core's README, "Limits"). Each is checked before the
 * work it protects: JSON depth before JSON.parse (a deep value would overflow the parser's stack), the
 * layer count before any layer is built, file sizes before a byte is read.
 */
import { FormatError } from '../errors.js';

export interface InputLimits {
  /** Largest array file (observation, mask, matrix, vector option), .npy or .json. */
  arrayBytes: number;
  /** Largest model.json. */
  modelJsonBytes: number;
  /** Largest total of weight bytes a model's manifest may declare. */
  weightBytes: number;
  /** Deepest nesting of arrays and objects in a JSON file. */
  jsonDepth: number;
  /** Most layers in a layers-model topology. */
  layers: number;
  /** Most nodes in an ONNX graph. */
  nodes: number;
}

const MiB = 1024 * 1024;

/** The defaults; INV_MAX_ARRAY_BYTES and INV_MAX_WEIGHT_BYTES override the two sizes in Node. */
export const DEFAULT_LIMITS: Readonly<InputLimits> = {
  arrayBytes: 64 * MiB,
  modelJsonBytes: 16 * MiB,
  weightBytes: 1024 * MiB,
  jsonDepth: 64,
  layers: 256,
  nodes: 1024,
};

/**
 * Throws unless `text`'s arrays and objects nest at most `max` deep. A linear scan that skips strings,
 * so it costs far less than the parse it guards.
 */
export function checkJsonDepth(text: string, source: string, max = DEFAULT_LIMITS.jsonDepth): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) throw new FormatError(`${source}: JSON nested more than ${max} levels deep (the limit)`);
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
}

/** Throws unless a topology's layer list has at most `max` entries. */
export function checkLayerCount(count: number, source: string, max = DEFAULT_LIMITS.layers): void {
  if (count > max) throw new FormatError(`${source}: the model lists ${count} layers, more than the limit of ${max}`);
}
