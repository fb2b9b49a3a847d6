/**
 * Everything the worker composes: importing a solver package registers its solvers (the page lists
 * them through core's registry, never by name). tfjs is told where the build serves its wasm binaries;
 * HiGHS needs no `configureHighs({ locateFile })` here, because Vite turns highs.mjs's
 * `new URL('highs.wasm', import.meta.url)` into an emitted asset next to the worker.
 */
import '@inv/plugin';
import '@inv/gd';
import '@inv/lp-layerwise';
import { initTf } from '@inv/core/tf';

/** `wasmBase`: absolute URL of the folder holding the tfjs-backend-wasm binaries. Returns the tfjs backend. */
export function configureRuntime(wasmBase: string): Promise<string> {
  return initTf({ wasmPaths: wasmBase });
}
