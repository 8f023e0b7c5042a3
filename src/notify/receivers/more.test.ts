import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { piAlert, RecordingSink, sendOne, type SinkRequest } from './testkit.js';

type Req = SinkRequest;

const sink = new RecordingSink();
before(() => sink.start());
after(() => {
  sink.close();
});

function receivers(): string {
  return `    mattermost_configs: [{webhook_url: '${sink.base}/mm', channel: town-square, username: kansoku}]
    rocketchat_configs: [{api_url: '${sink.base}/rc/', channel: '#ops', token: t1, token_id: u1, send_resolved: true}]
    webex_configs:
      - room_id: room-1
        api_url: '${sink.base}/webex'
        http_config: {authorization: {credentials: wx}}
    victorops_configs: [{api_url: '${sink.base}/vo/', api_key: key1, routing_key: team-a, custom_fields: {team: '{{ .CommonLabels.severity }}'}}]
    incidentio_configs: [{url: '${sink.base}/io', alert_source_token: src1}]
`;
}

function send(kind: string, resolved = false): Promise<Req> {
  return sendOne(sink, receivers(), kind, piAlert(resolved));
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
