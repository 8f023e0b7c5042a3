import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Alertmanager } from '../alertmanager.js';
import { parseAlertmanagerConfig } from '../config/index.js';
import { ManualClock } from '../util/clock.js';
import { AlertmanagerApiError } from './parse.js';
import {
  deleteSilence,
  getAlertGroups,
  getAlerts,
  getReceivers,
  getSilence,
  getSilences,
  getStatus,
  postAlerts,
  postSilences,
} from './v2.js';

let server: Server;
let url = '';
const bodies: { alerts: { labels: Record<string, string>; status: string }[]; status: string }[] =
  [];
const dir = mkdtempSync(path.join(tmpdir(), 'kansoku-am-'));

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as (typeof bodies)[number]);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
after(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

const T0 = Date.parse('2024-03-04T10:00:00Z');
const VERSION = {
  version: '0.1.0',
  revision: 'x',
  branch: 'main',
  buildUser: 'k',
  buildDate: 'd',
  goVersion: 'node',
};

function config(): string {
  return `
route:
  receiver: web
  group_by: [alertname]
  group_wait: 10s
  group_interval: 1m
  labels: {team: core}
  routes:
    - matchers: [alertname=Night]
      mute_time_intervals: [always]
receivers:
  - name: web
    labels: {tier: one}
    webhook_configs: [{url: '${url}'}]
time_intervals:
  - name: always
    time_intervals: [{times: [{start_time: '00:00', end_time: '24:00'}]}]
inhibit_rules:
  - source_matchers: [severity=critical]
    target_matchers: [severity=warning]
    equal: [alertname]
`;
}

async function waitFor(cond: () => boolean, clock: ManualClock): Promise<void> {
  for (let i = 0; i < 100 && !cond(); i++) {
    await clock.advance(0);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('Alertmanager v2 API data layer', () => {
  it('serves alerts, groups, silences, receivers and status; delivers to the webhook', async () => {
    const clock = new ManualClock(T0);
    const am = new Alertmanager(parseAlertmanagerConfig(config()), {
      dataDir: dir,
      externalURL: 'http://am',
      configDir: dir,
      clock,
    });
    await am.start();
    postAlerts(am, [
      {
        labels: { alertname: 'Disk', instance: 'a', severity: 'warning' },
        annotations: { summary: 's' },
        generatorURL: 'http://g',
      },
      {
        labels: { alertname: 'Disk', instance: 'b', severity: 'critical' },
        startsAt: '2024-03-04T09:59:00Z',
      },
      { labels: { alertname: 'Cpu', instance: 'c' } },
    ]);
    assert.throws(
      () => {
        postAlerts(am, [{ labels: {} }]);
      },
      (e: unknown) => e instanceof AlertmanagerApiError && e.status === 400,
    );
    assert.throws(() => {
      postAlerts(am, [{ labels: { a: 'b' }, startsAt: 'yesterday' }]);
    }, AlertmanagerApiError);

    const alerts = getAlerts(am);
    assert.equal(alerts.length, 3);
    const warn = alerts.find((a) => a.labels['instance'] === 'a');
    assert.ok(warn);
    assert.equal(warn.status.state, 'suppressed');
    assert.equal(warn.status.inhibitedBy.length, 1);
    assert.deepEqual(warn.receivers, [{ name: 'web' }]);
    assert.equal(warn.startsAt, '2024-03-04T10:00:00.000Z');
    assert.equal(warn.endsAt, '2024-03-04T10:05:00.000Z', 'resolve_timeout default 5m');
    assert.equal(getAlerts(am, { inhibited: false }).length, 2);
    assert.equal(getAlerts(am, { filter: ['alertname="Cpu"'] }).length, 1);
    assert.throws(() => getAlerts(am, { filter: ['{{bad'] }), AlertmanagerApiError);

    const { silenceID } = await postSilences(am, {
      matchers: [{ name: 'alertname', value: 'Cpu', isRegex: false }],
      startsAt: '2024-03-04T10:00:00Z',
      endsAt: '2024-03-04T12:00:00Z',
      createdBy: 'me',
      comment: 'quiet',
    });
    assert.equal(getSilence(am, silenceID).status.state, 'active');
    assert.equal(getAlerts(am, { silenced: false }).length, 2);
    assert.deepEqual(
      getSilences(am, { filter: ['alertname=Cpu'] }).map((s) => s.id),
      [silenceID],
    );
    assert.throws(
      () => getSilence(am, 'missing'),
      (e: unknown) => e instanceof AlertmanagerApiError && e.status === 404,
    );

    const groups = getAlertGroups(am);
    assert.deepEqual(
      groups.map((g) => [g.labels, g.receiver.name, g.alerts.length, g.routeLabels]),
      [
        [{ alertname: 'Cpu' }, 'web', 1, { team: 'core' }],
        [{ alertname: 'Disk' }, 'web', 2, { team: 'core' }],
      ],
    );

    await clock.advance(10_000);
    await waitFor(() => bodies.length >= 1, clock);
    assert.equal(bodies.length, 1, 'Cpu is silenced, Disk/a inhibited: one notification');
    assert.deepEqual(
      bodies[0]?.alerts.map((a) => a.labels['instance']),
      ['b'],
    );

    await deleteSilence(am, silenceID);
    await assert.rejects(deleteSilence(am, silenceID), AlertmanagerApiError);
    assert.equal(getSilence(am, silenceID).status.state, 'expired');

    postAlerts(am, [{ labels: { alertname: 'Night' } }]);
    const night = getAlerts(am, { filter: ['alertname=Night'] });
    assert.deepEqual(
      night.map((a) => a.status.mutedBy),
      [['always']],
    );
    assert.equal(getAlertGroups(am, { muted: false, filter: ['alertname=Night'] }).length, 0);

    assert.deepEqual(getReceivers(am), [{ name: 'web', labels: { tier: 'one' } }]);
    const status = getStatus(am, VERSION) as {
      cluster: { status: string };
      config: { original: string };
    };
    assert.equal(status.cluster.status, 'disabled');
    assert.match(status.config.original, /group_wait: 10s/);
    await am.stop();
  });
});
