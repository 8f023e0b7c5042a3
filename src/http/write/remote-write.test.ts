import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Registry } from 'prom-client';
import { IngestPipeline, defaultIngestOptions } from '../../ingest/index.js';
import { METRIC_NAME, Matcher, relabelRule } from '../../model/index.js';
import {
  WriteRequestEncoder,
  WriteRequestV2Encoder,
  encodeSnappyBody,
} from '../../parsers/index.js';
import { MemStorage, type Storage } from '../../storage/index.js';
import { startTestServer, type TestServer } from '../testkit.js';
import { defaultRemoteWriteOptions } from './remote-write.js';

interface SeriesIn {
  labels: string[];
  samples: [number, number][];
}

function body(series: SeriesIn[]): Buffer {
  const enc = new WriteRequestEncoder();
  for (const s of series) {
    enc.addSeries(
      s.labels,
      s.samples.map(([t]) => t),
      s.samples.map(([, v]) => v),
    );
  }
  return encodeSnappyBody(enc.writer.finish());
}

async function samplesOf(storage: Storage, name: string): Promise<[number, number][]> {
  const q = await storage.querier(0, Number.MAX_SAFE_INTEGER);
  const set = await q.select(true, undefined, [new Matcher('=', METRIC_NAME, name)]);
  const out: [number, number][] = [];
  while (set.next()) {
    const it = set.at().iterator();
    while (it.next() !== 'none') out.push([it.atT(), it.atF()]);
  }
  q.close();
  return out;
}

describe('POST /api/v1/write', () => {
  const storage = new MemStorage();
  let ready = true;
  let server: TestServer;
  let registry: Registry;
  let base = '';

  before(async () => {
    const pipeline = new IngestPipeline(storage);
    server = await startTestServer(storage, {
      ready: () => ready,
      storage: () => (ready ? storage : undefined),
      pipeline: () => (ready ? pipeline : undefined),
      remoteWrite: { ...defaultRemoteWriteOptions(), maxBodyBytes: 4096 },
    });
    registry = server.registry;
    base = server.base;
  });
  after(async () => {
    await server.close();
    await storage.close();
  });

  const post = (b: Uint8Array, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${base}/api/v1/write`, {
      method: 'POST',
      body: b,
      headers: {
        'Content-Encoding': 'snappy',
        'Content-Type': 'application/x-protobuf',
        ...headers,
      },
    });

  async function expectError(res: Response, status: number, re: RegExp): Promise<void> {
    assert.equal(res.status, status);
    const j = (await res.json()) as { status: string; errorType: string; error: string };
    assert.equal(j.status, 'error');
    assert.match(j.error, re);
  }

  it('stores every sample and answers 204', async () => {
    const res = await post(
      body([
        {
          labels: ['__name__', 'rw_a', 'job', 'x'],
          samples: [
            [1000, 1],
            [2000, 2],
          ],
        },
        { labels: ['job', 'y', '__name__', 'rw_a'], samples: [[1000, 3]] },
      ]),
    );
    assert.equal(res.status, 204);
    assert.deepEqual(await samplesOf(storage, 'rw_a'), [
      [1000, 1],
      [2000, 2],
      [1000, 3],
    ]);
  });

  it('accepts remote write 2.0 and says what it wrote', async () => {
    const enc = new WriteRequestV2Encoder();
    enc.addSeries(['__name__', 'rw_v2', 'job', 'z'], [1000, 2000], [5, 6]);
    const res = await post(encodeSnappyBody(enc.finish()), {
      'Content-Type': 'application/x-protobuf;proto=io.prometheus.write.v2.Request',
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('x-prometheus-remote-write-samples-written'), '2');
    assert.deepEqual(await samplesOf(storage, 'rw_v2'), [
      [1000, 5],
      [2000, 6],
    ]);
  });

  it('uses the series cache for repeated series', async () => {
    const res = await post(
      body([{ labels: ['__name__', 'rw_a', 'job', 'x'], samples: [[3000, 4]] }]),
    );
    assert.equal(res.status, 204);
    const text = await registry.metrics();
    assert.match(text, /kansoku_remote_write_series_cache_total\{result="hit"\} 1/);
    // 3 + 2 (remote write 2.0) + 1 samples so far.
    assert.match(text, /kansoku_ingest_samples_total\{source="remote_write"\} 6/);
  });

  it('rejects corrupt snappy with 400', async () => {
    await expectError(
      await post(Buffer.from([0x05, 0xff, 0xff, 0xff])),
      400,
      /cannot decompress request body/,
    );
  });

  it('rejects bad protobuf with 400 and the field path', async () => {
    // timeseries[0] holding a label whose length runs past the end.
    const proto = Buffer.from([0x0a, 0x04, 0x0a, 0x08, 0x0a, 0x01]);
    await expectError(
      await post(encodeSnappyBody(proto)),
      400,
      /cannot decode remote write request: timeseries\[0\]/,
    );
  });

  it('rejects an invalid series and stores nothing of the request', async () => {
    const res = await post(
      body([
        { labels: ['__name__', 'rw_b'], samples: [[1000, 1]] },
        { labels: ['__name__', 'rw_b', 'a', '1', 'a', '2'], samples: [[1000, 1]] },
      ]),
    );
    await expectError(res, 400, /timeseries\[1\]\.labels\[2\]\.name: duplicate label name "a"/);
    assert.deepEqual(await samplesOf(storage, 'rw_b'), []);
    await expectError(
      await post(body([{ labels: ['job', 'x'], samples: [[1, 1]] }])),
      400,
      /series has no metric name/,
    );
    await expectError(
      await post(body([{ labels: ['__name__', 'rw_b', '', 'x'], samples: [[1, 1]] }])),
      400,
      /label name is empty/,
    );
  });

  it('rejects a duplicate-sample conflict with 400 and rolls back the whole request', async () => {
    const res = await post(
      body([
        { labels: ['__name__', 'rw_c'], samples: [[5000, 5]] },
        { labels: ['__name__', 'rw_a', 'job', 'x'], samples: [[1000, 99]] },
      ]),
    );
    await expectError(res, 400, /timeseries\[1\]\.samples\[0\] \(timestamp 1000\)/);
    assert.deepEqual(await samplesOf(storage, 'rw_c'), []);
  });

  it('accepts an identical resend (same timestamp, same value)', async () => {
    const res = await post(
      body([{ labels: ['__name__', 'rw_a', 'job', 'x'], samples: [[1000, 1]] }]),
    );
    assert.equal(res.status, 204);
  });

  it('rejects bodies over the limit with 413, naming the flag', async () => {
    const big = Buffer.alloc(5000);
    await expectError(await post(big), 413, /raise --web\.remote-write\.max-body-size/);
  });

  it('rejects bodies that would decompress beyond the limit', async () => {
    const huge = encodeSnappyBody(Buffer.alloc(30_000));
    assert.ok(huge.length < 4096);
    await expectError(await post(huge), 429, /would decode to 30000 bytes/);
  });

  it('rejects other content types and encodings with 415', async () => {
    const b = body([{ labels: ['__name__', 'rw_d'], samples: [[1, 1]] }]);
    await expectError(
      await post(b, {
        'Content-Type': 'application/x-protobuf;proto=io.prometheus.write.v3.Request',
      }),
      415,
      /unsupported Content-Type/,
    );
    await expectError(
      await post(b, { 'Content-Type': 'application/json' }),
      415,
      /unsupported Content-Type/,
    );
    await expectError(
      await post(b, { 'Content-Encoding': 'gzip' }),
      415,
      /unsupported Content-Encoding "gzip"/,
    );
  });

  it('reads credentials through the push hook: Bearer accepted, an unknown scheme 401', async () => {
    const b = body([{ labels: ['__name__', 'rw_auth'], samples: [[1, 1]] }]);
    const ok = await post(b, { Authorization: 'Bearer t0ken' });
    assert.equal(ok.status, 204);
    await expectError(await post(b, { Authorization: 'Negotiate x' }), 401, /Authorization scheme/);
  });

  it('answers 405 to GET and 503 while storage is not ready', async () => {
    const res = await fetch(`${base}/api/v1/write`);
    assert.equal(res.status, 405);
    assert.equal(res.headers.get('allow'), 'POST');
    await res.body?.cancel();
    ready = false;
    try {
      await expectError(
        await post(body([{ labels: ['__name__', 'rw_e'], samples: [[1, 1]] }])),
        503,
        /not ready/,
      );
    } finally {
      ready = true;
    }
  });
});

describe('POST /api/v1/write through the ingest pipeline', () => {
  const storage = new MemStorage();
  let server: TestServer;

  before(async () => {
    const pipeline = new IngestPipeline(storage, {
      ...defaultIngestOptions(),
      relabel: [
        relabelRule({ action: 'drop', sourceLabels: ['__name__'], regex: 'rw_secret.*' }),
        relabelRule({ action: 'labeldrop', regex: 'pod_uid' }),
      ],
      limits: { maxLabelNames: 4, maxLabelNameLength: 0, maxLabelValueLength: 16 },
    });
    server = await startTestServer(storage, { pipeline: () => pipeline });
  });
  after(async () => {
    await server.close();
  });

  const send = (series: SeriesIn[]): Promise<Response> =>
    fetch(`${server.base}/api/v1/write`, {
      method: 'POST',
      headers: { 'Content-Encoding': 'snappy', 'Content-Type': 'application/x-protobuf' },
      body: body(series),
    });

  it('applies relabeling, and caches the outcome of a dropped series', async () => {
    for (let round = 0; round < 2; round++) {
      const res = await send([
        { labels: ['__name__', 'rw_kept', 'pod_uid', 'x'], samples: [[1000 + round, 1]] },
        { labels: ['__name__', 'rw_secret_token'], samples: [[1000 + round, 2]] },
      ]);
      assert.equal(res.status, 204, await res.text());
    }
    assert.deepEqual(await samplesOf(storage, 'rw_kept'), [
      [1000, 1],
      [1001, 1],
    ]);
    assert.deepEqual(await samplesOf(storage, 'rw_secret_token'), []);
    const metrics = await server.registry.metrics();
    assert.match(metrics, /kansoku_remote_write_dropped_total\{kind="relabeled"\} 2/);
    assert.match(metrics, /kansoku_ingest_samples_total\{source="remote_write"\} 2/);
  });

  it('enforces the ingest limits, naming the flag, and stores nothing of the request', async () => {
    const res = await send([
      { labels: ['__name__', 'rw_ok'], samples: [[1, 1]] },
      { labels: ['__name__', 'rw_long', 'v', 'x'.repeat(17)], samples: [[1, 1]] },
    ]);
    assert.equal(res.status, 400);
    assert.match(await res.text(), /timeseries\[1\]\.labels: .*--ingest\.max-label-value-length/);
    assert.deepEqual(await samplesOf(storage, 'rw_ok'), []);
    const many = await send([
      {
        labels: ['__name__', 'rw_many', 'a', '1', 'b', '2', 'c', '3', 'd', '4'],
        samples: [[1, 1]],
      },
    ]);
    assert.equal(many.status, 400);
    assert.match(await many.text(), /too many labels .*--ingest\.max-label-names/);
  });
});
