/** One fieldset per registered solver: a checkbox (on by default) and controls built from its option schema. */
import { defaultText, editableOptions, readOptions } from '../options.js';
import type { SolverChoice, SolverInfo } from '../protocol.js';
import { colorOf, el } from './dom.js';

/** Choices with a leading "(default)" entry that leaves the option to the solver (or its preset). */
function choice(common: Record<string, string>, values: readonly string[], selected: string | undefined): HTMLSelectElement {
  const options = values.map((v) => el('option', { value: v, selected: v === selected }, v));
  if (selected === undefined) options.unshift(el('option', { value: '', selected: true }, '(default)'));
  return el('select', common, ...options);
}

function control(key: string, spec: ReturnType<typeof editableOptions>[number][1]): HTMLElement {
  const common = { 'data-option': key, title: spec.description };
  switch (spec.type) {
    case 'boolean':
      // Without a schema default the solver decides (e.g. from a preset), so "unset" must be choosable.
      if (spec.default === undefined) return choice(common, ['true', 'false'], undefined);
      return el('input', { ...common, type: 'checkbox', checked: spec.default });
    case 'enum':
      return choice(common, spec.values, spec.default);
    default:
      return el('input', {
        ...common,
        type: 'number',
        step: spec.type === 'integer' ? 1 : 'any',
        // An exclusive bound is only a hint here: core rejects the bound itself when the run starts.
        min: spec.min ?? (spec.type === 'number' ? spec.exclusiveMin : undefined),
        max: spec.max,
        value: defaultText(spec),
        placeholder: 'default',
      });
  }
}

export class SolverPanel {
  private solvers: SolverInfo[] = [];

  constructor(private readonly root: HTMLElement) {}

  /** Rebuilds the panel; a solver keeps its checkbox state across a worker restart. */
  show(solvers: SolverInfo[]): void {
    const wasOff = new Set(this.solvers.filter((s) => !this.checkbox(s.name)?.checked).map((s) => s.name));
    this.solvers = solvers;
    this.root.replaceChildren();
    if (solvers.length === 0) {
      this.root.append(el('p', { class: 'error' }, 'No solver is registered: the worker imported no solver package.'));
      return;
    }
    solvers.forEach((s, i) => {
      const options = editableOptions(s.options).map(([key, spec]) => el('label', { class: 'option' }, `${key} `, control(key, spec)));
      this.root.append(
        el(
          'fieldset',
          { class: 'solver', 'data-solver': s.name },
          el('label', { class: 'solver-name', title: s.reference }, el('input', { type: 'checkbox', checked: !wasOff.has(s.name), 'data-use': '' }), el('b', { style: `color:${colorOf(i)}` }, s.name), ` ${s.summary}`),
          el('details', {}, el('summary', {}, `options (${options.length})`), ...options),
        ),
      );
    });
  }

  names(): string[] {
    return this.solvers.map((s) => s.name);
  }

  colorOf(name: string): string {
    return colorOf(Math.max(0, this.names().indexOf(name)));
  }

  private checkbox(name: string): HTMLInputElement | null {
    return this.root.querySelector(`fieldset[data-solver="${CSS.escape(name)}"] input[data-use]`);
  }

  /** The checked solvers with their options; throws an OptionError naming the bad option. */
  read(): SolverChoice[] {
    return this.solvers
      .filter((s) => this.checkbox(s.name)?.checked)
      .map((s) => {
        const raw: Record<string, string | boolean> = {};
        this.root.querySelectorAll<HTMLInputElement | HTMLSelectElement>(`fieldset[data-solver="${CSS.escape(s.name)}"] [data-option]`).forEach((c) => {
          raw[c.dataset.option!] = c instanceof HTMLInputElement && c.type === 'checkbox' ? c.checked : c.value;
        });
        return { name: s.name, options: readOptions(s.name, s.options, raw) };
      });
  }
}
