/**
 * End to end: a server started with no configuration at all loads the built-in
 * self-monitoring rules and exports the database's self-metrics they watch.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  makeTemp,
  removeTemp,
  startKansoku,
  waitFor200,
  type KansokuProcess,
} from './server-harness.js';

interface RulesBody {
  data: { groups: { name: string; file: string; rules: { name: string; type: string }[] }[] };
}

describe('built-in self-monitoring (end to end)', () => {
  let tmp = '';
  let k: KansokuProcess | undefined;
  before(async () => {
    tmp = await makeTemp();
  });
  after(async () => {
    await k?.stop();
    await removeTemp(tmp);
  });

  it('shows the self-monitoring alert rules on first start without configuration', async () => {
    k = await startKansoku(`${tmp}/data`);
    await waitFor200(`${k.base}/-/ready`);
    const body = (await (await fetch(`${k.base}/api/v1/rules`)).json()) as RulesBody;
    const group = body.data.groups.find((g) => g.name === 'kansoku-self-monitoring');
    assert.ok(group, JSON.stringify(body));
    const names = group.rules.map((r) => r.name);
    for (const n of [
      'KansokuDiskBudgetNearlyUsed',
      'KansokuWalGrowing',
      'KansokuIngestionRejected',
      'KansokuRemoteWriteBehind',
      'KansokuCertificateExpiring',
      'KansokuTargetDown',
    ])
      assert.ok(names.includes(n), `${n} missing from ${names.join(', ')}`);
    assert.ok(group.rules.every((r) => r.type === 'alerting'));
    const metrics = await (await fetch(`${k.base}/metrics`)).text();
    assert.match(metrics, /\nprometheus_tsdb_head_series \d+\n/);
    assert.match(metrics, /\nprometheus_tsdb_wal_storage_size_bytes \d+\n/);
    assert.match(metrics, /\nkansoku_storage_filesystem_avail_bytes \d+\n/);
  });

  it('loads none with --no-rules.builtin', async () => {
    await k?.stop();
    k = await startKansoku(`${tmp}/data2`, ['--no-rules.builtin']);
    await waitFor200(`${k.base}/-/ready`);
    const body = (await (await fetch(`${k.base}/api/v1/rules`)).json()) as RulesBody;
    assert.deepEqual(body.data.groups, []);
  });
});
