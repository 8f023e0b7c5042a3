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
  url: string;
  auth: string;
  body: Record<string, unknown>;
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
        url: req.url ?? '',
        auth: req.headers.authorization ?? '',
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
      });
      res.setHeader('content-type', 'application/json');
      res.end(req.url?.includes('/bot') === true ? '{"ok":true}' : '{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

const NOW = Date.parse('2024-03-04T10:00:00Z');

function alert(resolved: boolean): Alert {
  return {
    labels: Labels.fromRecord({ alertname: 'Down', instance: 'a' }),
    annotations: { summary: 'a is down' },
    startsAtMs: NOW - 60_000,
    endsAtMs: resolved ? NOW - 1 : NOW + 60_000,
    generatorURL: '',
    updatedAtMs: NOW,
    timeout: false,
  };
}

function integrations(): { list: Integration[]; ctx: GroupContext } {
  const cfg = parseAlertmanagerConfig(`
route: {receiver: all, group_by: [alertname]}
receivers:
  - name: all
    discord_configs: [{webhook_url: '${base}/discord'}]
    telegram_configs: [{api_url: '${base}', bot_token: tok, chat_id: -100}]
    msteams_configs: [{webhook_url: '${base}/teams'}]
    msteamsv2_configs: [{webhook_url: '${base}/teams2'}]
    pagerduty_configs: [{url: '${base}/pd', routing_key: rk}]
    opsgenie_configs: [{api_url: '${base}/og/', api_key: ok, tags: 'a, b'}]
`);
  const built = buildIntegrations(cfg, {
    templates: new NotificationTemplates(),
    externalURL: 'http://am',
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

describe('chat and incident integrations', () => {
  it('discord posts one embed', async () => {
    const r = await send('discord');
    assert.equal(r.url, '/discord');
    const embeds = r.body['embeds'] as { title: string; description: string; color: number }[];
    assert.equal(embeds.length, 1);
    const [e] = embeds;
    assert.ok(e);
    assert.equal(e.title, '[FIRING:1] Down (a)');
    assert.equal(e.color, 0x992d22);
    assert.match(e.description, /summary = a is down/);
  });
  it('telegram calls sendMessage with the chat id', async () => {
    const r = await send('telegram');
    assert.equal(r.url, '/bottok/sendMessage');
    assert.equal(r.body['chat_id'], -100);
    assert.equal(r.body['parse_mode'], 'HTML');
    assert.match(String(r.body['text']), /Alerts Firing:/);
  });
  it('msteams and msteamsv2 post cards', async () => {
    assert.equal((await send('msteams')).body['themeColor'], '8C1A1A');
    const v2 = await send('msteamsv2');
    assert.equal(v2.body['type'], 'message');
  });
  it('pagerduty triggers and resolves with a stable dedup key', async () => {
    const t = await send('pagerduty');
    const r = await send('pagerduty', true);
    assert.equal(t.body['event_action'], 'trigger');
    assert.equal(r.body['event_action'], 'resolve');
    assert.equal(t.body['dedup_key'], r.body['dedup_key']);
    assert.equal((t.body['payload'] as { summary: string }).summary, '[FIRING:1] Down (a)');
  });
  it('opsgenie creates and closes by alias', async () => {
    const c = await send('opsgenie');
    assert.equal(c.url, '/og/v2/alerts');
    assert.equal(c.auth, 'GenieKey ok');
    assert.deepEqual(c.body['tags'], ['a', 'b']);
    const close = await send('opsgenie', true);
    assert.equal(close.url, `/og/v2/alerts/${String(c.body['alias'])}/close?identifierType=alias`);
  });
});
