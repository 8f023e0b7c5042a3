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
    mattermost_configs: [{webhook_url: '${base}/mm', channel: town-square, username: kansoku}]
    rocketchat_configs: [{api_url: '${base}/rc/', channel: '#ops', token: t1, token_id: u1, send_resolved: true}]
    webex_configs:
      - room_id: room-1
        api_url: '${base}/webex'
        http_config: {authorization: {credentials: wx}}
    victorops_configs: [{api_url: '${base}/vo/', api_key: key1, routing_key: team-a, custom_fields: {team: '{{ .CommonLabels.severity }}'}}]
    incidentio_configs: [{url: '${base}/io', alert_source_token: src1}]
`);
  const built = buildIntegrations(cfg, {
    templates: new NotificationTemplates(),
    externalURL: 'http://kansoku:9090',
  });
  const ctx: GroupContext = {
    groupKey: '{}:{alertname="Down"}',
    route: buildRouteTree(cfg),
    receiver: 'all',
    groupLabels: Labels.fromRecord({ alertname: 'Down' }),
    nowMs: NOW,
    signal: new AbortController().signal,
  };
  assert.deepEqual(built.unsupported, []);
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

const json = (r: Req): Record<string, unknown> => JSON.parse(r.text) as Record<string, unknown>;

describe('Mattermost, Rocket.Chat, Webex, VictorOps and incident.io', () => {
  it('mattermost posts text with channel and username', async () => {
    const r = await send('mattermost');
    assert.equal(r.url, '/mm');
    const b = json(r);
    assert.equal(b['channel'], 'town-square');
    assert.equal(b['username'], 'kansoku');
    assert.match(String(b['text']), /^\*\*\[FIRING:1\] Down \(pi critical\)\*\*/);
    assert.match(String(b['text']), /Down \[critical\]: pi is down/);
  });
  it('rocketchat calls chat.postMessage with the token headers', async () => {
    const r = await send('rocketchat');
    assert.equal(r.url, '/rc/api/v1/chat.postMessage');
    assert.equal(r.headers['x-auth-token'], 't1');
    assert.equal(r.headers['x-user-id'], 'u1');
    const b = json(r);
    assert.equal(b['channel'], '#ops');
    const [att] = b['attachments'] as Record<string, unknown>[];
    assert.ok(att);
    assert.equal(att['title'], '[FIRING:1] Down (pi critical)');
    assert.equal(att['color'], 'red');
    assert.equal(att['title_link'], 'http://kansoku:9090/alerts?receiver=all');
    const res = json(await send('rocketchat', true));
    assert.equal((res['attachments'] as Record<string, unknown>[])[0]?.['color'], 'green');
  });
  it('webex posts Markdown to the room with the bearer token', async () => {
    const r = await send('webex');
    assert.equal(r.url, '/webex');
    assert.equal(r.headers['authorization'], 'Bearer wx');
    const b = json(r);
    assert.equal(b['roomId'], 'room-1');
    assert.match(String(b['markdown']), /^\*\*\[FIRING:1\] Down/);
  });
  it('victorops triggers and recovers one entity', async () => {
    const t = await send('victorops');
    assert.equal(t.url, '/vo/key1/team-a');
    const tb = json(t);
    assert.equal(tb['message_type'], 'CRITICAL');
    assert.equal(tb['entity_display_name'], '[FIRING:1] Down (pi critical)');
    assert.equal(tb['monitoring_tool'], 'Kansoku');
    assert.equal(tb['team'], 'critical');
    const rb = json(await send('victorops', true));
    assert.equal(rb['message_type'], 'RECOVERY');
    assert.equal(rb['entity_id'], tb['entity_id']);
  });
  it('incident.io posts the webhook message with the alert source token', async () => {
    const r = await send('incidentio');
    assert.equal(r.url, '/io');
    assert.equal(r.headers['authorization'], 'Bearer src1');
    const b = json(r);
    assert.equal(b['version'], '4');
    assert.equal(b['status'], 'firing');
    assert.equal((b['alerts'] as unknown[]).length, 1);
  });
});
