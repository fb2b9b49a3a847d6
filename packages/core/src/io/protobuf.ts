/**
 * A small schema-driven codec for the protobuf wire format (proto2), enough for the ONNX files inv
 * reads and writes (./onnx-schema.ts). Our own because a general protobuf library costs every
 * `inv` command its load time at startup, and 4 MB of install, for one file format (packages/core/README.md).
 * Wire format: https://protobuf.dev/programming-guides/encoding/
 */

/** A field: its number, its type (a scalar below or a message of the same schema), and whether it repeats ('packed': one length-delimited run). */
export type FieldSpec = readonly [id: number, type: string, rule?: 'repeated' | 'packed'];
/** Message name → field name → spec. */
export type Schema = Readonly<Record<string, Readonly<Record<string, FieldSpec>>>>;

type Message = Record<string, unknown>;
interface Field { name: string; id: number; type: string; repeated: boolean; packed: boolean }

const VARINT = 0, I64 = 1, LEN = 2, I32 = 5;
/** The wire type of each scalar; any other type name is a message (LEN). */
const SCALAR_WIRE: Record<string, number> = { int32: VARINT, int64: VARINT, float: I32, double: I64, string: LEN, bytes: LEN };
/** Deeper nesting is refused: a hostile file could otherwise exhaust the stack (GraphProto holds attributes holding graphs). */
const MAX_DEPTH = 100;
const TWO_32 = 2 ** 32;

const compiled = new WeakMap<Schema, Map<string, { fields: Field[]; byId: Map<number, Field> }>>();

/** The fields of message `type`, in field-number order (the order protobuf writers use). */
function messageOf(schema: Schema, type: string) {
  let types = compiled.get(schema);
  if (!types) compiled.set(schema, (types = new Map()));
  let m = types.get(type);
  if (!m) {
    const spec = schema[type];
    if (!spec) throw new Error(`protobuf schema has no message '${type}'`);
    const fields = Object.entries(spec).map(([name, [id, t, rule]]) => ({ name, id, type: t, repeated: rule !== undefined, packed: rule === 'packed' }));
    fields.sort((a, b) => a.id - b.id);
    m = { fields, byId: new Map(fields.map((f) => [f.id, f])) };
    types.set(type, m);
  }
  return m;
}

/** Reads one message's bytes; every read stays before `end` (the end of the enclosing message). */
class Reader {
  pos = 0;
  end: number;
  private readonly view: DataView;
  // The last varint, as its low and high 32 bits (JS numbers hold only 53).
  private lo = 0;
  private hi = 0;
  constructor(readonly buf: Uint8Array) {
    this.end = buf.length;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  private byte(): number {
    if (this.pos >= this.end) throw new Error('truncated message');
    return this.buf[this.pos++];
  }

  private varint(): void {
    let b = 0, lo = 0, hi = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      b = this.byte();
      lo |= (b & 0x7f) << shift;
      if (b < 0x80) return this.set(lo, 0);
    }
    b = this.byte(); // bits 28–34 straddle the halves
    lo |= (b & 0x0f) << 28;
    hi = (b & 0x7f) >> 4;
    if (b < 0x80) return this.set(lo, hi);
    for (let shift = 3; shift < 32; shift += 7) {
      b = this.byte();
      hi |= (b & 0x7f) << shift;
      if (b < 0x80) return this.set(lo, hi);
    }
    throw new Error('varint longer than 10 bytes');
  }

  private set(lo: number, hi: number): void {
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
  }

  /** A tag or a length: an unsigned varint that must fit a number. */
  uint(): number {
    this.varint();
    if (this.hi >= 2 ** 21) throw new Error('varint too large');
    return this.hi * TWO_32 + this.lo;
  }

  /** The byte count of a length-delimited field, which must lie inside the message. */
  length(): number {
    const n = this.uint();
    if (n > this.end - this.pos) throw new Error('length past the end of the message');
    return n;
  }

  /** Runs `read` on the next length-delimited run, with reads bounded by its end. */
  within<T>(read: () => T): T {
    const n = this.length(), outer = this.end;
    this.end = this.pos + n;
    const value = read();
    this.end = outer;
    return value;
  }

  skip(n: number): void {
    if (n > this.end - this.pos) throw new Error('truncated message');
    this.pos += n;
  }

  scalar(type: string): unknown {
    switch (type) {
      case 'int32':
        this.varint();
        return this.lo | 0; // a negative int32 is sign-extended to 10 bytes: its low 32 bits are the value
      case 'int64': {
        this.varint();
        const signed = this.hi | 0;
        const n = signed * TWO_32 + this.lo;
        return Number.isSafeInteger(n) ? n : BigInt.asIntN(64, (BigInt(this.hi) << 32n) | BigInt(this.lo));
      }
      case 'float':
        this.skip(4);
        return this.view.getFloat32(this.pos - 4, true);
      case 'double':
        this.skip(8);
        return this.view.getFloat64(this.pos - 8, true);
      case 'bytes':
      case 'string': {
        const n = this.length();
        // bytes: a view into the file, not a copy (consumers read it through its byteOffset)
        const b = this.buf.subarray(this.pos, (this.pos += n));
        return type === 'bytes' ? b : utf8Decoder.decode(b);
      }
    }
    throw new Error(`unknown scalar type '${type}'`);
  }

  /** Skips a field this schema does not list, as protobuf readers do. */
  skipField(wire: number): void {
    if (wire === VARINT) this.varint();
    else if (wire === I64) this.skip(8);
    else if (wire === LEN) this.skip(this.length());
    else if (wire === I32) this.skip(4);
    else throw new Error(`wire type ${wire} is not supported`); // 3/4: deprecated groups; 6/7: invalid
  }
}

const utf8Decoder = new TextDecoder();

function readMessage(schema: Schema, type: string, r: Reader, depth: number): Message {
  if (depth > MAX_DEPTH) throw new Error(`messages nested deeper than ${MAX_DEPTH}`);
  const { byId } = messageOf(schema, type);
  const out: Message = {};
  while (r.pos < r.end) {
    const tag = r.uint();
    const id = Math.floor(tag / 8), wire = tag % 8, f = byId.get(id);
    if (id === 0) throw new Error('field number 0');
    if (!f) {
      r.skipField(wire);
      continue;
    }
    const want = SCALAR_WIRE[f.type] ?? LEN;
    const list = f.repeated ? ((out[f.name] ??= []) as unknown[]) : undefined;
    if (list && wire === LEN && want !== LEN) {
      // A packed run of numbers (writers may pack a field declared unpacked, and the other way round).
      r.within(() => {
        while (r.pos < r.end) list.push(r.scalar(f.type));
      });
      continue;
    }
    if (wire !== want) throw new Error(`${type}.${f.name}: wire type ${wire}, expected ${want}`);
    const value = f.type in SCALAR_WIRE ? r.scalar(f.type) : r.within(() => readMessage(schema, f.type, r, depth + 1));
    if (list) list.push(value);
    else out[f.name] = value;
  }
  return out;
}

/** Decodes `bytes` as message `type`. Absent fields are absent (no defaults); int64 is a number when safe, else a bigint. */
export function decodeMessage(schema: Schema, type: string, bytes: Uint8Array): Message {
  return readMessage(schema, type, new Reader(bytes), 0);
}

/**
 * Counts bytes (no buffer) or writes them. Encoding runs the same walk twice: first to count, which
 * records every nested message's and packed run's length, then to write into a buffer of the exact size.
 */
class Sink {
  pos = 0;
  private readonly view?: DataView;
  constructor(readonly lengths: Map<object, number>, readonly buf?: Uint8Array) {
    if (buf) this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  varint(lo: number, hi = 0): void {
    if (!this.buf) {
      const bits = hi ? 64 - Math.clz32(hi) : 32 - Math.clz32(lo);
      this.pos += Math.max(1, Math.ceil(bits / 7));
      return;
    }
    while (hi) {
      this.buf[this.pos++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    for (; lo > 0x7f; lo >>>= 7) this.buf[this.pos++] = (lo & 0x7f) | 0x80;
    this.buf[this.pos++] = lo;
  }

  /** An int32 or int64 (number or bigint) as a varint; negatives in 64-bit two's complement (10 bytes). */
  int(v: unknown, where: string): void {
    if (typeof v === 'number' && Number.isSafeInteger(v)) return this.varint(v >>> 0, Math.floor(v / TWO_32) >>> 0);
    if (typeof v !== 'bigint' || v < -(2n ** 63n) || v >= 2n ** 64n) throw new Error(`${where}: ${String(v)} is not a safe integer or a 64-bit bigint`);
    const u = BigInt.asUintN(64, v);
    this.varint(Number(u & 0xffffffffn), Number(u >> 32n));
  }

  bytes(b: Uint8Array): void {
    this.varint(b.length);
    this.buf?.set(b, this.pos);
    this.pos += b.length;
  }

  fixed(x: number, size: 4 | 8): void {
    if (size === 4) this.view?.setFloat32(this.pos, x, true);
    else this.view?.setFloat64(this.pos, x, true);
    this.pos += size;
  }

  /** A length-delimited run written by `body`: its length is counted in the first pass and read back in the second. */
  nested(key: object, body: () => void): void {
    if (this.buf) {
      this.varint(this.lengths.get(key)!);
      body();
      return;
    }
    const start = this.pos;
    body();
    const n = this.pos - start;
    this.lengths.set(key, n);
    this.varint(n);
  }
}

const utf8Encoder = new TextEncoder();

function writeScalar(s: Sink, type: string, v: unknown, where: string): void {
  switch (type) {
    case 'int32':
      if (!(typeof v === 'number' && Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31)) throw new Error(`${where}: ${String(v)} is not a 32-bit integer`);
      return s.int(v, where);
    case 'int64':
      return s.int(v, where);
    case 'float':
      return s.fixed(Number(v), 4);
    case 'double':
      return s.fixed(Number(v), 8);
    case 'string':
      return s.bytes(utf8Encoder.encode(String(v)));
    case 'bytes':
      return s.bytes(v as Uint8Array);
  }
  throw new Error(`unknown scalar type '${type}'`);
}

function writeMessage(schema: Schema, type: string, m: Message, s: Sink): void {
  for (const f of messageOf(schema, type).fields) {
    const v = m[f.name];
    if (v === undefined || v === null) continue;
    const where = `${type}.${f.name}`;
    const wire = SCALAR_WIRE[f.type] ?? LEN;
    const one = (x: unknown) => {
      if (f.type in SCALAR_WIRE) writeScalar(s, f.type, x, where);
      else s.nested(x as object, () => writeMessage(schema, f.type, x as Message, s));
    };
    if (!f.repeated) {
      s.varint(f.id * 8 + wire);
      one(v);
      continue;
    }
    const list = v as ArrayLike<unknown>;
    if (f.packed && list.length) {
      s.varint(f.id * 8 + LEN);
      s.nested(list, () => {
        for (let i = 0; i < list.length; i++) writeScalar(s, f.type, list[i], where);
      });
    } else if (!f.packed) {
      for (let i = 0; i < list.length; i++) {
        s.varint(f.id * 8 + wire);
        one(list[i]);
      }
    }
  }
}

/** Encodes `message` as `type`: fields in number order, each written when not undefined or null. */
export function encodeMessage(schema: Schema, type: string, message: Message): Uint8Array {
  const lengths = new Map<object, number>();
  const count = new Sink(lengths);
  writeMessage(schema, type, message, count);
  const out = new Sink(lengths, new Uint8Array(count.pos));
  writeMessage(schema, type, message, out);
  return out.buf!;
}
