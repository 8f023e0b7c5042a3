/**
 * Test support for receiver tests: a recording HTTP sink on 127.0.0.1 and a helper that sends one
 * alert through one integration built from an `alertmanager.yml` receiver named `all`. Used by
 * this folder's tests only.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Labels } from '../../model/index.js';
import type { Alert } from '../alerts/alert.js';
import { parseAlertmanagerConfig } from '../config/index.js';
import type { GroupContext } from '../dispatch/group.js';
import { buildRouteTree } from '../dispatch/route.js';
import { NotificationTemplates } from '../template/templates.js';
import type { IntegrationEnv } from './common.js';
import { buildIntegrations } from './integrations.js';

/** One request the sink received. */
export interface SinkRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
}

/** What a sink answers: a status and a JSON body. */
export interface SinkAnswer {
  readonly status: number;
  readonly body: unknown;
}

/**
 * An HTTP server that records every request and answers it with `answer(request)`
 * (default: 200 and `{}` as JSON).
 */
export class RecordingSink {
  readonly got: SinkRequest[] = [];
  /** `http://127.0.0.1:<port>` once started. */
  base = '';
  private server: Server | undefined;

  constructor(
    private readonly answer: (r: SinkRequest) => SinkAnswer = () => ({ status: 200, body: {} }),
  ) {}

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const r: SinkRequest = {
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          text: Buffer.concat(chunks).toString('utf8'),
        };
        this.got.push(r);
        const a = this.answer(r);
        res.statusCode = a.status;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(a.body));
      });
    });
    this.server = server;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    this.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  close(): void {
    this.server?.close();
  }
}

/** The time the test alerts are evaluated at. */
export const NOW = Date.parse('2024-03-04T10:00:00Z');

/** A `Down` alert for `instance="pi"`, firing or resolved at `NOW`. */
export function piAlert(resolved: boolean): Alert {
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

/**
 * Builds the integrations of receiver `all` from `receivers` (YAML lines under `- name: all`),
 * sends `alert` through the one of kind `kind`, and returns the single request the sink got.
 */
export async function sendOne(
  sink: RecordingSink,
  receivers: string,
  kind: string,
  alert: Alert,
  env: Partial<IntegrationEnv> = {},
): Promise<SinkRequest> {
  const cfg = parseAlertmanagerConfig(
    `route: {receiver: all, group_by: [alertname]}\nreceivers:\n  - name: all\n${receivers}`,
  );
  const built = buildIntegrations(cfg, {
    templates: new NotificationTemplates(),
    externalURL: 'http://kansoku:9090',
    ...env,
  });
  assert.deepEqual(built.unsupported, []);
  const ctx: GroupContext = {
    groupKey: '{}:{alertname="Down"}',
    route: buildRouteTree(cfg),
    receiver: 'all',
    groupLabels: Labels.fromRecord({ alertname: 'Down' }),
    nowMs: NOW,
    signal: new AbortController().signal,
  };
  const i = (built.integrations.get('all') ?? []).find((x) => x.kind === kind);
  assert.ok(i, kind);
  sink.got.length = 0;
  await i.send(ctx, [alert]);
  const [r] = sink.got;
  assert.ok(r);
  return r;
}
