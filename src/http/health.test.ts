import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MemStorage } from '../storage/index.js';
import { startTestServer, type TestServer } from './testkit.js';

describe('health, readiness and self-metrics', () => {
  const storage = new MemStorage();
  let ready = false;
  let server: TestServer;
  before(async () => {
    server = await startTestServer(storage, {
      ready: () => ready,
      storage: () => (ready ? storage : undefined),
      pipeline: () => undefined,
    });
  });
  after(async () => {
    await server.close();
    await storage.close();
  });

  it('is healthy but not ready while storage opens; storage endpoints answer 503', async () => {
    const healthy = await fetch(`${server.base}/-/healthy`);
    assert.equal(healthy.status, 200);
    assert.equal(await healthy.text(), 'Kansoku is Healthy.\n');
    const r = await fetch(`${server.base}/-/ready`);
    assert.equal(r.status, 503);
    await r.body?.cancel();
    const q = await fetch(`${server.base}/api/v1/query?query=1`);
    assert.equal(q.status, 503);
    assert.deepEqual(await q.json(), {
      status: 'error',
      errorType: 'unavailable',
      error: 'cannot serve request: storage is not ready yet',
    });
    const w = await fetch(`${server.base}/api/v2/write`, { method: 'POST', body: 'x v=1' });
    assert.equal(w.status, 503);
    await w.body?.cancel();
  });

  it('turns ready once storage is open', async () => {
    ready = true;
    const r = await fetch(`${server.base}/-/ready`);
    assert.equal(r.status, 200);
    assert.equal(await r.text(), 'Kansoku is Ready.\n');
    const head = await fetch(`${server.base}/-/ready`, { method: 'HEAD' });
    assert.equal(head.status, 200);
  });

  it('serves /metrics in the text format', async () => {
    const res = await fetch(`${server.base}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    assert.match(await res.text(), /# TYPE kansoku_http_requests_total counter/);
  });
});
