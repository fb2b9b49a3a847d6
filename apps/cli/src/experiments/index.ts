import { lpSuccessVsK } from './lp-success-vs-k.js';
import type { Experiment } from './types.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const EXPERIMENTS: readonly Experiment<any, any>[] = [lpSuccessVsK];

export function findExperiment(name: string): Experiment<unknown, unknown> | undefined {
  return EXPERIMENTS.find((e) => e.name === name);
}
