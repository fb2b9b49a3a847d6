import { csMeasurements } from './cs-measurements.js';
import { lpSuccessVsK } from './lp-success-vs-k.js';
import { negationCheck } from './negation-check.js';
import { pluginNoise } from './plugin-noise.js';
import { pluginPhase } from './plugin-phase.js';
import { timing } from './timing.js';
import type { Experiment } from './types.js';

export const EXPERIMENTS: readonly Experiment<any, any>[] = [lpSuccessVsK, pluginPhase, pluginNoise, negationCheck, csMeasurements, timing];

export function findExperiment(name: string): Experiment<unknown, unknown> | undefined {
  return EXPERIMENTS.find((e) => e.name === name);
}
