/**
 * One shared HiGHS WASM runtime per thread. Loading costs 20–60 ms and ~20 MiB of wasm memory, so it
 * happens once and every layer model lives in the same instance (docs/engineering.md, "One instance, loaded once").
 */
import { InvError, oneLine } from '@inv/core';
import type { Highs, InitOptions } from 'highs';

export type { Highs };

export interface HighsConfig {
  /** Where the browser finds `highs.wasm` (e.g. `(file) => new URL(file, assetBase).href`). */
  locateFile?: (file: string) => string;
  /** A precompiled module (skips fetching and compiling in long-lived pages or workers). */
  wasmModule?: WebAssembly.Module;
}

let config: HighsConfig = {};
let runtime: Promise<Highs> | undefined;

/**
 * Tells the package how to load HiGHS (call before the first solve; in Node nothing is needed). A
 * later call takes effect for runtimes loaded afterwards: the current one is dropped.
 */
export function configureHighs(options: HighsConfig): void {
  config = { ...options };
  runtime = undefined;
}

/** The shared runtime, loaded on first use; a failure to load it rejects with a one-line InvError naming highs.wasm. */
export function getHighs(): Promise<Highs> {
  if (!runtime) {
    const init: InitOptions = {};
    if (config.locateFile) init.locateFile = config.locateFile;
    // highs 1.15.3 ignores the typed wasmModule option (docs/engineering.md, "HiGHS in WebAssembly"); the Emscripten hook works.
    if (config.wasmModule) {
      const module = config.wasmModule;
      (init as Record<string, unknown>).instantiateWasm = (imports: WebAssembly.Imports, done: (i: WebAssembly.Instance) => void) => {
        void WebAssembly.instantiate(module, imports).then(done);
        return {};
      };
    }
    const loading: Promise<Highs> = Promise.resolve()
      // Imported here, not at the top: its 170 KB of Emscripten glue takes about 20 ms to load on its own,
      // and most solves never load HiGHS (the dense kernel answers their LPs).
      .then(() => import('highs'))
      .then(({ default: loadHighs }) => loadHighs(init))
      .catch((e: unknown) => {
        throw new InvError('ERR_HIGHS_LOAD', `highs.wasm: could not load the HiGHS runtime: ${oneLine(e)}`);
      });
    runtime = loading;
    // A failed load is not cached: the next call (perhaps after configureHighs) tries again.
    loading.catch(() => {
      if (runtime === loading) runtime = undefined;
    });
  }
  return runtime;
}

/**
 * A WebAssembly heap never shrinks: after a solve on a big model (or one that HiGHS aborted on) the
 * runtime keeps its peak size for every later solve. Past this many bytes the runtime is dropped once
 * its models are disposed, and the next solve loads a fresh one (20–60 ms).
 */
export const HIGHS_HEAP_LIMIT = 256 * 1024 * 1024;

/**
 * Drops the shared runtime when `failed` (HiGHS threw: its state is unknown) or when its heap has grown
 * past HIGHS_HEAP_LIMIT. Call only when none of its models is in use.
 */
export async function releaseHighs(failed = false): Promise<void> {
  const current = runtime;
  if (!current) return;
  const highs = await current.catch(() => undefined);
  if (failed || !highs || highs.memoryBytes > HIGHS_HEAP_LIMIT) {
    if (runtime === current) runtime = undefined;
  }
}
