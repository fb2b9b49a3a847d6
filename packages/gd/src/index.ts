/** @inv/gd: gradient methods in latent space (CSGM, random restarts, the negation check). Importing it registers `gd`. */
import { registerSolver } from '@inv/core';
import { gdSolver } from './solver.js';

registerSolver(gdSolver);

export { gdSolver } from './solver.js';
export { startPoints } from './single.js';
export { gdOptionSchema, settingsFrom, PRESETS, TF_BATCH_MIN, WORKER_BATCH_MIN, type GdSettings, type Optimizer, type InitKind, type PresetName } from './options.js';
export { Float64Oracle, gaussNewtonStep, type Oracle, type ObjectiveData, type Scores, type ScoresWithGradient } from './oracle.js';
export { optimize, type Task, type Outcome, type RunInput } from './optimize.js';
