/**
 * NumPy .npy files (format versions 1–3): C-order, 1-D or 2-D. Reads float32/float64 and, for masks,
 * bool and integer arrays; writes float32 or float64.
 */
import { FormatError } from '../errors.js';
import type { NdArray } from './ndarray.js';
import { parsePyLiteral } from './py-literal.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const DTYPES: Record<string, { size: number; read: (v: DataView, o: number, le: boolean) => number }> = {
  f8: { size: 8, read: (v, o, le) => v.getFloat64(o, le) },
  f4: { size: 4, read: (v, o, le) => v.getFloat32(o, le) },
  i8: { size: 8, read: (v, o, le) => Number(v.getBigInt64(o, le)) },
  u8: { size: 8, read: (v, o, le) => Number(v.getBigUint64(o, le)) },
  i4: { size: 4, read: (v, o, le) => v.getInt32(o, le) },
  u4: { size: 4, read: (v, o, le) => v.getUint32(o, le) },
  i2: { size: 2, read: (v, o, le) => v.getInt16(o, le) },
  u2: { size: 2, read: (v, o, le) => v.getUint16(o, le) },
  i1: { size: 1, read: (v, o) => v.getInt8(o) },
  u1: { size: 1, read: (v, o) => v.getUint8(o) },
  b1: { size: 1, read: (v, o) => v.getUint8(o) },
};

/** Parses .npy bytes; `source` (a file name) is named in every error message. */
export function parseNpy(bytes: Uint8Array, source = 'array'): NdArray {
  const fail = (what: string): never => {
    throw new FormatError(`${source}: not a valid .npy file (${what})`);
  };
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) fail('missing the \\x93NUMPY magic');
  const major = bytes[6];
  if (major < 1 || major > 3) fail(`unsupported format version ${major}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : bytes.length >= 12 ? view.getUint32(8, true) : fail('truncated header');
  const start = major === 1 ? 10 : 12;
  if (start + (headerLen as number) > bytes.length) fail('truncated header');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + (headerLen as number)));
  const { order, kind, width, shape } = readHeader(header, source);
  const dtype = DTYPES[kind + width] ?? unsupportedDtype(order + kind + width, source);
  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = start + (headerLen as number);
  if (bytes.length - dataStart !== count * dtype.size) {
    throw new FormatError(`${source}: expected ${count * dtype.size} data bytes for shape (${shape.join(', ')}), found ${bytes.length - dataStart}`);
  }
  const le = order !== '>';
  const data = new Float64Array(count);
  for (let i = 0; i < count; i++) data[i] = dtype.read(view, dataStart + i * dtype.size, le);
  return { shape, data };
}

/** The dtype and shape from a header dict, which is parsed as the Python literal it is. */
function readHeader(header: string, source: string): { order: string; kind: string; width: string; shape: number[] } {
  const fail = (what: string): never => {
    throw new FormatError(`${source}: not a valid .npy file (${what})`);
  };
  const dict = parsePyLiteral(header, (reason) => fail(`header is not a Python dict literal: ${reason}`));
  if (!(dict instanceof Map)) return fail('header is not a dict');
  const descr = dict.get('descr');
  const fortran = dict.get('fortran_order');
  const shape = dict.get('shape');
  if (descr === undefined || fortran === undefined || shape === undefined) fail('header lacks descr, fortran_order or shape');
  if (typeof descr !== 'string') throw new FormatError(`${source}: structured dtypes are not supported (expected float32, float64, bool or integer)`);
  if (typeof fortran !== 'boolean') fail('fortran_order is not True or False');
  if (fortran) throw new FormatError(`${source}: Fortran-order arrays are not supported (save with C order)`);
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) return fail('shape is not a tuple of non-negative integers');
  const dims = shape as number[];
  if (dims.length < 1 || dims.length > 2) throw new FormatError(`${source}: expected a 1-D or 2-D array, got shape (${dims.join(', ')})`);
  const m = /^([<>|=])([a-zA-Z])(\d+)$/.exec(descr as string);
  if (!m) return unsupportedDtype(descr as string, source);
  return { order: m[1], kind: m[2], width: m[3], shape: dims };
}

/** A dtype inv cannot read, named for what it is (nothing is ever unpickled). */
function unsupportedDtype(descr: string, source: string): never {
  const kind = /^[<>|=]?([a-zA-Z])/.exec(descr)?.[1];
  const what = kind === 'O' ? ' (Python objects, stored pickled: not read, for safety)' : kind === 'U' || kind === 'S' ? ' (strings)' : kind === 'c' ? ' (complex numbers)' : '';
  throw new FormatError(`${source}: unsupported dtype ${JSON.stringify(descr)}${what} (expected float32, float64, bool or integer)`);
}

/** Encodes a C-order array as .npy (version 1.0, little-endian). */
export function encodeNpy(data: ArrayLike<number>, shape: readonly number[] = [data.length], dtype: 'float64' | 'float32' = 'float64'): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new FormatError(`npy: shape (${shape.join(', ')}) needs ${count} values, got ${data.length}`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<${dtype === 'float64' ? 'f8' : 'f4'}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const size = dtype === 'float64' ? 8 : 4;
  const out = new Uint8Array(10 + header.length + count * size);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const off = 10 + header.length;
  for (let i = 0; i < count; i++) {
    if (dtype === 'float64') view.setFloat64(off + i * 8, data[i], true);
    else view.setFloat32(off + i * 4, data[i], true);
  }
  return out;
}
