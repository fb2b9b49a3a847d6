/** @inv/models: trained MNIST VAE decoders and 1,000 held-out digits (browser-safe entry). */
export {
  MNIST_MODELS, LEAKY_MODELS, CONV_MODELS, SHIPPED_MODELS, ASSET_FILES, HELD_OUT_FILE, checkModelName, checkShippedModelName, isConvModel, modelWidths, modelLeak,
  type MnistModelName, type LeakyModelName, type DenseModelName, type ConvModelName, type ShippedModelName,
} from './names.js';
export { loadMnistGenerator, loadHeldOutDigits, type ReadAsset } from './assets.js';
export { DIGIT_SIDE, DIGIT_PIXELS, encodeDigits, decodeDigits, digitImage, toDigits, indicesOfLabel, type Digits, type RawDigits } from './digits.js';
export { HOLD_OUT_SEED, splitDigits } from './split.js';
export type { TrainProgress } from './vae.js';
