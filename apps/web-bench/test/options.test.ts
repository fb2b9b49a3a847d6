import { describe, expect, it } from 'vitest';
import { OptionError, type OptionSchema } from '@inv/core';
import { defaultText, editableOptions, readOptions } from '../src/options.js';

const schema: OptionSchema = {
  step: { type: 'number', min: 0, description: 'step size' },
  maxIterations: { type: 'integer', default: 100, min: 1, description: 'iteration limit' },
  init: { type: 'enum', values: ['zero', 'random'], default: 'zero', description: 'start' },
  negationCheck: { type: 'boolean', default: true, description: 'negation check' },
  history: { type: 'boolean', default: false, description: 'record residuals' },
  initialLatent: { type: 'vector', description: 'a given start' },
};

describe('editableOptions / defaultText', () => {
  it('leaves out vectors, which have no form control', () => {
    expect(editableOptions(schema).map(([k]) => k)).toEqual(['step', 'maxIterations', 'init', 'negationCheck', 'history']);
  });
  it('shows the default, or nothing', () => {
    expect(defaultText(schema.maxIterations)).toBe('100');
    expect(defaultText(schema.step)).toBe('');
    expect(defaultText(schema.init)).toBe('zero');
  });
});

describe('readOptions', () => {
  it('omits controls left at their defaults and always asks for history', () => {
    expect(readOptions('s', schema, { step: '', maxIterations: '100', init: 'zero', negationCheck: true, history: false })).toEqual({ history: true });
  });
  it('converts edited controls to typed values', () => {
    expect(readOptions('s', schema, { step: ' 0.5 ', maxIterations: '20', init: 'random', negationCheck: false })).toEqual({
      step: 0.5,
      maxIterations: 20,
      init: 'random',
      negationCheck: false,
      history: true,
    });
  });
  it('reads a tri-state choice for booleans without a default, leaving "(default)" to the solver', () => {
    const preset: OptionSchema = { check: { type: 'boolean', description: 'on unless the preset says otherwise' } };
    expect(readOptions('s', preset, { check: '' })).toEqual({});
    expect(readOptions('s', preset, { check: 'false' })).toEqual({ check: false });
    expect(readOptions('s', preset, { check: 'true' })).toEqual({ check: true });
    expect(() => readOptions('s', preset, { check: 'maybe' })).toThrow("solver 's' option 'check': expected true or false, got 'maybe'");
  });
  it('does not add history to a schema without it', () => {
    expect(readOptions('s', { tol: { type: 'number', default: 1e-6, description: '' } }, { tol: '1e-3' })).toEqual({ tol: 1e-3 });
  });
  it('rejects values the schema does not allow, naming solver and option', () => {
    expect(() => readOptions('gd', schema, { step: 'abc' })).toThrow(OptionError);
    expect(() => readOptions('gd', schema, { step: 'abc' })).toThrow("solver 'gd' option 'step': expected a number, got 'abc'");
    expect(() => readOptions('gd', schema, { maxIterations: '0' })).toThrow(/option 'maxIterations': expected a value >= 1/);
    expect(() => readOptions('gd', schema, { maxIterations: '2.5' })).toThrow(/expected an integer/);
  });
});
