import { describe, expect, it } from 'vitest';
import { Pacer } from '../src/index.js';

describe('Pacer', () => {
  it('makes a progress report due at the first step, then once 100 ms have passed since the last one', () => {
    let t = 1000;
    const pacer = new Pacer(50, () => t);
    const due: number[] = [];
    for (; t <= 1350; t += 10) if (pacer.reportDue()) due.push(t);
    expect(due).toEqual([1000, 1100, 1200, 1300]);
  });

  it('yields to the event loop only once its interval has passed', async () => {
    let t = 0;
    const pacer = new Pacer(50, () => t);
    let timerRan = false;
    setTimeout(() => (timerRan = true), 0);
    t = 49;
    await pacer.maybeYield();
    expect(timerRan).toBe(false);
    t = 50;
    await pacer.maybeYield();
    expect(timerRan).toBe(true);
  });
});
