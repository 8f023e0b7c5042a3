import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Labels } from '../../model/index.js';
import { parseAlertmanagerConfig } from '../config/index.js';
import type { GroupContext } from '../dispatch/group.js';
import { buildRouteTree } from '../dispatch/route.js';
import { NotifyError } from '../pipeline/pipeline.js';
import { NotificationTemplates } from '../template/templates.js';
import { addresses } from './email.js';
import { buildIntegrations } from './integrations.js';

interface Session {
  commands: string[];
  data: string;
}

let server: Server;
let port = 0;
const sessions: Session[] = [];

/** A tiny SMTP sink: EHLO with AUTH PLAIN, accepts one message per session. */
before(async () => {
  server = createServer((sock) => {
    const s: Session = { commands: [], data: '' };
    sessions.push(s);
    let inData = false;
    let buf = '';
    sock.write('220 sink ESMTP\r\n');
    sock.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      for (let i = buf.indexOf('\r\n'); i >= 0; i = buf.indexOf('\r\n')) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            sock.write('250 queued\r\n');
          } else s.data += `${line}\n`;
          continue;
        }
        s.commands.push(line);
        const verb = line.split(' ')[0]?.toUpperCase();
        if (verb === 'EHLO') sock.write('250-sink\r\n250 AUTH PLAIN LOGIN\r\n');
        else if (verb === 'AUTH') {
          const ok = line === `AUTH PLAIN ${Buffer.from('\u0000am\u0000pw').toString('base64')}`;
          sock.write(ok ? '235 ok\r\n' : '535 bad credentials\r\n');
        } else if (verb === 'DATA') {
          inData = true;
          sock.write('354 go\r\n');
        } else if (verb === 'QUIT') {
          sock.end('221 bye\r\n');
        } else sock.write('250 ok\r\n');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
after(() => server.close());

const NOW = Date.parse('2024-03-04T10:00:00Z');

async function send(password: string, requireTLS: boolean): Promise<void> {
  const cfg = parseAlertmanagerConfig(`
global: {smtp_smarthost: '127.0.0.1:${port}', smtp_from: 'Kansoku <am@example.org>', smtp_auth_username: am, smtp_auth_password: '${password}', smtp_require_tls: ${requireTLS}}
route: {receiver: mail}
receivers: [{name: mail, email_configs: [{to: 'ops@example.org, dev@example.org', text: 'plain {{ .Status }}'}]}]
`);
  const { integrations } = buildIntegrations(cfg, {
    templates: new NotificationTemplates(),
    externalURL: 'http://am',
  });
  const [mail] = integrations.get('mail') ?? [];
  assert.ok(mail);
  const ctx: GroupContext = {
    groupKey: '{}:{}',
    route: buildRouteTree(cfg),
    receiver: 'mail',
    groupLabels: Labels.EMPTY,
    nowMs: NOW,
    signal: new AbortController().signal,
  };
  const alert = {
    labels: Labels.fromRecord({ alertname: 'Down' }),
    annotations: {},
    startsAtMs: NOW - 1000,
    endsAtMs: NOW + 60_000,
    generatorURL: '',
    updatedAtMs: NOW,
    timeout: false,
  };
  await mail.send(ctx, [alert]);
}

describe('email integration against a local SMTP sink', () => {
  it('authenticates and sends a multipart message to every recipient', async () => {
    sessions.length = 0;
    await send('pw', false);
    const [s] = sessions;
    assert.ok(s);
    assert.deepEqual(
      s.commands.filter((c) => /^(MAIL|RCPT)/.test(c)),
      ['MAIL FROM:<am@example.org>', 'RCPT TO:<ops@example.org>', 'RCPT TO:<dev@example.org>'],
    );
    assert.match(s.data, /^Subject: \[FIRING:1\] {2}\(Down\)$/m);
    assert.match(s.data, /^To: ops@example.org, dev@example.org$/m);
    assert.match(s.data, /multipart\/alternative/);
    assert.ok(s.data.includes(Buffer.from('plain firing').toString('base64')));
  });
  it('fails for good on bad credentials and without TLS when required', async () => {
    await assert.rejects(
      send('wrong', false),
      (e: unknown) => e instanceof NotifyError && /AUTH: 535/.test(e.message),
    );
    await assert.rejects(
      send('pw', true),
      (e: unknown) => e instanceof NotifyError && !e.retryable && /STARTTLS/.test(e.message),
    );
  });
  it('parses address lists', () => {
    assert.deepEqual(addresses('"A B" <a@x>, b@y'), ['a@x', 'b@y']);
  });
});
