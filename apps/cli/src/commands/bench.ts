/** `inv bench`: every package's benchmark suite (each solver against its Python reference if present). */
import { formatBenchTable, type BenchModule, type BenchRow } from '@inv/core';
import { findPython, referenceDir } from '@inv/core/node';
import { defineCommand } from '../command.js';
import { UsageError } from '../errors.js';
import { say } from '../io.js';
import { isMissing, SOLVER_PACKAGES } from '../solvers.js';

/** Packages whose `./bench` subpath is run, in this order. */
export const BENCH_PACKAGES = ['@inv/core', ...SOLVER_PACKAGES, '@inv/models'];

export const benchCommand = defineCommand({
  name: 'bench',
  summary: "Run every package's benchmark suite and print one table (solvers against their numpy/scipy references where python3 has them).",
  usage: 'inv bench [--quick] [--suite <package>] [--json]',
  flags: {
    quick: { type: 'boolean', description: 'small instances and few repeats (what CI runs)' },
    suite: { type: 'string', description: 'only packages whose name contains this, e.g. plugin', placeholder: 'name' },
  },
  async run(args, io) {
    const filter = args.flags.suite;
    const packages = BENCH_PACKAGES.filter((p) => filter === undefined || p.includes(filter));
    if (packages.length === 0) throw new UsageError(`--suite: no package matches '${filter}' (packages: ${BENCH_PACKAGES.join(', ')})`);
    // The reference scripts live in the repository (tooling/reference), not in the installed packages.
    const scripts = referenceDir() !== undefined;
    const python = scripts ? findPython(['numpy', 'scipy']) : undefined;
    if (!scripts) say(io, 'the Python reference scripts (tooling/reference in the repository) are not installed: the reference rows are skipped');
    else if (!python) say(io, 'python3 with numpy and scipy not found: the reference rows are skipped');
    const log = (line: string) => {
      if (!io.json) io.err(`${line}\n`);
    };
    const rows: BenchRow[] = [];
    const skipped: { package: string; reason: string }[] = [];
    for (const pkg of packages) {
      let mod: BenchModule;
      try {
        mod = (await import(`${pkg}/bench`)) as BenchModule;
      } catch (e) {
        // Not installed, or installed without a ./bench subpath: skipped. Anything else is a real failure.
        if (!isMissing(e) && (e as NodeJS.ErrnoException)?.code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw e;
        skipped.push({ package: pkg, reason: (e as Error).message.split('\n')[0] });
        continue;
      }
      if (typeof mod.runBenchmarks !== 'function') {
        skipped.push({ package: pkg, reason: 'its ./bench module exports no runBenchmarks' });
        continue;
      }
      log(`bench: ${pkg}`);
      rows.push(...(await mod.runBenchmarks({ quick: Boolean(args.flags.quick), python, log })));
    }
    if (io.json) {
      io.out(JSON.stringify({ rows, skipped, python: python ?? null }));
      return;
    }
    say(io, formatBenchTable(rows));
    for (const s of skipped) say(io, `no benchmarks from ${s.package}: ${s.reason}`);
  },
});
