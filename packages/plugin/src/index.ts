/**
 * @inv/plugin: PLUGIn (Joshi, Li, Plan, Yilmaz, NeurIPS 2021). Importing this module registers the
 * `plugin` solver with @inv/core.
 */
import { registerSolver } from '@inv/core';
import { pluginSolver } from './solver.js';

registerSolver(pluginSolver);

export { pluginSolver } from './solver.js';
export { pluginOptionSchema, DEFAULT_THETA, INIT_KINDS, INVERT_OUTPUT, TF_BATCH_MIN, WORKER_BATCH_MIN, type InitKind, type InvertOutput, type PluginOptions } from './options.js';
export { invertsOutput, planFor, type Plan } from './plan.js';
export { measureGain, productNormStep } from './step.js';
export { initialStep } from './single.js';
export { pluginConditions } from './conditions.js';
