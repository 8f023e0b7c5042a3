/**
 * End-to-end test of the dashboards pages in Chromium against a real Kansoku server that
 * scrapes itself: a dashboard with every panel type and variable kind renders, is edited and
 * saved through the UI, survives a reload and a server restart; every Grafana dashboard in the
 * peer suites imports and each panel shows data or a clear message. Screenshots go to
 * test-results/.
 */
import assert from 'node:assert/strict';
import { readdir, readFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import {
  makeTemp,
  removeTemp,
  startKansoku,
  type KansokuProcess,
} from '../integration/server-harness.js';
import { PEER_SUITES, PROJECT_ROOT } from '../support/paths.js';
import { BROWSER_SKIP, freePort, launchBrowser, servesUi, startFrontServer } from './browser.js';
import {
  FIXTURE_PANEL_TYPES,
  fixtureDashboard,
  servesDashboards,
  startDashboardsFront,
} from './dashboards-fixture.js';

const RESULTS = path.join(PROJECT_ROOT, 'test-results');
const GRAFANA_DIR = path.join(PEER_SUITES, 'grafana-dashboards');

/** The Grafana dashboard files of the peer suites (empty when they are missing). */
async function grafanaFiles(): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.name.endsWith('.json')) out.push(p);
    }
  };
  await walk(GRAFANA_DIR);
  return out.sort();
}

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

async function api(base: string, method: string, p: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${base}${p}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json()) as { status?: string; data?: unknown; error?: string };
  if (!res.ok) throw new Error(`${method} ${p}: HTTP ${res.status} ${json.error ?? ''}`);
  return json.data;
}

/** Waits until no panel is loading; returns what each panel shows. */
async function settle(
  page: Page,
  timeoutMs = 30_000,
): Promise<{ title: string; state: string; shows: string }[]> {
  await page.locator('.db-grid, .empty').first().waitFor({ timeout: 10_000 });
  // Expand collapsed rows so that their panels render too.
  for (;;) {
    const collapsed = page.locator('.db-row-toggle[aria-expanded="false"]');
    if ((await collapsed.count()) === 0) break;
    await collapsed.first().click();
  }
  await page.waitForFunction(
    "[...document.querySelectorAll('.db-panel')].every((p) => p.getAttribute('data-state') !== 'loading')",
    undefined,
    { timeout: timeoutMs },
  );
  const raw = await page.evaluate<unknown>(SHOWN_SCRIPT);
  assert.ok(Array.isArray(raw));
  return raw.map((x: unknown) => {
    const o = x as Record<string, unknown>;
    return { title: String(o['title']), state: String(o['state']), shows: String(o['shows']) };
  });
}

/** What each panel shows, computed in the page (the root tsconfig has no DOM types). */
const SHOWN_SCRIPT = `[...document.querySelectorAll('.db-panel')].map((p) => {
  const body = p.querySelector('.kp-panel');
  const msg = body && body.querySelector('.kp-message');
  const drawn = body && body.querySelector('canvas, svg, table');
  const text = ((body && body.textContent) || '').trim();
  return {
    title: p.getAttribute('aria-label') || '',
    state: p.getAttribute('data-state') || '',
    shows: msg ? 'message: ' + (msg.textContent || '').trim() : drawn || text !== '' ? 'data' : 'nothing',
  };
})`;

describe('dashboards in Chromium', { skip: BROWSER_SKIP, timeout: 90_000 }, () => {
  let tmp = '';
  let address = '';
  let config = '';
  let kansoku: KansokuProcess | undefined;
  let front: { base: string; close: () => Promise<void> } | undefined;
  let uiFront: { base: string; close: () => Promise<void> } | undefined;
  let browser: { context: BrowserContext; close: () => Promise<void> } | undefined;
  let uiBase = '';
  let page: Page;
  let uid = '';
  let apiMissing = false;
  const consoleErrors: string[] = [];

  const start = async (): Promise<void> => {
    kansoku = await startKansoku(path.join(tmp, 'data'), [
      `--web.listen-address=${address}`,
      `--config.file=${config}`,
    ]);
  };

  before(
    async () => {
      tmp = await makeTemp();
      address = `127.0.0.1:${await freePort()}`;
      config = path.join(tmp, 'kansoku.yml');
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
      await start();
      const base = kansoku?.base ?? '';
      if (await servesDashboards(base)) uiBase = base;
      else {
        // Until Kansoku routes `/dashboards/…` to the UI itself, a front server does.
        if (!(await servesUi(base))) uiFront = await startFrontServer(base);
        front = await startDashboardsFront(uiFront?.base ?? base);
        uiBase = front.base;
      }
      apiMissing = (await fetch(`${base}/api/kansoku/dashboards`)).status === 404;
      await mkdir(RESULTS, { recursive: true });
      const [b] = await Promise.all([launchBrowser(), waitForSelfScrape(base)]);
      browser = b;
      page = await b.context.newPage();
      page.on('console', (m) => {
        // Failed queries (HTTP 4xx answers) are shown inside their panels; Chromium also logs
        // them as "Failed to load resource", which is not a UI error.
        if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) {
          consoleErrors.push(m.text());
        }
      });
      page.on('pageerror', (e) => consoleErrors.push(e.message));
    },
    { timeout: 60_000 },
  );

  after(
    async () => {
      await browser?.close();
      await front?.close();
      await uiFront?.close();
      await kansoku?.stop();
      await removeTemp(tmp);
    },
    { timeout: 40_000 },
  );

  it('the dashboard API is served', () => {
    assert.equal(apiMissing, false, 'GET /api/kansoku/dashboards answered 404');
  });

  it('renders a dashboard with every panel type and variable kind', async () => {
    const created = (await api(kansoku?.base ?? '', 'POST', '/api/kansoku/dashboards', {
      dashboard: fixtureDashboard('Every panel'),
      message: 'created by the test',
    })) as { dashboard?: { uid?: string }; uid?: string };
    uid = created.dashboard?.uid ?? created.uid ?? '';
    assert.notEqual(uid, '');

    await page.goto(`${uiBase}/dashboards`);
    await page.getByRole('link', { name: 'Every panel', exact: true }).click();
    const shown = await settle(page);
    // Every type, the panel in the row, and the panel repeated for both shards.
    assert.equal(shown.length, FIXTURE_PANEL_TYPES.length + 3);
    assert.ok(shown.some((x) => x.title === 'Shard one'));
    assert.ok(shown.some((x) => x.title === 'Shard two'));
    for (const s of shown) assert.notEqual(s.shows, 'nothing', `${s.title} shows nothing`);
    const types = await page.evaluate<unknown>(
      "[...document.querySelectorAll('.kp-panel')].map((p) => p.getAttribute('data-panel-type'))",
    );
    assert.ok(Array.isArray(types));
    for (const t of FIXTURE_PANEL_TYPES) assert.ok(types.includes(t), `no ${t} panel`);

    // Variables: All for job, the saved custom value, the textbox default; URL carries them.
    const url = new URL(page.url());
    assert.equal(url.searchParams.get('var-job'), '$__all');
    assert.equal(url.searchParams.get('var-env'), 'dev');
    assert.equal(url.searchParams.get('var-note'), 'hello');
    assert.equal(url.searchParams.get('var-instance'), address);
    assert.ok(
      (await page.locator('[data-variable="metric"] option').allTextContents()).includes(
        'kansoku_http_requests_total',
      ),
    );
    assert.ok(
      (await page.locator('[data-variable="code"] option').allTextContents()).includes('200'),
    );
    await page.locator('[data-variable="env"] select').selectOption('staging');
    await page.waitForURL(/var-env=staging/);
    await page.screenshot({
      path: path.join(RESULTS, 'ui-dashboard-every-panel.png'),
      fullPage: true,
    });

    // Full-screen view of one panel, then back.
    await page.getByRole('button', { name: 'View timeseries on' }).click();
    await page.waitForURL(/viewPanel=1/);
    await page.locator('.db-fullscreen .db-panel[data-state="done"]').waitFor();
    await page.keyboard.press('Escape');
    await page.locator('.db-grid').waitFor();

    // A shared link with a time range and a variable opens that view.
    await page.goto(`${uiBase}/dashboards/d/${uid}?from=now-2m&to=now&var-env=prod&timezone=utc`);
    await page.locator('.db-range-button', { hasText: 'now-2m to now UTC' }).waitFor();
    await page
      .locator('[data-variable="env"] select option[value="prod"]')
      .waitFor({ state: 'attached' });
    await settle(page);
    assert.equal(await page.locator('[data-variable="env"] select').inputValue(), 'prod');
  });

  it('edits, saves and keeps the dashboard across reload and restart', async () => {
    await page.goto(`${uiBase}/dashboards/d/${uid}`);
    await settle(page);
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    await page.getByRole('button', { name: 'Add panel' }).click();
    const editor = page.getByRole('dialog', { name: 'Edit panel' });
    await editor.waitFor();
    await editor.getByLabel('Panel title').fill('Added in the UI');
    await editor.getByLabel('Panel type').selectOption('stat');
    await editor.locator('.query-editor .cm-content').click();
    await page.keyboard.type('count(up)');
    await page.keyboard.press('Escape');
    await editor.getByRole('button', { name: 'Run queries' }).click();
    await editor.locator('.kp-panel[data-panel-type="stat"]').waitFor();
    await editor.getByRole('button', { name: 'Apply' }).click();

    // Drag-and-resize: widen the stat panel by dragging its corner; its neighbours move.
    const stat = page.locator('.db-item', { hasText: 'stat on' }).first();
    const before = await stat.boundingBox();
    const handle = await stat.locator('.db-resize').boundingBox();
    assert.ok(before && handle);
    await page.mouse.move(handle.x + 5, handle.y + 5);
    await page.mouse.down();
    await page.mouse.move(handle.x + 200, handle.y + 60, { steps: 5 });
    await page.mouse.up();
    const after = await stat.boundingBox();
    assert.ok(after && after.width > before.width + 100, 'the panel did not grow');

    // Collapse the row, then save with a message.
    await page.locator('.db-row-toggle', { hasText: 'More' }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    const save = page.getByRole('dialog', { name: 'Save dashboard' });
    await save.getByRole('textbox').fill('added a stat panel');
    await save.getByRole('button', { name: 'Save' }).click();
    await save.waitFor({ state: 'detached' });
    await page.screenshot({ path: path.join(RESULTS, 'ui-dashboard-edit.png'), fullPage: true });

    await page.reload();
    await page.locator('.db-panel', { hasText: 'Added in the UI' }).waitFor();
    assert.equal(
      await page.locator('.db-row-toggle', { hasText: 'More' }).getAttribute('aria-expanded'),
      'false',
    );

    await kansoku?.stop();
    await start();
    await page.goto(`${uiBase}/dashboards/d/${uid}`);
    const shown = await settle(page);
    const added = shown.find((s) => s.title === 'Added in the UI');
    // The panel is still there; its data may be a message while the restarted server catches up.
    assert.ok(added && added.shows !== 'nothing', JSON.stringify(shown));
    await page.screenshot({
      path: path.join(RESULTS, 'ui-dashboard-after-restart.png'),
      fullPage: true,
    });

    // Version history: two versions, restoring the first brings the panel count back.
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    await page.getByRole('button', { name: 'Versions' }).click();
    const versions = page.getByRole('dialog', { name: 'Versions' });
    await versions.locator('tbody tr').nth(1).waitFor();
    page.once('dialog', (d) => void d.accept());
    await versions.getByRole('button', { name: 'Restore' }).first().click();
    await versions.waitFor({ state: 'detached' });
    await page.locator('.db-grid').waitFor();
    assert.equal(await page.locator('.db-panel', { hasText: 'Added in the UI' }).count(), 0);
  });

  it('imports every Grafana dashboard of the peer suites', async (t) => {
    const files = await grafanaFiles();
    if (files.length === 0) {
      t.skip(`no Grafana dashboards under ${GRAFANA_DIR} (set PEER_SUITES_DIR)`);
      return;
    }
    for (const [i, file] of files.entries()) {
      await page.goto(`${uiBase}/dashboards`);
      await page.getByRole('button', { name: 'Import' }).click();
      const dialog = page.getByRole('dialog', { name: 'Import dashboard' });
      // Upload the file (the first one is pasted instead, as a user would).
      if (i === 0) await dialog.getByLabel('Dashboard JSON').fill(await readFile(file, 'utf8'));
      else await dialog.getByLabel('Upload a JSON file').setInputFiles(file);
      await dialog.getByRole('button', { name: 'Check' }).waitFor();
      await dialog.getByRole('checkbox').check();
      await dialog.getByRole('button', { name: 'Check' }).click();
      await dialog.locator('.db-import-check').waitFor({ timeout: 10_000 });
      if (i === 0) await page.screenshot({ path: path.join(RESULTS, 'ui-dashboard-import.png') });
      await dialog.getByRole('button', { name: 'Import', exact: true }).click();
      await page.waitForURL(/\/dashboards\/d\//);
      const shown = await settle(page, 45_000);
      const name = path.basename(path.dirname(file)) + '-' + path.basename(file, '.json');
      await page.screenshot({
        path: path.join(RESULTS, `ui-dashboard-${name}.png`),
        fullPage: true,
      });
      assert.ok(shown.length > 0, `${name}: no panels`);
      for (const s of shown) {
        assert.notEqual(
          s.shows,
          'nothing',
          `${name}: panel "${s.title}" shows neither data nor a message`,
        );
      }
    }
  });

  it('duplicates, exports and deletes dashboards and makes folders from the list', async () => {
    await page.goto(`${uiBase}/dashboards`);
    const exportHref = await page
      .getByRole('link', { name: 'Export Every panel', exact: true })
      .getAttribute('href');
    assert.ok(exportHref !== null);
    const exported = (await (await fetch(`${uiBase}${exportHref}`)).json()) as Record<
      string,
      unknown
    >;
    const body = (exported['dashboard'] ?? exported['data'] ?? exported) as Record<string, unknown>;
    const inner = (body['dashboard'] ?? body) as Record<string, unknown>;
    assert.equal(inner['title'], 'Every panel');
    assert.ok(Array.isArray(inner['panels']));

    await page.getByRole('button', { name: 'Duplicate Every panel', exact: true }).click();
    const copy = page.getByRole('link', { name: 'Every panel (copy)', exact: true });
    await copy.waitFor();
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Delete Every panel (copy)', exact: true }).click();
    await copy.waitFor({ state: 'detached' });

    page.once('dialog', (d) => void d.accept('Team A'));
    await page.getByRole('button', { name: 'New folder' }).click();
    await page.locator('select[aria-label="Folder"] option', { hasText: 'Team A' }).waitFor({
      state: 'attached',
    });
    await page.getByPlaceholder('Search dashboards').fill('overview');
    await page.waitForURL(/query=overview/);
    await page.getByRole('link', { name: 'Alertmanager / Overview', exact: true }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'Every panel', exact: true }).count(), 0);
    await page.screenshot({ path: path.join(RESULTS, 'ui-dashboards-list.png') });
  });

  it('logged no console errors', () => {
    assert.deepEqual(consoleErrors, []);
  });
});
