import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { staticFilesPlugin } from './build/static-files';
import { MODELS_DIR, WASM_DIR } from './src/paths';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  // Relative asset paths: the built site works from any folder of any static file server.
  base: './',
  plugins: [staticFilesPlugin(root, MODELS_DIR, WASM_DIR)],
  worker: { format: 'es' },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 2000 },
});
