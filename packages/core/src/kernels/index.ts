export { setKernel, getKernel, wasmSimdAvailable, KERNELS, type KernelName } from './select.js';
export { makeResident, dropResident, isResident } from './wasm-mattvec.js';
export { makeConvResident, dropConvResident, isConvResident, type ConvGeometry } from './wasm-conv.js';
