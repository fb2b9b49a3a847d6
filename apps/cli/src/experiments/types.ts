/** The experiment contract: tasks run in worker threads, then a table, a plot and a summary. */
import type { ExperimentTable } from './table.js';

export interface ExperimentOptions {
  trials: number;
  seed: number;
}

export interface Experiment<Task = unknown, Outcome = unknown> {
  name: string;
  summary: string;
  /** Trials per setting when --trials is not given (small, so a run takes a minute or two). */
  defaultTrials: number;
  /** Worker count when --workers is not given; 1 for experiments that measure time. */
  defaultWorkers?: number;
  /** Plain, structured-cloneable tasks (one per trial and setting). */
  tasks(options: ExperimentOptions): Task[];
  /** Runs one task; called inside a worker thread with the solver packages loaded. */
  run(task: Task): Promise<Outcome>;
  table(outcomes: readonly Outcome[], tasks: readonly Task[]): ExperimentTable;
  /** One SVG, or several keyed by a file-name suffix (`<name>-<suffix>.svg`). */
  plot(table: ExperimentTable): string | Record<string, string>;
  /** Markdown lines: what was run and the headline numbers. */
  summarize(table: ExperimentTable, options: ExperimentOptions): string[];
}
