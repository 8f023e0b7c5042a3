/**
 * Browser test of the panel renderers: the panel gallery (every panel type over generated data)
 * is bundled on its own with esbuild, served on loopback and opened in Chromium. Every panel
 * must render its data or a clear message, text panels must be sanitized, the legend toggles
 * series, drag-zoom reports a time range, and nothing logs a console error. Screenshots go to
 * test-results/.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { PROJECT_ROOT } from '../support/paths.js';
import { CHROMIUM, launchBrowser } from './browser.js';

const RESULTS = path.join(PROJECT_ROOT, 'test-results');
const ESBUILD = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'esbuild');
const SKIP: string | false = !existsSync(CHROMIUM)
  ? `${CHROMIUM} not found: install it with \`apt-get install -y chromium\``
  : !existsSync(ESBUILD)
    ? `${ESBUILD} not found: run \`npm ci\``
    : false;

/** Bundles the gallery into `dir` (inside the project, so packages resolve). */
async function bundleGallery(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const ui = path.join(PROJECT_ROOT, 'ui', 'src');
  await writeFile(
    path.join(dir, 'entry.mjs'),
    [
      "import { createElement } from 'react';",
      "import { createRoot } from 'react-dom/client';",
      `import ${JSON.stringify(path.join(ui, 'styles.css'))};`,
      `import { PanelGallery } from ${JSON.stringify(path.join(ui, 'panels', 'gallery.tsx'))};`,
      "const theme = new URLSearchParams(location.search).get('theme') === 'dark' ? 'dark' : 'light';",
      'document.documentElement.dataset.theme = theme;',
      "createRoot(document.getElementById('root')).render(createElement(PanelGallery, { theme, to: 1700000000000 }));",
    ].join('\n'),
  );
  await writeFile(
    path.join(dir, 'index.html'),
    '<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="entry.css"></head><body><div id="root"></div><script type="module" src="entry.js"></script></body></html>',
  );
  await promisify(execFile)(ESBUILD, [
    path.join(dir, 'entry.mjs'),
    '--bundle',
    '--format=esm',
    '--jsx=automatic',
    '--loader:.css=css',
    '--define:process.env.NODE_ENV="production"',
    '--log-level=error',
    `--outdir=${dir}`,
  ]);
}

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
};

async function serve(dir: string): Promise<{ base: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const name = path.basename(new URL(req.url ?? '/', 'http://x').pathname) || 'index.html';
    readFile(path.join(dir, name)).then(
      (body) => {
        res.writeHead(200, {
          'Content-Type': TYPES[path.extname(name)] ?? 'application/octet-stream',
        });
        res.end(body);
      },
      () => {
        // The favicon and the text panel's broken image: nothing to serve, and not an error.
        res.writeHead(204);
        res.end();
      },
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => {
          r();
        });
      }),
  };
}

describe('panel renderers in Chromium', { skip: SKIP, timeout: 90_000 }, () => {
  const dir = path.join(RESULTS, 'panels-gallery');
  let site: { base: string; close: () => Promise<void> } | undefined;
  let browser: { context: BrowserContext; close: () => Promise<void> } | undefined;
  let page: Page;
  const errors: string[] = [];
  const panel = (id: number): string => `[data-panel-id="${id}"]`;

  before(async () => {
    await bundleGallery(dir);
    site = await serve(dir);
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${site.base}/index.html`);
    await page.waitForSelector(`${panel(1)} canvas`, { timeout: 15_000 });
  });

  after(async () => {
    await browser?.close();
    await site?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('renders time series with a legend table of reducer values', async () => {
    assert.equal(await page.locator(`${panel(1)} .kp-legend-table tbody tr`).count(), 3);
    const header = await page.locator(`${panel(1)} .kp-legend-table thead`).innerText();
    assert.match(header, /Mean/);
    // Sorted by mean, descending.
    assert.match(
      await page
        .locator(`${panel(1)} .kp-legend-table tbody tr`)
        .first()
        .innerText(),
      /host-2/,
    );
    assert.match(await page.locator(`${panel(1)} .kp-legend-table tbody`).innerText(), /%/);
  });

  it('converts a legacy graph panel and draws it', async () => {
    assert.equal(
      (await page.locator(`${panel(2)} [data-panel-type="timeseries"] canvas`).count()) > 0,
      true,
    );
    assert.match(await page.locator(`${panel(2)} .kp-legend`).innerText(), /Last \*: /);
  });

  it('renders stats, gauges and bar gauges with units and colours', async () => {
    assert.equal(await page.locator(`${panel(3)} .kp-stat`).count(), 3);
    assert.match(await page.locator(panel(3)).innerText(), /%/);
    assert.match(await page.locator(`${panel(4)} [data-panel-type="stat"]`).innerText(), /ms/);
    assert.equal(await page.locator(`${panel(5)} .kp-gauge`).count(), 3);
    assert.ok((await page.locator(`${panel(6)} .kp-bar-lcd span`).count()) >= 60);
    assert.equal(await page.locator(`${panel(7)} .kp-bargauge-v .kp-bar`).count(), 3);
  });

  it('renders a table joined on labels with units per column', async () => {
    const t = page.locator(`${panel(8)} table`);
    assert.equal(await t.locator('tbody tr').count(), 2);
    const text = await t.innerText();
    assert.match(text, /1\.50 KiB/);
    assert.match(text, /3 GiB/);
    assert.match(text, /Value #B/);
    const foot = await t.locator('tfoot').innerText();
    assert.match(foot, /Total/);
    assert.match(foot, /3\.00 GiB/);
    await t.locator('th button', { hasText: 'Value #A' }).click();
    await t.locator('th button', { hasText: 'Value #A' }).click();
    assert.match(await t.locator('tbody tr').first().innerText(), /3 GiB/);
  });

  it('renders heatmap, state timeline and pie chart', async () => {
    assert.equal(await page.locator(`${panel(9)} canvas`).count(), 1);
    assert.match(await page.locator(`${panel(9)} .kp-heatmap-y`).innerText(), /ms|s/);
    assert.ok((await page.locator(`${panel(10)} rect`).count()) >= 4);
    assert.match(await page.locator(`${panel(10)} svg`).innerHTML(), /UP/);
    assert.equal(await page.locator(`${panel(11)} .kp-pie svg path`).count(), 3);
  });

  it('sanitizes markdown and html text panels', async () => {
    assert.equal(await page.locator(`${panel(12)} h1`).innerText(), 'Notes');
    assert.equal(await page.locator(`${panel(13)} .html-ok b`).innerText(), 'HTML');
    assert.equal(
      await page.locator('.kp-text [onerror], .kp-text [onload], .kp-text script').count(),
      0,
    );
    assert.equal(await page.locator('.kp-text a[href^="javascript"]').count(), 0);
    assert.equal(await page.evaluate('typeof window.kpXss'), 'undefined');
  });

  it('shows clear messages for unknown types and failed queries', async () => {
    assert.match(await page.locator(panel(14)).innerText(), /not supported/);
    assert.match(await page.locator(`${panel(15)} .kp-message-error`).innerText(), /bad_data/);
  });

  it('toggles a series from the legend', async () => {
    const row = page.locator(`${panel(1)} .kp-legend-table tbody tr`).first();
    await row.click();
    assert.equal(await row.getAttribute('aria-pressed'), 'false');
    await row.click();
    assert.equal(await row.getAttribute('aria-pressed'), 'true');
  });

  it('shows hover values and reports drag-zoom as a time range', async () => {
    const over = page.locator(`${panel(1)} .u-over`);
    const box = await over.boundingBox();
    assert.ok(box);
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    await page.waitForSelector(`${panel(1)} .kp-tooltip`, { timeout: 5000 });
    assert.match(
      await page.locator(`${panel(1)} .kp-tooltip-time`).innerText(),
      /^2023-11-14 2[12]:\d\d:\d\d$/,
    );
    await page.screenshot({ path: path.join(RESULTS, 'ui-panels-light.png'), fullPage: true });
    await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.5);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5, { steps: 5 });
    await page.mouse.up();
    const zoom: unknown = JSON.parse(
      String(await page.evaluate('JSON.stringify(window.kpZoom ?? [])')),
    );
    assert.ok(Array.isArray(zoom) && zoom.length === 1, JSON.stringify(zoom));
    const r = zoom[0] as { from: number; to: number };
    assert.ok(
      r.from < r.to && r.to < 1700000000000 && r.from > 1700000000000 - 3600_000,
      JSON.stringify(r),
    );
  });

  it('edits unit, colour mode, thresholds and mappings in the options editor', async () => {
    const ed = page.locator(panel(16));
    assert.match(await ed.locator('.kp-stat').innerText(), /2\.05 K/);
    await ed.getByLabel('Unit').fill('bytes');
    assert.match(await ed.locator('.kp-stat').innerText(), /2 KiB/);
    await ed.getByLabel('Color mode').selectOption('background');
    await ed.getByRole('button', { name: 'Add threshold' }).click();
    await ed.getByLabel('Threshold 2 value').fill('1000');
    await ed.getByRole('button', { name: 'Add value' }).click();
    await ed.getByLabel('Value', { exact: true }).fill('2048');
    await ed.getByLabel('Display text').fill('two k');
    assert.match(await ed.locator('.kp-stat').innerText(), /two k/);
    const json = await ed.locator('.kp-gallery-json').innerText();
    assert.match(json, /"unit":"bytes"/);
    assert.match(json, /"value":1000/);
    assert.match(json, /"2048":\{"text":"two k"\}/);
  });

  it('renders in the dark theme', async () => {
    if (!site) throw new Error('BUG: no site');
    await page.goto(`${site.base}/index.html?theme=dark`);
    await page.waitForSelector(`${panel(1)} canvas`, { timeout: 15_000 });
    assert.equal(await page.evaluate('document.documentElement.dataset.theme'), 'dark');
    await page.screenshot({ path: path.join(RESULTS, 'ui-panels-dark.png'), fullPage: true });
  });

  it('logged no console errors', () => {
    assert.deepEqual(errors, []);
  });
});
