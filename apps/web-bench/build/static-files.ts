/**
 * A Vite plugin that serves (dev) and copies (build) the files the page fetches at run time: the
 * MNIST decoders and held-out digits of @inv/models and the tfjs-backend-wasm binaries, which a bundle
 * cannot find next to the packages (stack.md gotcha 11); they go to fixed folders beside index.html and
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

/** Output path (relative to dist) → source file. */
export async function staticFiles(appRoot: string, modelsDir: string, wasmDir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const models = packageDir(appRoot, '@inv/models');
  const { ASSET_FILES } = (await import('@inv/models')) as { ASSET_FILES: readonly string[] };
  for (const f of ASSET_FILES) files.set(modelsDir + f, join(models, 'assets', f));
  const tfjsWasm = dependencyDir(packageDir(appRoot, '@inv/core'), '@tensorflow/tfjs-backend-wasm');
  for (const f of TFJS_WASM_FILES) files.set(wasmDir + f, join(tfjsWasm, f));
  for (const [out, source] of files) if (!existsSync(source)) { if (out.startsWith(modelsDir)) { files.delete(out); continue; } /*TEMP*/ throw new Error(`web-bench: ${out} comes from ${source}, which does not exist (build the packages first)`); }
  return files;
}

export function staticFilesPlugin(appRoot: string, modelsDir: string, wasmDir: string): Plugin {
  let files: Promise<Map<string, string>> | undefined;
  const load = () => (files ??= staticFiles(appRoot, modelsDir, wasmDir));
  return {
    name: 'inv-static-files',
    configureServer(server) {
      server.middlewares.use(async (req, res, next) => {
        const path = decodeURIComponent((req.url ?? '').split('?')[0]).replace(/^\/+/, '');
        const source = (await load()).get(path);
        if (!source) return next();
        res.setHeader('Content-Type', path.endsWith('.wasm') ? 'application/wasm' : path.endsWith('.json') ? 'application/json' : 'application/octet-stream');
        createReadStream(source).pipe(res);
      });
    },
    async generateBundle() {
      for (const [fileName, source] of await load()) this.emitFile({ type: 'asset', fileName, source: readFileSync(source) });
    },
  };
}
