import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeModel, encodeModel, ONNX_TYPES, type OnnxModel } from '../src/io/onnx-schema.js';
import { findPython, readGenerator, readModel } from '../src/node.js';
import { spawnSync } from 'node:child_process';
import { decodeOnnx, denseLayer, FormatError, Generator, isDense, Matrix, onnxToLayersModel, parseActivation, parseLayersModel, parseOnnx, relativeError, serializeLayersModel, serializeOnnx } from '../src/index.js';

const dir = join(import.meta.dirname, 'fixtures', 'onnx');
const bytes = (name: string) => new Uint8Array(readFileSync(join(dir, `${name}.onnx`)));
interface Expected {
  latents: number[][];
  outputs: number[][];
  outputShape: number[];
  outputLayout: 'channels_first' | 'channels_last';
  layers?: { weight: number[][]; bias: number[] | null; activation: string }[];
}
const expected = (name: string) => JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as Expected;

/**
 * Torch's images are NCHW; the generator's images are NHWC: entry j of ours is torch's perm(j). The
 * Keras-layout model returns NHWC itself, and flat outputs are in torch's order.
 */
function torchIndex(e: Expected): (j: number) => number {
  if (e.outputShape.length !== 3 || e.outputLayout === 'channels_last') return (j) => j;
  const [c, h, w] = e.outputShape;
  return (j) => (j % c) * h * w + Math.floor(j / c);
}

const ONNX_FIXTURES = ['mlp-relu-nobias', 'mlp-sigmoid', 'mlp-leaky', 'dcgan', 'dense-conv', 'keras-layout', 'dynamic-conv', 'permute-flat', 'dynamic-mlp', 'grouped-dilated'];
const permuteParts = (G: Generator) => G.stages.flatMap((s) => (isDense(s) ? [] : s.map.describe().split(' + ').filter((d) => d.startsWith('permute'))));

/** The MLP fixtures' generators, built directly from the weights torch printed (no ONNX involved). */
function torchMlp(name: string): Generator {
  const layers = expected(name).layers!;
  return new Generator(
    layers.map((l, i) =>
      denseLayer(new Matrix(l.weight.length, l.weight[0].length, Float64Array.from(l.weight.flat())), l.bias ? Float64Array.from(l.bias) : undefined, parseActivation(l.activation), `layer ${i}`),
    ),
  );
}

describe('ONNX files exported by PyTorch (test/fixtures/make_onnx_fixtures.py)', () => {
  for (const name of ONNX_FIXTURES) {
    it(`${name}: forward equals torch's to float32 precision`, () => {
      const G = parseOnnx(bytes(name), { source: `${name}.onnx` });
      const e = expected(name);
      const t = torchIndex(e);
      e.latents.forEach((z, b) => {
        const out = G.forward(z);
        const want = out.map((_, j) => e.outputs[b][t(j)]);
        expect(out.length).toBe(e.outputs[b].length);
        expect(relativeError(out, want)).toBeLessThan(2e-6);
      });
    });
  }

  it('the MLPs are the generators torch printed the weights of', () => {
    for (const name of ['mlp-relu-nobias', 'mlp-sigmoid', 'mlp-leaky', 'dynamic-mlp']) {
      const G = parseOnnx(bytes(name));
      const T = torchMlp(name);
      expect(G.describe()).toBe(T.describe());
      G.stages.forEach((s, i) => {
        const r = T.stages[i] as { weight: Matrix; bias?: Float64Array };
        expect(relativeError((s as { weight: Matrix }).weight.data, r.weight.data)).toBeLessThan(1e-7);
        expect(s.bias === undefined).toBe(r.bias === undefined);
      });
    }
  });

  it('reads the structure: BatchNorm folded, upsampling joined to the next convolution', () => {
    expect(parseOnnx(bytes('mlp-relu-nobias')).describe()).toBe('4-12-20 relu,relu (bias-free)');
    expect(parseOnnx(bytes('dcgan')).describe()).toMatch(/^6-4x4x8-8x8x4-16x16x2 relu,leaky_relu:0.2,tanh/);
    expect(decodeOnnx(bytes('dcgan')).graph!.node!.map((n) => n.opType)).toContain('BatchNormalization');
  });

  it('Keras layout: the Transposes between NHWC and NCHW are bookkeeping, no stage', () => {
    const ops = decodeOnnx(bytes('keras-layout')).graph!.node!.map((n) => n.opType);
    expect(ops.filter((o) => o === 'Transpose')).toHaveLength(4);
    expect(ops.slice(0, 2)).toEqual(['MatMul', 'Add']); // a Keras Dense as tf2onnx writes it
    const G = parseOnnx(bytes('keras-layout'));
    expect(G.describe()).toMatch(/^5-4x4x6-8x8x4-16x16x3 relu,leaky_relu:0.2,tanh/);
    expect(permuteParts(G)).toEqual([]);
  });

  it('a transpose of height and width and a flattened output are permutation stages', () => {
    const G = parseOnnx(bytes('permute-flat'));
    expect(G.describe()).toMatch(/^4-2x4x3-8x4x4-2x8x4 relu,relu,sigmoid/);
    // one swaps the convolutions' height and width, one puts the output in torch's C,H,W order
    expect(permuteParts(G)).toEqual(['permute 1,0,2', 'permute 2,0,1']);
  });

  it('grouped and dilated convolutions become the equivalent plain ones', () => {
    const attrs = decodeOnnx(bytes('grouped-dilated')).graph!.node!.flatMap((n) => (n.attribute ?? []).filter((a) => a.name === 'group' || a.name === 'dilations').map((a) => `${a.name}=${a.ints?.length ? a.ints.join(',') : String(a.i)}`));
    expect(attrs).toEqual(expect.arrayContaining(['group=2', 'dilations=2,2', 'group=3']));
    // the dilated 3x3 kernel spans 5x5
    expect(parseOnnx(bytes('grouped-dilated')).describe()).toMatch(/^5-4x4x4-8x8x6-8x8x3-8x8x3 relu,relu,relu,sigmoid/);
    expect(parseOnnx(bytes('grouped-dilated')).stages.map((s) => (isDense(s) ? 'dense' : s.map.describe()))).toEqual(['dense', 'conv2d_transpose 4x4 s2x2 same', 'conv2d 5x5 s1x1 same', 'conv2d 3x3 s1x1 same']);
  });

  it('dynamic axes: the shape arithmetic is folded, the symbolic batch accepted', () => {
    const m = decodeOnnx(bytes('dynamic-conv'));
    expect(m.graph!.input![0].type!.tensorType!.shape!.dim![0].dimParam).toBe('batch');
    expect(m.graph!.node!.map((n) => n.opType)).toEqual(expect.arrayContaining(['Shape', 'Gather', 'Unsqueeze', 'Concat', 'Reshape']));
    expect(parseOnnx(bytes('dynamic-conv')).describe()).toMatch(/^6-3x3x4-6x6x3-6x6x2 relu,relu,sigmoid/);
  });
});

// The fixtures' script runs only where torch is installed (e.g. Debian's python3-torch); CI tests the committed files.
const torchPython = findPython(['torch']);

describe.runIf(torchPython)('the fixture script with the torch installed here', () => {
  it('exports files whose forward we match to float32 precision', () => {
    const out = mkdtempSync(join(tmpdir(), 'inv-onnx-torch-'));
    try {
      const run = spawnSync(torchPython!, [join(import.meta.dirname, 'fixtures', 'make_onnx_fixtures.py'), out], { encoding: 'utf8', timeout: 120_000 });
      expect(run.status, run.stderr).toBe(0);
      for (const name of ONNX_FIXTURES) {
        const e = JSON.parse(readFileSync(join(out, `${name}.json`), 'utf8')) as Expected;
        const G = parseOnnx(new Uint8Array(readFileSync(join(out, `${name}.onnx`))));
        const t = torchIndex(e);
        e.latents.forEach((z, b) => expect(relativeError(G.forward(z), e.outputs[b].map((_, j) => e.outputs[b][t(j)]))).toBeLessThan(2e-6));
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe('ONNX files from disk and hostile ONNX files', () => {
  const model = (name: string) => decodeModel(bytes(name));
  const encode = (m: OnnxModel) => encodeModel(m);
  const oneLine = (f: () => unknown, pattern: RegExp) => {
    let error: unknown;
    try {
      f();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FormatError);
    expect((error as Error).message).toMatch(pattern);
    expect((error as Error).message).not.toContain('\n');
  };
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'inv-onnx-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('readGenerator takes an .onnx file, and external data inside its folder', () => {
    const path = join(tmp, 'g.onnx');
    writeFileSync(path, bytes('mlp-sigmoid'));
    const want = parseOnnx(bytes('mlp-sigmoid'));
    const z = expected('mlp-sigmoid').latents[0];
    expect(Array.from(readGenerator(path).forward(z))).toEqual(Array.from(want.forward(z)));
    // The first weight moved to an external file, as torch does for models over 2 GB.
    const m = model('mlp-sigmoid');
    const init = m.graph!.initializer![0];
    const raw = init.rawData!;
    writeFileSync(join(tmp, 'w.bin'), Buffer.concat([Buffer.alloc(8), Buffer.from(raw)]));
    init.rawData = new Uint8Array(0);
    init.dataLocation = 1;
    init.externalData = [{ key: 'location', value: 'w.bin' }, { key: 'offset', value: '8' }, { key: 'length', value: String(raw.length) }];
    writeFileSync(join(tmp, 'ext.onnx'), encode(m));
    const { generator, files } = readModel(join(tmp, 'ext.onnx'));
    expect(Array.from(generator.forward(z))).toEqual(Array.from(want.forward(z)));
    expect(files).toHaveLength(2);
    // From bytes alone (the browser) the same file is refused, naming the external file.
    oneLine(() => parseOnnx(encode(m), { source: 'ext.onnx' }), /ext.onnx: initializer '.*': stored in external file 'w.bin', which cannot be read here/);
    // Pointing outside the folder is refused before anything is opened.
    init.externalData = [{ key: 'location', value: '../outside.bin' }];
    writeFileSync(join(tmp, 'out.onnx'), encode(m));
    oneLine(() => readModel(join(tmp, 'out.onnx')), /out.onnx: external data file '..\/outside.bin' is outside the model's folder; refused/);
    init.externalData = [{ key: 'location', value: '/etc/passwd' }];
    writeFileSync(join(tmp, 'abs.onnx'), encode(m));
    oneLine(() => readModel(join(tmp, 'abs.onnx')), /external data file '\/etc\/passwd' must be a relative path inside the model's folder/);
  });

  it('reads weights stored as float32 or float64, raw or listed, and names a data type it does not read', () => {
    const want = parseOnnx(bytes('mlp-sigmoid'));
    const z = expected('mlp-sigmoid').latents[0];
    const m = model('mlp-sigmoid');
    const init = m.graph!.initializer![0];
    expect(init.dataType).toBe(ONNX_TYPES.float.code);
    const values = Array.from(new Float32Array(init.rawData!.slice().buffer));
    for (const form of [
      { dataType: ONNX_TYPES.float.code, floatData: values },
      { dataType: ONNX_TYPES.double.code, doubleData: values },
      { dataType: ONNX_TYPES.double.code, rawData: new Uint8Array(Float64Array.from(values).buffer) },
    ]) {
      Object.assign(init, { rawData: new Uint8Array(0), floatData: [], doubleData: [] }, form);
      expect(Array.from(parseOnnx(encode(m)).forward(z))).toEqual(Array.from(want.forward(z)));
    }
    init.dataType = 10; // float16
    oneLine(() => parseOnnx(encode(m), { source: 'f.onnx' }), /^f.onnx: initializer '.*': data type 10 is not supported \(float32, float64, int32, int64\)$/);
    // Each type's raw little-endian layout: what write puts at an offset, read takes back.
    for (const type of Object.values(ONNX_TYPES)) {
      const view = new DataView(new ArrayBuffer(3 * type.bytes));
      [-3, 0, 7].forEach((v, i) => type.write(view, i * type.bytes, v));
      expect([0, 1, 2].map((i) => type.read(view, i * type.bytes))).toEqual([-3, 0, 7]);
      // Little-endian: -3's low byte comes first (integers), its sign and exponent last (floats).
      expect(view.getUint8(type.integer ? 0 : type.bytes - 1)).toBe(type.integer ? 0xfd : 0xc0);
    }
  });

  it('truncated, huge declared dims, cycles, branches and unknown operators: one-line errors', () => {
    const b = bytes('mlp-sigmoid');
    oneLine(() => parseOnnx(b.subarray(0, b.length - 40), { source: 'cut.onnx' }), /^cut.onnx: (not a valid ONNX file|initializer .* declares)/);
    oneLine(() => parseOnnx(new TextEncoder().encode('{"not": "onnx"}'), { source: 'j.onnx' }), /^j.onnx: not (a valid ONNX file|an ONNX model)/);

    const huge = model('mlp-sigmoid');
    huge.graph!.initializer![0].dims = [1e9, 1e9];
    oneLine(() => parseOnnx(encode(huge), { source: 'h.onnx' }), /h.onnx: initializer '.*': declares more than 2\^31 values/);
    huge.graph!.initializer![0].dims = [50000, 16];
    oneLine(() => parseOnnx(encode(huge), { source: 'h.onnx' }), /h.onnx: initializer '.*': declares 800000 values \(3200000 bytes\) but holds \d+ bytes/);

    const cycle = model('mlp-relu-nobias');
    cycle.graph!.node!.reverse();
    oneLine(() => parseOnnx(encode(cycle), { source: 'c.onnx' }), /c.onnx: node '.*' \(\w+\): reads '.*', not the output of the node before it; the graph must be a chain .*supported: Gemm, MatMul/);

    const branch = model('mlp-relu-nobias');
    branch.graph!.node!.push({ input: [branch.graph!.node![0].output![0]], output: ['extra'], name: 'side', opType: 'Relu' });
    oneLine(() => parseOnnx(encode(branch), { source: 'b.onnx' }), /b.onnx: node 'side' \(Relu\): reads '.*', not the output of the node before it/);

    const unknown = model('mlp-sigmoid');
    const sig = unknown.graph!.node!.find((n) => n.opType === 'Sigmoid')!;
    sig.opType = 'Softmax';
    oneLine(() => parseOnnx(encode(unknown), { source: 'u.onnx' }), /u.onnx: node '.*' \(Softmax\): operator 'Softmax' is not supported \(supported: Gemm, MatMul, Add, Relu/);

    // Upsampling by 5000×5000: refused from the shapes, before any layer allocates the image.
    const big = model('dcgan');
    const resize = big.graph!.node!.find((n) => n.opType === 'Resize')!;
    const scales = resize.input![2];
    const t = big.graph!.initializer!.find((i) => i.name === scales) ?? big.graph!.node!.find((n) => n.output![0] === scales)!.attribute![0].t!;
    t.rawData = new Uint8Array(Float32Array.of(1, 1, 5000, 5000).buffer);
    oneLine(() => parseOnnx(encode(big), { source: 's.onnx' }), /s.onnx: node '.*' \(Resize\): its output \[1, 4, 40000, 40000\] has more than 16777216 values \(the limit\)/);

    // Dynamic axes: only the batch axis may be symbolic.
    const symbolic = model('dynamic-mlp');
    symbolic.graph!.input![0].type!.tensorType!.shape!.dim![1] = { dimParam: 'k' };
    oneLine(() => parseOnnx(encode(symbolic), { source: 'd.onnx' }), /^d.onnx: input 'z' axis 1 is symbolic \('k'\); only the first \(batch\) axis may be dynamic$/);
    const symbolicOut = model('dynamic-mlp');
    symbolicOut.graph!.output![0].type!.tensorType!.shape!.dim![1] = { dimParam: 'n' };
    oneLine(() => parseOnnx(encode(symbolicOut), { source: 'd.onnx' }), /^d.onnx: output 'x' axis 1 is symbolic \('n'\); only the first \(batch\) axis may be dynamic$/);
    // Shape arithmetic on the generator's values cannot be folded, and an operator outside the list is named.
    const unfolded = model('dynamic-conv');
    unfolded.graph!.node!.find((n) => n.opType === 'Gather')!.input![0] = '/fc/Gemm_output_0';
    oneLine(() => parseOnnx(encode(unfolded), { source: 'g.onnx' }), /^g.onnx: node '\/Gather' \(Gather\): its data \(input 0\) is not a constant, so the shape arithmetic cannot be folded \(supported: Gemm, .*; folded shape arithmetic: Shape, Gather, Unsqueeze/);
    const range = model('dynamic-conv');
    range.graph!.node!.find((n) => n.opType === 'Unsqueeze')!.opType = 'Range';
    oneLine(() => parseOnnx(encode(range), { source: 'r.onnx' }), /^r.onnx: node '\/Unsqueeze' \(Range\): operator 'Range' is not supported \(supported: Gemm, .*Transpose.*; folded shape arithmetic: Shape, Gather/);
    // A Transpose may not move the batch axis.
    const batch = model('keras-layout');
    batch.graph!.node!.find((n) => n.opType === 'Transpose')!.attribute![0].ints = [1, 0, 2, 3];
    oneLine(() => parseOnnx(encode(batch), { source: 't.onnx' }), /^t.onnx: node '\/Transpose' \(Transpose\): perm \[1, 0, 2, 3\] moves the batch axis, which is not supported$/);
    // Grouped and dilated convolutions are read (see grouped-dilated); impossible values are refused, naming the node and the attribute.
    for (const [attr, value, pattern] of [
      ['group', { i: 3 }, /^c.onnx: node '\/up2\/ConvTranspose' \(ConvTranspose\): attribute group=3 must divide the 4 input and 9 output channels$/],
      ['dilations', { ints: [0, 2] }, /^c.onnx: node '\/up2\/ConvTranspose' \(ConvTranspose\): attribute dilations=\[0, 2\] must be two positive integers$/],
      ['dilations', { ints: [5000, 5000] }, /^c.onnx: node '\/up2\/ConvTranspose' \(ConvTranspose\): its kernel with group=1 and dilations=\[5000, 5000\] would hold more than 16777216 values \(the limit\)$/],
    ] as const) {
      const conv = model('keras-layout');
      const node = conv.graph!.node!.find((n) => n.name === '/up2/ConvTranspose')!;
      Object.assign(node.attribute!.find((a) => a.name === attr)!, value);
      oneLine(() => parseOnnx(encode(conv), { source: 'c.onnx' }), pattern);
    }

    const many = model('mlp-relu-nobias');
    oneLine(() => parseOnnx(encode(many), { source: 'm.onnx', maxNodes: 2 }), /m.onnx: the graph has \d+ nodes, more than the limit of 2/);
  });
});

describe('writing ONNX', () => {
  const convDir = join(import.meta.dirname, 'fixtures', 'conv-model');
  const sameOutputs = (a: Generator, b: Generator, latents: number[][]) => {
    expect(b.describe()).toBe(a.describe());
    for (const z of latents) expect(relativeError(b.forward(z), a.forward(z))).toBeLessThan(1e-6);
  };

  it('layers model → ONNX → generator gives the same generator (dense and convolutional)', () => {
    const conv = parseLayersModel(JSON.parse(readFileSync(join(convDir, 'model.json'), 'utf8')), new Uint8Array(readFileSync(join(convDir, 'weights.bin'))));
    const mlp = Generator.random([6, 30, 40], { seed: 3, bias: true, activation: parseActivation('leaky_relu:0.2'), outputActivation: parseActivation('sigmoid') });
    for (const G of [conv, mlp]) {
      const latents = [0, 1, 2].map((s) => Array.from({ length: G.inputDim }, (_, i) => Math.sin(7 * s + i)));
      const back = parseOnnx(serializeOnnx(G), { source: 'written.onnx' });
      sameOutputs(G, back, latents);
      // and to a layers model again
      const files = serializeLayersModel(back);
      sameOutputs(G, parseLayersModel(files.modelJson, files.weightData), latents);
    }
  });

  it('ONNX from PyTorch → written again → read: the same generator', () => {
    for (const name of ['mlp-sigmoid', 'dcgan', 'dense-conv', 'keras-layout', 'dynamic-conv', 'permute-flat', 'grouped-dilated']) {
      const G = parseOnnx(bytes(name));
      sameOutputs(G, parseOnnx(serializeOnnx(G)), expected(name).latents);
      // and through the layers model inv convert writes
      const files = onnxToLayersModel(bytes(name));
      sameOutputs(G, parseLayersModel(files.modelJson, files.weightData), expected(name).latents);
    }
  });
});
