/** The shipped MNIST decoders and the asset files that hold them. */
import { ValueError } from '@inv/core';

/** Decoder widths [k, n_1, …, n_d]: Lei et al.'s 20-60-784 and PLUGIn's 20-500-500-784. */
export const MNIST_MODELS = ['20-60-784', '20-500-500-784'] as const;
export type MnistModelName = (typeof MNIST_MODELS)[number];

/**
 * Convolutional decoders (./conv-vae.ts): `conv-20-784` is 20 → 7×7×32 → 14×14×16 → 28×28×1. Kept out
 * of MNIST_MODELS, which lists the dense decoders every solver takes (the layer-wise LPs do not take
 * convolutions).
 */
export const CONV_MODELS = ['conv-20-784'] as const;
export type ConvModelName = (typeof CONV_MODELS)[number];
/**
 * Dense decoders with LeakyReLU(0.1) after every layer, the output included, bias-free: issue #14's
 * trained 20-200-500-784 net of the LP paper's leaky case. Kept out of MNIST_MODELS (relu hidden, sigmoid
 * output, the papers' nets): their outputs are not pixel intensities in (0, 1) but a Gaussian mean.
 */
export const LEAKY_MODELS = ['leaky-20-200-500-784'] as const;
export type LeakyModelName = (typeof LEAKY_MODELS)[number];
/** The decoders made of dense layers only. */
export type DenseModelName = MnistModelName | LeakyModelName;
/** Every shipped decoder. */
export const SHIPPED_MODELS = [...MNIST_MODELS, ...LEAKY_MODELS, ...CONV_MODELS] as const;
export type ShippedModelName = DenseModelName | ConvModelName;

export const isConvModel = (name: string): name is ConvModelName => (CONV_MODELS as readonly string[]).includes(name);

/** The file of the 1,000 held-out digits, relative to the assets folder. */
export const HELD_OUT_FILE = 'heldout-digits.bin';

/** model.json of a shipped decoder, relative to the assets folder. */
export const modelFile = (name: ShippedModelName): string => `${name}/model.json`;
export const WEIGHTS_FILE = 'weights.bin';

/** Every asset path (relative to the assets folder), so that a web app can copy or serve them. */
export const ASSET_FILES: readonly string[] = Object.freeze([...SHIPPED_MODELS.flatMap((m) => [modelFile(m), `${m}/${WEIGHTS_FILE}`]), HELD_OUT_FILE]);

/** Throws a ValueError naming `field` unless `name` is one of MNIST_MODELS. */
export function checkModelName(name: unknown, field = 'model'): MnistModelName {
  return oneOf(MNIST_MODELS, name, field);
}

/** Throws a ValueError naming `field` unless `name` is one of SHIPPED_MODELS (dense or convolutional). */
export function checkShippedModelName(name: unknown, field = 'model'): ShippedModelName {
  return oneOf(SHIPPED_MODELS, name, field);
}

function oneOf<T extends string>(names: readonly T[], name: unknown, field: string): T {
  if (!names.includes(name as T)) throw new ValueError(`${field}: expected one of ${names.join(', ')}, got ${JSON.stringify(name)}`);
  return name as T;
}

/** Widths of each dense decoder, and the LeakyReLU slope of its layers (absent: ReLU hidden, sigmoid output). */
const DENSE_SPECS: Readonly<Record<DenseModelName, { widths: readonly number[]; leaky?: number }>> = Object.freeze({
  '20-60-784': { widths: [20, 60, 784] },
  '20-500-500-784': { widths: [20, 500, 500, 784] },
  'leaky-20-200-500-784': { widths: [20, 200, 500, 784], leaky: 0.1 },
});

/** The decoder widths of a dense model, e.g. [20, 60, 784]. */
export const modelWidths = (name: DenseModelName): number[] => [...DENSE_SPECS[name].widths];
/** The LeakyReLU slope of every layer of a leaky model; undefined for ReLU hidden layers and a sigmoid output. */
export const modelLeak = (name: DenseModelName): number | undefined => DENSE_SPECS[name].leaky;
