/** The state of one inversion and the PLUGIn update applied to it, shared by single and batch solves. */
import type { HistoryEntry, Status } from '@inv/core';
import { StepGuard } from './guard.js';

export class Column {
  readonly guard: StepGuard;
  status?: Status;
  iterations = 0;
  readonly history?: HistoryEntry[];

  constructor(
    readonly z: Float64Array,
    step: number,
    safeguard: boolean,
    history: boolean,
  ) {
    this.guard = new StepGuard(z, step, safeguard);
    if (history) this.history = [];
  }

  /**
   * One iteration given the residual norm at z and d = Mᵀ(Φ·G(z) − y): z ← z − η·d unless the guard
   * rejects z. Sets `status` when the column is done.
   */
  advance(d: ArrayLike<number>, residual: number, limits: { maxIterations: number; tol: number }): void {
    const verdict = this.guard.check(this.z, residual);
    if (verdict === 'diverged') {
      this.status = 'diverged';
      this.z.set(this.guard.best);
      return;
    }
    if (verdict === 'reject') return;
    this.history?.push({ iteration: this.iterations, residual });
    if (this.iterations >= limits.maxIterations) {
      this.status = 'max_iterations';
      return;
    }
    const z = this.z;
    const eta = this.guard.step;
    let size = 0;
    let stepSq = 0;
    for (let j = 0; j < z.length; j++) {
      size += z[j] * z[j];
      const s = eta * d[j];
      z[j] -= s;
      stepSq += s * s;
    }
    this.iterations++;
    if (stepSq <= limits.tol * limits.tol * size) this.status = 'converged';
  }
}
