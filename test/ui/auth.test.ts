/**
 * The sign-in flow and stored XSS in a real browser: hostile token names, share-link titles and
 * label values are created through the API and must render as inert text in the admin page and
 * the public share page; signing in and out works; an unauthenticated visit lands on sign-in.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
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
import { apiLogin, postJson } from './session.js';
import { BROWSER_SKIP, launchBrowser, servesUi, UI_DIST } from './browser.js';

const RESULTS = path.join(PROJECT_ROOT, 'test-results');
/** The pages come from the built UI, served by Kansoku itself (same origin as the API). */
const SKIP: string | false =
  BROWSER_SKIP ||
  (existsSync(path.join(UI_DIST, 'index.html'))
    ? false
    : 'the UI is not built (npm run build -w ui)');
const PASSWORD = 'browser admin pw';
const XSS_NAME = '<img src=x onerror="window.__xss=1">';
const XSS_TITLE = '<script>window.__xss=2</script>';
const XSS_LABEL = '<img src=y onerror=window.__xss=3>';

async function xssFired(page: Page): Promise<unknown> {
  return page.evaluate('window.__xss');
}

describe('sign-in and stored XSS in Chromium', { skip: SKIP, timeout: 90_000 }, () => {
  let tmp = '';
  let k: KansokuProcess | undefined;
  let browser: { context: BrowserContext; close: () => Promise<void> } | undefined;
  let shareUrl = '';

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
      const api = await apiLogin(k.base, PASSWORD);
      const w = (await postJson(k.base, api, '/api/kansoku/tokens', {
        name: XSS_NAME,
        scopes: ['write'],
      })) as { token: string };
      const push = await fetch(`${k.base}/api/v1/import/prometheus`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${w.token}` },
        body: `xss_metric{v=${JSON.stringify(XSS_LABEL)}} 7\n`,
      });
      assert.ok(push.status < 300, `push answered ${push.status}`);
      await postJson(k.base, api, '/api/kansoku/dashboards', {
        dashboard: {
          uid: 'xss',
          title: XSS_TITLE,
          panels: [
            { id: 1, type: 'timeseries', title: XSS_TITLE, targets: [{ expr: 'xss_metric' }] },
          ],
        },
      });
      const share = (await postJson(k.base, api, '/api/kansoku/shares', {
        target: {
          kind: 'panel',
          dashboard: 'xss',
          panel: '1',
          variables: {},
          queries: [],
          title: '',
        },
      })) as { path: string };
      shareUrl = `${k.base}${share.path}`;
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

  it('sends an unauthenticated visitor to sign-in, then back', async () => {
    const page = await (browser ?? assert.fail('no browser')).context.newPage();
    const base = k?.base ?? '';
    await page.goto(`${base}/targets`);
    await page.waitForURL(/\/login\?next=%2Ftargets/, { timeout: 10_000 });
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/targets`, { timeout: 10_000 });
    await page.locator('.user-menu .user-name', { hasText: 'admin' }).waitFor({ timeout: 10_000 });

    await page.goto(`${base}/admin`);
    const cell = page.locator('td.token-row-name').first();
    await cell.waitFor({ timeout: 10_000 });
    assert.equal(await cell.innerText(), XSS_NAME);
    assert.equal(await page.locator('img[src="x"]').count(), 0);
    assert.equal(await xssFired(page), undefined);
    await page.screenshot({ path: path.join(RESULTS, 'ui-auth-admin.png') });

    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForURL(/\/login/, { timeout: 10_000 });
    const status = await page.evaluate(async () => (await fetch('/api/v1/labels')).status);
    assert.equal(status, 401);
    await page.close();
  });

  it('renders a share link with hostile text inert, without signing in', async () => {
    const page = await (browser ?? assert.fail('no browser')).context.newPage();
    await page.goto(shareUrl);
    const title = page.locator('#shared-title');
    await title.waitFor({ timeout: 10_000 });
    assert.equal(await title.innerText(), XSS_TITLE);
    // The shared panel is drawn (title and legend): the hostile label value shows as text.
    const panelTitle = page.locator('.db-panel-title').first();
    await panelTitle.waitFor({ timeout: 10_000 });
    assert.equal(await panelTitle.innerText(), XSS_TITLE);
    const legend = page.locator('.kp-legend', { hasText: 'xss_metric' }).first();
    await legend.waitFor({ timeout: 10_000 });
    assert.match(await legend.innerText(), /onerror=window.__xss=3/);
    assert.equal(await page.locator('img[src="y"]').count(), 0);
    assert.equal(await page.locator('script', { hasText: '__xss' }).count(), 0);
    assert.equal(await xssFired(page), undefined);
    await page.screenshot({ path: path.join(RESULTS, 'ui-auth-share.png') });
    await page.close();
  });
});
