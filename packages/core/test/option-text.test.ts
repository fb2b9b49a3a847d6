import { describe, expect, it } from 'vitest';
import { brokenBound, OptionError, resolveOptions, valueFromText } from '../src/index.js';

describe('option text and bounds (one reading for flags, form fields and schemas)', () => {
  it('names the first bound a value breaks', () => {
    expect(brokenBound({ min: 1, max: 5 }, 0)).toBe('>= 1');
    expect(brokenBound({ exclusiveMin: 0 }, 0)).toBe('> 0');
    expect(brokenBound({ min: 1, max: 5 }, 6)).toBe('<= 5');
    expect(brokenBound({ min: 1, exclusiveMin: 0, max: 5 }, 1)).toBeUndefined();
    expect(() => resolveOptions({ step: { type: 'number', exclusiveMin: 0, description: '' } }, { step: 0 }, 'solver x')).toThrow("solver x option 'step': expected a value > 0, got 0");
  });

  it('reads numbers, integers, booleans and enum values from text', () => {
    expect(valueFromText({ type: 'number', min: 0 }, ' 2.5 ', 'w')).toBe(2.5);
    expect(valueFromText({ type: 'number', integer: true }, '1e3', 'w')).toBe(1000);
    expect(valueFromText({ type: 'boolean' }, 'false', 'w')).toBe(false);
    expect(valueFromText({ type: 'enum', values: ['a', 'b'] }, 'b', 'w')).toBe('b');
  });

  it('refuses text that does not fit in one line naming the source', () => {
    const cases = [
      [{ type: 'number' }, '', "--x: expected a number, got ''"],
      [{ type: 'number', integer: true }, '2.5', "--x: expected an integer, got '2.5'"],
      [{ type: 'number', integer: true, min: 1 }, '0', '--x: expected an integer >= 1, got 0'],
      [{ type: 'number', max: 1 }, '2', '--x: expected a number <= 1, got 2'],
      [{ type: 'boolean' }, 'yes', "--x: expected true or false, got 'yes'"],
      [{ type: 'enum', values: ['a', 'b'] }, 'c', "--x: expected one of a, b, got 'c'"],
    ] as const;
    for (const [kind, raw, message] of cases) {
      expect(() => valueFromText(kind, raw, '--x')).toThrow(OptionError);
      expect(() => valueFromText(kind, raw, '--x')).toThrow(message);
    }
  });
});
