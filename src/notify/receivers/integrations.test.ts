import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Labels } from '../../model/index.js';
import type { Alert } from '../alerts/alert.js';
import { parseAlertmanagerConfig } from '../config/index.js';
import { buildRouteTree } from '../dispatch/route.js';
import type { GroupContext } from '../dispatch/group.js';
import { NotifyError } from '../pipeline/pipeline.js';
import { NotificationTemplates } from '../template/templates.js';
import { buildIntegrations } from './integrations.js';

interface Req {
  url: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

let server: Server;
let base = '';
const received: Req[] = [];
let status = 200;

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        url: req.url ?? '',
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
      });
      res.statusCode = status;
      res.end(status === 200 ? 'ok' : 'boom');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

const NOW = Date.parse('2024-03-04T10:00:00Z');

function alert(instance: string, resolved: boolean): Alert {
  return {
    labels: Labels.fromRecord({ alertname: 'Down', instance, job: 'api' }),
    annotations: { summary: `${instance} down` },
    startsAtMs: NOW - 60_000,
    endsAtMs: resolved ? NOW - 1_000 : NOW + 300_000,
    generatorURL: 'http://prom/graph?g0.expr=up',
    updatedAtMs: NOW,
    timeout: false,
  };
}

function setup() {
  const cfg = parseAlertmanagerConfig(`
route: {receiver: hooks, group_by: [alertname]}
receivers:
  - name: hooks
    webhook_configs:
      - url: ${base}/hook
        max_alerts: 1
        http_config: {authorization: {credentials: s3cret}}
    slack_configs:
      - api_url: ${base}/slack
        channel: '#ops'
        title: '{{ .CommonLabels.alertname }} ({{ .Alerts.Firing | len }})'
`);
  const { integrations, unsupported } = buildIntegrations(cfg, {
    templates: new NotificationTemplates(),
    externalURL: 'http://am.example',
  });
  assert.deepEqual(unsupported, []);
  const route = buildRouteTree(cfg);
  const ctx: GroupContext = {
    groupKey: '{}:{alertname="Down"}',
    route,
    receiver: 'hooks',
    groupLabels: Labels.fromRecord({ alertname: 'Down' }),
    nowMs: NOW,
    signal: new AbortController().signal,
  };
  return { list: integrations.get('hooks') ?? [], ctx };
}

describe('integrations against a local HTTP sink', () => {
  it('webhook sends Alertmanager message version 4', async () => {
    received.length = 0;
    const { list, ctx } = setup();
    const hook = list.find((i) => i.kind === 'webhook');
    assert.ok(hook);
    await hook.send(ctx, [alert('a', false), alert('b', true)]);
    const [req] = received;
    assert.ok(req);
    assert.equal(req.url, '/hook');
    assert.equal(req.headers['authorization'], 'Bearer s3cret');
    assert.deepEqual(req.body, {
      receiver: 'hooks',
      status: 'firing',
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'Down', instance: 'a', job: 'api' },
          annotations: { summary: 'a down' },
          startsAt: '2024-03-04T09:59:00Z',
          endsAt: '0001-01-01T00:00:00Z',
          generatorURL: 'http://prom/graph?g0.expr=up',
          fingerprint: (req.body as { alerts: { fingerprint: string }[] }).alerts[0]?.fingerprint,
        },
      ],
      groupLabels: { alertname: 'Down' },
      commonLabels: { alertname: 'Down', job: 'api' },
      commonAnnotations: {},
      externalURL: 'http://am.example',
      version: '4',
      groupKey: '{}:{alertname="Down"}',
      truncatedAlerts: 1,
    });
    assert.match(
      (req.body as { alerts: { fingerprint: string }[] }).alerts[0]?.fingerprint ?? '',
      /^[0-9a-f]{16}$/,
    );
  });

  it('slack renders templates into the attachment', async () => {
    received.length = 0;
    const { list, ctx } = setup();
    const s = list.find((i) => i.kind === 'slack');
    assert.ok(s);
    assert.equal(s.sendResolved, false);
    await s.send(ctx, [alert('a', false)]);
    const body = received[0]?.body as {
      channel: string;
      username: string;
      attachments: Record<string, unknown>[];
    };
    assert.equal(body.channel, '#ops');
    assert.equal(body.username, 'Alertmanager');
    const [att] = body.attachments;
    assert.ok(att);
    assert.equal(att['title'], 'Down (1)');
    assert.equal(att['color'], 'danger');
    assert.equal(att['title_link'], 'http://am.example/alerts?receiver=hooks');
  });

  it('classifies failures as retryable (5xx) or not (4xx)', async () => {
    const { list, ctx } = setup();
    const hook = list.find((i) => i.kind === 'webhook');
    assert.ok(hook);
    status = 503;
    await assert.rejects(
      hook.send(ctx, [alert('a', false)]),
      (e: unknown) => e instanceof NotifyError && e.retryable,
    );
    status = 400;
    await assert.rejects(
      hook.send(ctx, [alert('a', false)]),
      (e: unknown) => e instanceof NotifyError && !e.retryable,
    );
    status = 200;
  });
});
