import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Labels } from '../../model/index.js';
import { parseAlertmanagerConfig } from '../config/index.js';
import { ManualClock } from '../util/clock.js';
import { fingerprint, isResolved } from './alert.js';
import { Inhibitor } from './inhibit.js';
import { AlertStore, InvalidAlertsError } from './store.js';

const T0 = 1_700_000_000_000;

describe('alert store', () => {
  it('fills times, applies the resolve timeout and merges updates', async () => {
    const clock = new ManualClock(T0);
    const store = new AlertStore({ clock, resolveTimeoutMs: 300_000 });
    store.put([{ labels: { alertname: 'A' } }]);
    const fp = fingerprint(Labels.fromRecord({ alertname: 'A' }));
    assert.equal(store.get(fp)?.startsAtMs, T0);
    assert.equal(store.get(fp)?.endsAtMs, T0 + 300_000);
    assert.equal(store.get(fp)?.timeout, true);
    await clock.advance(60_000);
    store.put([{ labels: { alertname: 'A' }, annotations: { summary: 'new' } }]);
    const merged = store.get(fp);
    assert.ok(merged);
    assert.equal(merged.startsAtMs, T0, 'the earliest start is kept');
    assert.equal(merged.endsAtMs, T0 + 360_000);
    assert.deepEqual(merged.annotations, { summary: 'new' });
    store.put([{ labels: { alertname: 'A' }, endsAtMs: clock.now() }]);
    const resolved = store.get(fp);
    assert.ok(resolved);
    assert.equal(isResolved(resolved, clock.now()), true);
    assert.deepEqual(store.gc(), [fp]);
  });

  it('stores valid alerts and reports invalid ones', () => {
    const store = new AlertStore({ clock: new ManualClock(T0), resolveTimeoutMs: 1 });
    assert.throws(
      () => {
        store.put([
          { labels: {} },
          { labels: { a: '' } },
          { labels: { a: 'b' }, startsAtMs: T0, endsAtMs: T0 - 1 },
          { labels: { ok: 'yes' } },
        ]);
      },
      (e: unknown) =>
        e instanceof InvalidAlertsError &&
        e.problems.length === 3 &&
        /at least one label pair required/.test(e.problems[0] ?? '') &&
        /start time must be before end time/.test(e.problems[2] ?? ''),
    );
    assert.equal(store.list().length, 1);
  });
});

describe('inhibitor', () => {
  const cfg = parseAlertmanagerConfig(`
route: {receiver: r}
receivers: [{name: r}]
inhibit_rules:
  - source_matchers: ['severity=~"critical|warning"']
    target_matchers: ['severity=~"critical|warning"']
    equal: [cluster]
`);
  it('does not let alerts matching both sides inhibit each other', () => {
    const clock = new ManualClock(T0);
    const store = new AlertStore({ clock, resolveTimeoutMs: 300_000 });
    store.put([
      { labels: { alertname: 'X', severity: 'critical', cluster: 'c' } },
      { labels: { alertname: 'Y', severity: 'warning', cluster: 'c' } },
    ]);
    const inh = new Inhibitor(cfg.inhibitRules, store);
    assert.deepEqual(
      inh.mutes(
        Labels.fromRecord({ alertname: 'Y', severity: 'warning', cluster: 'c' }),
        clock.now(),
      ),
      [],
    );
  });
  it('treats missing equal labels as empty and ignores resolved sources', () => {
    const clock = new ManualClock(T0);
    const store = new AlertStore({ clock, resolveTimeoutMs: 300_000 });
    const rules = parseAlertmanagerConfig(`
route: {receiver: r}
receivers: [{name: r}]
inhibit_rules: [{source_match: {severity: critical}, target_match: {severity: info}, equal: [cluster]}]
`).inhibitRules;
    store.put([{ labels: { alertname: 'S', severity: 'critical' } }]);
    const inh = new Inhibitor(rules, store);
    const target = Labels.fromRecord({ alertname: 'T', severity: 'info' });
    assert.equal(inh.mutes(target, clock.now()).length, 1);
    store.put([{ labels: { alertname: 'S', severity: 'critical' }, endsAtMs: clock.now() }]);
    assert.deepEqual(inh.mutes(target, clock.now()), []);
  });
});
