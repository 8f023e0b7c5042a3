/**
 * Alerting end to end through a real `kansoku server`: rules fire, group and route through the
 * built-in Alertmanager, and reach a webhook sink, a Slack-shaped sink and an SMTP sink on
 * 127.0.0.1, each with `send_resolved`. A silence (created through the v2 API before its alert
 * fires) and an inhibition rule suppress their alerts.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import {
  createServer as createTcpServer,
  type AddressInfo,
  type Server as TcpServer,
} from 'node:net';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTemp, removeTemp, startKansoku, type KansokuProcess } from './server-harness.js';

interface HttpHit {
  readonly path: string;
  readonly body: Record<string, unknown>;
}

/** A tiny SMTP sink that records each message's text. */
function smtpSink(mails: string[]): TcpServer {
  return createTcpServer((sock) => {
    let inData = false;
    let buf = '';
    let data = '';
    sock.write('220 sink ESMTP\r\n');
    sock.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      for (let i = buf.indexOf('\r\n'); i >= 0; i = buf.indexOf('\r\n')) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            mails.push(data);
            data = '';
            sock.write('250 queued\r\n');
          } else data += `${line}\n`;
          continue;
        }
        const verb = line.split(' ')[0]?.toUpperCase();
        if (verb === 'EHLO') sock.write('250-sink\r\n250 8BITMIME\r\n');
        else if (verb === 'DATA') {
          inData = true;
          sock.write('354 go\r\n');
        } else if (verb === 'QUIT') sock.end('221 bye\r\n');
        else sock.write('250 ok\r\n');
      }
    });
  });
}

async function until(what: string, pred: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (pred()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

describe('alerting end to end', { timeout: 90_000 }, () => {
  let tmp = '';
  let http: Server;
  let smtp: TcpServer;
  const hits: HttpHit[] = [];
  const mails: string[] = [];
  let kansoku: KansokuProcess | undefined;
  let resolveAtS = 0;

  before(async () => {
    tmp = await makeTemp();
    http = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        hits.push({
          path: req.url ?? '',
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
        });
        res.end(req.url === '/slack' ? 'ok' : '');
      });
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    smtp = smtpSink(mails);
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    const hp = (http.address() as AddressInfo).port;
    const sp = (smtp.address() as AddressInfo).port;
    const nowS = Math.floor(Date.now() / 1000);
    resolveAtS = nowS + 12;
    const noisyFromS = nowS + 6;
    await writeFile(
      path.join(tmp, 'rules.yml'),
      [
        'groups:',
        '  - name: e2e',
        '    interval: 1s',
        '    rules:',
        '      - alert: DiskFull',
        `        expr: vector(1) and on() (vector(time()) < ${resolveAtS})`,
        '        labels: {severity: warning, instance: a}',
        '        annotations: {summary: "disk on a is full"}',
        '      - alert: HostDown',
        '        expr: vector(1)',
        '        labels: {severity: critical, instance: b}',
        '      - alert: HostSlow',
        '        expr: vector(1)',
        '        labels: {severity: warning, instance: b}',
        '      - alert: Noisy',
        `        expr: vector(1) and on() (vector(time()) > ${noisyFromS})`,
        '        labels: {severity: warning, instance: c}',
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
        '  receiver: team',
        '  group_by: [alertname]',
        '  group_wait: 1s',
        '  group_interval: 2s',
        '  repeat_interval: 1h',
        'inhibit_rules:',
        '  - source_matchers: [severity="critical"]',
        '    target_matchers: [severity="warning"]',
        '    equal: [instance]',
        'receivers:',
        '  - name: team',
        `    webhook_configs: [{url: 'http://127.0.0.1:${hp}/hook'}]`,
        `    slack_configs: [{api_url: 'http://127.0.0.1:${hp}/slack', channel: '#ops', send_resolved: true}]`,
        '    email_configs:',
        `      - {to: ops@example.org, from: kansoku@example.org, smarthost: '127.0.0.1:${sp}', require_tls: false, send_resolved: true}`,
        '',
      ].join('\n'),
    );
    kansoku = await startKansoku(path.join(tmp, 'data'), [
      `--config.file=${path.join(tmp, 'prometheus.yml')}`,
      `--alertmanager.config.file=${path.join(tmp, 'alertmanager.yml')}`,
    ]);
    // Silence Noisy before it starts firing.
    const res = await fetch(`${kansoku.base}/api/v2/silences`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        matchers: [{ name: 'alertname', value: 'Noisy', isRegex: false, isEqual: true }],
        startsAt: new Date().toISOString(),
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        createdBy: 'e2e',
        comment: 'known noisy',
      }),
    });
    assert.equal(res.status, 200);
  });

  after(
    async () => {
      await kansoku?.stop();
      await new Promise((r) => http.close(r));
      await new Promise((r) => smtp.close(r));
      await removeTemp(tmp);
    },
    { timeout: 20_000 },
  );

  it('delivers to webhook, Slack and email with resolved notices; silences and inhibition suppress', async () => {
    const hookStatus = (name: string): string[] =>
      hits
        .filter((h) => h.path === '/hook')
        .filter((h) => (h.body['groupLabels'] as Record<string, string>)['alertname'] === name)
        .map((h) => String(h.body['status']));
    await until(
      'resolved DiskFull on all three sinks',
      () =>
        hookStatus('DiskFull').includes('resolved') &&
        hits.some(
          (h) => h.path === '/slack' && JSON.stringify(h.body).includes('[RESOLVED] DiskFull'),
        ) &&
        mails.some((m) => /Subject: \[RESOLVED\] DiskFull/.test(m)),
      (resolveAtS + 20) * 1000 - Date.now(),
    );
    // Two group intervals for anything that should not come.
    await new Promise((r) => setTimeout(r, 4_000));
    assert.deepEqual(hookStatus('DiskFull'), ['firing', 'resolved']);
    assert.deepEqual(hookStatus('HostDown'), ['firing']);
    assert.deepEqual(hookStatus('HostSlow'), [], 'inhibited by HostDown on the same instance');
    assert.deepEqual(hookStatus('Noisy'), [], 'silenced');

    const slack = hits.filter((h) => h.path === '/slack');
    const firing = slack.find((h) => JSON.stringify(h.body).includes('[FIRING:1] DiskFull'));
    assert.ok(firing, 'Slack got the firing DiskFull');
    assert.equal(firing.body['channel'], '#ops');
    const att = (firing.body['attachments'] as Record<string, unknown>[])[0];
    assert.ok(att);
    assert.equal(att['color'], 'danger');
    assert.match(String(att['title_link']), /\/alerts\?receiver=team$/);

    const subjects = mails.map((m) => /Subject: (.*)/.exec(m)?.[1] ?? '');
    assert.ok(
      subjects.some((s) => s.startsWith('[FIRING:1] DiskFull')),
      subjects.join(' | '),
    );
    assert.ok(
      subjects.some((s) => s.startsWith('[RESOLVED] DiskFull')),
      subjects.join(' | '),
    );
    assert.ok(!subjects.some((s) => /HostSlow|Noisy/.test(s)), subjects.join(' | '));
    const diskMail = mails.find((m) => /Subject: \[FIRING:1\] DiskFull/.test(m)) ?? '';
    const html =
      /Content-Transfer-Encoding: base64\n\n([A-Za-z0-9+/=\n]+)/.exec(diskMail)?.[1] ?? '';
    const text = Buffer.from(html.replace(/\n/g, ''), 'base64').toString('utf8');
    assert.match(text, /DiskFull \[warning\]: disk on a is full/);
    assert.match(text, /Firing since 20\d\d-/);

    // Noisy did fire: it is active in the API, silenced by our silence.
    const am = (await (
      await fetch(`${kansoku?.base ?? ''}/api/v2/alerts?filter=alertname%3DNoisy`)
    ).json()) as {
      status: { state: string; silencedBy: string[] };
    }[];
    const noisy = am[0];
    assert.ok(noisy);
    assert.equal(noisy.status.state, 'suppressed');
    assert.equal(noisy.status.silencedBy.length, 1);
  });
});
