/** Fetching the files a static build serves next to the page (model weights, held-out digits, wasm). */
import { InvError } from '@inv/core';

export { MODELS_DIR, WASM_DIR } from './paths.js';

export type ReadAsset = (relativePath: string) => Promise<Uint8Array>;

/** A reader of files below `base` (an absolute URL ending in `/`). */
export function assetReader(base: string): ReadAsset {
  return async (relativePath) => {
    const url = new URL(relativePath, base).href;
    const response = await fetch(url);
    if (!response.ok) throw new InvError('ERR_FETCH', `asset ${relativePath}: HTTP ${response.status} from ${url}`);
    return new Uint8Array(await response.arrayBuffer());
  };
}
