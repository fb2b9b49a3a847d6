/**
 * What the layer-wise LP needs of a generator, from the stage sizes alone (docs/conv-stages.md,
 * "Which solvers' conditions hold"): every stage must have at least as many observed outputs as
 * inputs, or its LP cannot determine them; exact recovery on random nets asks for more.
 */
import { type BatchProblem, type Condition, describeStage, firstContractingStage, type Generator, type Problem, selectedEntries, stageIn } from '@inv/core';

/** Lei et al.: exact layer-wise LP recovery for random nets expanding by a factor c0 >= 2.1 per ReLU-type layer. */
export const LP_EXPANSION = 2.1;

const contracts = (generator: Generator, i: number, rows: number) =>
  `${describeStage(generator, i)} contracts: ${rows} observed outputs cannot determine its ${stageIn(generator.stages[i])} inputs, so the layer-wise LP cannot invert it (gd and plugin can)`;

/**
 * Why the sizes alone make a layer-wise inversion of `problem` impossible, or undefined: the first
 * contracting stage, or a mask that keeps fewer outputs than the last stage has inputs.
 */
export function contractionFailure(problem: Problem | BatchProblem): string | undefined {
  const g = problem.generator;
  const i = firstContractingStage(g);
  if (i >= 0) return contracts(g, i, g.widths[i + 1]);
  const kept = selectedEntries(problem.measurement);
  const last = g.stages.length - 1;
  if (kept !== undefined && kept.length < stageIn(g.stages[last])) return `the mask keeps ${kept.length} outputs: ${contracts(g, last, kept.length)}`;
  return undefined;
}

export function lpConditions(generator: Generator): Condition[] {
  const i = firstContractingStage(generator);
  const widths = generator.widths;
  const reluType = (s: number) => ['relu', 'leaky_relu'].includes(generator.stages[s].activation.kind);
  const short = generator.stages.findIndex((_, s) => reluType(s) && widths[s + 1] < LP_EXPANSION * widths[s]);
  return [
    {
      name: 'every stage expands (out >= in)',
      kind: 'required',
      holds: i < 0,
      reason: i < 0 ? `every stage has at least as many outputs as inputs (a mask must keep at least ${widths[widths.length - 2]})` : contracts(generator, i, widths[i + 1]),
    },
    {
      name: `every ReLU-type stage expands >= ${LP_EXPANSION}x`,
      kind: 'theory',
      holds: short < 0,
      reason:
        short < 0
          ? `exact recovery for random nets (Lei et al.) needs about ${LP_EXPANSION}x per ReLU-type stage; every one has it`
          : `${describeStage(generator, short)} expands ${(widths[short + 1] / widths[short]).toFixed(2)}x < ${LP_EXPANSION}x: exact recovery is not guaranteed there (random nets, Lei et al.)`,
    },
  ];
}
