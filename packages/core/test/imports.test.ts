/** Core's modules form no import cycle (type-only imports count: a cycle of types is still a tangle). */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const src = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

function modules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? modules(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

it('no module of core imports itself through others', () => {
  const files = modules(src);
  const edges = new Map(files.map((f) => [f, [...readFileSync(f, 'utf8').matchAll(/^(?:import|export)[^'"\n]*(?:\n[^'"\n]*)*? from '(\.[^']+)\.js';/gm)].map((m) => resolve(dirname(f), `${m[1]}.ts`))]));
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (f: string, path: string[]) => {
    if (state.get(f) === 'done') return;
    if (state.get(f) === 'open') return void cycles.push([...path.slice(path.indexOf(f)), f].map((p) => relative(src, p)).join(' → '));
    state.set(f, 'open');
    for (const g of edges.get(f) ?? []) visit(g, [...path, f]);
    state.set(f, 'done');
  };
  for (const f of files) visit(f, []);
  expect(edges.get(join(src, 'linalg.ts'))).toContain(join(src, 'kernels/select.ts'));
  expect(cycles).toEqual([]);
});
