/** Throttled progress reports and event-loop yields, so an AbortSignal fired from a timer is seen. */
import { now } from '@inv/core';

export const PROGRESS_EVERY = 50;
/** A 0 ms timeout costs about 1 ms in Node, so yield only this often (about 2% overhead). */
const YIELD_MS = 50;

export class Pacer {
  private last = now();

  async maybeYield(): Promise<void> {
    if (now() - this.last < YIELD_MS) return;
    await new Promise((resolve) => setTimeout(resolve, 0));
    this.last = now();
  }
}

export function progressDue(iteration: number): boolean {
  return iteration % PROGRESS_EVERY === 0;
}
