/**
 * Opening the built site in Debian's headless Chromium (playwright-core, never a downloaded browser),
 * for the end-to-end test and the benchmark. Node only.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { serveStatic, type StaticServer } from './static-server.js';

export const appRoot = fileURLToPath(new URL('..', import.meta.url));
export const distDir = join(appRoot, 'dist');
export const chromiumPath = process.env.INV_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface Session {
  server: StaticServer;
  browser: Browser;
  page: Page;
  /** Console errors, page errors and failed requests seen so far (in the page and its workers). */
  problems: string[];
  close(): Promise<void>;
}

/** Builds the site if `dist` is missing, serves it below /web-bench/ and opens it in a fresh page. */
export async function openSite(): Promise<Session> {
  if (!existsSync(join(distDir, 'index.html'))) {
    const { build } = await import('vite');
    await build({ root: appRoot, logLevel: 'warn' });
  }
  const server = await serveStatic(distDir, '/web-bench/');
  const browser = await chromium.launch({ executablePath: chromiumPath, args: ARGS });
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const problems: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('response', (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()} ${r.url()}`));
  page.on('worker', (w) => w.on('console', (m) => m.type() === 'error' && problems.push(`worker console: ${m.text()}`)));
  await page.goto(server.url);
  return {
    server,
    browser,
    page,
    problems,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

/** Waits until the worker has registered its solvers and the Run button is enabled. */
export function waitUntilReady(page: Page): Promise<unknown> {
  return page.waitForSelector('#run:not([disabled])', { timeout: 60_000 });
}

export function pageSolvers(page: Page): Promise<string[]> {
  return page.$$eval('#solvers fieldset.solver', (fs) => fs.map((f) => (f as HTMLElement).dataset.solver!));
}

/** Presses Run (or Sweep) and waits for the status line to say "done". */
export async function pressAndWait(page: Page, button: '#run' | '#sweep', timeout = 150_000): Promise<void> {
  await page.click(button);
  await page.waitForSelector('#status:text-is("done")', { timeout });
}

/**
 * The results table as exact numbers: solver → [relative error, latent error, PSNR, iterations, time ms].
 * A solver that failed (its row is a tr.solver-error) has no entry.
 */
export function resultNumbers(page: Page): Promise<Record<string, number[]>> {
  return page.$$eval('#results tbody tr:not(.solver-error)', (rows) =>
    Object.fromEntries(rows.map((r) => [(r as HTMLElement).dataset.solver!, [...r.querySelectorAll('td')].slice(2).map((td) => Number((td as HTMLElement).dataset.value ?? NaN))])),
  );
}
