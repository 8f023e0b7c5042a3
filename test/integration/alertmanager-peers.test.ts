/**
 * Kansoku against the real Alertmanager tools (Debian `prometheus-alertmanager`): a rule fires
 * and Kansoku forwards it to a real Alertmanager (route prefix, external labels, alert
 * relabeling), checked with amtool; and amtool, pointed at Kansoku's own Alertmanager API, lists
 * the alert and adds, queries and expires a silence.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../ui/browser.js';
import { makeTemp, removeTemp, startKansoku, type KansokuProcess } from './server-harness.js';

const ALERTMANAGER = '/usr/bin/prometheus-alertmanager';
const AMTOOL = '/usr/bin/amtool';
const SKIP =
  existsSync(ALERTMANAGER) && existsSync(AMTOOL)
    ? false
    : `needs Debian prometheus-alertmanager (${ALERTMANAGER} and ${AMTOOL})`;

const run = promisify(execFile);

async function amtool(url: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(AMTOOL, [`--alertmanager.url=${url}`, ...args], {
    timeout: 10_000,
  });
  return stdout;
}

/** Polls `fn` until it returns a value other than undefined. */
async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`,
  );
}

interface AmtoolAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

describe('Alertmanager peers', { skip: SKIP, timeout: 90_000 }, () => {
  let tmp = '';
  let am: ChildProcess | undefined;
  let amURL = '';
  let kansoku: KansokuProcess | undefined;

  before(
    async () => {
      tmp = await makeTemp();
      const amPort = await freePort();
      await writeFile(
        path.join(tmp, 'am.yml'),
        'route: {receiver: blackhole, group_wait: 1s}\nreceivers: [{name: blackhole}]\n',
      );
      am = spawn(
        ALERTMANAGER,
        [
          `--config.file=${path.join(tmp, 'am.yml')}`,
          `--storage.path=${path.join(tmp, 'am-data')}`,
          `--web.listen-address=127.0.0.1:${amPort}`,
          '--web.route-prefix=/am',
          '--cluster.listen-address=',
        ],
        { stdio: 'ignore' },
      );
      amURL = `http://127.0.0.1:${amPort}/am`;
      await until('the Alertmanager', async () => {
        const r = await fetch(`${amURL}/-/ready`);
        return r.ok ? true : undefined;
      });
      await writeFile(
        path.join(tmp, 'rules.yml'),
        [
          'groups:',
          '  - name: peers',
          '    interval: 1s',
          '    rules:',
          '      - alert: ForwardMe',
          '        expr: vector(1)',
          '        labels: {severity: page, secret: drop-me}',
          '        annotations: {summary: "forwarded by Kansoku"}',
          '',
        ].join('\n'),
      );
      await writeFile(
        path.join(tmp, 'prometheus.yml'),
        [
          'global:',
          '  evaluation_interval: 1s',
          '  external_labels: {site: lab}',
          'rule_files: [rules.yml]',
          'alerting:',
          '  alert_relabel_configs:',
          '    - {action: labeldrop, regex: secret}',
          '  alertmanagers:',
          '    - path_prefix: /am',
          '      timeout: 5s',
          '      api_version: v2',
          `      static_configs: [{targets: ['127.0.0.1:${amPort}']}]`,
          '',
        ].join('\n'),
      );
      kansoku = await startKansoku(path.join(tmp, 'data'), [
        `--config.file=${path.join(tmp, 'prometheus.yml')}`,
      ]);
    },
    { timeout: 40_000 },
  );

  after(
    async () => {
      await kansoku?.stop();
      const proc = am;
      if (proc && proc.exitCode === null && proc.signalCode === null) {
        // The Alertmanager writes its snapshots on exit: wait before removing its directory.
        const exited = new Promise<void>((resolve) =>
          proc.once('exit', () => {
            resolve();
          }),
        );
        proc.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      }
      await removeTemp(tmp);
    },
    { timeout: 20_000 },
  );

  it('forwards firing alerts to a real Alertmanager', async () => {
    const alerts = await until('the forwarded alert', async () => {
      const out = JSON.parse(await amtool(amURL, 'alert', 'query', '-o', 'json')) as AmtoolAlert[];
      return out.length > 0 ? out : undefined;
    });
    assert.equal(alerts.length, 1);
    const a0 = alerts[0];
    assert.ok(a0);
    assert.deepEqual(a0.labels, { alertname: 'ForwardMe', severity: 'page', site: 'lab' });
    assert.equal(a0.annotations['summary'], 'forwarded by Kansoku');
  });

  it('serves amtool: lists alerts, adds, queries and expires silences', async () => {
    const base = kansoku?.base ?? '';
    const listed = await until('the alert in Kansoku', async () => {
      const out = JSON.parse(await amtool(base, 'alert', 'query', '-o', 'json')) as AmtoolAlert[];
      return out.length > 0 ? out : undefined;
    });
    assert.equal(listed[0]?.labels['alertname'], 'ForwardMe');
    const id = (
      await amtool(
        base,
        'silence',
        'add',
        'alertname=ForwardMe',
        '-a',
        'amtool',
        '-c',
        'test',
        '-d',
        '1h',
      )
    ).trim();
    assert.match(id, /^[0-9a-f-]{36}$/);
    assert.deepEqual((await amtool(base, 'silence', 'query', '-q')).trim().split('\n'), [id]);
    const silenced = await amtool(base, 'alert', 'query', '--silenced', '-o', 'json');
    assert.equal((JSON.parse(silenced) as AmtoolAlert[]).length, 1);
    await amtool(base, 'silence', 'expire', id);
    assert.equal((await amtool(base, 'silence', 'query', '-q')).trim(), '');
    const expired = await amtool(base, 'silence', 'query', '--expired', '-q');
    assert.deepEqual(expired.trim().split('\n'), [id]);
  });
});
