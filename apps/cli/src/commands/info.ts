/** `inv info`: a model's layers and whether the papers' conditions hold for it. */
import { activationName, formatTable, isDense, opNorm, stageIn, stageOut, stageShape, type Generator, type Stage } from '@inv/core';
import { SHIPPED_MODELS } from '@inv/models';
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { loadModel } from '../files.js';
import { say } from '../io.js';

/** Lei et al.: exact layer-wise LP recovery for random nets expanding by a factor c0 >= 2.1 per layer. */
export const LP_EXPANSION = 2.1;

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
    /** Every ReLU-type layer expands by at least 2.1 and every invertible one (sigmoid, tanh, linear) by 1 (layer-wise LP). */
    lpExpansion: boolean;
    /** n_i >= 5^i n_0 for every layer (PLUGIn's A3 without its constant C_0 and log factor). */
    pluginWidths: boolean;
    /** Smallest n_i / (5^i n_0) over the layers. */
    pluginWidthMargin: number;
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
  const margins = widths.slice(1).map((n, i) => n / (5 ** (i + 1) * k));
  const reluType = (a: string) => a === 'relu' || a.startsWith('leaky_relu');
  const measurementsNeeded = 2 ** g.depth * k;
  return {
    widths,
    depth: g.depth,
    layers,
    conditions: {
      // Invertible activations are undone exactly, so those layers only need full column rank.
      lpExpansion: layers.every((l) => l.expansion >= (reluType(l.activation) ? LP_EXPANSION : 1)),
      pluginWidths: margins.every((m) => m >= 1),
      pluginWidthMargin: Math.min(...margins),
      allRelu: layers.every((l) => l.activation === 'relu'),
      biasFree: !g.hasBias,
      convolutional: !g.isDense,
      measurementsNeeded,
      compressible: measurementsNeeded < g.outputDim,
    },
    pluginStep: { trained: 1 / layers.reduce((p, l) => p * l.opNorm, 1), gaussian: 2 ** g.depth },
  };
}

function squaredFrobenius(l: Stage): number {
  const values = isDense(l) ? l.weight.data : l.map.sparseRows().value;
  let sq = 0;
  for (let j = 0; j < values.length; j++) sq += values[j] * values[j];
  return sq;
}

const yes = (b: boolean) => (b ? 'yes' : 'no');

export const infoCommand: Command = {
  name: 'info',
  summary: "Show a model's layers, widths, expansion ratios and operator norms, whether the papers' conditions hold, and the suggested PLUGIn step.",
  usage: `inv info <model.json|model.onnx|${SHIPPED_MODELS.join('|')}> [--json]`,
  flags: {},
  async run(args, io) {
    if (args.positionals.length !== 1) throw new UsageError(`info: expected one model.json, .onnx file or shipped decoder name, got ${args.positionals.length} arguments`);
    const g = loadModel(args.positionals[0]);
    const info = modelInfo(g);
    if (io.json) {
      io.out(JSON.stringify(info));
      return;
    }
    const c = info.conditions;
    say(io, `${args.positionals[0]}: ${g.describe()}, depth ${info.depth}, latent ${info.widths[0]}, output ${g.outputDim}`);
    if (c.convolutional) {
      say(io, formatTable(['layer', 'kind', 'shape', 'in', 'out', 'activation', 'bias', 'expansion', '‖W‖op'], info.layers.map((l) => [l.index, l.kind, l.shape.join('x'), l.in, l.out, l.activation, yes(l.bias), l.expansion, l.opNorm])));
    } else {
      say(io, formatTable(['layer', 'in', 'out', 'activation', 'bias', 'expansion', '‖W‖op', 'N(0,1/n) scale'], info.layers.map((l) => [l.index, l.in, l.out, l.activation, yes(l.bias), l.expansion, l.opNorm, l.gaussianScale])));
    }
    say(io, '');
    say(io, `layer-wise LP (Lei et al.): expansion >= ${LP_EXPANSION} per ReLU-type layer (>= 1 for sigmoid, tanh, linear): ${yes(c.lpExpansion)}`);
    say(io, `PLUGIn width rule n_i >= 5^i n_0 (without C_0 and log): ${yes(c.pluginWidths)} (smallest n_i/(5^i n_0) = ${c.pluginWidthMargin.toPrecision(3)})`);
    say(io, `all ReLU: ${yes(c.allRelu)}; bias-free: ${yes(c.biasFree)}`);
    say(io, `compressed sensing: m >= 2^d n_0 = ${c.measurementsNeeded} Gaussian measurements (of n = ${g.outputDim}): ${c.compressible ? 'fewer than n' : 'not fewer than n'}`);
    if (c.convolutional) {
      const contracting = info.layers.filter((l) => l.expansion < (l.activation === 'relu' || l.activation.startsWith('leaky_relu') ? LP_EXPANSION : 1)).map((l) => l.index);
      say(io, `convolutional stages: gd takes them (any weights); plugin takes them with (A_d⋯A_1)ᵀ as a composition of adjoints, but no theorem covers shared kernels (measured: converges on random expansive conv nets); lp-linf and lp-l1 take them (one LP per stage on its sparse rows, exact when every ReLU stage expands >= ${LP_EXPANSION})${contracting.length ? `; too little expansion for an exact LP at layer ${contracting.join(', ')}` : ''}`);
    }
    say(io, `suggested PLUGIn step: 1/Π‖W_i‖ = ${info.pluginStep.trained.toPrecision(4)} (trained weights); 2^d = ${info.pluginStep.gaussian} in theory for Gaussian weights (the paper's experiments use 3 for d = 3)`);
  },
};
