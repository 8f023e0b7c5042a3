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

describe('lifecycle endpoints', () => {
  const storage = new MemStorage();
  let enabled: TestServer;
  let disabled: TestServer;
  let reloads = 0;
  let quits = 0;
  let failNext = false;
  before(async () => {
    enabled = await startTestServer(storage, {
      lifecycle: {
        reload: () => {
          reloads++;
          return Promise.resolve(failNext ? 'cannot reload configuration: line 3: bad' : undefined);
        },
        quit: () => {
          quits++;
        },
      },
    });
    disabled = await startTestServer(storage, {});
  });
  after(async () => {
    await enabled.close();
    await disabled.close();
    await storage.close();
  });

  it('reloads on PUT or POST /-/reload and reports a failed reload with 500', async () => {
    for (const method of ['POST', 'PUT']) {
      const r = await fetch(`${enabled.base}/-/reload`, { method });
      assert.equal(r.status, 200);
      await r.body?.cancel();
    }
    assert.equal(reloads, 2);
    failNext = true;
    const bad = await fetch(`${enabled.base}/-/reload`, { method: 'POST' });
    assert.equal(bad.status, 500);
    assert.equal(
      await bad.text(),
      'failed to reload config: cannot reload configuration: line 3: bad\n',
    );
    const get = await fetch(`${enabled.base}/-/reload`);
    assert.equal(get.status, 405);
    await get.body?.cancel();
  });

  it('quits after answering /-/quit', async () => {
    const r = await fetch(`${enabled.base}/-/quit`, { method: 'POST' });
    assert.equal(await r.text(), 'Requesting termination... Goodbye!\n');
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(quits, 1);
  });

  it('answers 403 like Prometheus when the lifecycle API is off', async () => {
    for (const p of ['/-/reload', '/-/quit']) {
      const r = await fetch(`${disabled.base}${p}`, { method: 'POST' });
      assert.equal(r.status, 403);
      assert.equal(await r.text(), 'Lifecycle API is not enabled.\n');
    }
  });
});
