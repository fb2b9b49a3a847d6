/** `inv list`: every registered solver with what it supports and its options. */
import { listSolvers, formatTable } from '@inv/core';
import type { Command } from '../command.js';
import { kebabCase } from '../args.js';
import { say } from '../io.js';
import { loadSolverPackages } from '../solvers.js';

export const listCommand: Command = {
  name: 'list',
  summary: 'List the registered solvers, what each supports (activations, measurements, biases) and its options.',
  usage: 'inv list [--json]',
  flags: {},
  async run(_args, io) {
    const report = await loadSolverPackages();
    const solvers = listSolvers().map((s) => ({
      name: s.name,
      summary: s.summary,
      reference: s.reference,
      supports: s.supports,
      options: Object.fromEntries(Object.entries(s.options).map(([k, spec]) => [kebabCase(k), spec])),
      batch: typeof s.solveBatch === 'function',
    }));
    if (io.json) {
      io.out(JSON.stringify({ solvers, missingPackages: report.missing.map((m) => m.name) }));
      return;
    }
    say(
      io,
      formatTable(
        ['solver', 'hidden', 'output', 'measurements', 'biases', 'summary'],
        solvers.map((s) => [
          s.name,
          s.supports.hidden.join(','),
          s.supports.output.join(','),
          s.supports.measurements === 'any' ? 'any' : s.supports.measurements.join(','),
          s.supports.biases ? 'yes' : 'no',
          s.summary,
        ]),
      ),
    );
    for (const s of solvers) {
      const opts = Object.entries(s.options).map(([k, spec]) => `--${k} (${spec.type}${'default' in spec && spec.default !== undefined ? `, default ${spec.default}` : ''})`);
      say(io, `\n${s.name}: ${s.reference}\n  options: ${opts.join(', ') || 'none'}`);
    }
    for (const m of report.missing) say(io, `\nnot installed: ${m.name}`);
  },
};
