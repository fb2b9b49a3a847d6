/**
 * @inv/lp-layerwise: layer-wise LP inversion (Lei, Jalal, Dhillon, Dimakis 2019) on HiGHS WASM.
 * Importing registers the solvers `lp-linf` and `lp-l1`.
 */
import { registerSolver } from '@inv/core';
import { lpL1, lpLinf } from './solver.js';

registerSolver(lpLinf);
registerSolver(lpL1);

export { lpLinf, lpL1 };
export { configureHighs, getHighs, type HighsConfig } from './highs.js';
export { LayerLp, type LpNorm, type LpOutcome, type LpStatus } from './layer-lp.js';
export { LayerwiseInverter, type Inversion, type InvertSettings } from './invert.js';
export { fastPath, solveLinearLayer, type FastPathResult, type LayerRows } from './least-squares.js';
export { lpOptions, CLEAN_THRESHOLD } from './options.js';
export { contractionFailure, lpConditions, LP_EXPANSION } from './conditions.js';
export { GAIN_SAMPLES, projectedGradient, restrictedGain, type PgdSettings } from './pgd.js';
