/**
 * B PLUGIn inversions advanced together on tfjs-wasm: each iteration is one B×k → B×n forward pass and
 * one B×m by m×k product. Latents are kept in float64 on the JS side; every column stops on its own and
 * finished columns are dropped from the tensors, so late columns do not pay for early ones.
 */
import { batchItem, IdentityOperator, MaskOperator, Matrix, now, type BatchProblem, type LinearOperator, type Result, type SolveContext } from '@inv/core';
import { initTf, TfGenerator, tf, toTensor } from '@inv/core/tf';
import { Column } from './column.js';
import { initialLatent } from './init.js';
import type { PluginOptions } from './options.js';
import { Pacer, progressDue } from './pace.js';
import { planFor, targetOf } from './plan.js';
import { finish, initialStep } from './single.js';

/** Φ applied to the rows of a B×n tensor. */
type RowMeasurement = { apply(G: tf.Tensor2D): tf.Tensor2D; dispose(): void };

function rowMeasurement(measurement: LinearOperator): RowMeasurement {
  if (measurement instanceof IdentityOperator) return { apply: (G) => G, dispose: () => {} };
  if (measurement instanceof MaskOperator) {
    const idx = tf.tensor1d(measurement.indices, 'int32');
    return { apply: (G) => tf.gather(G, idx, 1) as tf.Tensor2D, dispose: () => idx.dispose() };
  }
  const phiT = tf.tidy(() => tf.transpose(toTensor(measurement.toMatrix())) as tf.Tensor2D);
  return { apply: (G) => tf.matMul(G, phiT), dispose: () => phiT.dispose() };
}

export async function solveBatchTf(problem: BatchProblem, options: PluginOptions, context: SolveContext): Promise<Result[]> {
  const startedAt = now();
  await initTf();
  const plan = planFor(problem.generator, problem.measurement);
  const B = problem.observations.rows;
  const k = plan.inner.inputDim;
  const m = plan.measurement.rows;
  const tol = Math.max(options.tol, options.batchTol);
  const targets = new Matrix(B, m);
  for (let i = 0; i < B; i++) targets.data.set(targetOf(plan, problem.observations.row(i), options.clip), i * m);
  const step = initialStep(plan, options);
  const columns = Array.from({ length: B }, (_, i) => new Column(initialLatent(options, k, i), step, options.safeguard, options.history));
  const limits = { maxIterations: options.maxIterations, tol };

  const net = await TfGenerator.create(plan.inner);
  const phi = rowMeasurement(plan.measurement);
  const product = toTensor(plan.product);
  const allTargets = toTensor(targets);
  let active = columns.map((_, i) => i);
  let activeTargets = allTargets;
  const pacer = new Pacer();
  try {
    for (let sweep = 1; active.length > 0; sweep++) {
      if (context.signal?.aborted) {
        for (const i of active) columns[i].status = 'aborted';
        break;
      }
      const { d, residuals } = evaluate(net, phi, product, activeTargets, active.map((i) => columns[i].z), k);
      active.forEach((i, a) => columns[i].advance(d.subarray(a * k, (a + 1) * k), residuals[a], limits));
      const still = active.filter((i) => columns[i].status === undefined);
      if (still.length !== active.length) {
        if (activeTargets !== allTargets) activeTargets.dispose();
        active = still;
        activeTargets = still.length ? tf.tidy(() => tf.gather(allTargets, Int32Array.from(still))) : allTargets;
      }
      if (context.onProgress && active.length && progressDue(sweep)) {
        context.onProgress({ item: active[0], items: B, iteration: columns[active[0]].iterations, residual: columns[active[0]].guard.bestResidual });
      }
      await pacer.maybeYield();
    }
  } finally {
    if (activeTargets !== allTargets) activeTargets.dispose();
    allTargets.dispose();
    product.dispose();
    phi.dispose();
    net.dispose();
  }
  return columns.map((c, i) => finish(batchItem(problem, i), plan, options, c, startedAt, { batch: B, tol }));
}

/** D = (Φ·G(Z) − Y)·M and the residual norms of the rows, for the active latents. */
function evaluate(net: TfGenerator, phi: RowMeasurement, product: tf.Tensor2D, targets: tf.Tensor2D, latents: Float64Array[], k: number) {
  const Z = new Float32Array(latents.length * k);
  latents.forEach((z, a) => Z.set(z, a * k));
  const [D, norms] = tf.tidy(() => {
    const R = tf.sub(phi.apply(net.forward(tf.tensor2d(Z, [latents.length, k]))), targets) as tf.Tensor2D;
    return [tf.matMul(R, product), tf.sqrt(tf.sum(tf.square(R), 1))];
  });
  const d = D.dataSync() as Float32Array;
  const residuals = norms.dataSync() as Float32Array;
  D.dispose();
  norms.dispose();
  return { d, residuals };
}
