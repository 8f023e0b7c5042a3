/**
 * Dashboard annotations, per-panel time overrides, share links and the public page's panels:
 * the pure mapping the dashboard view and the public share page use.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  alertAnnotationEvents,
  annotationDefs,
  eventsInRange,
  promAnnotationEvents,
} from '../../ui/src/dashboards/annotations.js';
import { emptyDashboard } from '../../ui/src/dashboards/model.js';
import { fallbackPanels, publicPanels } from '../../ui/src/dashboards/publicview.js';
import {
  dashboardLink,
  decodeLayout,
  encodeLayout,
  sharedLayout,
  shareVariables,
} from '../../ui/src/dashboards/shareurl.js';
import { describeTextRange, panelTime } from '../../ui/src/dashboards/timeoverride.js';

const M = 60_000;
const H = 60 * M;

const LIST = {
  list: [
    {
      builtIn: 1,
      datasource: { type: 'grafana', uid: '-- Grafana --' },
      enable: true,
      hide: true,
      name: 'Annotations & Alerts',
      iconColor: 'rgba(0, 211, 255, 1)',
    },
    {
      name: 'deploys',
      datasource: { type: 'prometheus', uid: 'kansoku' },
      enable: true,
      expr: 'changes(build_info[5m]) > 0',
      step: '30s',
      titleFormat: 'deploy {{job}}',
      textFormat: 'version {{version}}',
      tagKeys: 'job, env',
      iconColor: 'purple',
    },
    {
      name: 'restarts',
      datasource: 'prometheus',
      enable: false,
      expr: 'x',
      step: 120,
      useValueForTime: true,
    },
    { name: 'loki', datasource: { type: 'loki', uid: 'l' }, enable: true },
    'junk',
  ],
};

describe('annotation definitions', () => {
  it('reads the built-in, Prometheus and unsupported entries', () => {
    const defs = annotationDefs(LIST);
    assert.deepEqual(
      defs.map((d) => [d.index, d.name, d.kind, d.enable, d.hide, d.stepMs]),
      [
        [0, 'Annotations & Alerts', 'alerts', true, true, 60_000],
        [1, 'deploys', 'prometheus', true, false, 30_000],
        [2, 'restarts', 'prometheus', false, false, 120_000],
        [3, 'loki', 'unsupported', true, false, 60_000],
      ],
    );
    assert.deepEqual(defs[1]?.tagKeys, ['job', 'env']);
    assert.equal(defs[2]?.useValueForTime, true);
    assert.deepEqual(annotationDefs(undefined), []);
  });
});

describe('Prometheus annotation events', () => {
  const [, deploys, restarts] = annotationDefs(LIST);
  const def = deploys ?? assert.fail('no def');
  it('joins active samples at most one step apart into regions, with formats and tags', () => {
    const t0 = Date.UTC(2024, 0, 1);
    const ts = [0, 1, 2, 3, 4, 5, 6].map((i) => t0 + i * 30_000);
    const ev = promAnnotationEvents(def, [
      {
        labels: { job: 'api', env: 'prod', version: '1.2' },
        timestamps: ts,
        values: Float64Array.of(0, 1, 1, 0, 0, 2, NaN),
      },
    ]);
    assert.deepEqual(
      ev.map((e) => [e.time - t0, e.timeEnd - t0, e.title, e.text, e.tags.join(','), e.color]),
      [
        [30_000, 60_000, 'deploy api', 'version 1.2', 'api,prod', 'purple'],
        [150_000, 150_000, 'deploy api', 'version 1.2', 'api,prod', 'purple'],
      ],
    );
  });
  it('reads sample values as event times with useValueForTime', () => {
    const r = restarts ?? assert.fail('no def');
    const ev = promAnnotationEvents(r, [
      { labels: {}, timestamps: [1, 2, 3], values: Float64Array.of(5 * H, 5 * H + 60_000, 9 * H) },
    ]);
    assert.deepEqual(
      ev.map((e) => [e.time, e.timeEnd]),
      [
        [5 * H, 5 * H + 60_000],
        [9 * H, 9 * H],
      ],
    );
  });
  it('filters events by range, regions overlapping count', () => {
    const ev = [
      { source: 'a', color: 'red', time: 10, timeEnd: 50, title: '', text: '', tags: [] },
      { source: 'a', color: 'red', time: 70, timeEnd: 70, title: '', text: '', tags: [] },
    ];
    assert.equal(eventsInRange(ev, { from: 40, to: 60 }).length, 1);
    assert.equal(eventsInRange(ev, { from: 0, to: 100 }).length, 2);
  });
});

describe('alert history annotations', () => {
  const def = annotationDefs(LIST)[0] ?? assert.fail('no def');
  it('makes firing regions, pending points and still-firing regions to the range end', () => {
    const s = Date.UTC(2024, 0, 1) / 1000;
    const a = { alertname: 'HighLoad', instance: 'x' };
    const ev = alertAnnotationEvents(
      def,
      [
        { timestamp: s + 120, event: 'firing', labels: a, fingerprint: 'f1' },
        { timestamp: s + 60, event: 'pending', labels: a, fingerprint: 'f1' },
        { timestamp: s + 300, event: 'resolved', labels: a, fingerprint: 'f1' },
        { timestamp: s + 400, event: 'notified', labels: a, fingerprint: 'f1' },
        { timestamp: s + 500, event: 'firing', labels: { alertname: 'Down' }, fingerprint: 'f2' },
      ],
      { from: s * 1000, to: (s + 900) * 1000 },
    );
    assert.deepEqual(
      ev.map((e) => [e.time / 1000 - s, e.timeEnd / 1000 - s, e.title, e.text]),
      [
        [60, 60, 'HighLoad pending', 'instance=x'],
        [120, 300, 'HighLoad firing', 'instance=x'],
        [500, 900, 'Down firing', ''],
      ],
    );
  });
});

describe('per-panel time overrides', () => {
  const NOW = Date.UTC(2024, 5, 10, 12, 0);
  const dash = { from: NOW - 6 * H, to: NOW };
  it('describes relative ranges like Grafana', () => {
    assert.deepEqual(describeTextRange('2h'), {
      from: 'now-2h',
      to: 'now',
      display: 'Last 2 hours',
    });
    assert.deepEqual(describeTextRange('1d'), { from: 'now-1d', to: 'now', display: 'Last 1 day' });
    assert.deepEqual(describeTextRange('+30m'), {
      from: 'now',
      to: 'now+30m',
      display: 'Next 30 minutes',
    });
    assert.equal(describeTextRange('now/d')?.display, 'now/d to now');
    assert.equal(describeTextRange('soon'), undefined);
  });
  it('replaces a relative range with timeFrom', () => {
    const t = panelTime({ timeFrom: '2h' }, dash, 'now-6h', NOW, 'utc');
    assert.deepEqual(t.range, { from: NOW - 2 * H, to: NOW });
    assert.equal(t.info, 'Last 2 hours');
    assert.equal(t.overridden, true);
  });
  it('keeps an absolute dashboard range with timeFrom, as Grafana does', () => {
    const t = panelTime({ timeFrom: '2h' }, dash, String(dash.from), NOW, 'utc');
    assert.deepEqual(t.range, dash);
    assert.equal(t.overridden, false);
  });
  it('shifts the range back with timeShift, also after timeFrom and with rounding', () => {
    const a = panelTime({ timeShift: '1d' }, dash, 'now-6h', NOW, 'utc');
    assert.deepEqual(a.range, { from: dash.from - 24 * H, to: NOW - 24 * H });
    assert.equal(a.info, 'timeshift -1d');
    const b = panelTime({ timeFrom: '1h', timeShift: '1h' }, dash, 'now-6h', NOW, 'utc');
    assert.deepEqual(b.range, { from: NOW - 2 * H, to: NOW - H });
    assert.equal(b.info, 'Last 1 hour timeshift -1h');
    const c = panelTime({ timeShift: '1d/d' }, dash, 'now-6h', NOW, 'utc');
    assert.deepEqual(c.range, { from: Date.UTC(2024, 5, 9), to: Date.UTC(2024, 5, 10) - 1 });
  });
  it('hides the label with hideTimeOverride and interpolates variables', () => {
    const t = panelTime(
      { timeShift: '$shift', hideTimeOverride: true },
      dash,
      'now-6h',
      NOW,
      'utc',
      new Map([['shift', { values: ['2h'] }]]),
    );
    assert.deepEqual(t.range, { from: dash.from - 2 * H, to: NOW - 2 * H });
    assert.equal(t.info, '');
  });
  it('reports invalid overrides', () => {
    assert.equal(
      panelTime({ timeFrom: 'soon' }, dash, 'now-6h', NOW, 'utc').info,
      'invalid time override',
    );
    assert.equal(
      panelTime({ timeShift: 'x' }, dash, 'now-6h', NOW, 'utc').info,
      'invalid timeshift',
    );
  });
});

describe('share links', () => {
  const state = {
    raw: { from: 'now-1h', to: 'now' },
    resolved: { from: 1_000_000, to: 4_600_000 },
    timezone: 'Europe/Berlin',
    vars: { job: ['api', 'db'] },
    lockTime: false,
  };
  it('links the dashboard with time range, zone and variables', () => {
    assert.equal(
      dashboardLink('http://k', 'abc', state),
      'http://k/dashboards/d/abc?from=now-1h&to=now&timezone=Europe%2FBerlin&var-job=api&var-job=db',
    );
  });
  it('locks the range and links one panel', () => {
    assert.equal(
      dashboardLink('http://k', 'a b', {
        ...state,
        timezone: 'browser',
        lockTime: true,
        viewPanel: 4,
        vars: {},
      }),
      'http://k/dashboards/d/a%20b?from=1000000&to=4600000&viewPanel=4',
    );
  });
  it('fixes variable values as the dashboard queries use them', () => {
    const vars = [
      { type: 'query', name: 'job' },
      { type: 'custom', name: 'env' },
      { type: 'constant', name: 'c' },
    ];
    const scope = new Map([
      ['job', { values: ['api', 'db.1'], multi: true }],
      ['env', { values: ["pr'od"] }],
      ['c', { values: ['x'] }],
    ]);
    assert.deepEqual(shareVariables(vars, scope), { job: '(api|db\\\\.1)', env: "pr'od" });
  });
  it('round-trips a dashboard layout through a link fragment', async () => {
    const d = {
      ...emptyDashboard(),
      title: 'Ops',
      timezone: 'America/New_York',
      templating: { list: [{ type: 'query', name: 'job', label: 'Job' }] },
      panels: [
        {
          id: 1,
          type: 'timeseries',
          title: 'A',
          gridPos: { x: 0, y: 0, w: 12, h: 8 },
          targets: [{ refId: 'A', expr: 'up{job="$job"}' }],
          timeShift: '1h',
          secret: 'dropped',
        },
        {
          id: 2,
          type: 'row',
          title: 'R',
          collapsed: true,
          panels: [{ id: 3, type: 'stat', title: 'S' }],
        },
      ],
    };
    const layout = sharedLayout(d);
    const frag = await encodeLayout(layout);
    assert.match(frag, /^l=[A-Za-z0-9_-]+$/);
    const back = await decodeLayout(`#${frag}`);
    assert.deepEqual(back, layout);
    assert.equal(back.panels[0]?.['secret'], undefined);
    assert.equal(back.panels[0]?.['timeShift'], '1h');
    assert.deepEqual(back.labels, { job: 'Job' });
    assert.equal(await decodeLayout('#l=!!'), undefined);
    assert.equal(await decodeLayout(''), undefined);
    const one = sharedLayout(d, 3);
    assert.equal(one.title, 'S');
    assert.deepEqual(
      one.panels.map((p) => [p.id, p.gridPos?.w]),
      [[3, 24]],
    );
  });
  it('gives the public page panels with the link’s values and expanded rows', () => {
    const p = publicPanels(
      [
        {
          id: 1,
          type: 'timeseries',
          targets: [{ expr: 'rate(x{job=~"$job"}[$__rate_interval])' }],
        },
        {
          id: 2,
          type: 'row',
          collapsed: true,
          panels: [{ id: 3, type: 'stat', targets: [{ expr: '${job}' }] }],
        },
      ],
      { job: '(a|b\\\\.c)' },
    );
    assert.deepEqual(
      p.map((x) => [x.id, x.targets?.[0]?.expr, x.collapsed]),
      [
        [1, 'rate(x{job=~"(a|b\\\\.c)"}[$__rate_interval])', undefined],
        [2, undefined, false],
        [3, '(a|b\\\\.c)', undefined],
      ],
    );
    assert.deepEqual(
      fallbackPanels(['up', 'x']).map((x) => [x.title, x.gridPos?.x]),
      [
        ['up', 0],
        ['x', 12],
      ],
    );
  });
});
