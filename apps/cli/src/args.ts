/**
 * A small argument parser: `--name value`, `--name=value`, boolean `--flag` / `--no-flag`, and
 * positionals. Every flag is declared with a type so that a value is parsed (and rejected) once.
 */
import { OptionError, valueFromText, type OptionsOf } from '@inv/core';
import { UsageError } from './errors.js';

export type FlagSpec =
  | { type: 'string'; description: string; default?: string; placeholder?: string }
  | { type: 'number'; description: string; default?: number; min?: number; exclusiveMin?: number; max?: number; integer?: boolean }
  | { type: 'boolean'; description: string; default?: boolean }
  | { type: 'enum'; description: string; values: readonly string[]; default?: string };

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;
export type FlagValue = string | number | boolean;

export interface ParsedArgs {
  positionals: string[];
  /** Parsed values keyed by flag name (without dashes); defaults filled in. */
  flags: Record<string, FlagValue | undefined>;
  /** Flags the user actually typed. */
  given: Set<string>;
}

/** The typed view of parsed flags, derived as solver options are (@inv/core's OptionsOf): a flag with a default is always set. */
export type FlagsOf<S extends FlagSpecs> = OptionsOf<S>;

/** Declares flags keeping their literal types, so that `FlagsOf<typeof flags>` is exact. */
export function defineFlags<const S extends FlagSpecs>(specs: S): S {
  return specs;
}

/** Flags every command accepts. */
export const COMMON_FLAGS: FlagSpecs = {
  help: { type: 'boolean', description: 'show this help' },
  json: { type: 'boolean', description: 'print machine-readable JSON only' },
};

export function parseFlagValue(name: string, spec: FlagSpec, raw: string): FlagValue {
  if (spec.type === 'string') {
    // Every string flag names something (a file, a solver, a spec); '' would silently mean nothing.
    if (raw === '') throw new UsageError(`--${name}: expected a value, got an empty string`);
    return raw;
  }
  // Read as core reads option text (the web bench's controls too); a bad value is a usage error here.
  try {
    return valueFromText(spec, raw, `--${name}`);
  } catch (e) {
    throw e instanceof OptionError ? new UsageError(e.message) : e;
  }
}

/** Parses argv against `specs`; an undeclared flag is a UsageError that lists the known ones. */
export function parseArgs(argv: readonly string[], specs: FlagSpecs): ParsedArgs {
  const all: FlagSpecs = { ...COMMON_FLAGS, ...specs };
  const out: ParsedArgs = { positionals: [], flags: {}, given: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (token === '--') {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!token.startsWith('--') || token === '--') {
      out.positionals.push(token);
      continue;
    }
    const eq = token.indexOf('=');
    let name = eq < 0 ? token.slice(2) : token.slice(2, eq);
    let raw: string | undefined = eq < 0 ? undefined : token.slice(eq + 1);
    let spec = all[name];
    if (!spec && name.startsWith('no-') && all[name.slice(3)]?.type === 'boolean' && raw === undefined) {
      name = name.slice(3);
      spec = all[name];
      raw = 'false';
    }
    if (!spec) {
      throw new UsageError(`unknown option '--${name}' (known: ${Object.keys(all).map((k) => `--${k}`).join(', ')})`);
    }
    if (raw === undefined) {
      if (spec.type === 'boolean') {
        const next = argv[i + 1];
        raw = next === 'true' || next === 'false' ? argv[++i] : 'true';
      } else {
        if (i + 1 >= argv.length) throw new UsageError(`--${name}: expected a value`);
        raw = argv[++i];
      }
    }
    if (out.given.has(name)) throw new UsageError(`--${name}: given more than once`);
    out.given.add(name);
    out.flags[name] = parseFlagValue(name, spec, raw);
  }
  for (const [name, spec] of Object.entries(all)) if (!(name in out.flags) && spec.default !== undefined) out.flags[name] = spec.default;
  return out;
}

/** The value of `--name` in raw argv (before full parsing), e.g. to pick the solver whose options apply. */
export function peekFlag(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === `--${name}`) return argv[i + 1];
    if (argv[i].startsWith(`--${name}=`)) return argv[i].slice(name.length + 3);
  }
  return undefined;
}

/** `maxIterations` → `max-iterations`. */
export function kebabCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** Help text: usage line, summary, and an aligned list of flags. */
export function formatHelp(usage: string, summary: string, sections: { title: string; flags: FlagSpecs }[]): string {
  const lines = [`Usage: ${usage}`, '', summary];
  for (const { title, flags } of sections) {
    const entries = Object.entries(flags);
    if (entries.length === 0) continue;
    lines.push('', `${title}:`);
    const left = entries.map(([name, spec]) => `  --${name}${spec.type === 'boolean' ? '' : ` <${placeholder(spec)}>`}`);
    const width = Math.max(...left.map((l) => l.length)) + 2;
    entries.forEach(([, spec], i) => {
      const def = spec.default !== undefined ? ` (default: ${spec.default})` : '';
      lines.push(`${left[i].padEnd(width)}${spec.description}${def}`);
    });
  }
  return lines.join('\n');
}

function placeholder(spec: FlagSpec): string {
  if (spec.type === 'enum') return spec.values.join('|');
  if (spec.type === 'number') return spec.integer ? 'int' : 'number';
  return spec.type === 'string' ? (spec.placeholder ?? 'value') : spec.type;
}
