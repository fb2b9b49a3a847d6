/** The protobuf codec (src/io/protobuf.ts): the wire format's examples, every field type, hostile buffers, and files torch wrote. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel, type OnnxModel } from '../src/io/onnx-schema.js';
import { decodeMessage, encodeMessage, type Schema } from '../src/io/protobuf.js';
import { decodeOnnx, FormatError, parseOnnx } from '../src/index.js';

const SCHEMA = {
  All: {
    i32: [1, 'int32'],
    s: [2, 'string'],
    i64: [3, 'int64'],
    packed: [4, 'int64', 'packed'],
    f: [5, 'float'],
    d: [6, 'double'],
    b: [7, 'bytes'],
    m: [8, 'All'],
    ints: [9, 'int32', 'repeated'],
    floats: [10, 'float', 'packed'],
    doubles: [11, 'double', 'repeated'],
    strings: [12, 'string', 'repeated'],
    inner: [13, 'Inner', 'repeated'],
  },
  Inner: { x: [1, 'int64'] },
} as const satisfies Schema;
/** The same message with the packed fields unpacked and the unpacked ones packed. */
const FLIPPED = {
  ...SCHEMA,
  All: { ...SCHEMA.All, packed: [4, 'int64', 'repeated'], floats: [10, 'float', 'repeated'], ints: [9, 'int32', 'packed'], doubles: [11, 'double', 'packed'] },
} as const satisfies Schema;

const encode = (m: Record<string, unknown>, schema: Schema = SCHEMA) => encodeMessage(schema, 'All', m);
const decode = (b: Uint8Array | number[], schema: Schema = SCHEMA) => decodeMessage(schema, 'All', Uint8Array.from(b));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('the protobuf codec', () => {
  it('writes the examples of the wire-format guide byte for byte', () => {
    // protobuf.dev/programming-guides/encoding: 150 as a varint, "testing", packed [3, 270, 86942].
    expect(hex(encode({ i32: 150 }))).toBe('089601');
    expect(hex(encode({ s: 'testing' }))).toBe('120774657374696e67');
    expect(hex(encode({ packed: [3, 270, 86942] }))).toBe('2206038e029ea705');
    // Negative int32 and int64 are 10-byte varints (two's complement of 64 bits).
    expect(hex(encode({ i32: -1 }))).toBe('08ffffffffffffffffff01');
    expect(hex(encode({ i64: -2 }))).toBe('18feffffffffffffffff01');
    expect(hex(encode({ i64: 2n ** 63n - 1n }))).toBe('18ffffffffffffffff7f');
    // Fields in number order whatever the object's key order; undefined, null and empty packed lists are left out.
    expect(hex(encode({ s: 'a', i32: 1, f: undefined, m: null, packed: [] }))).toBe('0801120161');
  });

  it('round-trips every field type, int64 beyond 2^53 as bigint', () => {
    const message = {
      i32: -(2 ** 31),
      s: 'π ≈ 3.14 😀',
      i64: 2n ** 60n + 1n,
      packed: [0, -1, 2 ** 53 - 1, -(2n ** 63n), 2n ** 53n, 300],
      f: Math.fround(0.1),
      d: 0.1,
      b: Uint8Array.of(0, 255, 7),
      m: { i32: 2 ** 31 - 1, i64: -(2 ** 53 - 1), m: { s: '' } },
      ints: [1, -1, 0],
      floats: [1.5, -0, Infinity],
      doubles: [Math.PI, -1e-300],
      strings: ['x', '', 'yz'],
      inner: [{ x: 5 }, {}, { x: -7 }],
    };
    const back = decode(encode(message));
    expect(back).toEqual({ ...message, b: expect.any(Uint8Array) });
    expect(Array.from(back.b as Uint8Array)).toEqual([0, 255, 7]);
    // A number when safe, a bigint only beyond 2^53.
    expect((back.packed as unknown[]).map((v) => typeof v)).toEqual(['number', 'number', 'number', 'bigint', 'bigint', 'number']);
    // 2^64 − 1 is -1 in two's complement; a float field holds float32.
    expect(decode(encode({ i64: 2n ** 64n - 1n, f: 0.1 }))).toEqual({ i64: -1, f: Math.fround(0.1) });
  });

  it('reads repeated numbers packed or not, and absent fields as absent', () => {
    const message = { packed: [1, -2, 2n ** 62n], floats: [0.5, 2], ints: [-3, 4], doubles: [0.25] };
    const packed = encode(message), unpacked = encode(message, FLIPPED);
    expect(hex(packed)).not.toBe(hex(unpacked));
    expect(decode(packed)).toEqual(message);
    expect(decode(unpacked)).toEqual(message);
    expect(decode(packed, FLIPPED)).toEqual(message);
    // Two packed runs of one field append (protobuf's rule for repeated fields).
    expect(decode([...encode({ packed: [1, 2] }), ...encode({ packed: [3] })])).toEqual({ packed: [1, 2, 3] });
    expect(decode(encode({ i32: 0, ints: [] }))).toEqual({ i32: 0 });
  });

  it('skips unknown fields of the four wire types', () => {
    const unknown = [
      0xa8, 0x06, 0x96, 0x01, // field 101, varint 150
      0xb1, 0x06, 1, 2, 3, 4, 5, 6, 7, 8, // field 102, 64-bit
      0xba, 0x06, 0x03, 0x08, 0x09, 0x0a, // field 103, 3 bytes (a message of some other schema)
      0xc5, 0x06, 1, 2, 3, 4, // field 104, 32-bit
    ];
    const known = Array.from(encode({ i32: 7, s: 'ok' }));
    expect(decode([...unknown.slice(0, 4), ...known.slice(0, 2), ...unknown.slice(4), ...known.slice(2)])).toEqual({ i32: 7, s: 'ok' });
    // Groups (wire types 3 and 4) were deprecated before proto2 files like ONNX existed.
    expect(() => decode([0xab, 0x06, 0xac, 0x06])).toThrow('wire type 3 is not supported');
    // A known field with the wrong wire type is malformed.
    expect(() => decode([0x0d, 1, 2, 3, 4])).toThrow('All.i32: wire type 5, expected 0');
  });

  it('refuses truncated buffers, long varints, lengths past the end and deep nesting', () => {
    const b = encode({ i32: -1, s: 'hello', d: 1, m: { s: 'inner' } });
    // Cut anywhere inside a field, the buffer is refused; cut between fields, it is a shorter valid message.
    const boundaries = new Set([0, 11, 18, 27, b.length]);
    for (let n = 0; n < b.length; n++) {
      if (boundaries.has(n)) expect(() => decode(b.subarray(0, n))).not.toThrow();
      else expect(() => decode(b.subarray(0, n)), `cut at ${n}`).toThrow(/^(truncated message|length past the end of the message)$/);
    }
    expect(() => decode([0x08, ...Array(10).fill(0xff), 0x01])).toThrow('varint longer than 10 bytes');
    expect(() => decode([0x12, 0x7f, 0x61])).toThrow('length past the end of the message');
    // A nested message may not claim bytes past its parent's end.
    expect(() => decode([0x42, 0x02, 0x12, 0x05, 0x61, 0x62, 0x63, 0x64, 0x65])).toThrow('length past the end of the message');
    expect(() => decode([0x00, 0x00])).toThrow('field number 0');
    const nest = (depth: number): Record<string, unknown> => (depth ? { m: nest(depth - 1) } : { i32: 1 });
    expect(() => decode(encode(nest(100)))).not.toThrow();
    expect(() => decode(encode(nest(101)))).toThrow('messages nested deeper than 100');
  });

  it('refuses values the field cannot hold when writing', () => {
    expect(() => encode({ i32: 1.5 })).toThrow('All.i32: 1.5 is not a 32-bit integer');
    expect(() => encode({ i32: 2 ** 31 })).toThrow('All.i32: 2147483648 is not a 32-bit integer');
    expect(() => encode({ i64: 2 ** 60 })).toThrow('All.i64: 1152921504606847000 is not a safe integer or a 64-bit bigint');
    expect(() => encode({ i64: 2n ** 64n })).toThrow('is not a safe integer or a 64-bit bigint');
  });
});

describe('ONNX files written by torch (C++ protobuf)', () => {
  const dir = join(import.meta.dirname, 'fixtures', 'onnx');
  const files = readdirSync(dir).filter((f) => f.endsWith('.onnx'));

  it('decode and encode back to the very same bytes', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
    for (const f of files) {
      const bytes = new Uint8Array(readFileSync(join(dir, f)));
      expect(hex(encodeModel(decodeModel(bytes))), f).toBe(hex(bytes));
    }
  });

  it('an attribute without its value has the protobuf default (writers may leave 0 out); an absent one, the operator default', () => {
    const m = decodeModel(new Uint8Array(readFileSync(join(dir, 'mlp-leaky.onnx'))));
    const leaky = m.graph!.node!.find((n) => n.opType === 'LeakyRelu')!;
    expect(parseOnnx(encodeModel(m)).describe()).toBe('4-10-18 leaky_relu:0.1,linear (with biases)');
    delete leaky.attribute![0].f;
    expect(() => parseOnnx(encodeModel(m))).toThrow(/LeakyReLU\): leaky ReLU slope 0 is not in \(0, 1\)$/);
    leaky.attribute = [];
    expect(parseOnnx(encodeModel(m)).describe()).toBe('4-10-18 leaky_relu:0.01,linear (with biases)');
  });

  it('an int64 beyond 2^53 and a truncated file are one-line FormatErrors', () => {
    const bytes = new Uint8Array(readFileSync(join(dir, 'mlp-sigmoid.onnx')));
    const m: OnnxModel = decodeModel(bytes);
    m.graph!.initializer![0].dims = [2n ** 60n, 1];
    expect(() => parseOnnx(encodeModel(m), { source: 'big.onnx' })).toThrow(/^big.onnx: initializer '.*': dims\[0\]: 1152921504606846976 is not an integer in the safe range$/);
    expect(() => decodeOnnx(bytes.subarray(0, 100), 'cut.onnx')).toThrow(new FormatError('cut.onnx: not a valid ONNX file (length past the end of the message)'));
  });
});
