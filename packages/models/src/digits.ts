/**
 * MNIST digits as a compact binary file: 'MNDG', uint32 LE count, uint8 side, then `count` label bytes,
 * then count·side² pixel bytes (0–255, row-major, white digit on black as in MNIST).
 */
import { FormatError, ShapeError, ValueError } from '@inv/core';

export const DIGIT_SIDE = 28;
export const DIGIT_PIXELS = DIGIT_SIDE * DIGIT_SIDE;
const MAGIC = [0x4d, 0x4e, 0x44, 0x47]; // 'MNDG'
const HEADER = 9;

export interface Digits {
  count: number;
  side: 28;
  /** 784 values in [0, 1] each, white digit on black as in MNIST. */
  images: Float64Array[];
  labels: Uint8Array;
}

/** Pixels as bytes (count·784) and labels, the form training and the file use. */
export interface RawDigits {
  pixels: Uint8Array;
  labels: Uint8Array;
}

export function encodeDigits(raw: RawDigits): Uint8Array {
  const count = raw.labels.length;
  if (raw.pixels.length !== count * DIGIT_PIXELS) throw new ShapeError(`digits pixels: expected ${count * DIGIT_PIXELS} bytes for ${count} digits, got ${raw.pixels.length}`);
  const out = new Uint8Array(HEADER + count + raw.pixels.length);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(4, count, true);
  out[8] = DIGIT_SIDE;
  out.set(raw.labels, HEADER);
  out.set(raw.pixels, HEADER + count);
  return out;
}

export function decodeDigits(bytes: Uint8Array, source = 'digits file'): RawDigits {
  if (bytes.length < HEADER || MAGIC.some((b, i) => bytes[i] !== b)) throw new FormatError(`${source}: not an inv digits file (expected the 'MNDG' header)`);
  const count = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  if (bytes[8] !== DIGIT_SIDE) throw new FormatError(`${source}: image side is ${bytes[8]}, expected ${DIGIT_SIDE}`);
  const expected = HEADER + count * (1 + DIGIT_PIXELS);
  if (bytes.length !== expected) throw new FormatError(`${source}: holds ${bytes.length} bytes, expected ${expected} for ${count} digits`);
  const labels = bytes.slice(HEADER, HEADER + count);
  const bad = labels.findIndex((l) => l > 9);
  if (bad >= 0) throw new FormatError(`${source}: label ${bad} is ${labels[bad]}, expected 0-9`);
  return { labels, pixels: bytes.slice(HEADER + count) };
}

/** Digit i's pixels scaled to [0, 1]. */
export function digitImage(raw: RawDigits, i: number): Float64Array {
  const img = new Float64Array(DIGIT_PIXELS);
  for (let p = 0; p < DIGIT_PIXELS; p++) img[p] = raw.pixels[i * DIGIT_PIXELS + p] / 255;
  return img;
}

export function toDigits(raw: RawDigits): Digits {
  const count = raw.labels.length;
  return { count, side: DIGIT_SIDE, images: Array.from({ length: count }, (_, i) => digitImage(raw, i)), labels: raw.labels };
}

/** Indices of the digits showing `label` (0–9), in file order. */
export function indicesOfLabel(digits: Pick<Digits, 'labels'>, label: number): number[] {
  if (!Number.isInteger(label) || label < 0 || label > 9) throw new ValueError(`label: expected an integer 0-9, got ${JSON.stringify(label)}`);
  const out: number[] = [];
  digits.labels.forEach((l, i) => l === label && out.push(i));
  return out;
}
