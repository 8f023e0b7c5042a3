/**
 * High availability end to end: PostgreSQL and two `kansoku server` processes sharing it
 * (`--meta.postgres-url`). The first server leads: it evaluates the rule and sends the firing
 * notification to a webhook sink. It is then killed with SIGKILL; the second server takes over
 * within the lease duration, sends nothing the first one already sent, and sends the resolved
 * notification once the alert ends. A dashboard saved through one server is read through the other.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { POSTGRES_SKIP, startPostgres, type TestPostgres } from '../support/postgres.js';
import {
  makeTemp,
  removeTemp,
  startKansoku,
  waitFor200,
  type KansokuProcess,
} from './server-harness.js';

interface Notification {
  readonly at: number;
  readonly status: string;
  readonly groupKey: string;
}

const LEASE_S = 3;

async function until(
  what: string,
  pred: () => Promise<boolean> | boolean,
  ms: number,
): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await pred()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

/** Whether the server's `kansoku_ha_leader` gauge is 1. */
async function isLeader(k: KansokuProcess): Promise<boolean> {
  const text = await (await fetch(`${k.base}/metrics`)).text();
  return /^kansoku_ha_leader 1$/m.test(text);
}

describe('high availability with PostgreSQL', { skip: POSTGRES_SKIP, timeout: 120_000 }, () => {
  let tmp = '';
  let pg: TestPostgres | undefined;
  let sink: Server;
  const got: Notification[] = [];
  let a: KansokuProcess | undefined;
  let b: KansokuProcess | undefined;
  let resolveAtS = 0;

  before(async () => {
    tmp = await makeTemp();
    pg = await startPostgres();
    sink = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Omit<Notification, 'at'>;
        got.push({ at: Date.now(), status: body.status, groupKey: body.groupKey });
        res.end();
      });
    });
    await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
    const sinkURL = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/hook`;
    resolveAtS = Math.floor(Date.now() / 1000) + 22;
    await writeFile(
      path.join(tmp, 'rules.yml'),
      [
        'groups:',
        '  - name: ha',
        '    interval: 1s',
        '    rules:',
        '      - alert: Failover',
        `        expr: vector(1) and on() (vector(time()) < ${resolveAtS})`,
        '',
      ].join('\n'),
    );
    await writeFile(
      path.join(tmp, 'prometheus.yml'),
      'global: {evaluation_interval: 1s}\nrule_files: [rules.yml]\n',
    );
    await writeFile(
      path.join(tmp, 'alertmanager.yml'),
      [
        'route: {receiver: hook, group_by: [alertname], group_wait: 1s, group_interval: 2s, repeat_interval: 1h}',
        'receivers:',
        `  - {name: hook, webhook_configs: [{url: '${sinkURL}', send_resolved: true}]}`,
        '',
      ].join('\n'),
    );
    const args = (name: string): string[] => [
      `--config.file=${path.join(tmp, 'prometheus.yml')}`,
      `--alertmanager.config.file=${path.join(tmp, 'alertmanager.yml')}`,
      `--meta.postgres-url=${pg?.url ?? ''}`,
      `--ha.lease-duration=${LEASE_S}s`,
      `--ha.instance=${name}`,
    ];
    a = await startKansoku(path.join(tmp, 'a'), args('a'));
    assert.equal(await waitFor200(`${a.base}/-/ready`, 20_000), 200);
    b = await startKansoku(path.join(tmp, 'b'), args('b'));
    assert.equal(await waitFor200(`${b.base}/-/ready`, 20_000), 200);
  });

  after(
    async () => {
      await a?.stop('SIGKILL');
      await b?.stop();
      await new Promise((r) => sink.close(r));
      await pg?.stop();
      await removeTemp(tmp);
    },
    { timeout: 30_000 },
  );

  it('shares dashboards between the servers', async () => {
    assert.ok(a && b);
    const res = await fetch(`${a.base}/api/kansoku/dashboards`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ dashboard: { title: 'Shared', panels: [] } }),
    });
    assert.equal(res.status, 200, await res.clone().text());
    const created = (await res.json()) as { data: { dashboard: { uid?: string } } };
    const uid = created.data.dashboard.uid ?? '';
    assert.notEqual(uid, '');
    const onB = await fetch(`${b.base}/api/kansoku/dashboards/${encodeURIComponent(uid)}`);
    assert.equal(onB.status, 200);
    const body = (await onB.json()) as { data: { dashboard: { title: string } } };
    assert.equal(body.data.dashboard.title, 'Shared');
  });

  it('fails over without losing or repeating a notification', async (t) => {
    assert.ok(a && b);
    assert.equal(await isLeader(a), true, 'the first server leads');
    assert.equal(await isLeader(b), false, 'the second server follows');
    await until('the firing notification', () => got.length > 0, 15_000);
    assert.equal(got[0]?.status, 'firing');
    // Kill while the alert fires, not in the one round trip between the receiver's answer and
    // the notification log's write to PostgreSQL (the documented duplicate window).
    await new Promise((r) => setTimeout(r, 1_000));

    await a.stop('SIGKILL');
    const killedAt = Date.now();
    const follower = b;
    await until('the takeover', () => isLeader(follower), (LEASE_S + 5) * 1000);
    const takeoverMs = Date.now() - killedAt;
    t.diagnostic(`takeover after SIGKILL: ${takeoverMs} ms (lease ${LEASE_S} s)`);
    assert.ok(takeoverMs <= (LEASE_S + 1.5) * 1000, `took over in ${takeoverMs} ms`);

    // The new leader evaluates the rule and holds the alert, but has nothing new to send.
    await until(
      'the alert on the new leader',
      async () => {
        const r = await fetch(`${follower.base}/api/v2/alerts`);
        const alerts = (await r.json()) as { labels: Record<string, string> }[];
        return alerts.some((x) => x.labels['alertname'] === 'Failover');
      },
      10_000,
    );
    await until(
      'the resolved notification',
      () => got.some((n) => n.status === 'resolved'),
      Math.max(5_000, (resolveAtS + 15) * 1000 - Date.now()),
    );
    await new Promise((r) => setTimeout(r, 4_000)); // room for a duplicate to show up
    assert.deepEqual(
      got.map((n) => n.status),
      ['firing', 'resolved'],
      `notifications: ${JSON.stringify(got)}`,
    );
    assert.equal(new Set(got.map((n) => n.groupKey)).size, 1);
  });
});
