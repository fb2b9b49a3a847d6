/**
 * @inv/core's README recipe for browsers, followed literally in a fresh npm project (its shell lines
 * and its app.js), bundled by esbuild and opened in Debian's headless Chromium: one LP solve in
 * float64 and a PLUGIn batch on tfjs-wasm.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { chromium } from 'playwright-core';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { readmeBlock, run } from '../registry';

const { workDir, npmrc } = inject('ship');
const chromiumPath = process.env.INV_CHROMIUM ?? '/usr/bin/chromium';
const hasChromium = existsSync(chromiumPath);
if (!hasChromium && process.env.CI === 'true') throw new Error(`${chromiumPath} not found (CI needs it: apt-get install chromium)`);
if (!hasChromium) console.warn(`browser ship test skipped: ${chromiumPath} not found (apt-get install chromium)`);

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };

describe.skipIf(!hasChromium)("core's README browser recipe (esbuild) in headless Chromium", () => {
  const project = join(workDir, 'browser');
  const app = readmeBlock('packages/core/README.md', '## In the browser', 'js');

  beforeAll(async () => {
    mkdirSync(project, { recursive: true });
    await run('npm', ['init', '-y'], { cwd: project });
    writeFileSync(join(project, 'app.js'), app);
    const steps = readmeBlock('packages/core/README.md', '## In the browser', 'sh');
    const env = { npm_config_userconfig: npmrc, npm_config_prefer_offline: 'true' };
    const r = await run('bash', ['-euo', 'pipefail', '-c', steps], { cwd: project, env });
    if (r.code !== 0) throw new Error(`the README's steps failed (${r.code}): ${r.stderr.trim().split('\n').slice(-5).join(' | ')}`);
  });

  it('runs a single solve and a batch', async () => {
    const root = normalize(join(project, 'public') + sep);
    const server = createServer((req, res) => {
      const file = normalize(join(root, (req.url ?? '/').split('?')[0] === '/' ? 'index.html' : decodeURIComponent(req.url!.split('?')[0])));
      if (!file.startsWith(root) || !existsSync(file)) return void res.writeHead(404).end();
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const address = server.address();
    const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
    try {
      const page = await browser.newPage();
      const lines: string[] = [];
      const problems: string[] = [];
      page.on('console', (m) => (m.type() === 'log' ? lines.push(m.text()) : m.type() === 'error' && !m.text().includes('favicon') && problems.push(m.text())));
      page.on('pageerror', (e) => problems.push(e.message));
      page.on('requestfailed', (q) => problems.push(`request failed: ${q.url()}`));
      const done = new Promise<void>((resolve) => page.on('console', (m) => m.text().startsWith('batch') && resolve()));
      await page.goto(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`);
      await Promise.race([done, new Promise((_, reject) => setTimeout(() => reject(new Error(`no batch line; console: ${[...lines, ...problems].join(' | ')}`)), 120_000))]);
      expect(problems.filter((p) => !p.includes('404'))).toEqual([]);

      const single = lines.find((l) => l.startsWith('single '))!.split(' ');
      const promisedSingle = app.match(/\/\/ single (\w+) ~([\d.e-]+)/)!;
      expect(single[1]).toBe(promisedSingle[1]);
      expect(Number(single[2])).toBeLessThan(Number(promisedSingle[2]) * 1e3);

      const batch = lines.find((l) => l.startsWith('batch '))!.split(' ');
      const promisedBatch = app.match(/\/\/ batch (\w+) ~([\d.e-]+)/)!;
      const statuses = batch[1].split(',');
      expect(statuses).toHaveLength(16);
      for (const s of statuses) expect(s).toBe(promisedBatch[1]);
      expect(Number(batch[2])).toBeLessThan(Number(promisedBatch[2]) * 10);
      // tfjs found its .wasm files where the recipe copied them.
      expect(batch[3]).toBe('wasm');
    } finally {
      await browser.close();
      await new Promise((r) => server.close(r));
    }
  });
});
