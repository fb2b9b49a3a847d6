/**
 * The step safeguard, one per latent (single or batch column). PLUGIn's residual is not monotone, so a
 * step is only rejected when the residual more than doubles against the best iterate seen: a diverging
 * run grows geometrically and trips it within a few iterations, ordinary wobble does not.
 */

/** Residual growth (against the best) that rejects a step when the safeguard is on. */
const GROWTH = 2;
/** Without the safeguard a run counts as diverged once its residual is this many times its best. */
const BLOWUP = 1e8;
/** Halvings allowed before giving up (the step is then 2^-40 of where it started). */
const MAX_SHRINKS = 40;

export type Verdict = 'accept' | 'reject' | 'diverged';

export class StepGuard {
  readonly best: Float64Array;
  bestResidual = Infinity;
  shrinks = 0;

  constructor(
    start: ArrayLike<number>,
    public step: number,
    private readonly enabled: boolean,
  ) {
    this.best = Float64Array.from(start);
  }

  /**
   * Judges the iterate `z` with residual `residual`. On 'reject' `z` has been reset to the best iterate
   * and the step halved; on 'diverged' the caller should stop and return `best`.
   */
  check(z: Float64Array, residual: number): Verdict {
    if (Number.isFinite(residual) && residual < this.bestResidual) {
      this.best.set(z);
      this.bestResidual = residual;
      return 'accept';
    }
    const finite = Number.isFinite(residual) && z.every(Number.isFinite);
    if (finite && residual <= (this.enabled ? GROWTH : BLOWUP) * this.bestResidual) return 'accept';
    if (!this.enabled || this.shrinks >= MAX_SHRINKS || this.bestResidual === Infinity) return 'diverged';
    this.shrinks++;
    this.step /= 2;
    z.set(this.best);
    return 'reject';
  }
}
