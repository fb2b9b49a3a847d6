#!/usr/bin/env node
/**
 * Regenerates the solver option tables in the READMEs from `inv list --json`, so that a table can only
 * say what the schema says (defaults, bounds, descriptions).
 *
 *   node tooling/option-tables.mjs [--check] [README.md ...]
 *
 * A table stands between `<!-- options: lp-linf lp-l1 -->` and `<!-- /options -->`; several solvers
 * share one table only when their options are identical. Without README arguments: every README.md
 * at the root, in packages/* and in apps/*. `--check` writes nothing and exits 1 naming each README
 * whose table differs from what this script would write. Needs a built CLI (`pnpm build`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BLOCK = /(<!-- options: ([^>]*?) -->\n)[\s\S]*?(<!-- \/options -->)/g;

/** `max-iterations` (the CLI's flag) → `maxIterations` (the schema key a library caller passes). */
const camel = (flag) => flag.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
/** 1e-13 rather than 1e-13's decimal digits; other numbers as JavaScript prints them. */
const num = (v) => (typeof v === 'number' && v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential() : String(v));
const code = (v) => `\`${typeof v === 'string' ? v : typeof v === 'number' ? num(v) : JSON.stringify(v)}\``;
const cell = (text) => String(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The type column: the kind and its bounds, as the schema checks them. */
function typeOf(spec) {
  if (spec.type === 'enum') return spec.values.map(code).join(', ');
  if (spec.type === 'vector') return spec.length === 'latent' ? 'vector (latent length)' : `vector (length ${spec.length ?? 'any'})`;
  const low = spec.exclusiveMin ?? spec.min;
  const open = spec.exclusiveMin !== undefined;
  if (low !== undefined && spec.max !== undefined) return `${spec.type} in ${open ? '(' : '['}${num(low)}, ${num(spec.max)}]`;
  if (low !== undefined) return `${spec.type} ${open ? '>' : '≥'} ${num(low)}`;
  if (spec.max !== undefined) return `${spec.type} ≤ ${num(spec.max)}`;
  return spec.type;
}

/** The markdown table of one solver's options. */
export function optionTable(options) {
  const rows = Object.entries(options).map(([flag, spec]) => {
    const value = spec.default === undefined ? '–' : code(spec.default);
    return `| \`${camel(flag)}\` | ${cell(typeOf(spec))} | ${cell(value)} | ${cell(spec.description ?? '')} |`;
  });
  return ['| option | type | default | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n') + '\n';
}

/** `readme`'s text with every marked table regenerated from `solvers` (from `inv list --json`). */
export function withTables(readme, solvers, where) {
  return readme.replace(BLOCK, (_, open, names, close) => {
    const wanted = names.trim().split(/\s+/);
    const found = wanted.map((name) => {
      const solver = solvers.find((s) => s.name === name);
      if (!solver) throw new Error(`${where}: no registered solver '${name}' (inv list --json has ${solvers.map((s) => s.name).join(', ')})`);
      return solver;
    });
    const table = optionTable(found[0].options);
    for (const other of found.slice(1)) {
      if (optionTable(other.options) !== table) throw new Error(`${where}: '${other.name}' and '${found[0].name}' have different options; give each its own table`);
    }
    return `${open}\n${table}\n${close}`;
  });
}

function defaultReadmes() {
  const dirs = ['.', ...['packages', 'apps'].flatMap((d) => readdirSync(join(root, d)).map((p) => join(d, p)))];
  return dirs.map((d) => join(root, d, 'README.md')).filter((f) => existsSync(f) && readFileSync(f, 'utf8').includes('<!-- options: '));
}

function main(argv) {
  const check = argv.includes('--check');
  const files = argv.filter((a) => a !== '--check');
  // The shipped solvers only: a caller's INV_PLUGINS would add its own.
  const env = { ...process.env };
  delete env.INV_PLUGINS;
  const listed = execFileSync(process.execPath, [join(root, 'apps/cli/dist/bin.js'), 'list', '--json'], { encoding: 'utf8', env, maxBuffer: 16 << 20 });
  const { solvers } = JSON.parse(listed);
  const stale = [];
  for (const file of files.length ? files : defaultReadmes()) {
    const where = relative(process.cwd(), file) || file;
    const before = readFileSync(file, 'utf8');
    const after = withTables(before, solvers, where);
    if (after === before) continue;
    stale.push(where);
    if (!check) writeFileSync(file, after);
  }
  if (check && stale.length) {
    console.error(`option tables differ from inv list --json in ${stale.join(', ')}; run: node tooling/option-tables.mjs`);
    process.exit(1);
  }
  for (const f of stale) console.log(`rewrote the option tables in ${f}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  }
}
