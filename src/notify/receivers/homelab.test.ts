import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Labels } from '../../model/index.js';
import type { Alert } from '../alerts/alert.js';
import { parseAlertmanagerConfig } from '../config/index.js';
import type { GroupContext } from '../dispatch/group.js';
import { buildRouteTree } from '../dispatch/route.js';
import type { Integration } from '../pipeline/pipeline.js';
import { NotificationTemplates } from '../template/templates.js';
import { buildIntegrations } from './integrations.js';

interface Req {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

let server: Server;
let base = '';
const got: Req[] = [];

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        text: Buffer.concat(chunks).toString('utf8'),
      });
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

const NOW = Date.parse('2024-03-04T10:00:00Z');

function alert(resolved: boolean): Alert {
  return {
    labels: Labels.fromRecord({ alertname: 'Down', instance: 'pi', severity: 'critical' }),
    annotations: { summary: 'pi is down' },
    startsAtMs: NOW - 60_000,
    endsAtMs: resolved ? NOW - 1 : NOW + 60_000,
    generatorURL: 'http://kansoku/graph',
    updatedAtMs: NOW,
    timeout: false,
  };
}

function integrations(): { list: Integration[]; ctx: GroupContext } {
  const cfg = parseAlertmanagerConfig(`
route: {receiver: all, group_by: [alertname]}
receivers:
  - name: all
    ntfy_configs: [{url: '${base}/', topic: homelab, token: tk}]
    gotify_configs: [{url: '${base}/gotify/', token: gk}]
    matrix_configs: [{homeserver_url: '${base}', room_id: '!room:example.org', access_token: mx}]
    pushover_configs: [{user_key: uk, token: pt}]
`);
  const built = buildIntegrations(cfg, {
    templates: new NotificationTemplates(),
    externalURL: 'http://kansoku:9090',
    pushoverURL: `${base}/1/messages.json`,
  });
  const ctx: GroupContext = {
    groupKey: '{}:{alertname="Down"}',
    route: buildRouteTree(cfg),
    receiver: 'all',
    groupLabels: Labels.fromRecord({ alertname: 'Down' }),
    nowMs: NOW,
    signal: new AbortController().signal,
  };
  return { list: built.integrations.get('all') ?? [], ctx };
}

async function send(kind: string, resolved = false): Promise<Req> {
  got.length = 0;
  const { list, ctx } = integrations();
  const i = list.find((x) => x.kind === kind);
  assert.ok(i, kind);
  await i.send(ctx, [alert(resolved)]);
  const [r] = got;
  assert.ok(r);
  return r;
}

describe('home-lab integrations', () => {
  it('ntfy publishes JSON to the root URL with the topic and a bearer token', async () => {
    const r = await send('ntfy');
    assert.equal(r.method, 'POST');
    assert.equal(r.url, '/');
    assert.equal(r.headers['authorization'], 'Bearer tk');
    const b = JSON.parse(r.text) as Record<string, unknown>;
    assert.equal(b['topic'], 'homelab');
    assert.equal(b['title'], '[FIRING:1] Down (pi critical)');
    assert.equal(b['priority'], 4);
    assert.deepEqual(b['tags'], ['rotating_light']);
    assert.equal(b['click'], 'http://kansoku:9090/alerts');
    assert.match(String(b['message']), /summary = pi is down/);
    const res = JSON.parse((await send('ntfy', true)).text) as Record<string, unknown>;
    assert.equal(res['priority'], 3);
    assert.match(String(res['title']), /^\[RESOLVED\]/);
  });
  it('gotify posts /message with X-Gotify-Key', async () => {
    const r = await send('gotify');
    assert.equal(r.url, '/gotify/message');
    assert.equal(r.headers['x-gotify-key'], 'gk');
    const b = JSON.parse(r.text) as Record<string, unknown>;
    assert.equal(b['title'], '[FIRING:1] Down (pi critical)');
    assert.equal(b['priority'], 8);
    assert.match(String(b['message']), /Alerts Firing:/);
  });
  it('matrix PUTs an m.room.message with HTML', async () => {
    const r = await send('matrix');
    assert.equal(r.method, 'PUT');
    assert.match(
      r.url,
      /^\/_matrix\/client\/v3\/rooms\/!room%3Aexample\.org\/send\/m\.room\.message\/kansoku-/,
    );
    assert.equal(r.headers['authorization'], 'Bearer mx');
    const b = JSON.parse(r.text) as Record<string, unknown>;
    assert.equal(b['msgtype'], 'm.text');
    assert.equal(b['format'], 'org.matrix.custom.html');
    assert.match(String(b['formatted_body']), /<b>Down<\/b>: pi is down \(critical\)/);
    assert.match(String(b['body']), /^\[FIRING:1\] Down/);
  });
  it('pushover posts the form Alertmanager sends', async () => {
    const r = await send('pushover');
    assert.equal(r.url, '/1/messages.json');
    assert.equal(r.headers['content-type'], 'application/x-www-form-urlencoded');
    const f = new URLSearchParams(r.text);
    assert.equal(f.get('token'), 'pt');
    assert.equal(f.get('user'), 'uk');
    assert.equal(f.get('title'), '[FIRING:1] Down (pi critical)');
    assert.equal(f.get('priority'), '2');
    assert.equal(f.get('retry'), '60');
    assert.equal(f.get('expire'), '3600');
    assert.match(f.get('message') ?? '', /pi is down/);
    assert.equal(f.get('url'), 'http://kansoku:9090/alerts?receiver=all');
  });
  it('rejects incomplete entries at load time', () => {
    const bad = (r: string): void => {
      assert.throws(() =>
        parseAlertmanagerConfig(`route: {receiver: r}\nreceivers:\n  - name: r\n    ${r}\n`),
      );
    };
    bad('ntfy_configs: [{url: "http://x"}]');
    bad('gotify_configs: [{url: "http://x"}]');
    bad('matrix_configs: [{homeserver_url: "http://x", access_token: t}]');
  });
});
