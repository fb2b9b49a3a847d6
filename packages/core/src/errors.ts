/**
 * Typed errors. Every message is one line that names the file or field and what was expected, so that
 * the CLI can print it as it is and exit non-zero.
 */
export class InvError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A dimension or length does not match (`field` is named in the message). */
export class ShapeError extends InvError {
  constructor(message: string) {
    super('ERR_SHAPE', message);
  }
}

/** A value is out of range, not finite, or of the wrong type. */
export class ValueError extends InvError {
  constructor(message: string) {
    super('ERR_VALUE', message);
  }
}

/** A file is malformed or holds something inv cannot represent. */
export class FormatError extends InvError {
  constructor(message: string) {
    super('ERR_FORMAT', message);
  }
}

/** An unknown solver option, or an option of the wrong type. */
export class OptionError extends InvError {
  constructor(message: string) {
    super('ERR_OPTION', message);
  }
}

/** A solver cannot handle this problem (activation, measurement kind, batch). */
export class UnsupportedError extends InvError {
  constructor(message: string) {
    super('ERR_UNSUPPORTED', message);
  }
}

/** Throws a ValueError unless every entry is finite; `field` names the array in the message. */
export function assertFinite(values: ArrayLike<number>, field: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new ValueError(`${field}: expected finite numbers, found ${String(v)} at index ${i}`);
    }
  }
}

/** Throws a ShapeError unless `actual === expected`. */
export function assertLength(actual: number, expected: number, field: string): void {
  if (actual !== expected) throw new ShapeError(`${field}: expected length ${expected}, got ${actual}`);
}

/** Throws a ValueError unless `value` is an integer >= `min`. */
export function assertInteger(value: unknown, field: string, min = 0): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new ValueError(`${field}: expected an integer >= ${min}, got ${JSON.stringify(value)}`);
  }
}

/** The first non-empty line of an error's message, so that nothing multi-line (or a stack) reaches a user. */
export function oneLine(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return (message.split('\n').find((l) => l.trim().length > 0) ?? 'unknown error').trim();
}
