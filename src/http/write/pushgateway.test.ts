import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { IngestPipeline, PushStore, defaultPushStoreOptions } from '../../ingest/index.js';
import { METRIC_NAME, Matcher } from '../../model/index.js';
import { MemStorage } from '../../storage/index.js';
import { startTestServer, type TestServer } from '../testkit.js';

describe('Pushgateway-compatible pushes', () => {
  const storage = new MemStorage();
  let server: TestServer;
  let store: PushStore;
  before(async () => {
    store = await PushStore.open(new IngestPipeline(storage), defaultPushStoreOptions());
    server = await startTestServer(storage, { pushStore: () => store });
  });
  after(async () => {
    await store.stop();
    await server.close();
    await storage.close();
  });

  async function values(name: string): Promise<string[]> {
    const q = await storage.querier(0, Number.MAX_SAFE_INTEGER);
    const set = await q.select(true, undefined, [new Matcher('=', METRIC_NAME, name)]);
    const out: string[] = [];
    while (set.next()) {
      const s = set.at();
      const it = s.iterator();
      while (it.next() !== 'none') out.push(`${s.labels.toString()} ${it.atF()}`);
    }
    q.close();
    return out;
  }

  it('stores a pushed group with its grouping labels', async () => {
    const res = await fetch(`${server.base}/metrics/job/batch/instance/h1`, {
      method: 'PUT',
      body: '# TYPE batch_done gauge\nbatch_done 42\n',
    });
    assert.equal(res.status, 200);
    await res.body?.cancel();
    const stored = await values('batch_done');
    assert.equal(stored.length, 1);
    assert.match(stored[0]!, /^batch_done\{instance="h1", job="batch"\} 42$/);
  });

  it('lists groups and deletes them', async () => {
    const list = (await (await fetch(`${server.base}/api/v1/metrics`)).json()) as {
      data: { labels: Record<string, string>; families: string[] }[];
    };
    assert.deepEqual(
      list.data.map((g) => g.labels),
      [{ instance: 'h1', job: 'batch' }],
    );
    const del = await fetch(`${server.base}/metrics/job/batch/instance/h1`, { method: 'DELETE' });
    assert.equal(del.status, 202);
    await del.body?.cancel();
    const after = (await (await fetch(`${server.base}/api/v1/metrics`)).json()) as {
      data: unknown[];
    };
    assert.deepEqual(after.data, []);
  });

  it('answers 400 with a plain-text reason for a bad body', async () => {
    const res = await fetch(`${server.base}/metrics/job/x`, {
      method: 'POST',
      body: 'not a metric line {',
    });
    assert.equal(res.status, 400);
    assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
    assert.notEqual(await res.text(), '');
  });

  it('keeps GET /metrics for self-metrics', async () => {
    const res = await fetch(`${server.base}/metrics`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /kansoku_http_requests_total/);
  });
});
