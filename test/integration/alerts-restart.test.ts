/**
 * Restart without duplicate notifications, end to end through real `kansoku server` processes:
 * a rule fires, the built-in Alertmanager notifies a webhook sink on 127.0.0.1, the server is
 * restarted with the same data directory while the alert keeps firing, and later the alert
 * resolves. The sink must see the firing notification once (repeat_interval is 1h, so
 * Alertmanager semantics allow no repeat) and the resolved notification once. The alert history
 * must hold the firing → resolved timeline across the restart.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTemp, removeTemp, startKansoku, type KansokuProcess } from './server-harness.js';

interface Notification {
  readonly at: number;
  readonly status: string;
  readonly alerts: { status: string; labels: Record<string, string> }[];
}

/** Polls until `pred` holds. */
async function until(what: string, pred: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (pred()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

describe('alert notifications across a restart', { timeout: 90_000 }, () => {
  let tmp = '';
  let sink: Server;
  let sinkURL = '';
  const got: Notification[] = [];
  let kansoku: KansokuProcess | undefined;
  let args: string[] = [];
  let resolveAtS = 0;

  before(async () => {
    tmp = await makeTemp();
    sink = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Omit<Notification, 'at'>;
        got.push({ at: Date.now(), status: body.status, alerts: body.alerts });
        res.end();
      });
    });
    await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
    sinkURL = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/hook`;
    // Fires from the start and resolves by itself 14 s from now.
    resolveAtS = Math.floor(Date.now() / 1000) + 14;
    await writeFile(
      path.join(tmp, 'rules.yml'),
      [
        'groups:',
        '  - name: restart',
        '    interval: 1s',
        '    rules:',
        '      - alert: Restarted',
        `        expr: vector(1) and on() (vector(time()) < ${resolveAtS})`,
        '        labels: {severity: page}',
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
        'route:',
        '  receiver: hook',
        '  group_by: [alertname]',
        '  group_wait: 1s',
        '  group_interval: 2s',
        '  repeat_interval: 1h',
        'receivers:',
        '  - name: hook',
        `    webhook_configs: [{url: '${sinkURL}', send_resolved: true}]`,
        '',
      ].join('\n'),
    );
    args = [
      `--config.file=${path.join(tmp, 'prometheus.yml')}`,
      `--alertmanager.config.file=${path.join(tmp, 'alertmanager.yml')}`,
    ];
    kansoku = await startKansoku(path.join(tmp, 'data'), args);
  });

  after(
    async () => {
      await kansoku?.stop();
      await new Promise((r) => sink.close(r));
      await removeTemp(tmp);
    },
    { timeout: 20_000 },
  );

  it('sends firing once and resolved once', async () => {
    await until('the firing notification', () => got.length > 0, 10_000);
    assert.equal(got[0]?.status, 'firing');
    // Restart while the alert still fires.
    const stopped = await kansoku?.stop();
    assert.equal(stopped?.code, 0);
    kansoku = await startKansoku(path.join(tmp, 'data'), args);
    await until(
      'the resolved notification',
      () => got.some((n) => n.status === 'resolved'),
      (resolveAtS + 15) * 1000 - Date.now(),
    );
    // Give a duplicate the chance to arrive (two group intervals).
    await new Promise((r) => setTimeout(r, 4_000));
    assert.deepEqual(
      got.map(
        (n) =>
          `${n.status}:${n.alerts.map((a) => `${a.labels['alertname']}/${a.status}`).join(',')}`,
      ),
      ['firing:Restarted/firing', 'resolved:Restarted/resolved'],
    );
    const res = await fetch(
      `${kansoku.base}/api/kansoku/alerts/history?start=0&matcher=alertname%3D%22Restarted%22`,
    );
    const body = (await res.json()) as { data: { event: string; receiver?: string }[] };
    const events = body.data.map((e) => e.event);
    assert.equal(events.filter((e) => e === 'firing').length, 1, `history: ${events.join(' ')}`);
    assert.equal(events.filter((e) => e === 'resolved').length, 1, `history: ${events.join(' ')}`);
    assert.equal(events.filter((e) => e === 'notified').length, 2, `history: ${events.join(' ')}`);
  });
});
