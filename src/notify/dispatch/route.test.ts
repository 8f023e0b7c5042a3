import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { PEER_SKIP, PEER_SUITES } from '../../../test/support/paths.js';
import { Labels } from '../../model/index.js';
import { loadAlertmanagerConfigFile, parseAlertmanagerConfig } from '../config/index.js';
import { buildRouteTree, routeMuted } from './route.js';

const base = path.join(PEER_SUITES, 'alertmanager-fixtures');

interface RoutingCase {
  config: string;
  alert_labels: Record<string, string>;
  expected_receivers: string[];
}

function routingCases(): RoutingCase[] {
  const raw = JSON.parse(readFileSync(path.join(base, 'EXPECTED.json'), 'utf8')) as {
    'cli/testdata'?: { routing_cases?: RoutingCase[] };
  };
  return raw['cli/testdata']?.routing_cases ?? [];
}

describe('routing cases (alertmanager-fixtures/cli/testdata)', { skip: PEER_SKIP }, () => {
  const cases = PEER_SKIP ? [] : routingCases();
  cases.forEach((c, i) => {
    it(`case ${i}: ${c.config} ${JSON.stringify(c.alert_labels)}`, () => {
      const tree = buildRouteTree(
        loadAlertmanagerConfigFile(path.join(base, 'cli/testdata', c.config)),
      );
      const got = tree.match(Labels.fromRecord(c.alert_labels)).map((r) => r.options.receiver);
      assert.deepEqual(got, c.expected_receivers);
    });
  });
  it('config/testdata/conf.good.yml: inheritance and continue', () => {
    const tree = buildRouteTree(
      loadAlertmanagerConfigFile(path.join(base, 'config/testdata/conf.good.yml')),
    );
    const db = tree.match(
      Labels.fromRecord({ service: 'database', owner2: 'team-X', owner: 'team-Y' }),
    );
    assert.deepEqual(
      db.map((r) => r.options.receiver),
      ['team-X-pager', 'team-Y-pager'],
    );
    const first = db[0];
    assert.ok(first);
    assert.deepEqual(first.options.groupBy, ['alertname', 'cluster', 'database']);
    assert.equal(first.options.groupWaitMs, 30_000);
    assert.equal(first.options.repeatIntervalMs, 3 * 3_600_000);
    assert.equal(first.key(), '{}/{service="database"}/{owner2="team-X"}');
    assert.equal(first.id(), '{}/{service="database"}/2/{owner2="team-X"}/0');
    const crit = tree.match(Labels.fromRecord({ service: 'foo1', severity: 'critical' }));
    assert.deepEqual(
      crit.map((r) => r.options.receiver),
      ['team-X-pager'],
    );
    assert.deepEqual(
      tree.match(Labels.fromRecord({ service: 'other' })).map((r) => r.options.receiver),
      ['team-X-mails'],
    );
  });
});

describe('route tree', () => {
  const cfg = parseAlertmanagerConfig(`
route:
  receiver: root
  group_by: [alertname]
  labels: {team: core, tier: '1'}
  routes:
    - matchers: ['env="prod"']
      group_by: ['...']
      labels: {tier: '2'}
      mute_time_intervals: [weekend]
      routes:
        - matchers: ['{severity=~"crit.*"}']
          receiver: pager
    - match: {env: dev}
      receiver: dev
      active_time_intervals: [office]
receivers: [{name: root}, {name: pager}, {name: dev}]
time_intervals:
  - name: weekend
    time_intervals: [{weekdays: [saturday, sunday]}]
  - name: office
    time_intervals: [{times: [{start_time: '09:00', end_time: '17:00'}]}]
`);
  const tree = buildRouteTree(cfg);
  it('inherits the receiver, group_by ... and merges route labels', () => {
    const [r] = tree.match(Labels.fromRecord({ env: 'prod', severity: 'info', a: 'b' }));
    assert.ok(r);
    assert.equal(r.options.receiver, 'root');
    assert.equal(r.options.groupByAll, true);
    assert.deepEqual(r.options.labels, { team: 'core', tier: '2' });
    assert.equal(
      r.groupLabels(Labels.fromRecord({ a: 'b', env: 'prod' })).toString(),
      '{a="b", env="prod"}',
    );
    const [p] = tree.match(Labels.fromRecord({ env: 'prod', severity: 'critical' }));
    assert.equal(p?.options.receiver, 'pager');
    assert.equal(p.options.groupByAll, true);
    assert.deepEqual(p.options.muteTimeIntervals, []);
  });
  it('mutes by mute and active time intervals', () => {
    const [prod] = tree.match(Labels.fromRecord({ env: 'prod' }));
    const [dev] = tree.match(Labels.fromRecord({ env: 'dev' }));
    assert.ok(prod && dev);
    const saturdayNoon = Date.parse('2024-03-09T12:00:00Z');
    const mondayNight = Date.parse('2024-03-04T22:00:00Z');
    assert.equal(routeMuted(prod, cfg.timeIntervals, saturdayNoon).muted, true);
    assert.equal(routeMuted(prod, cfg.timeIntervals, mondayNight).muted, false);
    assert.equal(routeMuted(dev, cfg.timeIntervals, saturdayNoon).muted, false);
    assert.equal(routeMuted(dev, cfg.timeIntervals, mondayNight).muted, true);
  });
});
