import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Labels } from '../model/index.js';
import { MemStorage } from '../storage/index.js';
import {
  RulesQueryError,
  alertsData,
  formatValueE,
  goTimeJSON,
  groupToken,
  parseRulesQuery,
  rulesData,
} from './api.js';
import { parseRuleFile } from './file.js';
import { Group } from './group.js';

async function group(): Promise<Group> {
  const [spec] = parseRuleFile(
    `groups:
- name: g
  interval: 30s
  rules:
  - alert: A
    expr: vector(2)
    for: 5m
    labels: {severity: page}
    annotations: {summary: "v={{ $value }}"}
  - record: r
    expr: vector(1)
`,
    '/etc/rules/a.yml',
  );
  assert.ok(spec);
  const g = new Group(spec, {
    query: (_e, t) => Promise.resolve([{ labels: Labels.EMPTY, t, v: 2 }]),
    appendable: new MemStorage(),
    env: { externalLabels: {}, externalURL: '' },
    defaultIntervalMs: 60_000,
    defaultQueryOffsetMs: 0,
    resendDelayMs: 60_000,
    outageToleranceMs: 3_600_000,
    forGracePeriodMs: 600_000,
    externalURL: '',
  });
  await g.evaluate(1_700_000_000_500);
  return g;
}

describe('rules API data', () => {
  it('builds /api/v1/rules like Prometheus', async () => {
    const g = await group();
    const d = rulesData([g]);
    const data = JSON.parse(JSON.stringify(d)) as { groups: Record<string, unknown>[] };
    const grp = data.groups[0];
    assert.ok(grp);
    assert.equal(grp['name'], 'g');
    assert.equal(grp['file'], '/etc/rules/a.yml');
    assert.equal(grp['interval'], 30);
    assert.equal(grp['lastEvaluation'], '2023-11-14T22:13:20.5Z');
    const [alert, rec] = grp['rules'] as [Record<string, unknown>, Record<string, unknown>];
    assert.deepEqual(Object.keys(alert), [
      'state',
      'name',
      'query',
      'duration',
      'keepFiringFor',
      'labels',
      'annotations',
      'alerts',
      'health',
      'evaluationTime',
      'lastEvaluation',
      'type',
    ]);
    assert.equal(alert['state'], 'pending');
    assert.equal(alert['duration'], 300);
    assert.deepEqual(alert['alerts'], [
      {
        labels: { alertname: 'A', severity: 'page' },
        annotations: { summary: 'v=2' },
        state: 'pending',
        activeAt: '2023-11-14T22:13:20.5Z',
        value: '2e+00',
      },
    ]);
    assert.equal(rec['type'], 'recording');
    assert.equal(rec['health'], 'ok');
  });

  it('filters by type, names, files and match[], and excludes alerts', async () => {
    const g = await group();
    const q = (s: string) => rulesData([g], parseRulesQuery(new URLSearchParams(s)));
    assert.equal(q('type=record').groups[0]?.rules.length, 1);
    assert.equal(q('type=alert&exclude_alerts=true').groups[0]?.rules[0]?.type, 'alerting');
    assert.ok(!('alerts' in (q('exclude_alerts=true').groups[0]?.rules[0] ?? {})));
    assert.equal(q('rule_name[]=nope').groups.length, 0);
    assert.equal(q('rule_group[]=g').groups.length, 1);
    assert.equal(q('file[]=/other').groups.length, 0);
    assert.equal(q('match[]={severity="page"}').groups[0]?.rules.length, 1);
    assert.throws(() => q('type=x'), RulesQueryError);
    assert.throws(() => q('match[]={'), RulesQueryError);
    assert.equal(alertsData([g]).alerts.length, 1);
  });

  it('paginates with group_limit and group_next_token', async () => {
    const a = await group();
    const [spec] = parseRuleFile('groups:\n- name: h\n  rules: []\n', '/etc/rules/b.yml');
    assert.ok(spec);
    const b = new Group(spec, a.deps);
    const q = (s: string) => rulesData([a, b], parseRulesQuery(new URLSearchParams(s)));
    const p1 = q('group_limit=1');
    assert.deepEqual(
      p1.groups.map((g) => g.name),
      ['g'],
    );
    assert.equal(p1.groupNextToken, groupToken('/etc/rules/b.yml', 'h'));
    const p2 = q(`group_limit=1&group_next_token=${p1.groupNextToken ?? ''}`);
    assert.deepEqual(
      p2.groups.map((g) => g.name),
      ['h'],
    );
    assert.equal(p2.groupNextToken, undefined);
    assert.throws(() => q('group_limit=0'), RulesQueryError);
    assert.throws(() => q('group_next_token=abc'), RulesQueryError);
    assert.throws(() => q('group_limit=1&group_next_token=abc'), /invalid group_next_token/);
  });

  it('formats values and times like Go', () => {
    assert.equal(formatValueE(1), '1e+00');
    assert.equal(formatValueE(1234.5), '1.2345e+03');
    assert.equal(formatValueE(Infinity), '+Inf');
    assert.equal(goTimeJSON(0), '0001-01-01T00:00:00Z');
    assert.equal(goTimeJSON(1_000), '1970-01-01T00:00:01Z');
  });
});
