import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { METRIC_NAME, Matcher } from '../../model/index.js';
import { MemStorage } from '../../storage/index.js';
import { startTestServer, type TestServer } from '../testkit.js';
import { defaultRemoteWriteOptions } from './remote-write.js';

describe('InfluxDB-compatible endpoints', () => {
  const storage = new MemStorage();
  let server: TestServer;
  before(async () => {
    server = await startTestServer(storage);
  });
  after(async () => {
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
      while (it.next() !== 'none') out.push(`${s.labels.toString()} ${it.atT()} ${it.atF()}`);
    }
    q.close();
    return out;
  }

  it('answers /ping like InfluxDB (204, version header; verbose JSON) and HEAD', async () => {
    const r = await fetch(`${server.base}/ping`);
    assert.equal(r.status, 204);
    assert.match(r.headers.get('x-influxdb-version') ?? '', /^1\./);
    const h = await fetch(`${server.base}/ping`, { method: 'HEAD' });
    assert.equal(h.status, 204);
    const v = await fetch(`${server.base}/ping?verbose=true`);
    assert.equal(v.status, 200);
    assert.match(((await v.json()) as { version: string }).version, /^1\./);
  });

  it('answers /health with a passing health document', async () => {
    const r = await fetch(`${server.base}/health`);
    assert.equal(r.status, 200);
    assert.equal(((await r.json()) as { status: string }).status, 'pass');
  });

  it('accepts CREATE DATABASE on /query (Telegraf start-up) and refuses other InfluxQL', async () => {
    const ok = await fetch(`${server.base}/query`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'q=CREATE+DATABASE+%22telegraf%22',
    });
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { results: [{ statement_id: 0 }] });
    const bad = await fetch(`${server.base}/query?q=SELECT+*+FROM+cpu`);
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /PromQL/);
  });

  it('reports v1 partial writes with line numbers and keeps the good lines', async () => {
    const r = await fetch(`${server.base}/write?db=t&precision=s&u=me&p=secret`, {
      method: 'POST',
      body: 'ok1 v=1 10\nbroken v= 11\nok1 v=2 12\nok1 v="text" 13\n',
    });
    assert.equal(r.status, 400);
    const body = (await r.json()) as { error: string };
    assert.match(
      body.error,
      /^partial write: 2 of 4 samples rejected; line 2, column \d+: .*; .*string/,
    );
    assert.deepEqual(await values('ok1_v'), ['ok1_v{db="t"} 10000 1', 'ok1_v{db="t"} 12000 2']);
    const metrics = await server.registry.metrics();
    assert.match(
      metrics,
      /kansoku_ingest_rejected_samples_by_reason_total\{source="influx",reason="invalid"\} 1\n/,
    );
    assert.match(
      metrics,
      /kansoku_ingest_rejected_samples_by_reason_total\{source="influx",reason="unsupported"\} 1\n/,
    );
  });

  it('names the first failing line in v2 errors and accepts Token, Bearer and Basic', async () => {
    for (const auth of ['Token abc', 'Bearer abc', `Basic ${btoa('u:p')}`]) {
      const r = await fetch(`${server.base}/api/v2/write?org=o&bucket=b&precision=ms`, {
        method: 'POST',
        headers: { Authorization: auth },
        body: 'auth_m v=1 1000\n',
      });
      assert.equal(r.status, 204, auth);
    }
    const r = await fetch(`${server.base}/api/v2/write?bucket=b`, {
      method: 'POST',
      body: 'good v=1\n\n# comment\nbad,=x v=1\n',
    });
    assert.equal(r.status, 400);
    const body = (await r.json()) as { code: string; message: string; line: number };
    assert.equal(body.code, 'invalid');
    assert.equal(body.line, 4);
  });

  it('refuses an unknown Authorization scheme with 401 in the v2 shape', async () => {
    const r = await fetch(`${server.base}/api/v2/write?bucket=b`, {
      method: 'POST',
      headers: { Authorization: 'Negotiate xyz' },
      body: 'x v=1\n',
    });
    assert.equal(r.status, 401);
    assert.equal(((await r.json()) as { code: string }).code, 'unauthorized');
  });
});

describe('decompression bombs', () => {
  it('stops inflating at the body limit and answers 413 naming the flag', async () => {
    const storage = new MemStorage();
    const server = await startTestServer(storage, {
      remoteWrite: { ...defaultRemoteWriteOptions(), maxBodyBytes: 64 * 1024 },
    });
    try {
      // 32 MiB of one repeated line compresses to less than the 64 KiB limit.
      const bomb = gzipSync(Buffer.alloc(32 * 1024 * 1024, 'm f=1\n'), { level: 9 });
      assert.ok(bomb.length < 64 * 1024);
      for (const path of ['/api/v2/write?bucket=b', '/write?db=d', '/api/v1/import']) {
        const r = await fetch(server.base + path, {
          method: 'POST',
          headers: { 'Content-Encoding': 'gzip' },
          body: bomb,
        });
        assert.equal(r.status, 413, path);
        assert.match(await r.text(), /web\.remote-write\.max-body-size/);
      }
    } finally {
      await server.close();
      await storage.close();
    }
  });
});
