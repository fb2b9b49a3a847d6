/** Gauss–Newton polish: moved to @inv/core (gd uses it too); re-exported for pgd.ts. */
export { gaussNewtonPolish, residualOf, type Polished } from '@inv/core';
