/**
 * The default step. PLUGIn's theory takes η = θ·2^d (θ < 4/3) for Gaussian ReLU nets, which diverges at
 * realistic widths (docs/algorithms.md, "PLUGIn"); the authors run η = 3 for d = 3. Both are θ/γ where γ = 2^{-d} is the
 * gain of the update, E⟨W u, G(u)⟩ = λ^d‖u‖² with W = W_d⋯W_1 and λ = E[g·σ(g)]. Measuring γ̂ on the
 * actual generator and measurement carries the same rule over to masks (γ scales with m/n), scaled
 * measurement matrices, leaky ReLU (λ = (1 + α)/2), biases and trained weights.
 */
import { dot, gaussianVector, isDense, opNorm, Rng, type Generator, type LinearOperator } from '@inv/core';

const PROBES = 8;
const PROBE_SEED = 0x5eed;

/**
 * γ̂ = Σ⟨M u, Φ·J_G(u)·u⟩ / Σ‖u‖² over seeded Gaussian probes u (M given by its products `surrogate`
 * and `surrogateT`, so that it need not be formed) (J_G(u)·u = G(u) for bias-free ReLU
 * nets). If it is not positive (PLUGIn's direction is then no use along typical directions) the
 * curvature bound ‖M‖² is used instead, which keeps the step small.
 */
export function measureGain(
  inner: Generator,
  measurement: LinearOperator,
  surrogate: (u: ArrayLike<number>) => Float64Array,
  surrogateT: (r: ArrayLike<number>) => Float64Array,
): number {
  const rng = new Rng(PROBE_SEED);
  let num = 0;
  let den = 0;
  for (let p = 0; p < PROBES; p++) {
    const u = gaussianVector(rng, inner.inputDim);
    const Ju = inner.jvp(u, u);
    num += dot(surrogate(u), measurement.apply(Ju));
    den += dot(u, u);
  }
  const gain = num / den;
  if (Number.isFinite(gain) && gain > 0) return gain;
  const rows = measurement.rows, cols = inner.inputDim;
  const norm = opNorm({ rows, cols, apply: (x) => surrogate(x), adjoint: (y) => surrogateT(y) });
  return norm > 0 ? norm * norm : 1;
}

/** The paper's heuristic for trained (non-Gaussian) weights: η = 1/Π‖W_i‖ (identity measurement). */
export function productNormStep(generator: Generator): number {
  return 1 / generator.stages.reduce((p, l) => p * opNorm(isDense(l) ? l.weight : l.map), 1);
}
