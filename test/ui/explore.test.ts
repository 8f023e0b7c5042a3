/**
 * End-to-end test of the web UI in a real browser: a fresh Kansoku server scrapes itself every
 * second; Chromium opens Explore, runs a query and sees a graph and a table, then visits the
 * other pages. Screenshots go to test-results/.
 */
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import {
  makeTemp,
  removeTemp,
  startKansoku,
  type KansokuProcess,
} from '../integration/server-harness.js';
import { PROJECT_ROOT } from '../support/paths.js';
import { BROWSER_SKIP, freePort, launchBrowser, servesUi, startFrontServer } from './browser.js';

const RESULTS = path.join(PROJECT_ROOT, 'test-results');

/** Polls the API until `up` has a few samples (three scrapes, one second apart). */
async function waitForSelfScrape(base: string, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  const q = encodeURIComponent('count_over_time(up[1m]) >= 3');
  while (Date.now() < end) {
    const res = await fetch(`${base}/api/v1/query?query=${q}`);
    const body = (await res.json()) as { data?: { result?: unknown[] } };
    if ((body.data?.result?.length ?? 0) > 0) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`kansoku did not scrape itself within ${timeoutMs} ms`);
}

describe('web UI in Chromium', { skip: BROWSER_SKIP, timeout: 90_000 }, () => {
  let tmp = '';
  let kansoku: KansokuProcess | undefined;
  let front: { base: string; close: () => Promise<void> } | undefined;
  let browser: { context: BrowserContext; close: () => Promise<void> } | undefined;
  let uiBase = '';
  let page: Page;
  const consoleErrors: string[] = [];

  before(
    async () => {
      tmp = await makeTemp();
      const port = await freePort();
      const address = `127.0.0.1:${port}`;
      const config = path.join(tmp, 'kansoku.yml');
      await writeFile(
        config,
        [
          'global:',
          '  scrape_interval: 1s',
          'scrape_configs:',
          '  - job_name: kansoku',
          '    static_configs:',
          `      - targets: [${JSON.stringify(address)}]`,
          '',
        ].join('\n'),
      );
      kansoku = await startKansoku(path.join(tmp, 'data'), [
        `--web.listen-address=${address}`,
        `--config.file=${config}`,
      ]);
      if (await servesUi(kansoku.base)) {
        uiBase = kansoku.base;
      } else {
        front = await startFrontServer(kansoku.base);
        uiBase = front.base;
      }
      await mkdir(RESULTS, { recursive: true });
      const [b] = await Promise.all([launchBrowser(), waitForSelfScrape(kansoku.base)]);
      browser = b;
      page = await b.context.newPage();
      page.on('console', (m) => {
        if (m.type() === 'error') consoleErrors.push(m.text());
      });
      page.on('pageerror', (e) => consoleErrors.push(e.message));
    },
    { timeout: 60_000 },
  );

  after(
    async () => {
      await browser?.close();
      await front?.close();
      await kansoku?.stop();
      await removeTemp(tmp);
    },
    { timeout: 40_000 },
  );

  it('runs a query in Explore and shows a graph and a table', async () => {
    await page.goto(`${uiBase}/explore`);
    const editor = page.locator('.query-editor .cm-content');
    await editor.click();
    // Autocompletion comes from our own API.
    await page.keyboard.type('kansoku_http_req');
    await page
      .locator('.cm-tooltip-autocomplete', { hasText: 'kansoku_http_requests_total' })
      .waitFor({ timeout: 10_000 });
    await page.keyboard.press('Escape'); // close the completion list
    await page.keyboard.press('Control+a');
    await page.keyboard.type('up');
    // Ctrl+Enter runs even while a completion list is open (it may open late, under load).
    await page.keyboard.press('Control+Enter');

    await page.locator('.graph canvas').first().waitFor({ timeout: 10_000 });
    await page.locator('.u-legend', { hasText: 'up{' }).waitFor({ timeout: 5_000 });
    const url = new URL(page.url());
    assert.equal(url.pathname, '/explore');
    assert.equal(url.searchParams.get('q'), 'up');
    await page.screenshot({ path: path.join(RESULTS, 'ui-explore-graph.png') });

    // The legend entry toggles its series from the keyboard.
    const entry = page.locator('.u-legend .u-series[role="button"]').first();
    await entry.focus();
    await page.keyboard.press('Enter');
    assert.equal(await entry.getAttribute('aria-pressed'), 'false');
    await page.keyboard.press('Space');
    assert.equal(await entry.getAttribute('aria-pressed'), 'true');

    await page.getByRole('tab', { name: 'Table' }).click();
    const row = page.locator('table.data tbody tr', { hasText: 'up{' });
    await row.first().waitFor({ timeout: 10_000 });
    assert.match(await row.first().innerText(), /job="kansoku"[\s\S]*1/);
    await page.screenshot({ path: path.join(RESULTS, 'ui-explore-table.png') });

    const stored = await page.evaluate<unknown>("localStorage.getItem('kansoku.queryHistory')");
    assert.equal(stored, JSON.stringify(['up']));
  });

  it('opens a shared link with its query and range', async () => {
    await page.goto(`${uiBase}/explore?q=${encodeURIComponent('rate(up[1m])')}&range=5m`);
    await page.locator('.query-editor .cm-content', { hasText: 'rate(up[1m])' }).waitFor();
    assert.equal(await page.locator('select').first().inputValue(), '5m');
    await page.locator('.graph canvas').first().waitFor({ timeout: 10_000 });

    // Plain Enter in the editor runs the query again and records it in the history.
    await page.locator('.query-editor .cm-content').click();
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      "(localStorage.getItem('kansoku.queryHistory') ?? '').includes('rate(up[1m])')",
      undefined,
      { timeout: 5_000 },
    );
  });

  it('shows targets, metrics and status pages', async () => {
    await page.goto(`${uiBase}/targets`);
    await page.locator('section.pool', { hasText: 'kansoku' }).waitFor({ timeout: 10_000 });
    await page.locator('.health-up').first().waitFor();
    await page.screenshot({ path: path.join(RESULTS, 'ui-targets.png'), fullPage: true });

    await page.getByRole('link', { name: 'Metrics' }).click();
    const link = page.getByRole('link', { name: 'kansoku_http_requests_total' });
    await link.waitFor({ timeout: 10_000 });
    await page.screenshot({ path: path.join(RESULTS, 'ui-metrics.png') });
    await link.click();
    await page.locator('.graph canvas').first().waitFor({ timeout: 10_000 });
    assert.equal(
      new URL(page.url()).searchParams.get('q'),
      'rate(kansoku_http_requests_total[5m])',
    );

    await page.getByRole('link', { name: 'Status' }).click();
    await page.getByRole('caption').filter({ hasText: 'by metric name' }).waitFor();
    await page.getByRole('button', { name: /Switch to (dark|light) theme/ }).click();
    await page.screenshot({ path: path.join(RESULTS, 'ui-status.png'), fullPage: true });
  });

  it('logged no console errors', () => {
    assert.deepEqual(consoleErrors, []);
  });
});
