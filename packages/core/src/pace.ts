/** Event-loop yields for long solver loops, so that an AbortSignal fired from a timer is seen. */
import { now } from './result.js';

/** A 0 ms timeout costs about 1 ms in Node, so a loop yields at most this often (about 2% overhead). */
const YIELD_MS = 50;

export class Pacer {
  private last = now();

  constructor(private readonly everyMs = YIELD_MS) {}

  /** Yields to the event loop if `everyMs` have passed since the last yield. */
  async maybeYield(): Promise<void> {
    if (now() - this.last < this.everyMs) return;
    await new Promise((resolve) => setTimeout(resolve, 0));
    this.last = now();
  }
}
