/** OptionsOf<S>: the types resolved options have, checked by the compiler (expectTypeOf) and at run time. */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { defineOptions, optionsOf, resolveOptions, workersOption } from '../src/index.js';

const schema = defineOptions({
  step: { type: 'number', exclusiveMin: 0, description: 'a step without default' },
  iterations: { type: 'integer', default: 10, min: 1, description: 'with a default' },
  mode: { type: 'enum', values: ['fast', 'slow'], default: 'fast', description: 'an enum' },
  check: { type: 'boolean', default: true, description: 'a flag' },
  start: { type: 'vector', length: 'latent', description: 'a vector' },
  workers: workersOption(8),
});

describe('OptionsOf', () => {
  it('gives each option its type, undefined only where the schema has no default', () => {
    const o = optionsOf(schema, resolveOptions(schema, { step: 0.5, start: [1, 2] }));
    expectTypeOf(o.step).toEqualTypeOf<number | undefined>();
    expectTypeOf(o.iterations).toEqualTypeOf<number>();
    expectTypeOf(o.mode).toEqualTypeOf<'fast' | 'slow'>();
    expectTypeOf(o.check).toEqualTypeOf<boolean>();
    expectTypeOf(o.start).toEqualTypeOf<Float64Array | undefined>();
    expectTypeOf(o.workers).toEqualTypeOf<number>();
    expect([o.step, o.iterations, o.mode, o.check, Array.from(o.start!), o.workers]).toEqual([0.5, 10, 'fast', true, [1, 2], 0]);
  });
});
