/** The fixed split of the 10,000 digits into 1,000 held out (100 per label) and 9,000 for training. */
import { Rng } from '@inv/core';

/** Fixed forever: changing it would let training see digits that tests and demos treat as unseen. */
export const HOLD_OUT_SEED = 20190607;
export const HELD_OUT_PER_LABEL = 100;

/** A uniformly random permutation of 0..n-1 (Fisher–Yates). */
export function permutation(rng: Rng, n: number): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

/** Held-out indices (100 per label) and the remaining training indices, both in a fixed random order. */
export function splitDigits(labels: Uint8Array): { heldOut: number[]; training: number[] } {
  const order = permutation(new Rng(HOLD_OUT_SEED), labels.length);
  const taken = new Array<number>(10).fill(0);
  const heldOut: number[] = [];
  const training: number[] = [];
  for (const i of order) {
    const l = labels[i];
    if (taken[l] < HELD_OUT_PER_LABEL) {
      taken[l]++;
      heldOut.push(i);
    } else training.push(i);
  }
  return { heldOut, training };
}
