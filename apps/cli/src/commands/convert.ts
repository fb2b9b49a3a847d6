/** `inv convert`: a generator from one file format to the other (ONNX ↔ TensorFlow.js layers model). */
import { serializeLayersModel, serializeOnnx } from '@inv/core';
import { SHIPPED_MODELS } from '@inv/models';
import { dirname, extname, join } from 'node:path';
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { loadModel, writeAll } from '../files.js';
import { say } from '../io.js';

export const convertCommand: Command = {
  name: 'convert',
  summary: 'Convert a generator between ONNX (.onnx) and a TensorFlow.js layers model (model.json + weights.bin), either way.',
  usage: `inv convert <model.json|model.onnx|${SHIPPED_MODELS.join('|')}> --out <file.onnx|model.json|dir>`,
  flags: {
    out: { type: 'string', description: 'an .onnx file, a model.json path, or a folder for model.json + weights.bin', placeholder: 'file|dir' },
  },
  async run(args, io) {
    if (args.positionals.length !== 1) throw new UsageError(`convert: expected one model (model.json, .onnx or a shipped decoder name), got ${args.positionals.length} arguments`);
    const out = args.flags.out as string | undefined;
    if (!out) throw new UsageError('--out: required (an .onnx file, a model.json path or a folder)');
    if (out === '-') throw new UsageError("--out -: a model is binary; name a file or a folder");
    const generator = loadModel(args.positionals[0]);
    let written: string;
    if (extname(out).toLowerCase() === '.onnx') {
      writeAll([{ path: out, data: serializeOnnx(generator) }]);
      written = out;
    } else {
      written = extname(out).toLowerCase() === '.json' ? out : join(out, 'model.json');
      const files = serializeLayersModel(generator);
      writeAll([
        { path: join(dirname(written), files.weightsPath), data: files.weightData },
        { path: written, data: JSON.stringify(files.modelJson) },
      ]);
    }
    say(io, `${written}: ${generator.describe()}`);
  },
};
