// The one benchmark runner (docs/contributing.md, "Benchmarks"). Every package's `pnpm bench` is
//   node ../../tooling/bench/run.mjs [--entry <file>] [--quick] [the package's own switches]
// run in the package's folder (build first). It loads the package's bench entry (default dist/bench.js; a
// .ts entry through Vite's module runner), finds a python3 with the modules the entry's `benchPython`
// names for the reference rows, and prints the rows of `runBenchmarks(options)` as one table (progress on
// stderr). Each entry `name: key` of the entry's `benchFlags` makes `--name` set options[key] = true
// (lp-layerwise: --cvxopt); `name: 'key=string'` or `'key=number'` makes `--name <value>` set it to the value. INV_BENCH_QUICK=1 means --quick (turbo passes it through, so `pnpm bench` at the root can be quick).
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const usage = (message) => {
  console.error(`bench: ${message}`);
  process.exit(2);
};

// pnpm may pass a literal `--` before the script's arguments.
const args = process.argv.slice(2).filter((a) => a !== '--');
let entry = 'dist/bench.js';
const entryAt = args.indexOf('--entry');
if (entryAt >= 0) {
  entry = args[entryAt + 1] ?? usage('--entry: expected a file');
  args.splice(entryAt, 2);
}

// Packages are resolved from the package being benchmarked, not from tooling/ (which has no dependencies).
const fromPackage = createRequire(resolve('package.json'));
const load = (id) => import(pathToFileURL(fromPackage.resolve(id)).href);
const file = resolve(entry);
const mod = file.endsWith('.ts') ? (await (await load('vite')).runnerImport(file)).module : await import(pathToFileURL(file).href);
if (typeof mod.runBenchmarks !== 'function') usage(`${entry} exports no runBenchmarks`);

const options = { quick: process.env.INV_BENCH_QUICK === '1', log: (line) => console.error(line) };
const flags = mod.benchFlags ?? {};
const known = () => `known: --quick${Object.entries(flags).map(([f, k]) => `, --${f}${k.includes('=') ? ` <${k.split('=')[1]}>` : ''}`).join('')}`;
for (let i = 0; i < args.length; i++) {
  const arg = args[i], name = arg.slice(2);
  if (arg === '--quick') options.quick = true;
  else if (arg.startsWith('--') && Object.hasOwn(flags, name)) {
    const [key, type] = flags[name].split('=');
    if (!type) options[key] = true;
    else {
      const text = args[++i];
      if (text === undefined) usage(`--${name}: expected a ${type}`);
      const value = type === 'number' ? Number(text) : text;
      if (type === 'number' && !Number.isFinite(value)) usage(`--${name}: expected a number, got '${text}'`);
      options[key] = value;
    }
  } else usage(`unknown argument '${arg}' (${known()})`);
}
if (mod.benchPython) {
  const { findPython } = await load('@inv/core/node');
  options.python = findPython(mod.benchPython);
  if (!options.python) console.error(`bench: no python3 with ${mod.benchPython.join(' and ')}: the reference rows are skipped`);
}
const { formatBenchTable } = await load('@inv/core');
console.log(formatBenchTable(await mod.runBenchmarks(options)));
