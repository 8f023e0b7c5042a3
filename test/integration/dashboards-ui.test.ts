/**
 * The cardinality explorer on the status page and the labels before and after relabeling on the
 * targets page, in a real browser against a real server. Screenshots go to `test-results/`.
 */
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PROJECT_ROOT } from '../support/paths.js';
import { BROWSER_SKIP, launchBrowser } from '../ui/browser.js';
import {
  makeTemp,
  removeTemp,
  startKansoku,
  waitFor200,
  type KansokuProcess,
} from './server-harness.js';

const RESULTS = path.join(PROJECT_ROOT, 'test-results');

/** A free loopback port (the server scrapes itself, so its address goes into the config). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => {
        resolve(port);
      });
    });
  });
}

describe('status and targets pages', { skip: BROWSER_SKIP }, () => {
  let tmp = '';
  let server: KansokuProcess | undefined;
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;

  before(async () => {
    tmp = await makeTemp();
    const port = await freePort();
    const config = path.join(tmp, 'kansoku.yml');
    await writeFile(
      config,
      [
        'global:',
        '  scrape_interval: 1s',
        'scrape_configs:',
        '  - job_name: kansoku',
        '    static_configs:',
        `      - targets: ['127.0.0.1:${port}', 'dropme.invalid:9']`,
        '    relabel_configs:',
        '      - source_labels: [__address__]',
        "        regex: 'dropme.*'",
        '        action: drop',
        '',
      ].join('\n'),
    );
    server = await startKansoku(path.join(tmp, 'data'), [
      `--web.listen-address=127.0.0.1:${port}`,
      `--config.file=${config}`,
    ]);
    assert.equal(await waitFor200(`${server.base}/-/ready`), 200);
    // Wait for the first self-scrape so that there are series and a scraped target.
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const r = (await (await fetch(`${server.base}/api/v1/targets`)).json()) as {
        data: { activeTargets: { health: string }[] };
      };
      if (r.data.activeTargets.some((t) => t.health === 'up')) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    await fetch(`${server.base}/api/kansoku/dashboards`, {
      method: 'POST',
      body: JSON.stringify({
        dashboard: {
          title: 'Uses up',
          panels: [
            { type: 'stat', gridPos: { x: 0, y: 0, w: 6, h: 4 }, targets: [{ expr: 'up' }] },
          ],
        },
      }),
    });
    await mkdir(RESULTS, { recursive: true });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await removeTemp(tmp);
  });

  it('shows the cardinality explorer with unused metrics', async () => {
    assert.ok(browser && server);
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(`${server.base}/status`);
    const unused = page.locator('caption', { hasText: 'Unused metrics' });
    await unused.waitFor({ timeout: 10_000 });
    const section = page.locator('section[aria-labelledby="cardinality-title"]');
    const text = await section.innerText();
    assert.match(text, /Top metrics by series count/);
    assert.match(text, /used by none of the 1 dashboards/);
    const unusedTable = page.locator('table', { has: unused });
    const names = await unusedTable.locator('tbody td.mono').allInnerTexts();
    assert.ok(names.length > 0, 'some self-scraped metric is unused');
    assert.ok(!names.includes('up'), '"up" is used by the dashboard');
    await page.screenshot({ path: path.join(RESULTS, 'status-cardinality.png'), fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('shows labels before and after relabeling per target', async () => {
    assert.ok(browser && server);
    const page = await browser.context.newPage();
    await page.goto(`${server.base}/targets`);
    const toggle = page.getByRole('button', { name: 'before / after relabeling' }).first();
    await toggle.waitFor({ timeout: 10_000 });
    await toggle.click();
    const before = page.locator('.relabeling').first();
    await before.waitFor();
    const text = await before.innerText();
    assert.match(text, /Before relabeling/);
    assert.match(text, /__address__=/);
    assert.match(text, /__metrics_path__="\/metrics"/);
    assert.match(text, /After relabeling/);
    assert.match(text, /instance=/);
    await page.getByText('Dropped by relabeling').waitFor();
    await page.locator('details.pool summary').first().click();
    assert.match(
      await page.locator('details.pool').first().innerText(),
      /__address__="dropme\.invalid:9"[\s\S]*dropped/,
    );
    await page.screenshot({ path: path.join(RESULTS, 'targets-relabeling.png'), fullPage: true });
    await page.close();
  });
});
