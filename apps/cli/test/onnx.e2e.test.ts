import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { denseLayer, Generator, Matrix, parseActivation, relativeError } from '@inv/core';
import { readGenerator, writeGenerator } from '@inv/core/node';
import { runCli, tempDir, writeNpy } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** The ONNX files PyTorch exported (packages/core/test/fixtures/make_onnx_fixtures.py). */
const fixtures = resolve(import.meta.dirname, '../../../packages/core/test/fixtures/onnx');
interface Expected {
  latents: number[][];
  layers: { weight: number[][]; bias: number[] | null; activation: string }[];
}
const expected = (name: string) => JSON.parse(readFileSync(join(fixtures, `${name}.json`), 'utf8')) as Expected;

/** The same MLP as a layers model, built from the weights torch printed (no ONNX involved). */
function layersModelOf(name: string): string {
  const g = new Generator(
    expected(name).layers.map((l, i) =>
      denseLayer(new Matrix(l.weight.length, l.weight[0].length, Float64Array.from(l.weight.flat())), l.bias ? Float64Array.from(l.bias) : undefined, parseActivation(l.activation), `layer ${i}`),
    ),
  );
  return writeGenerator(g, tmp.path(name), { layout: 'keras' });
}

const seen: string[] = [];

describe('inv solve on ONNX files', () => {
  afterAll(() => expect(seen).toHaveLength(16));
  it.each(['mlp-relu-nobias', 'mlp-sigmoid', 'mlp-leaky', 'dynamic-mlp'])('%s: every solver gives the same answer on the .onnx file as on the equivalent layers model', (name) => {
    const onnx = join(fixtures, `${name}.onnx`);
    const json = layersModelOf(name);
    const G = readGenerator(json);
    const y = writeNpy(tmp.path(`${name}-y.npy`), G.forward(expected(name).latents[0]));
    for (const solver of ['lp-linf', 'lp-l1', 'plugin', 'gd']) {
      const [a, b] = [onnx, json].map((model) => runCli(['solve', '--model', model, '--observation', y, '--solver', solver, '--json'], { plugins: false }));
      expect(a.code, `${solver}: ${a.stderr}`).toBeLessThanOrEqual(3);
      expect(a.code).toBe(b.code);
      const [ra, rb] = [a, b].map((r) => JSON.parse(r.stdout) as { latent: number[]; status: string; iterations?: number });
      expect(ra.status).toBe(rb.status);
      expect(ra.latent).toHaveLength(G.inputDim);
      expect(ra.latent).toEqual(rb.latent);
      seen.push(`${name} ${solver} ${ra.status}`);
    }
  });
});

describe('inv solve on the convolutional PyTorch generator', () => {
  it('gd and plugin give the same answers (to float32 rounding) on dcgan.onnx as on the layers model inv convert writes from it, and gd recovers z*', () => {
    const onnx = join(fixtures, 'dcgan.onnx');
    expect(runCli(['convert', onnx, '--out', tmp.path('dcgan-solve')]).code).toBe(0);
    const json = tmp.path('dcgan-solve/model.json');
    const z = expected('dcgan').latents[0];
    const y = writeNpy(tmp.path('dcgan-y.npy'), readGenerator(onnx).forward(z));
    for (const solver of ['gd', 'plugin']) {
      const [a, b] = [onnx, json].map((model) => runCli(['solve', '--model', model, '--observation', y, '--solver', solver, '--json'], { plugins: false }));
      expect(a.code, `${solver}: ${a.stderr}`).toBe(b.code);
      const [ra, rb] = [a, b].map((r) => JSON.parse(r.stdout) as { latent: number[]; status: string });
      expect(ra.latent).toHaveLength(6);
      // Not bit-equal: the ONNX reader folds BatchNorm in float64, the layers model stores the folded kernels as float32.
      expect(relativeError(ra.latent, rb.latent)).toBeLessThan(1e-6);
      expect(ra.status).toBe(rb.status);
      if (solver === 'gd') expect(Math.max(...ra.latent.map((v, i) => Math.abs(v - z[i])))).toBeLessThan(1e-3);
    }
  });
});

describe('inv solve on the Keras-layout, dynamic-axes and permuting PyTorch generators', () => {
  // The Transposes of keras-layout are bookkeeping, dynamic-conv's shape arithmetic is folded, and
  // permute-flat has two permutation stages; the layers model is what inv convert writes from each.
  it.each(['keras-layout', 'dynamic-conv', 'permute-flat'])('%s: lp-linf, gd and plugin give the same answers on the .onnx file as on its converted layers model; gd recovers z*', (name) => {
    const onnx = join(fixtures, `${name}.onnx`);
    expect(runCli(['convert', onnx, '--out', tmp.path(`${name}-lm`)]).code).toBe(0);
    const json = tmp.path(`${name}-lm/model.json`);
    const z = expected(name).latents[0];
    const y = writeNpy(tmp.path(`${name}-y.npy`), readGenerator(onnx).forward(z));
    for (const solver of ['lp-linf', 'gd', 'plugin']) {
      const [a, b] = [onnx, json].map((model) => runCli(['solve', '--model', model, '--observation', y, '--solver', solver, '--json'], { plugins: false }));
      expect(a.code, `${solver}: ${a.stderr}`).toBe(b.code);
      const [ra, rb] = [a, b].map((r) => JSON.parse(r.stdout) as { latent: number[]; status: string });
      expect(ra.status, solver).toBe(rb.status);
      expect(ra.latent).toHaveLength(z.length);
      // to float32 rounding: the layers model stores the folded weights as float32
      expect(Math.max(...ra.latent.map((v, i) => Math.abs(v - rb.latent[i])))).toBeLessThan(1e-6 * Math.max(1, ...rb.latent.map(Math.abs)));
      if (solver === 'gd') {
        expect(ra.status).toBe('converged');
        expect(Math.max(...ra.latent.map((v, i) => Math.abs(v - z[i])))).toBeLessThan(1e-3);
      }
    }
  });
});

describe('inv convert', () => {
  it('layers model → ONNX → layers model gives the same generator', () => {
    const json = layersModelOf('mlp-sigmoid');
    const first = runCli(['convert', json, '--out', tmp.path('rt.onnx')]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('rt.onnx: 5-16-24-30 relu,relu,sigmoid (with biases)');
    const second = runCli(['convert', tmp.path('rt.onnx'), '--out', tmp.path('rt-back')]);
    expect(second.code).toBe(0);
    const [a, b] = [readGenerator(json), readGenerator(tmp.path('rt-back/model.json'))];
    expect(b.describe()).toBe(a.describe());
    const z = expected('mlp-sigmoid').latents[1];
    expect(Array.from(b.forward(z))).toEqual(Array.from(a.forward(z)));
  });

  it('the new PyTorch fixtures: ONNX → layers model → ONNX gives the same generator', () => {
    for (const name of ['keras-layout', 'dynamic-conv', 'permute-flat', 'dynamic-mlp']) {
      expect(runCli(['convert', join(fixtures, `${name}.onnx`), '--out', tmp.path(`${name}-rt`)]).code).toBe(0);
      expect(runCli(['convert', tmp.path(`${name}-rt/model.json`), '--out', tmp.path(`${name}-rt.onnx`)]).code).toBe(0);
      const [a, b] = [join(fixtures, `${name}.onnx`), tmp.path(`${name}-rt.onnx`)].map((f) => readGenerator(f));
      expect(b.describe()).toBe(a.describe());
      for (const z of expected(name).latents) expect(relativeError(b.forward(z), a.forward(z))).toBeLessThan(1e-6);
    }
  });

  it('converts the convolutional PyTorch generator to a layers model that inv info reads', () => {
    const run = runCli(['convert', join(fixtures, 'dcgan.onnx'), '--out', tmp.path('dcgan-lm')]);
    expect(run.code).toBe(0);
    const info = runCli(['info', tmp.path('dcgan-lm/model.json'), '--json']);
    expect(JSON.parse(info.stdout).widths).toEqual([6, 128, 256, 512]);
  });

  it('hostile ONNX files: one-line error, exit 1, no output file', () => {
    const good = readFileSync(join(fixtures, 'mlp-sigmoid.onnx'));
    writeFileSync(tmp.path('cut.onnx'), good.subarray(0, good.length - 40));
    writeFileSync(tmp.path('text.onnx'), 'not a protobuf at all, just text\n');
    // An operator inv does not take: the op type string renamed in place (same length, so still valid protobuf).
    writeFileSync(tmp.path('softplus.onnx'), Buffer.from(good.toString('latin1').replaceAll('Sigmoid', 'Softmax'), 'latin1'));
    for (const [file, pattern] of [
      ['cut.onnx', /cut.onnx: (not a valid ONNX file|initializer .* declares)/],
      ['text.onnx', /text.onnx: not (a valid ONNX file|an ONNX model)/],
      ['missing.onnx', /missing.onnx: cannot read/],
      ['softplus.onnx', /softplus.onnx: node '.*' \(Softmax\): operator 'Softmax' is not supported \(supported: Gemm, MatMul, Add, Relu, LeakyRelu, Sigmoid/],
    ] as const) {
      for (const args of [['convert', tmp.path(file), '--out', tmp.path(`${file}.out.onnx`)], ['solve', '--model', tmp.path(file), '--observation', tmp.path('x.npy'), '--solver', 'gd']]) {
        const run = runCli(args, { plugins: false });
        expect(run.code).toBe(1);
        expect(run.stderr).toMatch(pattern);
        expect(run.stderr.trim().split('\n')).toHaveLength(1);
      }
      expect(existsSync(tmp.path(`${file}.out.onnx`))).toBe(false);
    }
  });
});
