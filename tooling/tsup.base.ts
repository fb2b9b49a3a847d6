import type { Options } from 'tsup';

/** Shared tsup settings: ESM with declarations, dependencies kept external. */
export function tsupConfig(entry: Options['entry'] = ['src/index.ts'], extra: Partial<Options> = {}): Options {
  return { entry, format: ['esm'], dts: true, clean: true, sourcemap: true, target: 'node20', ...extra };
}
