import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { Labels } from '../../model/index.js';
import {
  AlertForwarder,
  Alertmanager,
  ManualClock,
  parseAlertmanagerConfig,
} from '../../notify/index.js';
import { Group, parseRuleFile } from '../../rules/index.js';
import { MemStorage } from '../../storage/index.js';
import { registerAlertingMetrics } from './metrics.js';

const T0 = Date.parse('2024-03-04T10:00:00Z');

describe('alerting self-metrics', () => {
  it('exposes rule groups, alerts, silences, notifications and the forwarder', async () => {
    const clock = new ManualClock(T0);
    const am = new Alertmanager(
      parseAlertmanagerConfig('route: {receiver: r}\nreceivers: [{name: r}]\n'),
      { externalURL: 'http://k', configDir: '.', clock },
    );
    am.receive([
      {
        labels: { alertname: 'A' },
        annotations: {},
        startsAtMs: T0,
        endsAtMs: T0 + 60_000,
        generatorURL: '',
      },
      {
        labels: { alertname: 'B' },
        annotations: {},
        startsAtMs: T0,
        endsAtMs: T0 + 60_000,
        generatorURL: '',
      },
    ]);
    await am.silences.set({
      matchers: [{ name: 'alertname', value: 'B', isRegex: false, isEqual: true }],
      startsAtMs: T0,
      endsAtMs: T0 + 3_600_000,
      createdBy: 't',
      comment: 'c',
    });
    am.deliveries.set('webhook', { total: 3, failed: 1 });
    const [spec] = parseRuleFile(
      'groups:\n- name: g\n  interval: 30s\n  rules:\n  - record: r:x\n    expr: vector(1)\n',
      '/rules/a.yml',
    );
    assert.ok(spec);
    const st = new MemStorage();
    const group = new Group(spec, {
      query: (_e, t) => Promise.resolve([{ labels: Labels.EMPTY, t, v: 1 }]),
      appendable: st,
      env: { externalLabels: {}, externalURL: '' },
      defaultIntervalMs: 60_000,
      defaultQueryOffsetMs: 0,
      resendDelayMs: 60_000,
      outageToleranceMs: 3_600_000,
      forGracePeriodMs: 600_000,
      externalURL: '',
    });
    await group.evaluate(T0);
    const fwd = new AlertForwarder();
    const registry = new Registry();
    registerAlertingMetrics(registry, {
      ruleGroups: () => [group],
      alertmanager: () => am,
      forwarder: () => fwd,
    });
    const text = await registry.metrics();
    const has = (line: string): void => {
      assert.ok(text.includes(line), `missing ${line} in\n${text}`);
    };
    has('prometheus_rule_group_interval_seconds{rule_group="/rules/a.yml;g"} 30');
    has('prometheus_rule_group_rules{rule_group="/rules/a.yml;g"} 1');
    has(
      `prometheus_rule_group_last_evaluation_timestamp_seconds{rule_group="/rules/a.yml;g"} ${T0 / 1000}`,
    );
    has('kansoku_rule_group_failed_rules{rule_group="/rules/a.yml;g"} 0');
    has('alertmanager_alerts{state="active"} 1');
    has('alertmanager_alerts{state="suppressed"} 1');
    has('alertmanager_silences{state="active"} 1');
    has('alertmanager_notifications_total{integration="webhook"} 3');
    has('alertmanager_notifications_failed_total{integration="webhook"} 1');
    has('prometheus_notifications_sent_total 0');
    has('prometheus_notifications_alertmanagers_discovered 0');
  });
});
