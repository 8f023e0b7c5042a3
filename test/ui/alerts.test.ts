/**
 * The Alerts pages: pure logic (grouping, silence drafts, timelines) in Node, and end to end in
 * Chromium against a real server whose rule fires at once: the alert shows, a silence is created
 * from it with its labels prefilled, the silence is listed and the alert shows as silenced; the
 * rules and history pages show the rule and its timeline. Screenshots go to test-results/.
 */
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import {
  buildTimelines,
  draftProblem,
  externalAlertGroups,
  formatMatcher,
  groupActiveAlerts,
  matchersFromLabels,
  silenceBody,
  silenceMatches,
  type RuleGroupInfo,
} from '../../ui/src/alerts/model.js';
import {
  makeTemp,
  removeTemp,
  startKansoku,
  type KansokuProcess,
} from '../integration/server-harness.js';
import { PROJECT_ROOT } from '../support/paths.js';
import { BROWSER_SKIP, freePort, launchBrowser, servesUi, startFrontServer } from './browser.js';

const RESULTS = path.join(PROJECT_ROOT, 'test-results');

/**
 * Opens a UI path: directly when the server answers it with the UI, otherwise (the server does
 * not know the client route yet) through the app's own client-side navigation from `/explore`.
 */
async function openPath(page: Page, base: string, p: string): Promise<void> {
  const res = await fetch(`${base}${p}`);
  const text = await res.text();
  if (res.ok && text.includes('<div id="root">')) {
    await page.goto(`${base}${p}`);
    return;
  }
  if (!page.url().startsWith(base)) {
    await page.goto(`${base}/explore`);
    await page.locator('nav a', { hasText: 'Alerts' }).first().waitFor();
  }
  await page.evaluate(
    `window.history.pushState(null, '', ${JSON.stringify(p)});` +
      `window.dispatchEvent(new PopStateEvent('popstate'));`,
  );
}

describe('alerts page model', () => {
  const rule = (
    name: string,
    states: ('firing' | 'pending' | 'inactive')[],
  ): RuleGroupInfo['rules'][number] => ({
    type: 'alerting',
    name,
    query: 'x',
    health: 'ok',
    lastError: '',
    lastEvaluation: '',
    evaluationTime: 0,
    labels: {},
    state: states.includes('firing')
      ? 'firing'
      : states.includes('pending')
        ? 'pending'
        : 'inactive',
    duration: 0,
    annotations: {},
    alerts: states.map((state, i) => ({
      labels: { alertname: name, i: String(i) },
      annotations: {},
      state,
      activeAt: `2024-01-01T00:00:0${i}Z`,
      value: '1',
    })),
  });
  it('groups alerts by rule, firing first', () => {
    const groups: RuleGroupInfo[] = [
      {
        name: 'g',
        file: 'f',
        interval: 60,
        evaluationTime: 0,
        lastEvaluation: '',
        rules: [rule('P', ['pending']), rule('F', ['pending', 'firing']), rule('Q', [])],
      },
    ];
    const out = groupActiveAlerts(groups);
    assert.deepEqual(
      out.map((g) => [g.rule, g.state, g.alerts.map((a) => a.state)]),
      [
        ['F', 'firing', ['firing', 'pending']],
        ['P', 'pending', ['pending']],
      ],
    );
  });
  it('lists alerts no local rule produced', () => {
    const groups: RuleGroupInfo[] = [
      {
        name: 'g',
        file: 'f',
        interval: 60,
        evaluationTime: 0,
        lastEvaluation: '',
        rules: [rule('F', ['firing'])],
      },
    ];
    const am = (
      labels: Record<string, string>,
    ): Parameters<typeof externalAlertGroups>[1][number] => ({
      labels,
      annotations: {},
      startsAt: '2024-01-01T00:00:00Z',
      fingerprint: 'x',
      state: 'active',
      silencedBy: [],
      inhibitedBy: [],
    });
    const out = externalAlertGroups(groups, [
      am({ alertname: 'F', i: '0' }),
      am({ alertname: 'Remote', job: 'b' }),
      am({ alertname: 'Remote', job: 'a' }),
    ]);
    assert.deepEqual(
      out.map((g) => [g.rule, g.alerts.map((a) => a.labels['job'])]),
      [['Remote', ['a', 'b']]],
    );
  });
  it('prefills matchers from labels and builds the silence body', () => {
    const ms = matchersFromLabels({ severity: 'page', alertname: 'Down', instance: 'a' });
    assert.deepEqual(ms.map(formatMatcher), [
      'alertname="Down"',
      'instance="a"',
      'severity="page"',
    ]);
    assert.equal(silenceMatches(ms, { alertname: 'Down', instance: 'a', severity: 'page' }), true);
    assert.equal(silenceMatches(ms, { alertname: 'Down', instance: 'b', severity: 'page' }), false);
    const draft = {
      id: '',
      matchers: ms,
      startsAtMs: 1000,
      endsAtMs: 5000,
      createdBy: 'me',
      comment: 'maintenance',
      recurrence: { weekdays: ['saturday'], times: [{ start_time: '02:00', end_time: '04:00' }] },
    };
    assert.equal(draftProblem(draft, 2000), undefined);
    assert.match(draftProblem({ ...draft, comment: ' ' }, 2000) ?? '', /comment/);
    assert.match(draftProblem({ ...draft, endsAtMs: 1500 }, 2000) ?? '', /future/);
    assert.match(
      draftProblem(
        { ...draft, matchers: [{ name: 'a', value: '.*', isRegex: true, isEqual: true }] },
        0,
      ) ?? '',
      /empty/,
    );
    assert.match(
      draftProblem(
        { ...draft, recurrence: { times: [{ start_time: '22:00', end_time: '06:00' }] } },
        0,
      ) ?? '',
      /midnight/,
    );
    const body = silenceBody(draft);
    assert.equal(body['startsAt'], '1970-01-01T00:00:01.000Z');
    assert.deepEqual(body['recurrence'], draft.recurrence);
    assert.equal('id' in body, false);
  });
  it('builds timelines from history events', () => {
    const l = { alertname: 'A' };
    const ev = (t: number, event: string): Parameters<typeof buildTimelines>[0][number] => ({
      timestamp: t,
      event,
      labels: l,
      fingerprint: 'fp',
      receiver: '',
      detail: '',
    });
    const [tl] = buildTimelines(
      [
        ev(5, 'pending'),
        ev(10, 'firing'),
        ev(12, 'notified'),
        ev(20, 'resolved'),
        ev(30, 'firing'),
      ],
      0,
      40_000,
    );
    assert.ok(tl);
    assert.deepEqual(
      tl.segments.map((s) => [s.state, s.fromMs, s.toMs]),
      [
        ['pending', 5000, 10_000],
        ['firing', 10_000, 20_000],
        ['firing', 30_000, 40_000],
      ],
    );
    assert.deepEqual(tl.marks, [{ event: 'notified', tMs: 12_000 }]);
  });
});

describe('alerts UI in Chromium', { skip: BROWSER_SKIP, timeout: 90_000 }, () => {
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
      const config = path.join(tmp, 'kansoku.yml');
      await writeFile(
        path.join(tmp, 'rules.yml'),
        [
          'groups:',
          '  - name: ui-test',
          '    interval: 1s',
          '    rules:',
          '      - alert: DiskAlmostFull',
          '        expr: vector(93)',
          '        labels: {severity: warning, instance: "pi-1:9100"}',
          '        annotations:',
          '          summary: "Disk on pi-1 is {{ $value }}% full"',
          '      - record: ui:one',
          '        expr: vector(1)',
          '',
        ].join('\n'),
      );
      await writeFile(
        config,
        ['global:', '  evaluation_interval: 1s', 'rule_files: [rules.yml]', ''].join('\n'),
      );
      kansoku = await startKansoku(path.join(tmp, 'data'), [
        `--web.listen-address=127.0.0.1:${port}`,
        `--config.file=${config}`,
      ]);
      if (await servesUi(kansoku.base)) uiBase = kansoku.base;
      else {
        front = await startFrontServer(kansoku.base);
        uiBase = front.base;
      }
      await mkdir(RESULTS, { recursive: true });
      browser = await launchBrowser();
      page = await browser.context.newPage();
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

  it('shows the firing alert, silences it from the alert and lists the silence', async () => {
    // An alert another Prometheus server posts shows too.
    const posted = await fetch(`${kansoku?.base ?? ''}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        {
          labels: { alertname: 'RemoteBackupFailed', job: 'backup' },
          annotations: { summary: 'from elsewhere' },
        },
      ]),
    });
    assert.equal(posted.status, 200);
    await openPath(page, uiBase, '/alerts');
    await page
      .locator('section[aria-label="Alert RemoteBackupFailed"]')
      .getByText('from elsewhere')
      .waitFor({ timeout: 15_000 });
    const group = page.locator('section[aria-label="Alert DiskAlmostFull"]');
    await group.waitFor({ timeout: 15_000 });
    await group.locator('.badge', { hasText: 'firing' }).first().waitFor();
    await group.getByText('Disk on pi-1 is 93% full').waitFor();
    await group.getByText('instance="pi-1:9100"').waitFor();
    await page.screenshot({ path: path.join(RESULTS, 'ui-alerts-firing.png'), fullPage: true });

    await group.getByRole('link', { name: /^Silence / }).click();
    await page.waitForURL(/\/alerts\/silences\/new\?labels=/);
    const names = await page
      .locator('.matcher-row input[placeholder="label"]')
      .evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value));
    assert.deepEqual(names, ['alertname', 'instance', 'severity']);
    const values = await page
      .locator('.matcher-row input[placeholder="value"]')
      .evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value));
    assert.deepEqual(values, ['DiskAlmostFull', 'pi-1:9100', 'warning']);
    await page.getByText('Matches 1 current alert.').waitFor({ timeout: 10_000 });
    await page.getByLabel('Created by').fill('ui-test');
    await page.getByLabel('Comment').fill('replacing the disk');
    await page.screenshot({
      path: path.join(RESULTS, 'ui-alerts-silence-form.png'),
      fullPage: true,
    });
    await page.getByRole('button', { name: 'Create silence' }).click();

    await page.waitForURL(/\/alerts\/silences$/);
    const row = page.locator('table.silences tbody tr', { hasText: 'replacing the disk' });
    await row.waitFor({ timeout: 10_000 });
    await row.getByText('alertname="DiskAlmostFull"').waitFor();
    await row.locator('.badge', { hasText: 'active' }).waitFor();
    await page.screenshot({ path: path.join(RESULTS, 'ui-alerts-silences.png'), fullPage: true });

    // The server has the silence, and the alert now shows as silenced.
    const res = await fetch(`${kansoku?.base ?? ''}/api/v2/silences`);
    const silences = (await res.json()) as { comment: string; createdBy: string }[];
    assert.equal(silences.length, 1);
    assert.equal(silences[0]?.createdBy, 'ui-test');
    await page
      .getByRole('navigation', { name: 'Alerts sections' })
      .getByRole('link', { name: 'Alerts', exact: true })
      .click();
    await page
      .locator('section[aria-label="Alert DiskAlmostFull"] .badge', { hasText: 'silenced' })
      .waitFor({ timeout: 10_000 });
  });

  it('edits the silence into a recurring one and expires it', async () => {
    await openPath(page, uiBase, '/alerts/silences');
    const row = page.locator('table.silences tbody tr', { hasText: 'replacing the disk' });
    await row.getByRole('link', { name: 'Edit' }).click();
    await page.waitForURL(/\/alerts\/silences\/[^/]+\/edit$/);
    const comment = page.getByLabel('Comment');
    await comment.waitFor();
    await page.waitForFunction(
      "document.querySelector('.silence-form textarea')?.value === 'replacing the disk'",
    );
    await page.getByRole('checkbox', { name: /Recurring/ }).check();
    await page.getByRole('checkbox', { name: 'sat' }).check();
    await page.getByRole('checkbox', { name: 'sun' }).check();
    await page.getByLabel('From (time of day)').fill('02:00');
    await page.getByLabel('To', { exact: true }).fill('04:00');
    await page.getByLabel('Time zone').fill('UTC');
    await comment.fill('weekend disk checks');
    await page.getByRole('button', { name: 'Save silence' }).click();
    await page.waitForURL(/\/alerts\/silences$/);
    const recurring = page.locator('table.silences tbody tr', { hasText: 'weekend disk checks' });
    await recurring.getByText('Sat, Sun 02:00–04:00 (UTC)').waitFor({ timeout: 10_000 });
    await page.screenshot({ path: path.join(RESULTS, 'ui-alerts-recurring.png'), fullPage: true });
    const api = (await (await fetch(`${kansoku?.base ?? ''}/api/v2/silences`)).json()) as {
      comment: string;
      status: { state: string };
      recurrence?: { weekdays: string[] };
    }[];
    const saved = api.find((x) => x.comment === 'weekend disk checks');
    assert.deepEqual(saved?.recurrence?.weekdays, ['saturday', 'sunday']);

    page.once('dialog', (d) => {
      void d.accept();
    });
    await recurring.getByRole('button', { name: 'Expire' }).click();
    await page.getByRole('status').getByText('Silence expired.').waitFor({ timeout: 10_000 });
    await recurring.waitFor({ state: 'detached', timeout: 10_000 });
    await page.getByLabel('Show expired').check();
    await page
      .locator('table.silences tbody tr', { hasText: 'weekend disk checks' })
      .locator('.badge', { hasText: 'expired' })
      .waitFor({ timeout: 10_000 });
  });

  it('shows rules with state and health, and the history timeline', async () => {
    await openPath(page, uiBase, '/alerts/rules');
    const grp = page.locator('section[aria-label="Rule group ui-test"]');
    await grp.waitFor({ timeout: 10_000 });
    await grp
      .locator('tr', { hasText: 'DiskAlmostFull' })
      .locator('.badge', { hasText: 'firing' })
      .waitFor();
    await grp
      .locator('tr', { hasText: 'ui:one' })
      .locator('.badge', { hasText: 'recording' })
      .waitFor();
    await grp.locator('tr', { hasText: 'ui:one' }).locator('.badge', { hasText: 'ok' }).waitFor();
    await page.screenshot({ path: path.join(RESULTS, 'ui-alerts-rules.png'), fullPage: true });

    await openPath(page, uiBase, '/alerts/history?range=1h');
    await page
      .locator('.timeline-track[aria-label^="Timeline of DiskAlmostFull"] .seg-firing')
      .waitFor({
        timeout: 10_000,
      });
    await page.locator('table.data tbody tr', { hasText: 'firing' }).first().waitFor();
    await page.screenshot({ path: path.join(RESULTS, 'ui-alerts-history.png'), fullPage: true });
    assert.deepEqual(consoleErrors, []);
  });
});
