import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { METRIC_NAME, Matcher } from '../../model/index.js';
import { MemStorage } from '../../storage/index.js';
import { startTestServer, type TestServer } from '../testkit.js';

describe('line protocol and import endpoints', () => {
  const storage = new MemStorage();
  let server: TestServer;
  before(async () => {
    server = await startTestServer(storage);
  });
  after(async () => {
    await server.close();
    await storage.close();
  });

  const post = (
    path: string,
    body: string | Buffer,
    headers: Record<string, string> = {},
  ): Promise<Response> => fetch(server.base + path, { method: 'POST', body, headers });

  async function series(name: string): Promise<string[]> {
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

  it('stores InfluxDB line protocol (v2, bucket, precision) with 204', async () => {
    const res = await post(
      '/api/v2/write?bucket=b1&precision=s',
      'cpu,host=a usage=0.5,idle=1i 1700000000\n',
    );
    assert.equal(res.status, 204);
    assert.deepEqual(await series('cpu_usage'), ['cpu_usage{db="b1", host="a"} 1700000000000 0.5']);
    assert.deepEqual(await series('cpu_idle'), ['cpu_idle{db="b1", host="a"} 1700000000000 1']);
  });

  it('accepts gzip bodies and v1 /write with db', async () => {
    const res = await post(
      '/write?db=mydb&precision=ms',
      gzipSync('mem,host=b used=7 1700000000000'),
      {
        'Content-Encoding': 'gzip',
      },
    );
    assert.equal(res.status, 204);
    assert.deepEqual(await series('mem_used'), ['mem_used{db="mydb", host="b"} 1700000000000 7']);
  });

  it('stores good lines and reports bad ones in the Influx error shape', async () => {
    const res = await post(
      '/api/v2/write?precision=ms',
      'disk free=1 1000\nbad line here\ndisk free=2 2000\n',
    );
    assert.equal(res.status, 400);
    const body = (await res.json()) as { code: string; message: string };
    assert.equal(body.code, 'invalid');
    assert.match(body.message, /^partial write: 1 of 3 samples rejected; line 2/);
    assert.deepEqual(await series('disk_free'), ['disk_free 1000 1', 'disk_free 2000 2']);
  });

  it('rejects an unknown precision and encoding', async () => {
    const r1 = await post('/api/v2/write?precision=h', 'x v=1');
    assert.equal(r1.status, 400);
    assert.deepEqual(await r1.json(), {
      code: 'invalid',
      message: 'invalid parameter "precision": "h" is not one of ns, us, ms, s',
    });
    const r2 = await post('/api/v2/write', 'x v=1', { 'Content-Encoding': 'br' });
    assert.equal(r2.status, 415);
    await r2.body?.cancel();
    const r3 = await post('/api/v2/write', Buffer.from('not gzip'), { 'Content-Encoding': 'gzip' });
    assert.equal(r3.status, 400);
    assert.match(
      ((await r3.json()) as { message: string }).message,
      /cannot decompress request body/,
    );
    const r4 = await post('/write?precision=x', 'x v=1');
    assert.equal(r4.status, 400);
    assert.match(((await r4.json()) as { error: string }).error, /invalid parameter "precision"/);
  });

  it('imports JSON lines', async () => {
    const body =
      '{"metric":{"__name__":"imp_json","job":"a"},"values":[1,2],"timestamps":[1000,2000]}\n' +
      '{"metric":{"__name__":"imp_json","job":"b"},"values":[3],"timestamps":[1000]}\n';
    assert.equal((await post('/api/v1/import', body)).status, 204);
    assert.deepEqual(await series('imp_json'), [
      'imp_json{job="a"} 1000 1',
      'imp_json{job="a"} 2000 2',
      'imp_json{job="b"} 1000 3',
    ]);
    const bad = await post(
      '/api/v1/import',
      '{"metric":{"__name__":"imp_json2"},"values":[1],"timestamps":[1]}\nnope\n',
    );
    assert.equal(bad.status, 400);
    const j = (await bad.json()) as { error: string; data: { accepted: number; rejected: number } };
    assert.match(j.error, /line 2: invalid JSON/);
    assert.equal(j.data.accepted, 1);
    assert.equal(j.data.rejected, 1);
  });

  it('imports CSV with a column spec', async () => {
    const res = await post(
      '/api/v1/import/csv?format=1:label:host,2:metric:temp,3:time:unix_s',
      'h1,20.5,1700000000\nh2,19,1700000000\n',
    );
    assert.equal(res.status, 204);
    assert.deepEqual(await series('temp'), [
      'temp{host="h1"} 1700000000000 20.5',
      'temp{host="h2"} 1700000000000 19',
    ]);
    const bad = await post('/api/v1/import/csv?format=x', 'a');
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /invalid parameter "format"/);
    const missing = await post('/api/v1/import/csv', 'a');
    assert.equal(missing.status, 400);
    await missing.body?.cancel();
  });

  it('imports the Prometheus text format, with a default timestamp', async () => {
    const res = await post(
      '/api/v1/import/prometheus?timestamp=1700000000',
      'imp_text{a="1"} 5\nimp_text{a="2"} 6 1000\n',
    );
    assert.equal(res.status, 204);
    assert.deepEqual(await series('imp_text'), [
      'imp_text{a="1"} 1700000000000 5',
      'imp_text{a="2"} 1000 6',
    ]);
  });

  it('counts samples by source', async () => {
    const text = await server.registry.metrics();
    assert.match(text, /kansoku_ingest_samples_total\{source="influx"\} 5/);
    assert.match(text, /kansoku_ingest_rejected_samples_total\{source="influx"\} 1/);
    assert.match(text, /kansoku_ingest_samples_total\{source="import_json"\} 4/);
  });
});
