/** PLUGIn's starting latent: zero (the paper's code), seeded N(0, I), or given. */
import { gaussianVector, Rng } from '@inv/core';
import type { PluginOptions } from './options.js';

/** The starting latent of problem `item` (a batch item i draws from seed + i). */
export function initialLatent(options: PluginOptions, k: number, item = 0): Float64Array {
  switch (options.init) {
    case 'zero':
      return new Float64Array(k);
    case 'random':
      return gaussianVector(new Rng(options.seed + item), k);
    case 'given':
      // Length and finiteness were checked by core's solve() (a `length: 'latent'` vector option).
      return Float64Array.from(options.initialLatent!);
  }
}
