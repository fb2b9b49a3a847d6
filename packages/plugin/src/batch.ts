/**
 * B PLUGIn inversions advanced together on tfjs-wasm: each iteration is one B×k → B×n forward pass and
 * one B×m by m×k product. Latents are kept in float64 on the JS side; every column stops on its own and
 * finished columns are dropped from the tensors, so late columns do not pay for early ones.
 */
import { batchItem, now, Pacer, type BatchProblem, type Result, type SolveContext } from '@inv/core';
import { initTf, TfGenerator, TfMeasurement, tf, toTensor } from '@inv/core/tf';
import { Column } from './column.js';
import { initialLatent } from './init.js';
import type { PluginOptions } from './options.js';
import { invertsOutput, planFor, targetOf } from './plan.js';
import { finish, initialStep } from './single.js';

export async function solveBatchTf(problem: BatchProblem, options: PluginOptions, context: SolveContext): Promise<Result[]> {
  const startedAt = now();
  const B = problem.observations.rows;
  const rows = Array.from({ length: B }, (_, i) => problem.observations.row(i));
  // solveBatch has already turned invertOutput 'auto' into 'always' or 'never' for the whole batch.
  const plan = planFor(problem.generator, problem.measurement, invertsOutput(problem.generator, problem.measurement, rows, problem.noiseLevel, options.invertOutput));
  const k = plan.inner.inputDim;
  const tol = Math.max(options.tol, options.batchTol);
  const step = initialStep(plan, options);
  const first = context.item ?? 0; // this batch may be a chunk of a larger one (worker threads)
  const columns = Array.from({ length: B }, (_, i) => new Column(initialLatent(options, k, first + i), step, options.safeguard, options.history));
  const limits = { maxIterations: options.maxIterations, tol };
  if (context.signal?.aborted) {
    // Aborted before the first sweep (e.g. while this worker thread was loading): return the start points now, without loading tfjs.
    for (const c of columns) c.status = 'aborted';
    return columns.map((c, i) => finish(batchItem(problem, i), plan, options, c, startedAt, { batch: context.items ?? B, tol }));
  }

  await initTf();
  const phi = TfMeasurement.create(plan.measurement);
  const targets = phi.liftRows(rows.map((y) => targetOf(plan, y, options.clip)));
  const net = await TfGenerator.create(plan.inner);
  const product = toTensor(phi.liftMatrix(plan.product!));
  let active = columns.map((_, i) => i);
  let activeTargets = phi.pickRows(targets, active);
  const pacer = new Pacer();
  try {
    while (active.length > 0) {
      if (context.signal?.aborted) {
        for (const i of active) columns[i].status = 'aborted';
        break;
      }
      const { d, residuals } = evaluate(net, phi, product, activeTargets, active.map((i) => columns[i].z), k);
      active.forEach((i, a) => columns[i].advance(d.subarray(a * k, (a + 1) * k), residuals[a], limits));
      const still = active.filter((i) => columns[i].status === undefined);
      if (still.length !== active.length && still.length > 0) {
        activeTargets.dispose();
        activeTargets = phi.pickRows(targets, still);
      }
      active = still;
      if (context.onProgress && active.length && pacer.reportDue()) {
        context.onProgress({ item: first + active[0], items: context.items ?? B, iteration: columns[active[0]].iterations, residual: columns[active[0]].guard.bestResidual });
      }
      await pacer.maybeYield();
    }
  } finally {
    activeTargets.dispose();
    product.dispose();
    phi.dispose();
    net.dispose();
  }
  return columns.map((c, i) => finish(batchItem(problem, i), plan, options, c, startedAt, { batch: context.items ?? B, tol }));
}

/** D = (Φ·G(Z) − Y)·M and the residual norms of the rows, for the active latents. */
function evaluate(net: TfGenerator, phi: TfMeasurement, product: tf.Tensor2D, targets: tf.Tensor2D, latents: Float64Array[], k: number) {
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
