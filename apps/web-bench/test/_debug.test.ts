import { it } from 'vitest';
import { chromium } from 'playwright-core';
import { serveStatic } from './static-server.js';
it('debug', async () => {
  const server = await serveStatic(process.cwd() + '/dist', '/web-bench/');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  page.on('console', (m) => console.log('console', m.type(), m.text()));
  page.on('pageerror', (e) => console.log('pageerror', e.message));
  page.on('worker', (w) => w.on('console', (m) => console.log('worker', m.text())));
  await page.goto(server.url);
  await page.waitForSelector('#run:not([disabled])', { timeout: 30000 });
  if (process.env.GEN) await page.selectOption('#generator', process.env.GEN);
  await page.click('#run');
  for (let i = 0; i < 10; i++) {
    await page.waitForTimeout(3000);
    console.log(i, await page.textContent('#status'), '|', await page.textContent('#message'), '|', await page.$$eval('#results tbody tr', (rs) => rs.map((r) => r.textContent)));
    if ((await page.textContent('#status')) === 'done') break;
  }
  await page.screenshot({ path: '/tmp/wb.png', fullPage: true });
  await browser.close(); await server.close();
}, 120000);
