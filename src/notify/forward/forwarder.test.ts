import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { parsePrometheusConfig } from '../../config/index.js';
import { Labels } from '../../model/index.js';
import { AlertForwarder, alertsPath, defaultForwarderOptions } from './forwarder.js';

interface Req {
  url: string;
  auth: string;
  ua: string;
  body: { labels: Record<string, string>; startsAt?: string; endsAt?: string }[];
}

let server: Server;
let port = 0;
const got: Req[] = [];
let status = 200;
let delayMs = 0;

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({
        url: req.url ?? '',
        auth: req.headers.authorization ?? '',
        ua: req.headers['user-agent'] ?? '',
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Req['body'],
      });
      setTimeout(() => {
        res.statusCode = status;
        res.end();
      }, delayMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
after(() => server.close());

function forwarder(yaml: string, warnings: string[] = []): AlertForwarder {
  const cfg = parsePrometheusConfig(yaml);
  const f = new AlertForwarder({
    ...defaultForwarderOptions(),
    maxBatch: 2,
    userAgent: 'Kansoku/test',
    warn: (m) => warnings.push(m),
  });
  f.apply(cfg.alerting, cfg.global.externalLabels);
  return f;
}

const alert = (
  name: string,
  extra: Record<string, string> = {},
): Parameters<AlertForwarder['send']>[0][number] => ({
  labels: Labels.fromRecord({ alertname: name, ...extra }),
  annotations: { summary: name },
  startsAtMs: Date.parse('2024-03-04T10:00:00Z'),
  endsAtMs: Date.parse('2024-03-04T10:04:00Z'),
  generatorURL: 'http://kansoku/graph',
});

describe('AlertForwarder', () => {
  it('joins the path prefix', () => {
    assert.equal(alertsPath('/'), '/api/v2/alerts');
    assert.equal(alertsPath('/am/'), '/am/api/v2/alerts');
  });

  it('posts batches with external labels, relabeling and basic auth', async () => {
    got.length = 0;
    const f = forwarder(`
global: {external_labels: {site: lab, alertname: never}}
alerting:
  alert_relabel_configs:
    - {source_labels: [drop], regex: yes, action: drop}
  alertmanagers:
    - static_configs: [{targets: ['127.0.0.1:${port}']}]
      path_prefix: /am
      basic_auth: {username: u, password: p}
      alert_relabel_configs:
        - {target_label: via, replacement: am1}
`);
    f.send([alert('A'), alert('B', { drop: 'yes' }), alert('C'), alert('D')]);
    await f.idle();
    assert.equal(got.length, 2, 'three alerts in batches of two');
    const first = got[0];
    assert.ok(first);
    assert.equal(first.url, '/am/api/v2/alerts');
    assert.equal(first.auth, `Basic ${Buffer.from('u:p').toString('base64')}`);
    assert.equal(first.ua, 'Kansoku/test');
    const a0 = first.body[0];
    assert.ok(a0);
    assert.deepEqual(a0.labels, { alertname: 'A', site: 'lab', via: 'am1' });
    assert.equal(a0.startsAt, '2024-03-04T10:00:00.000Z');
    assert.equal(a0.endsAt, '2024-03-04T10:04:00.000Z');
    assert.deepEqual(
      got.flatMap((r) => r.body.map((a) => a.labels['alertname'])),
      ['A', 'C', 'D'],
    );
    assert.equal(f.stats.sent, 3);
  });

  it('relabels targets, sends authorization, counts errors and honours the timeout', async () => {
    got.length = 0;
    const warnings: string[] = [];
    const f = forwarder(
      `
alerting:
  alertmanagers:
    - static_configs: [{targets: ['ignored:1']}]
      authorization: {credentials: tok}
      timeout: 200ms
      relabel_configs:
        - {target_label: __address__, replacement: '127.0.0.1:${port}'}
`,
      warnings,
    );
    status = 500;
    f.send([alert('A')]);
    await f.idle();
    assert.equal(got[0]?.auth, 'Bearer tok');
    assert.equal(f.stats.errors, 1);
    assert.match(warnings[0] ?? '', /bad response status 500/);
    status = 200;
    delayMs = 1000;
    f.send([alert('B')]);
    await f.idle();
    delayMs = 0;
    assert.equal(
      f.stats.errors,
      2,
      `${warnings.join(' | ')} sent=${f.stats.sent} got=${got.length}`,
    );
    assert.match(warnings[1] ?? '', /timed out after 200 ms/);
  });

  it('does nothing without Alertmanagers', async () => {
    got.length = 0;
    const f = forwarder('global: {}\n');
    assert.equal(f.active(), false);
    f.send([alert('A')]);
    await f.idle();
    assert.equal(got.length, 0);
  });
});
