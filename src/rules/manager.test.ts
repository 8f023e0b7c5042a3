import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { Labels } from '../model/index.js';
import { MemStorage } from '../storage/index.js';
import { AlertingRule } from './alerting.js';
import { RuleFileError } from './errors.js';
import { RuleManager, defaultRuleManagerOptions } from './manager.js';
import type { QueryFn } from './query.js';

const dir = mkdtempSync(path.join(tmpdir(), 'kansoku-rules-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

const query: QueryFn = (expr, t) => {
  return Promise.resolve(expr === 'vector(1)' ? [{ labels: Labels.EMPTY, t, v: 1 }] : []);
};

function write(name: string, text: string): void {
  writeFileSync(path.join(dir, name), text);
}

describe('RuleManager', () => {
  it('runs groups on their interval, reloads keeping alert state, rejects bad files', async () => {
    write(
      'a.yml',
      'groups:\n- name: g\n  interval: 50ms\n  rules:\n  - alert: Always\n    expr: vector(1)\n    for: 1h\n',
    );
    const m = new RuleManager(
      { ...defaultRuleManagerOptions(), restoreForState: false },
      { query, appendable: new MemStorage() },
    );
    await m.update([path.join(dir, '*.yml')]);
    m.start();
    await new Promise((r) => setTimeout(r, 250));
    const [g] = m.ruleGroups();
    assert.ok(g);
    assert.ok(g.lastEvaluation > 0);
    const rule = g.rules[0];
    assert.ok(rule instanceof AlertingRule);
    const activeAt = rule.activeAlerts()[0]?.activeAt;
    assert.ok(activeAt !== undefined && activeAt > 0);

    write(
      'a.yml',
      'groups:\n- name: g\n  interval: 50ms\n  rules:\n  - alert: Always\n    expr: vector(1)\n    for: 1h\n  - record: r\n    expr: vector(1)\n',
    );
    await m.update([path.join(dir, '*.yml')]);
    const [g2] = m.ruleGroups();
    assert.ok(g2 && g2 !== g);
    const rule2 = g2.rules[0];
    assert.ok(rule2 instanceof AlertingRule);
    assert.equal(rule2.activeAlerts()[0]?.activeAt, activeAt);

    write('b.yml', 'groups:\n- name: x\n  rules:\n  - record: bad name\n    expr: up\n');
    await assert.rejects(m.update([path.join(dir, '*.yml')]), RuleFileError);
    assert.equal(m.ruleGroups()[0], g2, 'a failed reload changes nothing');
    await m.stop();
  });
});
