/**
 * Time zones, annotations, per-panel time overrides and public share links in Chromium against
 * a real Kansoku server with sign-in on: a dashboard in `America/New_York` labels its time axis
 * with New York's clock, a Prometheus annotation query draws a marker with hover text, a panel
 * with `timeShift` shows its override label, and a public link made in the Share dialog opens
 * signed out in a fresh browser and draws the panels with data, the annotation markers and no
 * navigation; after the dashboard is edited, the public page shows the edit (its layout comes
 * from the server, not from the link). Screenshots go to test-results/.
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
  waitFor200,
  type KansokuProcess,
} from '../integration/server-harness.js';
import { PROJECT_ROOT } from '../support/paths.js';
import { apiLogin, postJson, type ApiSession } from './session.js';
import { BROWSER_SKIP, launchBrowser, servesUi } from './browser.js';

const RESULTS = path.join(PROJECT_ROOT, 'test-results');
const PASSWORD = 'share test admin pw';
const UID = 'share-e2e';
const NY = 'America/New_York';

/** Samples over the last 50 minutes: a load series and a deploy marker 20 minutes ago. */
function samples(now: number): string {
  const lines: string[] = [];
  for (let i = 50; i >= 0; i--) {
    const t = now - i * 60_000;
    lines.push(`kz_load{job="api"} ${10 + Math.sin(i / 5) * 3} ${t}`);
    lines.push(`kz_deploy{job="api",version="1.2"} ${i >= 19 && i <= 21 ? 1 : 0} ${t}`);
  }
  return `${lines.join('\n')}\n`;
}

function dashboard(): Record<string, unknown> {
  return {
    uid: UID,
    title: 'Share e2e',
    timezone: NY,
    time: { from: 'now-1h', to: 'now' },
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          name: 'Annotations & Alerts',
        },
        {
          name: 'Deploys',
          datasource: { type: 'prometheus', uid: 'kansoku' },
          enable: true,
          expr: 'kz_deploy{job="$job"} > 0',
          step: '60s',
          titleFormat: 'deploy {{job}}',
          textFormat: 'version {{version}}',
          tagKeys: 'job',
          iconColor: 'purple',
        },
      ],
    },
    templating: {
      list: [
        {
          type: 'custom',
          name: 'job',
          query: 'api',
          current: { text: 'api', value: 'api' },
          options: [{ text: 'api', value: 'api', selected: true }],
        },
      ],
    },
    panels: [
      {
        id: 1,
        type: 'timeseries',
        title: 'Load of $job',
        gridPos: { x: 0, y: 0, w: 12, h: 9 },
        targets: [{ refId: 'A', expr: 'kz_load{job="$job"}', legendFormat: '{{job}}' }],
      },
      {
        id: 2,
        type: 'timeseries',
        title: 'Load 15 minutes earlier',
        timeShift: '15m',
        gridPos: { x: 12, y: 0, w: 12, h: 9 },
        targets: [{ refId: 'A', expr: 'kz_load{job="$job"}' }],
      },
    ],
  };
}

/** Collects console errors and page errors of a page. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

/** The hour of `ms` on New York's wall clock. */
function nyHour(ms: number): number {
  return Number(
    new Intl.DateTimeFormat('en-US', { timeZone: NY, hour: 'numeric', hourCycle: 'h23' }).format(
      ms,
    ),
  );
}

async function panelsDone(page: Page, count: number): Promise<void> {
  await page.waitForFunction(
    `(() => {
      const ps = [...document.querySelectorAll('.db-panel')];
      return ps.length === ${count} && ps.every((p) => p.getAttribute('data-state') === 'done');
    })()`,
    undefined,
    { timeout: 20_000 },
  );
}

describe(
  'dashboard time zones, annotations, overrides and public links in Chromium',
  { skip: BROWSER_SKIP, timeout: 120_000 },
  () => {
    let tmp = '';
    let k: KansokuProcess | undefined;
    let browser: { context: BrowserContext; close: () => Promise<void> } | undefined;
    let publicUrl = '';
    let panelUrl = '';
    let session: ApiSession | undefined;

    before(
      async () => {
        tmp = await makeTemp();
        const file = path.join(tmp, 'pw');
        await writeFile(file, PASSWORD);
        k = await startKansoku(path.join(tmp, 'data'), [
          '--auth.enabled',
          `--auth.admin-password-file=${file}`,
        ]);
        await waitFor200(`${k.base}/-/ready`);
        assert.ok(await servesUi(k.base), 'build the UI first: npm run build -w ui');
        const s = await apiLogin(k.base, PASSWORD);
        session = s;
        const w = (await postJson(k.base, s, '/api/kansoku/tokens', {
          name: 'writer',
          scopes: ['write'],
        })) as { token: string };
        const push = await fetch(`${k.base}/api/v1/import/prometheus`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${w.token}` },
          body: samples(Date.now()),
        });
        assert.ok(push.status < 300, `push answered ${push.status}: ${await push.text()}`);
        await postJson(k.base, s, '/api/kansoku/dashboards', { dashboard: dashboard() });
        await mkdir(RESULTS, { recursive: true });
        browser = await launchBrowser();
      },
      { timeout: 60_000 },
    );

    after(
      async () => {
        await browser?.close();
        await k?.stop();
        await removeTemp(tmp);
      },
      { timeout: 40_000 },
    );

    it('shows zone axes, annotation markers and overrides, and creates a public link', async () => {
      const page = await (browser ?? assert.fail('no browser')).context.newPage();
      const errors = watchErrors(page);
      const base = k?.base ?? '';
      await page.goto(`${base}/login?next=${encodeURIComponent(`/dashboards/d/${UID}`)}`);
      await page.getByLabel('User name').fill('admin');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(new RegExp(`/dashboards/d/${UID}`), { timeout: 10_000 });
      await panelsDone(page, 2);

      // The time picker names the zone; the time axis uses New York's clock.
      await page.locator('.db-zone', { hasText: 'America/New_York (UTC' }).waitFor();
      const chart = page.locator('[data-panel-id="1"] .kp-chart');
      await page
        .locator('[data-panel-id="1"] .kp-chart[data-x-ticks]')
        .waitFor({ timeout: 10_000 });
      const ticks = ((await chart.getAttribute('data-x-ticks')) ?? '').split('|');
      assert.ok(ticks.length >= 2, `ticks: ${ticks.join(', ')}`);
      const now = Date.now();
      const allowed = new Set([
        nyHour(now - 3_700_000),
        nyHour(now - 1_800_000),
        nyHour(now + 60_000),
      ]);
      for (const t of ticks) {
        const m = /(\d\d):(\d\d)$/.exec(t);
        assert.ok(m, `tick ${t} is a clock time`);
        assert.ok(
          allowed.has(Number(m[1])),
          `tick ${t} is on New York's clock (hours ${[...allowed].join(', ')})`,
        );
      }

      // The annotation query draws a marker; hovering shows its title and text.
      await page.getByRole('checkbox', { name: 'Deploys' }).waitFor();
      const marker = page.locator('[data-panel-id="1"] .kp-annotation-marker').first();
      await marker.waitFor({ timeout: 10_000 });
      await marker.hover();
      const tip = page.locator('.kp-annotation-tooltip');
      await tip.waitFor();
      assert.match(await tip.innerText(), /deploy api[\s\S]*version 1\.2/);
      await page.screenshot({ path: path.join(RESULTS, 'ui-dashboard-zone-annotations.png') });
      // Switching the annotation off removes the markers.
      await page.getByRole('checkbox', { name: 'Deploys' }).uncheck();
      await page.locator('.kp-annotation-marker').first().waitFor({ state: 'detached' });
      await page.getByRole('checkbox', { name: 'Deploys' }).check();

      // The shifted panel names its override.
      const info = page.locator('[data-panel-id="2"] .db-panel-timeinfo');
      assert.match(await info.innerText(), /timeshift -15m/);
      assert.equal(await page.locator('[data-panel-id="1"] .db-panel-timeinfo').count(), 0);

      // The Share dialog links the view and creates a public link.
      await page.getByRole('button', { name: 'Share' }).click();
      const dialog = page.getByRole('dialog', { name: 'Share' });
      const link = await dialog.getByLabel('Link', { exact: true }).inputValue();
      assert.match(
        link,
        new RegExp(
          `/dashboards/d/${UID}\\?from=now-1h&to=now&timezone=America%2FNew_York&var-job=api`,
        ),
      );
      await dialog.getByLabel('Expires').selectOption('1d');
      await dialog.getByRole('button', { name: 'Create public link' }).click();
      const pub = dialog.getByLabel('Public link');
      await pub.waitFor();
      publicUrl = await pub.inputValue();
      assert.match(publicUrl, /\/public\/ksh_[^#]+#l=[A-Za-z0-9_-]+$/);
      await dialog
        .getByRole('button', { name: /Revoke share link/ })
        .first()
        .waitFor();
      await page.screenshot({ path: path.join(RESULTS, 'ui-dashboard-share-dialog.png') });
      // A public link to one panel.
      await dialog
        .getByLabel('What to share')
        .selectOption({ label: 'Panel: Load 15 minutes earlier' });
      assert.match(await dialog.getByLabel('Link', { exact: true }).inputValue(), /viewPanel=2$/);
      await dialog.getByRole('button', { name: 'Create public link' }).click();
      await page.waitForFunction(
        `(document.querySelector('input[aria-label="Public link"]')?.value ?? '') !== ''`,
        undefined,
        { timeout: 10_000 },
      );
      panelUrl = await dialog.getByLabel('Public link').inputValue();
      assert.notEqual(panelUrl, publicUrl);
      await dialog.getByRole('button', { name: 'Close' }).click();

      // The settings list the annotation queries and show the dashboard's zone.
      await page.getByRole('button', { name: 'Edit', exact: true }).click();
      await page.getByRole('button', { name: 'Settings', exact: true }).click();
      const settings = page.locator('.db-annotations-editor');
      await settings.locator('legend', { hasText: 'Deploys' }).waitFor();
      assert.equal(
        await settings.getByLabel('Query').first().inputValue(),
        'kz_deploy{job="$job"} > 0',
      );
      assert.equal(await page.locator('.db-modal').getByLabel('Time zone').inputValue(), NY);
      await page.locator('.db-modal').getByRole('button', { name: 'Cancel' }).click();

      // Explore keeps its time zone in the URL and labels its axis with that zone's clock.
      await page.goto(`${base}/explore?q=kz_load&range=1h&tab=graph&tz=Asia%2FTokyo`);
      const graph = page.locator('.graph[data-x-ticks]');
      await graph.waitFor({ timeout: 10_000 });
      assert.equal(await page.getByLabel('Time zone').inputValue(), 'Asia/Tokyo');
      const tokyo = new Intl.DateTimeFormat('en-US', {
        timeZone: 'Asia/Tokyo',
        hour: 'numeric',
        hourCycle: 'h23',
      });
      const hours = new Set(
        [-3_700_000, -1_800_000, 60_000].map((d) => Number(tokyo.format(Date.now() + d))),
      );
      for (const t of ((await graph.getAttribute('data-x-ticks')) ?? '').split('|')) {
        const m = /(\d\d):\d\d$/.exec(t);
        assert.ok(m && hours.has(Number(m[1])), `Explore tick ${t} is on Tokyo's clock`);
      }
      await page.getByLabel('Time zone').selectOption('utc');
      await page.waitForURL(/tz=utc/);
      assert.deepEqual(errors, []);
      await page.close();
    });

    it('opens the public link signed out in a fresh browser and draws the panels', async () => {
      assert.ok(publicUrl !== '', 'the previous test made a link');
      const fresh = await launchBrowser();
      try {
        const page = await fresh.context.newPage();
        const errors = watchErrors(page);
        await page.goto(publicUrl);
        await page.locator('#shared-title', { hasText: 'Share e2e' }).waitFor({ timeout: 10_000 });
        await panelsDone(page, 2);
        for (const id of [1, 2]) {
          const panel = page.locator(`[data-panel-id="${id}"]`);
          assert.equal(
            (await panel.locator('.kp-panel[data-panel-type="timeseries"] canvas').count()) > 0,
            true,
          );
          assert.equal(await panel.locator('.kp-message').count(), 0);
        }
        assert.match(await page.locator('[data-panel-id="1"] h2').innerText(), /Load of api/);
        assert.match(
          await page.locator('[data-panel-id="2"] .db-panel-timeinfo').innerText(),
          /timeshift -15m/,
        );
        await page.locator('.db-zone', { hasText: 'America/New_York' }).waitFor();
        await page.locator('.db-var-fixed', { hasText: 'api' }).waitFor();
        assert.equal(await page.getByRole('button', { name: /^Edit / }).count(), 0);
        // The dashboard's annotation query draws its markers; no top navigation.
        await page.getByRole('checkbox', { name: 'Deploys' }).waitFor();
        await page
          .locator('[data-panel-id="1"] .kp-annotation-marker')
          .first()
          .waitFor({ timeout: 10_000 });
        assert.equal(await page.locator('.topbar').count(), 0);
        assert.equal(await page.getByRole('navigation', { name: 'Main' }).count(), 0);
        await page.screenshot({ path: path.join(RESULTS, 'ui-public-dashboard.png') });
        assert.deepEqual(errors, []);
        await page.close();

        // A shared panel renders alone.
        const one = await fresh.context.newPage();
        const oneErrors = watchErrors(one);
        await one.goto(panelUrl);
        await one.locator('#shared-title', { hasText: 'Load 15 minutes earlier' }).waitFor();
        await panelsDone(one, 1);
        assert.equal(await one.locator('[data-panel-id="1"]').count(), 0);
        assert.equal((await one.locator('[data-panel-id="2"] .kp-panel canvas').count()) > 0, true);
        await one.screenshot({ path: path.join(RESULTS, 'ui-public-panel.png') });
        assert.deepEqual(oneErrors, []);
        await one.close();
      } finally {
        await fresh.close();
      }
    });

    it('shows an edit of the dashboard on the public page', async () => {
      assert.ok(publicUrl !== '' && session, 'the first test made a link');
      const base = k?.base ?? '';
      const s = session;
      const cur = await fetch(`${base}/api/kansoku/dashboards/${UID}`, {
        headers: { Cookie: s.cookie },
      });
      const d = ((await cur.json()) as { data: { dashboard: Record<string, unknown> } }).data
        .dashboard;
      const panels = (d['panels'] as Record<string, unknown>[]).map((p) =>
        p['id'] === 1 ? { ...p, title: 'Renamed load of $job' } : p,
      );
      const put = await fetch(`${base}/api/kansoku/dashboards/${UID}`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json', Cookie: s.cookie, 'X-CSRF-Token': s.csrf },
        body: JSON.stringify({ dashboard: { ...d, title: 'Share e2e edited', panels } }),
      });
      assert.equal(put.status, 200, await put.text());
      const fresh = await launchBrowser();
      try {
        // The link as made in the dialog (with its old #l= layout) and as the API makes it.
        for (const url of [publicUrl, publicUrl.replace(/#.*$/, '')]) {
          const page = await fresh.context.newPage();
          const errors = watchErrors(page);
          await page.goto(url);
          await page
            .locator('#shared-title', { hasText: 'Share e2e edited' })
            .waitFor({ timeout: 10_000 });
          await panelsDone(page, 2);
          assert.match(
            await page.locator('[data-panel-id="1"] h2').innerText(),
            /Renamed load of api/,
          );
          await page
            .locator('[data-panel-id="1"] .kp-annotation-marker')
            .first()
            .waitFor({ timeout: 10_000 });
          assert.equal(await page.locator('.topbar').count(), 0);
          await page.screenshot({ path: path.join(RESULTS, 'ui-public-dashboard-edited.png') });
          assert.deepEqual(errors, []);
          await page.close();
        }
      } finally {
        await fresh.close();
      }
    });
  },
);
