import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DashboardService } from '../../dashboards/index.js';
import { MemMetaStore } from '../../meta/index.js';
import { Labels } from '../../model/index.js';
import { Engine } from '../../promql/index.js';
import { Group, parseRuleFile, queryFnFrom } from '../../rules/index.js';
import { MemStorage } from '../../storage/index.js';
import { startTestServer, type TestServer } from '../testkit.js';

const RULES = `
groups:
  - name: g
    rules:
      - record: job:rule_input:rate5m
        expr: sum by (job) (rate(rule_input_total[5m]))
      - alert: Broken
        expr: '{__name__=~"regex_used_.*"} > 0'
`;

describe('GET /api/kansoku/cardinality', () => {
  let server: TestServer;
  before(async () => {
    const storage = new MemStorage();
    const app = storage.appender();
    const series: [string, number][] = [
      ['dash_used', 3],
      ['rule_input_total', 2],
      ['regex_used_a', 1],
      ['unused_big', 5],
      ['unused_small', 1],
      ['variable_used', 1],
    ];
    for (const [name, n] of series)
      for (let i = 0; i < n; i++)
        app.append(0, Labels.fromRecord({ __name__: name, instance: `i${i}`, job: 'j' }), 1000, 1);
    await app.commit();
    const svc = new DashboardService(new MemMetaStore());
    await svc.create({
      dashboard: {
        title: 'D',
        panels: [
          {
            type: 'row',
            collapsed: true,
            gridPos: { x: 0, y: 0, w: 24, h: 1 },
            panels: [
              {
                type: 'stat',
                gridPos: { x: 0, y: 1, w: 6, h: 4 },
                targets: [{ expr: 'sum(rate(dash_used{job="$job"}[$__rate_interval]))' }],
              },
            ],
          },
          { type: 'stat', gridPos: { x: 0, y: 2, w: 6, h: 4 }, targets: [{ expr: 'sum(' }] },
        ],
        templating: {
          list: [
            {
              type: 'query',
              name: 'job',
              definition: 'label_values(variable_used, job)',
              query: { query: 'label_values(variable_used, job)' },
            },
          ],
        },
      },
    });
    const engine = new Engine();
    const [spec] = parseRuleFile(RULES, 'r.yml');
    assert.ok(spec);
    const group = new Group(spec, {
      query: queryFnFrom(engine.instantQuery.bind(engine), storage),
      appendable: storage,
      env: { externalLabels: {}, externalURL: '' },
      defaultIntervalMs: 60_000,
      defaultQueryOffsetMs: 0,
      resendDelayMs: 60_000,
      outageToleranceMs: 3_600_000,
      forGracePeriodMs: 600_000,
      externalURL: '',
    });
    server = await startTestServer(storage, {
      dashboards: svc,
      apiV1: {
        engine,
        buildInfo: {},
        flags: {},
        runtime: () => ({
          startTime: new Date(0),
          reloadConfigSuccess: true,
          lastConfigTime: new Date(0),
          corruptionCount: 0,
          storageRetention: '15d',
        }),
        queryTimeoutMs: 5000,
        ruleGroups: () => [group],
      },
    });
  });
  after(async () => {
    await server.close();
  });

  it('lists top lists and the metrics no dashboard or rule uses', async () => {
    const res = await fetch(`${server.base}/api/kansoku/cardinality?limit=2`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { status: string; data: Record<string, unknown> };
    const d = body.data;
    assert.equal(d['numSeries'], 13);
    assert.equal(d['numMetrics'], 6);
    assert.deepEqual(d['seriesCountByMetricName'], [
      { name: 'unused_big', value: 5 },
      { name: 'dash_used', value: 3 },
    ]);
    assert.deepEqual(d['seriesCountByLabelName'], [
      { name: '__name__', value: 13 },
      { name: 'instance', value: 13 },
    ]);
    assert.deepEqual(d['unused'], [
      { name: 'unused_big', value: 5 },
      { name: 'unused_small', value: 1 },
    ]);
    assert.equal(d['unusedCount'], 2);
    assert.equal(d['unusedSeries'], 6);
    assert.equal(d['dashboardsScanned'], 1);
    assert.equal(d['rulesScanned'], 2);
    const unparsed = d['unparsed'] as { source: string; expr: string }[];
    assert.equal(unparsed.length, 1);
    const first = unparsed[0];
    assert.ok(first);
    assert.equal(first.expr, 'sum(');
    assert.match(first.source, /panels\[1\]\.targets\[0\]\.expr$/);
  });

  it('rejects a bad limit', async () => {
    const res = await fetch(`${server.base}/api/kansoku/cardinality?limit=x`);
    assert.equal(res.status, 400);
  });
});
