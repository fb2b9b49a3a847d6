/**
 * The pace of long solver loops: event-loop yields, so that an AbortSignal fired from a timer is seen,
 * and the one progress cadence every solver follows (docs/contributing.md).
 */
import { now } from './result.js';

/** A 0 ms timeout costs about 1 ms in Node, so a loop yields at most this often (about 2% overhead). */
const YIELD_MS = 50;

/**
 * Progress is reported at a run's first step, then at most once per this many ms. One step costs
 * microseconds (a PLUGIn iteration on a small net) to seconds (a layer-wise LP), so a count of steps
 * would flood the caller for one solver and starve it for another; a clock gives every solver one cadence.
 */
const PROGRESS_MS = 100;

export class Pacer {
  private last: number;
  private lastReport = -Infinity;

  /** `clock` (ms) is for tests; solvers use the default. */
  constructor(
    private readonly everyMs = YIELD_MS,
    private readonly clock: () => number = now,
  ) {
    this.last = clock();
  }

  /** Yields to the event loop if `everyMs` have passed since the last yield. */
  async maybeYield(): Promise<void> {
    if (this.clock() - this.last < this.everyMs) return;
    await new Promise((resolve) => setTimeout(resolve, 0));
    this.last = this.clock();
  }

  /** Whether a progress report is due now: true at the first call, then once 100 ms have passed since the last true. */
  reportDue(): boolean {
    const t = this.clock();
    if (t - this.lastReport < PROGRESS_MS) return false;
    this.lastReport = t;
    return true;
  }
}
