import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { Labels } from '../../model/index.js';
import { Alertmanager, ManualClock, parseAlertmanagerConfig } from '../../notify/index.js';
import { Logger } from '../../util/index.js';
import { HttpMetrics } from '../metrics.js';
import { Router } from '../router.js';
import { HttpServer, defaultHttpServerOptions } from '../server.js';
import { addAlertHistoryRoute } from './history.js';

const T0 = Date.parse('2024-03-04T10:00:00Z');
const clock = new ManualClock(T0);
const am = new Alertmanager(
  parseAlertmanagerConfig('route: {receiver: r}\nreceivers: [{name: r}]\n'),
  {
    externalURL: 'http://k',
    configDir: '.',
    clock,
  },
);
let server: HttpServer;
let base = '';

before(async () => {
  const router = new Router();
  addAlertHistoryRoute(router, () => am);
  server = new HttpServer(
    defaultHttpServerOptions(router, Logger.nop(), new HttpMetrics(new Registry())),
  );
  const { port } = await server.listen('127.0.0.1', 0);
  base = `http://127.0.0.1:${port}`;
  const down = Labels.fromRecord({ alertname: 'Down', instance: 'a' });
  am.history.record({ event: 'pending', labels: down, value: 1 }, T0 - 120_000);
  am.history.record({ event: 'firing', labels: down, value: 1 }, T0 - 60_000);
  am.history.record(
    { event: 'notify_failed', labels: down, receiver: 'r/webhook[0]', detail: 'status 500' },
    T0 - 59_000,
  );
  am.history.record(
    { event: 'firing', labels: Labels.fromRecord({ alertname: 'Full' }) },
    T0 - 30_000,
  );
});
after(() => server.close(1000));

async function get(q: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${base}/api/kansoku/alerts/history${q}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('GET /api/kansoku/alerts/history', () => {
  it('returns the last 24 hours by default, oldest first', async () => {
    const { status, body } = await get('');
    assert.equal(status, 200);
    assert.equal(body['status'], 'success');
    const data = body['data'] as Record<string, unknown>[];
    assert.deepEqual(
      data.map((e) => e['event']),
      ['pending', 'firing', 'notify_failed', 'firing'],
    );
    assert.deepEqual(data[2], {
      time: '2024-03-04T09:59:01.000Z',
      timestamp: (T0 - 59_000) / 1000,
      event: 'notify_failed',
      labels: { alertname: 'Down', instance: 'a' },
      fingerprint: data[0]?.['fingerprint'],
      receiver: 'r/webhook[0]',
      detail: 'status 500',
    });
  });

  it('filters by range, matchers and limit', async () => {
    const start = (T0 - 61_000) / 1000;
    const { body } = await get(
      `?start=${start}&end=${T0 / 1000}&matcher=${encodeURIComponent('{alertname="Down"}')}`,
    );
    assert.deepEqual(
      (body['data'] as Record<string, unknown>[]).map((e) => e['event']),
      ['firing', 'notify_failed'],
    );
    const limited = await get('?limit=1');
    assert.deepEqual(
      (limited.body['data'] as Record<string, unknown>[]).map((e) => e['labels']),
      [{ alertname: 'Full' }],
    );
  });

  it('rejects bad parameters with 400', async () => {
    for (const q of ['?matcher=%7Balertname%3D', '?start=later', '?start=10&end=5', '?limit=-1']) {
      const { status, body } = await get(q);
      assert.equal(status, 400, q);
      assert.equal(body['errorType'], 'bad_data', q);
    }
  });
});
