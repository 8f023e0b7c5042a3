import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Labels, Matcher, isStaleNaN } from '../model/index.js';
import { MemStorage } from '../storage/index.js';
import { AlertingRule } from './alerting.js';
import { parseRuleFile } from './file.js';
import { Group, type GroupDeps } from './group.js';
import { queryFnFrom, type NotifyAlert } from './query.js';
import { loadTestEngine } from './testkit.js';

const engine = await loadTestEngine();

function setup(
  yaml: string,
  notified: NotifyAlert[] = [],
): { g: Group; st: MemStorage; deps: GroupDeps } {
  const st = new MemStorage();
  const [spec] = parseRuleFile(yaml, 'r.yml');
  assert.ok(spec);
  const deps: GroupDeps = {
    query: queryFnFrom(engine.instantQuery.bind(engine), st),
    appendable: st,
    notify: (a) => notified.push(...a),
    env: { externalLabels: { dc: 'eu' }, externalURL: 'http://prom:9090' },
    defaultIntervalMs: 60_000,
    defaultQueryOffsetMs: 0,
    resendDelayMs: 60_000,
    outageToleranceMs: 3_600_000,
    forGracePeriodMs: 600_000,
    externalURL: 'http://prom:9090',
  };
  return { g: new Group(spec, deps), st, deps };
}

async function put(
  st: MemStorage,
  rec: Record<string, string>,
  t: number,
  v: number,
): Promise<void> {
  const app = st.appender();
  app.append(0, Labels.fromRecord(rec), t, v);
  await app.commit();
}

async function rawSamples(
  st: MemStorage,
  name: string,
): Promise<{ labels: string; t: number; v: number }[]> {
  const q = await st.querier(0, Number.MAX_SAFE_INTEGER);
  const set = await q.select(true, undefined, [new Matcher('=', '__name__', name)]);
  const out: { labels: string; t: number; v: number }[] = [];
  while (set.next()) {
    const s = set.at();
    const it = s.iterator();
    while (it.next() !== 'none')
      out.push({ labels: s.labels.toString(), t: it.atT(), v: it.atF() });
  }
  q.close();
  return out;
}

describe('Group', () => {
  it('records with rule and group labels and marks vanished series stale', async () => {
    const { g, st } = setup(`groups:
- name: g
  labels: {team: a}
  rules:
  - record: job:up:sum
    expr: sum by (job) (up)
    labels: {src: rule}
`);
    await put(st, { __name__: 'up', job: 'x' }, 0, 1);
    await put(st, { __name__: 'up', job: 'y' }, 0, 1);
    await put(st, { __name__: 'up', job: 'x' }, 60_000, 1);
    await g.evaluate(30_000);
    await g.evaluate(400_000);
    const got = await rawSamples(st, 'job:up:sum');
    assert.equal(got.length, 4);
    const y = got.filter((s) => s.labels.includes('job="y"'));
    assert.equal(y.length, 2);
    assert.equal(y[0]?.labels, 'job:up:sum{job="y", src="rule", team="a"}');
    assert.ok(isStaleNaN(y[1]?.v ?? 0));
    assert.equal(g.rules[0]?.status.health, 'ok');
  });

  it('moves alerts inactive → pending → firing → resolved and notifies', async () => {
    const sent: NotifyAlert[] = [];
    const { g, st } = setup(
      `groups:
- name: g
  rules:
  - alert: High
    expr: m > 5
    for: 2m
    labels: {severity: "{{ if gt $value 8.0 }}page{{ else }}ticket{{ end }}"}
    annotations: {summary: "{{ $labels.instance }} at {{ $value }} in {{ $externalLabels.dc }}"}
`,
      sent,
    );
    for (let t = 0; t <= 600_000; t += 60_000)
      await put(st, { __name__: 'm', instance: 'a' }, t, t <= 300_000 ? 9 : 1);
    const rule = g.rules[0];
    assert.ok(rule instanceof AlertingRule);
    await g.evaluate(0);
    assert.equal(rule.state(), 'pending');
    await g.evaluate(60_000);
    assert.equal(rule.state(), 'pending');
    await g.evaluate(120_000);
    assert.equal(rule.state(), 'firing');
    assert.equal(sent.length, 1);
    const a = sent[0];
    assert.ok(a);
    assert.equal(a.labels.toString(), '{alertname="High", instance="a", severity="page"}');
    assert.equal(a.annotations.get('summary'), 'a at 9 in eu');
    assert.equal(a.startsAt, 120_000);
    assert.match(a.generatorURL, /^http:\/\/prom:9090\/graph\?g0\.expr=m%20%3E%205&g0\.tab=1$/);
    await g.evaluate(150_000);
    assert.equal(sent.length, 1, 'no resend within the resend delay');
    await g.evaluate(360_000);
    assert.equal(rule.state(), 'inactive');
    assert.equal(sent.length, 2);
    assert.equal(sent[1]?.endsAt, 360_000);
    const alerts = await rawSamples(st, 'ALERTS');
    assert.ok(alerts.some((s) => s.labels.includes('alertstate="pending"')));
    const firing = alerts.filter((s) => s.labels.includes('alertstate="firing"'));
    assert.ok(isStaleNaN(firing[firing.length - 1]?.v ?? 0));
    const forState = await rawSamples(st, 'ALERTS_FOR_STATE');
    assert.equal(forState[0]?.v, 0);
  });

  it('keeps firing for keep_firing_for and records errors and limits', async () => {
    const { g, st } = setup(`groups:
- name: g
  limit: 1
  rules:
  - alert: A
    expr: m > 5
    keep_firing_for: 2m
  - record: bad
    expr: m
    labels: {instance: same}
`);
    await put(st, { __name__: 'm', instance: 'a' }, 0, 9);
    await put(st, { __name__: 'm', instance: 'b' }, 0, 1);
    await g.evaluate(0);
    const [alert, bad] = g.rules;
    assert.ok(alert instanceof AlertingRule);
    assert.equal(alert.state(), 'firing');
    assert.ok(bad);
    assert.equal(bad.status.health, 'err');
    assert.match(bad.status.lastError, /same labelset/);
    await g.evaluate(400_000);
    assert.equal(alert.state(), 'firing', 'kept firing');
    await g.evaluate(600_000);
    assert.equal(alert.state(), 'inactive');
    await put(st, { __name__: 'm', instance: 'b' }, 660_000, 9);
    await put(st, { __name__: 'm', instance: 'a' }, 660_000, 9);
    await g.evaluate(660_000);
    assert.equal(alert.status.health, 'err');
    assert.match(alert.status.lastError, /exceeded limit of 1 with 2 alerts/);
  });

  it('restores for state from ALERTS_FOR_STATE', async () => {
    const yaml = `groups:
- name: g
  interval: 1m
  rules:
  - alert: A
    expr: m > 5
    for: 30m
`;
    const first = setup(yaml);
    for (let t = 0; t <= 3_600_000; t += 60_000) await put(first.st, { __name__: 'm' }, t, 9);
    for (let t = 0; t <= 600_000; t += 60_000) await first.g.evaluate(t);
    const second = new Group(first.g.spec, first.deps);
    second.prepareRestore();
    await second.evaluate(900_000);
    await second.restoreForState(900_000);
    const rule = second.rules[0];
    assert.ok(rule instanceof AlertingRule);
    const a = rule.activeAlerts()[0];
    // Active since 0, down at 600s after 10m pending; 20m remain, so active-at shifts by the 5m outage.
    assert.equal(a?.activeAt, 300_000);
  });

  it('marks the series of rules dropped by a reload stale', async () => {
    const { g, st, deps } = setup(
      'groups:\n- name: g\n  rules:\n  - record: a\n    expr: vector(1)\n  - record: b\n    expr: vector(2)\n',
    );
    await g.evaluate(0);
    const [spec] = parseRuleFile(
      'groups:\n- name: g\n  rules:\n  - record: a\n    expr: vector(1)\n',
      'r.yml',
    );
    assert.ok(spec);
    const g2 = new Group(spec, deps);
    g2.copyState(g);
    await g2.evaluate(60_000);
    const b = await rawSamples(st, 'b');
    assert.equal(b.length, 2);
    assert.ok(isStaleNaN(b[1]?.v ?? 0));
    assert.equal((await rawSamples(st, 'a')).length, 2);
  });

  it('aligns evaluation times to the interval with a per-group offset', () => {
    const { g } = setup('groups:\n- name: g\n  rules: []\n');
    const t = g.evalTimestamp(1_000_000);
    assert.ok(t <= 1_000_000 && t > 1_000_000 - 60_000);
    assert.equal(g.evalTimestamp(t), t);
    assert.equal(g.evalTimestamp(t + 60_000), t + 60_000);
  });

  it('reports alert state changes for the history', async () => {
    const { st, deps } = setup(`groups:
- name: g
  rules:
  - alert: High
    expr: m > 5
    for: 1m
  - alert: Blip
    expr: m > 8
    for: 5m
`);
    const [spec] = parseRuleFile(
      `groups:\n- name: g\n  rules:\n  - alert: High\n    expr: m > 5\n    for: 1m\n  - alert: Blip\n    expr: m > 8\n    for: 5m\n`,
      'r.yml',
    );
    assert.ok(spec);
    const changes: string[] = [];
    const g = new Group(spec, {
      ...deps,
      onAlertChange: (cs) => {
        for (const c of cs) changes.push(`${c.t / 1000} ${c.labels.get('alertname')} ${c.state}`);
      },
    });
    for (let t = 0; t <= 300_000; t += 60_000)
      await put(st, { __name__: 'm', instance: 'a' }, t, t <= 120_000 ? 9 : 1);
    for (let t = 0; t <= 240_000; t += 60_000) await g.evaluate(t);
    assert.deepEqual(changes, [
      '0 High pending',
      '0 Blip pending',
      '60 High firing',
      '180 High resolved',
      '180 Blip inactive',
    ]);
  });

  it('commits once per evaluation unless a rule reads what an earlier one wrote', async () => {
    const { g, st, deps } = setup(`groups:
- name: g
  rules:
  - record: a:sum
    expr: sum(up)
  - record: b:sum
    expr: sum(up) * 2
  - record: c:sum
    expr: a:sum + 1
  - record: d:sum
    expr: sum({__name__=~"b:.*"})
  - alert: Low
    expr: d:sum < 100
`);
    await put(st, { __name__: 'up', job: 'x' }, 0, 3);
    let commits = 0;
    const counting = {
      appender: () => {
        const app = st.appender();
        return {
          append: app.append.bind(app),
          rollback: app.rollback.bind(app),
          commit: () => {
            commits++;
            return app.commit();
          },
        };
      },
    };
    const g2 = new Group(g.spec, { ...deps, appendable: counting });
    await g2.evaluate(30_000);
    // a,b together; c reads a → commit; d reads any name → commit; the alert reads d → commit.
    assert.equal(commits, 4);
    assert.deepEqual(
      (await rawSamples(st, 'c:sum')).map((s) => s.v),
      [4],
    );
    assert.deepEqual(
      (await rawSamples(st, 'd:sum')).map((s) => s.v),
      [6],
    );
    assert.equal((await rawSamples(st, 'ALERTS')).length, 1);
    commits = 0;
    await g2.evaluate(90_000);
    assert.equal(commits, 4);
  });
});
