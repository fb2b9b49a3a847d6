import { describe, expect, expectTypeOf, it } from 'vitest';
import { defineFlags, parseArgs, type FlagsOf, peekFlag, kebabCase, type FlagSpecs } from '../src/args.js';
import { optionFlags } from '../src/solvers.js';
import { toCsv } from '../src/experiments/table.js';
import { UsageError } from '../src/errors.js';
import { progressBar } from '../src/io.js';

const specs: FlagSpecs = {
  count: { type: 'number', integer: true, min: 1, default: 3, description: 'n' },
  rate: { type: 'number', min: 0, max: 1, description: 'r' },
  fast: { type: 'boolean', description: 'f' },
  mode: { type: 'enum', values: ['a', 'b'], default: 'a', description: 'm' },
  out: { type: 'string', description: 'o' },
};

describe('parseArgs', () => {
  it('parses every flag type, both spellings, positionals and defaults', () => {
    const a = parseArgs(['x', '--count', '5', '--rate=0.25', '--fast', '--mode', 'b', 'y', '--out', '-'], specs);
    expect(a.positionals).toEqual(['x', 'y']);
    expect(a.flags).toMatchObject({ count: 5, rate: 0.25, fast: true, mode: 'b', out: '-' });
    expect([...a.given].sort()).toEqual(['count', 'fast', 'mode', 'out', 'rate']);
    expect(parseArgs([], specs).flags).toMatchObject({ count: 3, mode: 'a' });
  });

  it('reads --no-flag and an explicit true/false after a boolean', () => {
    expect(parseArgs(['--no-fast'], specs).flags.fast).toBe(false);
    expect(parseArgs(['--fast', 'false', 'pos'], specs)).toMatchObject({ flags: { fast: false }, positionals: ['pos'] });
  });

  it.each([
    [['--count', '2.5'], '--count: expected an integer'],
    [['--count', '0'], '--count: expected an integer >= 1'],
    [['--rate', '2'], '--rate: expected a number <= 1'],
    [['--rate', 'abc'], "--rate: expected a number, got 'abc'"],
    [['--mode', 'c'], '--mode: expected one of a, b'],
    [['--out'], '--out: expected a value'],
    [['--count', '1', '--count', '2'], '--count: given more than once'],
    [['--colour', 'red'], "unknown option '--colour' (known: --help, --json, --count"],
  ])('rejects %j with a one-line UsageError', (argv, message) => {
    expect(() => parseArgs(argv, specs)).toThrow(UsageError);
    expect(() => parseArgs(argv, specs)).toThrow(message);
  });

  it('peeks a flag before full parsing', () => {
    expect(peekFlag(['--a', '1', '--solver', 'plugin'], 'solver')).toBe('plugin');
    expect(peekFlag(['--solver=gd'], 'solver')).toBe('gd');
    expect(peekFlag(['--other'], 'solver')).toBeUndefined();
  });
});

describe('solver options as flags', () => {
  it('maps camelCase schema keys to kebab-case flags of the matching type, leaving reserved names to the command', () => {
    expect(kebabCase('maxIterations')).toBe('max-iterations');
    const { flags, keyOf } = optionFlags(
      {
        maxIterations: { type: 'integer', min: 1, default: 10, description: 'i' },
        negationCheck: { type: 'boolean', description: 'b' },
        init: { type: 'enum', values: ['zero', 'random'], description: 'e' },
        initialLatent: { type: 'vector', description: 'v' },
        seed: { type: 'integer', description: 's' },
      },
      { seed: { type: 'number', description: 'the command seed' } },
    );
    expect(Object.keys(flags)).toEqual(['max-iterations', 'negation-check', 'init', 'initial-latent']);
    expect(flags['max-iterations']).toMatchObject({ type: 'number', integer: true, min: 1 });
    expect(flags['initial-latent'].type).toBe('string');
    expect(keyOf.get('seed')).toBe('seed');
    const parsed = parseArgs(['--max-iterations', '7', '--no-negation-check', '--init', 'random'], flags);
    expect(parsed.flags).toMatchObject({ 'max-iterations': 7, 'negation-check': false, init: 'random' });
  });

  it('keeps an exclusive lower bound: a step must be > 0', () => {
    const { flags } = optionFlags({ step: { type: 'number', exclusiveMin: 0, description: 's' } }, {});
    expect(parseArgs(['--step', '1e-3'], flags).flags.step).toBe(1e-3);
    expect(() => parseArgs(['--step', '0'], flags)).toThrow(UsageError);
    expect(() => parseArgs(['--step', '0'], flags)).toThrow(/--step: expected a number > 0, got 0/);
  });
});

describe('CSV', () => {
  it('quotes text with commas or quotes and keeps numbers readable', () => {
    expect(toCsv({ columns: ['a', 'b'], rows: [['x,y', 0.1234567891], ['say "hi"', 3]] })).toBe('a,b\n"x,y",0.123457\n"say ""hi""",3\n');
  });
});

describe('progress bar', () => {
  const fakeIo = (tty: boolean, json: boolean) => {
    const err: string[] = [];
    return { io: { out: () => {}, err: (t: string) => void err.push(t), tty, json }, err };
  };

  it('draws on a terminal and clears its line when finished', () => {
    const { io, err } = fakeIo(true, false);
    const bar = progressBar(io, 4, 'work');
    bar.tick(1);
    bar.tick(4, 'done');
    bar.finish();
    expect(err[0]).toContain('work [');
    expect(err[0]).toContain('] 1/4');
    expect(err[1]).toContain('#'.repeat(28));
    expect(err[err.length - 1]).toBe('\r\x1b[K');
  });

  it('stays silent when stderr is not a terminal or --json is on', () => {
    for (const [tty, json] of [[false, false], [true, true]]) {
      const { io, err } = fakeIo(tty, json);
      const bar = progressBar(io, 4, 'work');
      bar.tick(2);
      bar.finish();
      expect(err).toEqual([]);
    }
  });
});

describe('FlagsOf', () => {
  it('types parsed flags from their specs: defaults always set, enums as their values', () => {
    const specs = defineFlags({
      model: { type: 'enum', values: ['a', 'b'], default: 'a', description: 'x' },
      epochs: { type: 'number', integer: true, min: 1, description: 'x' },
      bias: { type: 'boolean', default: false, description: 'x' },
      out: { type: 'string', description: 'x' },
    });
    const f = parseArgs(['--epochs', '3', '--out', 'd'], specs).flags as FlagsOf<typeof specs>;
    expectTypeOf(f.model).toEqualTypeOf<'a' | 'b'>();
    expectTypeOf(f.epochs).toEqualTypeOf<number | undefined>();
    expectTypeOf(f.bias).toEqualTypeOf<boolean>();
    expectTypeOf(f.out).toEqualTypeOf<string | undefined>();
    expect([f.model, f.epochs, f.bias, f.out]).toEqual(['a', 3, false, 'd']);
  });
});
