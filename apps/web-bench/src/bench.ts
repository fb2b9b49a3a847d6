/**
 * What running in the browser costs: each solver's own solve time in the page's worker (Chromium,
 * wasm, float64 JavaScript) next to the same solve in Node, on the same experiments, plus the time from
 * opening the page to a ready worker. Node only (it drives Chromium); not part of the static site.
 */
import { existsSync } from 'node:fs';
import { median, relativeError, type BenchOptions, type BenchRow } from '@inv/core';
import type { Page } from 'playwright-core';
import { chromiumPath, openSite, pageSolvers, pressAndWait, resultNumbers, waitUntilReady } from '../harness/browser.js';
import { digitSpec, experimentInNode, solveLikeThePage } from '../harness/node-reference.js';
import type { ExperimentSpec } from './protocol.js';

// No benchPython: there is no Python counterpart of a browser page. `quick`: one timed run per case, the default experiment only.

interface BenchCase {
  name: string;
  /** Control id → value, applied after a reload (select or fill by the element's kind). */
  controls: Record<string, string>;
  spec: () => ExperimentSpec;
}

const inRange = (task: ExperimentSpec['task']) => (): ExperimentSpec => ({ ...digitSpec(0), signal: { kind: 'latent', seed: 1 }, task });
const decoder = { generator: 'mnist:20-60-784' };

const CASES: BenchCase[] = [
  { name: '20-60-784 denoise σ=0.05 digit #0', controls: { ...decoder, signal: 'heldout', noise: '0.05' }, spec: () => digitSpec(0.05) },
  { name: '20-60-784 inpaint 50% G(z*)', controls: { ...decoder, signal: 'latent', task: 'inpaint-random', fraction: '0.5', noise: '0' }, spec: inRange({ kind: 'inpaint-random', fraction: 0.5, seed: 0 }) },
  { name: '20-60-784 CS m=200 G(z*)', controls: { ...decoder, signal: 'latent', task: 'cs', m: '200', noise: '0' }, spec: inRange({ kind: 'cs', m: 200, seed: 0 }) },
];

async function setControls(page: Page, controls: Record<string, string>): Promise<void> {
  await page.reload();
  await waitUntilReady(page);
  for (const [id, value] of Object.entries(controls)) {
    const tag = await page.$eval(`#${id}`, (e) => e.tagName);
    if (tag === 'SELECT') await page.selectOption(`#${id}`, value);
    else await page.fill(`#${id}`, value);
  }
}

export async function runBenchmarks(options: BenchOptions = {}): Promise<BenchRow[]> {
  const log = options.log ?? (() => {});
  if (!existsSync(chromiumPath)) {
    log(`web-bench: no Chromium at ${chromiumPath}; skipped (apt-get install chromium, or set INV_CHROMIUM)`);
    return [];
  }
  const repeats = options.quick ? 1 : 3;
  const cases = options.quick ? CASES.slice(0, 1) : CASES;
  const session = await openSite();
  const rows: BenchRow[] = [];
  try {
    const { page } = session;
    const loads: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const t = performance.now();
      await page.reload();
      await waitUntilReady(page);
      loads.push(performance.now() - t);
    }
    rows.push({ suite: 'web-bench', case: 'open page until the worker is ready', impl: 'chromium', items: 1, timeMs: median(loads), perItemMs: median(loads) });
    const solvers = await pageSolvers(page);
    for (const c of cases) {
      log(`web-bench: ${c.name}`);
      const experiment = experimentInNode(c.spec());
      const browser: Record<string, number[][]> = {};
      const node: Record<string, { timeMs: number; error: number }[]> = {};
      // One reload per case; then a first, untimed run of each warms up the JIT in both places (skipped
      // in quick mode), and the timed runs reuse the warm page.
      await setControls(page, c.controls);
      for (let r = options.quick ? 0 : -1; r < repeats; r++) {
        await pressAndWait(page, '#run');
        const numbers = await resultNumbers(page);
        for (const name of solvers) {
          const result = await solveLikeThePage(experiment, name);
          if (r < 0) continue;
          const row = numbers[name];
          if (!row) throw new Error(`web-bench: ${c.name}: solver '${name}' has no result row (it failed in the page)`);
          (browser[name] ??= []).push(row);
          (node[name] ??= []).push({ timeMs: result.timeMs, error: relativeError(result.reconstruction, experiment.truth) });
        }
      }
      for (const name of solvers) {
        const bt = median(browser[name].map((n) => n[4]));
        const nt = median(node[name].map((n) => n.timeMs));
        rows.push({ suite: 'web-bench', case: `${c.name} ${name}`, impl: 'chromium worker', items: 1, timeMs: bt, perItemMs: bt, error: median(browser[name].map((n) => n[0])), note: 'signal rel. error' });
        rows.push({ suite: 'web-bench', case: `${c.name} ${name}`, impl: 'node', items: 1, timeMs: nt, perItemMs: nt, error: median(node[name].map((n) => n.error)), note: `browser/node ${(bt / nt).toFixed(2)}x` });
      }
    }
  } finally {
    await session.close();
  }
  return rows;
}
