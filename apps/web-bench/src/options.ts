/** Reading per-solver option controls: form text to typed values, checked against the solver's schema. */
import { resolveOptions, valueFromText, type OptionSchema, type OptionSpec } from '@inv/core';

/** Options the page can edit; a `vector` (such as an initial latent) has no form control. */
export function editableOptions(schema: OptionSchema): [string, Exclude<OptionSpec, { type: 'vector' }>][] {
  return Object.entries(schema).filter((e): e is [string, Exclude<OptionSpec, { type: 'vector' }>] => e[1].type !== 'vector');
}

/** The text a control starts with: the default, or empty when the schema has none. */
export function defaultText(spec: OptionSpec): string {
  return 'default' in spec && spec.default !== undefined ? String(spec.default) : '';
}

/**
 * Turns the controls' raw values (text for numbers and enums, booleans for checkboxes) into options.
 * Controls left at their default (or empty) are omitted, so the solver's own defaults and presets apply;
 * `history` is switched on where the schema has it, for the convergence plot. Throws an OptionError
 * naming the solver and option when a value does not fit the schema.
 */
export function readOptions(solver: string, schema: OptionSchema, raw: Record<string, string | boolean>): Record<string, number | boolean | string> {
  const out: Record<string, number | boolean | string> = {};
  for (const [key, spec] of editableOptions(schema)) {
    const value = raw[key];
    if (value === undefined || value === '' || value === defaultText(spec)) continue;
    const who = `solver '${solver}' option '${key}'`;
    if (spec.type === 'number' || spec.type === 'integer') {
      // Bounds and integrality are resolveOptions' to check, with the schema's own wording.
      out[key] = valueFromText({ type: 'number' }, String(value), who);
    } else if (spec.type === 'boolean') {
      // A checkbox gives a boolean, a "(default)/true/false" choice gives text.
      const v = typeof value === 'boolean' ? value : valueFromText(spec, value, who);
      if (v !== spec.default) out[key] = v;
    } else {
      out[key] = value;
    }
  }
  if (schema.history?.type === 'boolean') out.history = true;
  resolveOptions(schema, out, `solver '${solver}'`);
  return out;
}
