/**
 * The assumptions of PLUGIn's guarantee (README, "Guaranteed vs heuristic"), checked on a generator's
 * stages. All are `theory`: PLUGIn runs without them, as a heuristic.
 */
import { type Condition, describeStage, type Generator, isDense } from '@inv/core';

/** A3's width rule n_i >= WIDTH_BASE^i n_0 (without the constant C_0 and the log factor). */
const WIDTH_BASE = 5;

export function pluginConditions(generator: Generator): Condition[] {
  const stages = generator.stages;
  const widths = generator.widths;
  const notRelu = stages.findIndex((s) => s.activation.kind !== 'relu' || s.bias !== undefined);
  const margins = widths.slice(1).map((n, i) => n / (WIDTH_BASE ** (i + 1) * widths[0]));
  const narrow = margins.findIndex((m) => m < 1);
  const conv = stages.findIndex((s) => !isDense(s));
  return [
    {
      name: 'bias-free ReLU stages (A1)',
      kind: 'theory',
      holds: notRelu < 0,
      reason: notRelu < 0 ? 'every stage is ReLU without a bias' : `${describeStage(generator, notRelu)}${stages[notRelu].bias ? ' has a bias' : ' is not ReLU'}: outside the theorem (heuristic)`,
    },
    {
      name: `widths n_i >= ${WIDTH_BASE}^i n_0 (A3, without C_0 and log)`,
      kind: 'theory',
      holds: narrow < 0,
      reason: `smallest n_i/(${WIDTH_BASE}^i n_0) = ${Math.min(...margins).toPrecision(3)}${narrow < 0 ? '' : ` (first short at ${describeStage(generator, narrow)})`}`,
    },
    {
      name: 'dense Gaussian layers (no shared kernels)',
      kind: 'theory',
      holds: conv < 0,
      reason:
        conv < 0
          ? 'every stage is a dense matrix, as in the theorem (which also asks for i.i.d. Gaussian weights)'
          : `${describeStage(generator, conv)} shares kernel weights: the Gaussian-matrix theory does not carry over; measured to converge on random expansive conv nets, heuristic on trained ones`,
    },
  ];
}
