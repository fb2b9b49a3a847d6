// Retrains the shipped decoders with the default (shipped) settings and rewrites assets/.
// Usage (after `pnpm build`): node scripts/train-shipped.mjs [model ...]
import { MNIST_MODELS, trainMnistVae, writeHeldOutDigits, writeMnistModel } from '../dist/node.js';

const models = process.argv.slice(2).length ? process.argv.slice(2) : MNIST_MODELS;
console.log(`held-out digits -> ${writeHeldOutDigits()}`);
for (const model of models) {
  let epochLoss = 0;
  const { generator, losses, timeMs } = await trainMnistVae({
    model,
    onProgress: (p) => {
      epochLoss += p.loss;
      if (p.batch === p.batches) {
        console.log(`${model} epoch ${p.epoch}/${p.epochs} mean batch loss ${(epochLoss / p.batches).toFixed(2)}`);
        epochLoss = 0;
      }
    },
  });
  const path = writeMnistModel(generator, model);
  console.log(JSON.stringify({ model, path, epochs: losses.length, timeMs: Math.round(timeMs), firstLoss: losses[0], lastLoss: losses[losses.length - 1], losses }));
}
