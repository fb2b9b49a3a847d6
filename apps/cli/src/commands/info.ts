/** `inv info`: a model's layers and, per registered solver, whether its conditions hold for it. */
import { activationName, type Condition, conditionsFor, formatTable, isDense, listSolvers, opNorm, stageIn, stageOut, stageShape, type Generator, type Stage } from '@inv/core';
import { SHIPPED_MODELS } from '@inv/models';
import { type Command, defineCommand } from '../command.js';
import { UsageError } from '../errors.js';
import { loadModel } from '../files.js';
import { say } from '../io.js';
import { loadSolverPackages } from '../solvers.js';

export interface ModelInfo {
  widths: number[];
  depth: number;
  layers: {
    index: number;
    /** `dense`, or the map of a convolutional stage (e.g. `conv2d_transpose 4x4 s2x2 same`). */
    kind: string;
    /** The output shape: [n], or [h, w, c] for an image. */
    shape: number[];
    in: number;
    out: number;
    activation: string;
    bias: boolean;
    expansion: number;
    opNorm: number;
    gaussianScale: number;
  }[];
  conditions: {
    /** All activations ReLU (PLUGIn's A1) and no biases (both papers' nets are bias-free). */
    allRelu: boolean;
    biasFree: boolean;
    /** Some stage is a convolution or upsampling (docs/conv-stages.md). */
    convolutional: boolean;
    /** 2^d n_0: the number of Gaussian measurements PLUGIn-CS asks for (up to logs). */
    measurementsNeeded: number;
    /** Whether compressed sensing can use fewer measurements than outputs (2^d n_0 < n). */
    compressible: boolean;
  };
  /** PLUGIn steps: 1/Π‖W_i‖ (the paper's rule for trained weights) and 2^d (theory, Gaussian weights). */
  pluginStep: { trained: number; gaussian: number };
  /**
   * Every registered solver's conditions on this generator (core's `conditionsFor`); `applicable` when
   * every `required` one holds (then the solver can answer; `theory` ones decide whether it is guaranteed).
   */
  solvers: { name: string; applicable: boolean; conditions: Condition[] }[];
}

export function modelInfo(g: Generator): ModelInfo {
  const widths = g.widths;
  const k = widths[0];
  const layers = g.stages.map((l, i) => {
    const rows = stageOut(l), cols = stageIn(l);
    return {
      index: i,
      kind: isDense(l) ? 'dense' : l.map.describe(),
      shape: [...stageShape(l)],
      in: cols,
      out: rows,
      activation: activationName(l.activation),
      bias: l.bias !== undefined,
      expansion: rows / cols,
      opNorm: opNorm(isDense(l) ? l.weight : l.map),
      // ‖W‖_F²/n_{i−1} (the mean squared entry times n_i for a dense layer): 1 for the papers' N(0, 1/n_i) weights.
      gaussianScale: squaredFrobenius(l) / cols,
    };
  });
  const measurementsNeeded = 2 ** g.depth * k;
  return {
    widths,
    depth: g.depth,
    layers,
    conditions: {
      allRelu: layers.every((l) => l.activation === 'relu'),
      biasFree: !g.hasBias,
      convolutional: !g.isDense,
      measurementsNeeded,
      compressible: measurementsNeeded < g.outputDim,
    },
    pluginStep: { trained: 1 / layers.reduce((p, l) => p * l.opNorm, 1), gaussian: 2 ** g.depth },
    solvers: listSolvers().map((s) => {
      const conditions = conditionsFor(s, g);
      return { name: s.name, applicable: conditions.every((c) => c.kind !== 'required' || c.holds), conditions };
    }),
  };
}

function squaredFrobenius(l: Stage): number {
  const values = isDense(l) ? l.weight.data : l.map.sparseRows().value;
  let sq = 0;
  for (let j = 0; j < values.length; j++) sq += values[j] * values[j];
  return sq;
}

const yes = (b: boolean) => (b ? 'yes' : 'no');

export const infoCommand: Command = defineCommand({
  name: 'info',
  summary: "Show a model's layers, widths, expansion ratios and operator norms, whether each solver's conditions hold on it, and the suggested PLUGIn step.",
  usage: `inv info <model.json|model.onnx|${SHIPPED_MODELS.join('|')}> [--json]  (or --model <…>, as in inv solve and inv demo)`,
  flags: {
    model: { type: 'string', description: `the model: a shipped decoder (${SHIPPED_MODELS.join(', ')}) or a model.json / .onnx file (instead of the argument)`, placeholder: 'name|model.json|g.onnx' },
  },
  async run(args, io) {
    const given = [...args.positionals, ...(args.flags.model !== undefined ? [args.flags.model] : [])];
    if (given.length !== 1) throw new UsageError(`info: expected one model.json, .onnx file or shipped decoder name (an argument or --model), got ${given.length}`);
    const model = given[0];
    const g = loadModel(model);
    await loadSolverPackages();
    const info = modelInfo(g);
    if (io.json) {
      io.out(JSON.stringify(info));
      return;
    }
    const c = info.conditions;
    say(io, `${model}: ${g.describe()}, depth ${info.depth}, latent ${info.widths[0]}, output ${g.outputDim}`);
    if (c.convolutional) {
      say(io, formatTable(['layer', 'kind', 'shape', 'in', 'out', 'activation', 'bias', 'expansion', '‖W‖op'], info.layers.map((l) => [l.index, l.kind, l.shape.join('x'), l.in, l.out, l.activation, yes(l.bias), l.expansion, l.opNorm])));
    } else {
      say(io, formatTable(['layer', 'in', 'out', 'activation', 'bias', 'expansion', '‖W‖op', 'N(0,1/n) scale'], info.layers.map((l) => [l.index, l.in, l.out, l.activation, yes(l.bias), l.expansion, l.opNorm, l.gaussianScale])));
    }
    say(io, '');
    say(io, `all ReLU: ${yes(c.allRelu)}; bias-free: ${yes(c.biasFree)}`);
    say(io, `compressed sensing: m >= 2^d n_0 = ${c.measurementsNeeded} Gaussian measurements (of n = ${g.outputDim}): ${c.compressible ? 'fewer than n' : 'not fewer than n'}`);
    say(io, '');
    // required: the solver cannot answer without it; theory: its guarantee assumes it (docs/conv-stages.md).
    for (const s of info.solvers) {
      say(io, `${s.name}: ${s.applicable ? 'applicable' : 'not applicable'}`);
      for (const cond of s.conditions) say(io, `  ${cond.kind === 'required' ? 'needs' : 'theory'}: ${cond.name}: ${yes(cond.holds)} (${cond.reason})`);
    }
    say(io, '');
    say(io, `suggested PLUGIn step: 1/Π‖W_i‖ = ${info.pluginStep.trained.toPrecision(4)} (trained weights); 2^d = ${info.pluginStep.gaussian} in theory for Gaussian weights (the paper's experiments use 3 for d = 3)`);
  },
});
