/** Messages between the page and the solver worker (everything here is structured-cloneable). */
import type { HistoryEntry, OptionSchema, SolverSupport, Status } from '@inv/core';

/**
 * Which generator to invert: a shipped MNIST decoder, a seeded random Gaussian ReLU net, or an ONNX file
 * the user picked from disk (its bytes; `id` tells two picks apart).
 */
export type GeneratorSpec =
  | { kind: 'mnist'; name: string }
  | { kind: 'gaussian'; widths: number[]; seed: number }
  | { kind: 'onnx'; name: string; id: number; bytes: ArrayBuffer };

/** The signal to recover: an image (a held-out or hand-drawn digit) or G(z*) for a seeded latent z*. */
export type SignalSpec = { kind: 'image'; pixels: Float64Array; label: string } | { kind: 'latent'; seed: number };

export type TaskSpec =
  | { kind: 'denoise' }
  /** Observe a seeded random `fraction` of the outputs. */
  | { kind: 'inpaint-random'; fraction: number; seed: number }
  /** Observe the outputs where `mask` is 1 (painted by hand). */
  | { kind: 'inpaint-mask'; mask: Float64Array }
  /** m Gaussian measurements with N(0, 1/m) entries. */
  | { kind: 'cs'; m: number; seed: number };

export interface ExperimentSpec {
  generator: GeneratorSpec;
  signal: SignalSpec;
  task: TaskSpec;
  /** Standard deviation of the Gaussian noise added to each measurement. */
  noise: number;
  noiseSeed: number;
}

export interface SolverChoice {
  name: string;
  /** Only the options the user set; the rest take the schema's defaults. */
  options: Record<string, number | boolean | string>;
}

export interface RunRequest {
  experiment: ExperimentSpec;
  solvers: SolverChoice[];
}

/** The swept parameter: the noise level (any task), m (compressed sensing) or the observed fraction (random inpainting). */
export type SweepParameter = 'noise' | 'm' | 'fraction';

export interface SolverInfo {
  name: string;
  summary: string;
  reference: string;
  options: OptionSchema;
  supports: SolverSupport;
}

export interface ResultRow {
  solver: string;
  status: Status;
  /** The verdict (docs/verdict.md): stopped properly and fits the stated noise. */
  success: boolean;
  /** ρ = ‖A·G(ẑ) − y‖ and the largest ρ the stated noise allows. */
  fit: { residual: number; allowed: number; ok: boolean };
  message: string;
  /** ‖x̂ − x‖ / ‖x‖ on the signal. */
  relativeError: number;
  /** ‖ẑ − z*‖ / ‖z*‖ when the true latent is known. */
  latentError?: number;
  psnr: number;
  iterations: number;
  timeMs: number;
  reconstruction: Float64Array;
  history?: HistoryEntry[];
}

export interface SweepPoint {
  solver: string;
  value: number;
  relativeError: number;
  status: Status;
}

export type ToWorker =
  | { type: 'init'; wasmBase: string; modelBase: string }
  | { type: 'run'; id: number; request: RunRequest }
  | { type: 'sweep'; id: number; request: RunRequest; parameter: SweepParameter; values: number[] };

export type FromWorker =
  | { type: 'ready'; solvers: SolverInfo[]; backend: string }
  | { type: 'problem'; id: number; truth: Float64Array; observed: Float64Array; observedLabel: string; range: [number, number]; observedRange: [number, number]; description: string }
  | { type: 'progress'; id: number; solver: string; step: number; steps: number; iteration: number; residual?: number }
  | { type: 'result'; id: number; row: ResultRow }
  | { type: 'sweep-point'; id: number; point: SweepPoint }
  /** One solver could not take the problem (unsupported layer or measurement, bad option); the others still run. */
  | { type: 'solver-error'; id: number; solver: string; message: string }
  | { type: 'done'; id: number }
  | { type: 'error'; id?: number; message: string };
