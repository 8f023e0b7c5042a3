import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseAlertmanagerConfig } from '../config/index.js';
import { piAlert, RecordingSink, sendOne, type SinkRequest } from './testkit.js';

type Req = SinkRequest;

const sink = new RecordingSink();
before(() => sink.start());
after(() => {
  sink.close();
});

function receivers(): string {
  return `    ntfy_configs: [{url: '${sink.base}/', topic: homelab, token: tk}]
    gotify_configs: [{url: '${sink.base}/gotify/', token: gk}]
    matrix_configs: [{homeserver_url: '${sink.base}', room_id: '!room:example.org', access_token: mx}]
    pushover_configs: [{user_key: uk, token: pt}]
`;
}

function send(kind: string, resolved = false): Promise<Req> {
  return sendOne(sink, receivers(), kind, piAlert(resolved), {
    pushoverURL: `${sink.base}/1/messages.json`,
  });
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
