/**
 * The part of the ONNX protobuf schema (onnx/onnx.proto, proto2) that inv reads and writes, for the
 * codec in ./protobuf.ts: field names as protobuf's JSON mapping spells them, numbers exactly as in
 * onnx.proto. Fields left out (training info, sparse tensors, functions, …) are skipped by the
 * decoder, which is what protobuf does with unknown fields.
 */
import { decodeMessage, encodeMessage, type Schema } from './protobuf.js';

const ONNX_SCHEMA = {
  ModelProto: {
    irVersion: [1, 'int64'],
    producerName: [2, 'string'],
    producerVersion: [3, 'string'],
    graph: [7, 'GraphProto'],
    opsetImport: [8, 'OperatorSetIdProto', 'repeated'],
  },
  OperatorSetIdProto: { domain: [1, 'string'], version: [2, 'int64'] },
  GraphProto: {
    node: [1, 'NodeProto', 'repeated'],
    name: [2, 'string'],
    initializer: [5, 'TensorProto', 'repeated'],
    input: [11, 'ValueInfoProto', 'repeated'],
    output: [12, 'ValueInfoProto', 'repeated'],
  },
  NodeProto: {
    input: [1, 'string', 'repeated'],
    output: [2, 'string', 'repeated'],
    name: [3, 'string'],
    opType: [4, 'string'],
    attribute: [5, 'AttributeProto', 'repeated'],
    domain: [7, 'string'],
  },
  AttributeProto: {
    name: [1, 'string'],
    f: [2, 'float'],
    i: [3, 'int64'],
    s: [4, 'bytes'],
    t: [5, 'TensorProto'],
    g: [6, 'GraphProto'],
    floats: [7, 'float', 'repeated'],
    ints: [8, 'int64', 'repeated'],
    strings: [9, 'bytes', 'repeated'],
    type: [20, 'int32'],
  },
  TensorProto: {
    dims: [1, 'int64', 'repeated'],
    dataType: [2, 'int32'],
    floatData: [4, 'float', 'packed'],
    int32Data: [5, 'int32', 'packed'],
    int64Data: [7, 'int64', 'packed'],
    name: [8, 'string'],
    rawData: [9, 'bytes'],
    doubleData: [10, 'double', 'packed'],
    externalData: [13, 'StringStringEntryProto', 'repeated'],
    dataLocation: [14, 'int32'],
  },
  StringStringEntryProto: { key: [1, 'string'], value: [2, 'string'] },
  ValueInfoProto: { name: [1, 'string'], type: [2, 'TypeProto'] },
  TypeProto: { tensorType: [1, 'TypeProto.Tensor'] },
  'TypeProto.Tensor': { elemType: [1, 'int32'], shape: [2, 'TensorShapeProto'] },
  TensorShapeProto: { dim: [1, 'TensorShapeProto.Dimension', 'repeated'] },
  // A oneof in onnx.proto: a reader checks which of the two is present.
  'TensorShapeProto.Dimension': { dimValue: [1, 'int64'], dimParam: [2, 'string'] },
} as const satisfies Schema;

/** Decodes an ONNX ModelProto; throws on a truncated or malformed buffer. */
export function decodeModel(bytes: Uint8Array): OnnxModel {
  return decodeMessage(ONNX_SCHEMA, 'ModelProto', bytes) as OnnxModel;
}

/** The bytes of an ONNX ModelProto. */
export function encodeModel(model: OnnxModel): Uint8Array {
  return encodeMessage(ONNX_SCHEMA, 'ModelProto', model as Record<string, unknown>);
}

/** A TensorProto.DataType inv handles: its code, how raw (little-endian) data holds one element, and the field listing them otherwise. */
export interface OnnxDataType {
  readonly code: number;
  readonly bytes: number;
  readonly integer: boolean;
  readonly field: 'floatData' | 'doubleData' | 'int32Data' | 'int64Data';
  read(view: DataView, offset: number): number;
  write(view: DataView, offset: number, value: number): void;
}

/** The data types the reader takes and the writer writes (one table for both). */
export const ONNX_TYPES = {
  float: { code: 1, bytes: 4, integer: false, field: 'floatData', read: (v, o) => v.getFloat32(o, true), write: (v, o, x) => v.setFloat32(o, x, true) },
  int32: { code: 6, bytes: 4, integer: true, field: 'int32Data', read: (v, o) => v.getInt32(o, true), write: (v, o, x) => v.setInt32(o, x, true) },
  int64: { code: 7, bytes: 8, integer: true, field: 'int64Data', read: (v, o) => Number(v.getBigInt64(o, true)), write: (v, o, x) => v.setBigInt64(o, BigInt(x), true) },
  double: { code: 11, bytes: 8, integer: false, field: 'doubleData', read: (v, o) => v.getFloat64(o, true), write: (v, o, x) => v.setFloat64(o, x, true) },
} as const satisfies Record<string, OnnxDataType>;

/** The data type with TensorProto code `code`, or undefined when inv does not handle it. */
export function onnxDataType(code: number): OnnxDataType | undefined {
  return Object.values(ONNX_TYPES).find((t) => t.code === code);
}

export interface OnnxTensor {
  dims?: (number | bigint)[];
  dataType?: number;
  floatData?: number[];
  int32Data?: number[];
  int64Data?: (number | bigint)[];
  doubleData?: number[];
  name?: string;
  rawData?: Uint8Array;
  externalData?: { key?: string; value?: string }[];
  dataLocation?: number;
}

export interface OnnxAttribute {
  name?: string;
  type?: number;
  f?: number;
  i?: number | bigint;
  s?: Uint8Array;
  t?: OnnxTensor;
  floats?: number[];
  ints?: (number | bigint)[];
}

export interface OnnxNode {
  input?: string[];
  output?: string[];
  name?: string;
  opType?: string;
  domain?: string;
  attribute?: OnnxAttribute[];
}

export interface OnnxValueInfo {
  name?: string;
  type?: { tensorType?: { elemType?: number; shape?: { dim?: { dimValue?: number | bigint; dimParam?: string }[] } } };
}

export interface OnnxGraph {
  node?: OnnxNode[];
  name?: string;
  initializer?: OnnxTensor[];
  input?: OnnxValueInfo[];
  output?: OnnxValueInfo[];
}

export interface OnnxModel {
  irVersion?: number | bigint;
  opsetImport?: { domain?: string; version?: number | bigint }[];
  producerName?: string;
  producerVersion?: string;
  graph?: OnnxGraph;
}
