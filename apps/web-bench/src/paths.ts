/** The folders, relative to index.html, where the build puts the files fetched at run time (see build/static-files.ts). */
export const MODELS_DIR = 'models/';
export const WASM_DIR = 'wasm/';
