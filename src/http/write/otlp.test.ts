import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { METRIC_NAME, Matcher } from '../../model/index.js';
import { encodeMetricsProto, decodeMetricsJSON } from '../../parsers/index.js';
import { MemStorage } from '../../storage/index.js';
import { startTestServer, type TestServer } from '../testkit.js';

const T = '1700000000000000000';

function request(name: string, path: string, value: string, extra = ''): string {
  return JSON.stringify({
    resourceMetrics: [
      {
        resource: {
          attributes: [
            { key: 'service.name', value: { stringValue: 'svc' } },
            { key: 'service.instance.id', value: { stringValue: 'i1' } },
          ],
        },
        scopeMetrics: [
          {
            scope: { name: 'test' },
            metrics: [
              {
                name,
                sum: {
                  aggregationTemporality: 2,
                  isMonotonic: true,
                  dataPoints: [
                    {
                      asInt: value,
                      timeUnixNano: T,
                      attributes: [{ key: 'path', value: { stringValue: path } }],
                    },
                  ],
                },
              },
              ...(extra === ''
                ? []
                : [
                    {
                      name: extra,
                      sum: {
                        aggregationTemporality: 0,
                        isMonotonic: true,
                        dataPoints: [{ asInt: '1', timeUnixNano: T }],
                      },
                    },
                  ]),
            ],
          },
        ],
      },
    ],
  });
}

describe('POST /api/v1/otlp/v1/metrics', () => {
  const storage = new MemStorage();
  let server: TestServer;
  before(async () => {
    server = await startTestServer(storage);
  });
  after(async () => {
    await server.close();
    await storage.close();
  });

  const post = (body: string | Uint8Array, headers: Record<string, string>): Promise<Response> =>
    fetch(`${server.base}/api/v1/otlp/v1/metrics`, { method: 'POST', body, headers });

  async function stored(name: string): Promise<string[]> {
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

  it('stores OTLP/JSON counters with job and instance from the resource', async () => {
    const res = await post(request('requests', '/a', '5'), { 'Content-Type': 'application/json' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json');
    await res.body?.cancel();
    assert.deepEqual(await stored('requests_total'), [
      'requests_total{instance="i1", job="svc", path="/a"} 1700000000000 5',
    ]);
  });

  it('stores gzip-compressed OTLP protobuf', async () => {
    const proto = encodeMetricsProto(decodeMetricsJSON(request('jobs', '/b', '7')));
    const res = await post(gzipSync(proto), {
      'Content-Type': 'application/x-protobuf',
      'Content-Encoding': 'gzip',
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/x-protobuf');
    assert.equal((await res.arrayBuffer()).byteLength, 0);
    assert.deepEqual(await stored('jobs_total'), [
      'jobs_total{instance="i1", job="svc", path="/b"} 1700000000000 7',
    ]);
  });

  it('reports untranslatable points as a partial success and stores the rest', async () => {
    const res = await post(request('good', '/c', '1', 'unspecified_temporality'), {
      'Content-Type': 'application/json',
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as {
      partialSuccess?: { rejectedDataPoints?: string | number; errorMessage?: string };
    };
    assert.equal(Number(body.partialSuccess?.rejectedDataPoints), 1);
    assert.notEqual(body.partialSuccess?.errorMessage ?? '', '');
    assert.equal((await stored('good_total')).length, 1);
  });

  it('rejects other content types with 415 and bad bodies with 400', async () => {
    const r1 = await post('x', { 'Content-Type': 'text/plain' });
    assert.equal(r1.status, 415);
    await r1.body?.cancel();
    const r2 = await post('{"resourceMetrics": 5}', { 'Content-Type': 'application/json' });
    assert.equal(r2.status, 400);
    assert.equal(((await r2.json()) as { errorType: string }).errorType, 'bad_data');
  });
});
