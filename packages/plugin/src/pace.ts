/** How often PLUGIn reports progress (every this many iterations). */
export const PROGRESS_EVERY = 50;

export function progressDue(iteration: number): boolean {
  return iteration % PROGRESS_EVERY === 0;
}
