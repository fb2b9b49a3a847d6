/**
 * A Vite plugin that serves (dev) and copies (build) the files the page fetches at run time: the
 * MNIST decoders and held-out digits of @inv/models and the tfjs-backend-wasm binaries, which a bundle
 * cannot find next to the packages (docs/engineering.md, "tfjs housekeeping"); they go to fixed folders beside index.html and
 * the worker is told where. highs.wasm needs nothing here: highs.mjs refers to it as
 * `new URL('highs.wasm', import.meta.url)`, which Vite rewrites into an emitted asset of its own.
 */
import { createReadStream, existsSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';

const TFJS_WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];

/** The directory of a workspace package this app depends on. */
function packageDir(appRoot: string, name: string): string {
  return realpathSync(join(appRoot, 'node_modules', name));
}

/** The folder of `dependency` as resolved from inside `fromDir` (pnpm keeps it out of the app's reach). */
function dependencyDir(fromDir: string, dependency: string): string {
  return dirname(createRequire(join(fromDir, 'package.json')).resolve(dependency));
}

export interface StaticFiles {
  /** Output path (relative to dist) → source file. */
  files: Map<string, string>;
  /** Model assets that @inv/models lists but has not shipped yet: the page reports them if chosen. */
  missing: string[];
}

export async function staticFiles(appRoot: string, modelsDir: string, wasmDir: string): Promise<StaticFiles> {
  const files = new Map<string, string>();
  const missing: string[] = [];
  const models = packageDir(appRoot, '@inv/models');
  const { ASSET_FILES } = (await import('@inv/models')) as { ASSET_FILES: readonly string[] };
  for (const f of ASSET_FILES) {
    const source = join(models, 'assets', f);
    if (existsSync(source)) files.set(modelsDir + f, source);
    else missing.push(source);
  }
  // tfjs is an optional peer of @inv/core: the app installs it (package.json) and serves its binaries.
  const tfjsWasm = dependencyDir(appRoot, '@tensorflow/tfjs-backend-wasm');
  for (const f of TFJS_WASM_FILES) {
    const source = join(tfjsWasm, f);
    if (!existsSync(source)) throw new Error(`web-bench: ${wasmDir}${f} comes from ${source}, which does not exist`);
    files.set(wasmDir + f, source);
  }
  return { files, missing };
}

export function staticFilesPlugin(appRoot: string, modelsDir: string, wasmDir: string): Plugin {
  let found: Promise<StaticFiles> | undefined;
  const load = () => (found ??= staticFiles(appRoot, modelsDir, wasmDir));
  return {
    name: 'inv-static-files',
    configureServer(server) {
      server.middlewares.use(async (req, res, next) => {
        const path = decodeURIComponent((req.url ?? '').split('?')[0]).replace(/^\/+/, '');
        const source = (await load()).files.get(path);
        if (!source) return next();
        res.setHeader('Content-Type', path.endsWith('.wasm') ? 'application/wasm' : path.endsWith('.json') ? 'application/json' : 'application/octet-stream');
        createReadStream(source).pipe(res);
      });
    },
    async generateBundle() {
      const { files, missing } = await load();
      for (const source of missing) this.warn(`model asset ${source} does not exist; the page will report it if that model is chosen`);
      for (const [fileName, source] of files) this.emitFile({ type: 'asset', fileName, source: readFileSync(source) });
    },
  };
}
