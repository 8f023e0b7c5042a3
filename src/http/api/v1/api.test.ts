import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Labels } from '../../../model/index.js';
import { Engine } from '../../../promql/index.js';
import { MemStorage } from '../../../storage/index.js';
import { startTestServer, type TestServer } from '../../testkit.js';

interface Envelope {
  status: string;
  data?: unknown;
  errorType?: string;
  error?: string;
  warnings?: string[];
}

describe('/api/v1 query, metadata and status endpoints', () => {
  const storage = new MemStorage();
  let server: TestServer;
  let base = '';

  before(async () => {
    const app = storage.appender();
    for (const [job, inst] of [
      ['api', 'a:1'],
      ['api', 'a:2'],
      ['db', 'd:1'],
    ] as const) {
      const l = Labels.fromRecord({ __name__: 'http_requests_total', job, instance: inst });
      for (let t = 0; t <= 600; t += 15) app.append(0, l, t * 1000, t);
    }
    app.append(0, Labels.fromRecord({ __name__: 'up', job: 'db' }), 600_000, 1);
    await app.commit();
    server = await startTestServer(storage, {
      apiV1: {
        engine: new Engine(),
        buildInfo: { version: '1.2.3', goVersion: 'node' },
        flags: { 'query.timeout': '2m' },
        runtime: () => ({
          startTime: new Date(1000),
          reloadConfigSuccess: true,
          lastConfigTime: new Date(1000),
          corruptionCount: 0,
          storageRetention: '15d',
        }),
        queryTimeoutMs: 5000,
      },
    });
    base = server.base;
  });
  after(async () => {
    await server.close();
    await storage.close();
  });

  async function get(path: string): Promise<{ status: number; body: Envelope }> {
    const res = await fetch(base + path);
    return { status: res.status, body: (await res.json()) as Envelope };
  }

  it('evaluates an instant query', async () => {
    const { status, body } = await get('/api/v1/query?query=sum(http_requests_total)&time=600');
    assert.equal(status, 200);
    assert.deepEqual(body, {
      status: 'success',
      data: { resultType: 'vector', result: [{ metric: {}, value: [600, '1800'] }] },
    });
  });

  it('applies limit and adds stats', async () => {
    const { body } = await get(
      '/api/v1/query?query=http_requests_total&time=600&limit=2&stats=true',
    );
    const data = body.data as {
      result: unknown[];
      stats: { samples: { totalQueryableSamples: number } };
    };
    assert.equal(data.result.length, 2);
    assert.deepEqual(body.warnings, ['results truncated due to limit']);
    assert.equal(typeof data.stats.samples.totalQueryableSamples, 'number');
    const range = await get(
      '/api/v1/query_range?query=http_requests_total&start=0&end=60&step=60&limit=1',
    );
    assert.equal((range.body.data as { result: unknown[] }).result.length, 1);
    assert.equal((await get('/api/v1/query?query=up&limit=x')).status, 400);
  });

  it('accepts RFC 3339 times and scalar results', async () => {
    const { body } = await get('/api/v1/query?query=1%2B1&time=1970-01-01T00:10:00Z');
    assert.deepEqual(body.data, { resultType: 'scalar', result: [600, '2'] });
  });

  it('accepts form-encoded POST', async () => {
    const res = await fetch(`${base}/api/v1/query`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'query=count(http_requests_total)&time=600',
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as Envelope;
    assert.deepEqual(body.data, {
      resultType: 'vector',
      result: [{ metric: {}, value: [600, '3'] }],
    });
  });

  it('evaluates a range query with a duration or float step', async () => {
    for (const step of ['1m', '60']) {
      const { status, body } = await get(
        `/api/v1/query_range?query=http_requests_total{job="db"}&start=0&end=120&step=${step}`,
      );
      assert.equal(status, 200);
      assert.deepEqual(body.data, {
        resultType: 'matrix',
        result: [
          {
            metric: { __name__: 'http_requests_total', instance: 'd:1', job: 'db' },
            values: [
              [0, '0'],
              [60, '60'],
              [120, '120'],
            ],
          },
        ],
      });
    }
  });

  it('rejects bad query parameters with 400 bad_data', async () => {
    const cases: [string, RegExp][] = [
      ['/api/v1/query?query=sum(', /^invalid parameter "query": 1:5: parse error/],
      ['/api/v1/query', /invalid parameter "query"/],
      [
        '/api/v1/query?query=up&time=yesterday',
        /invalid parameter "time": cannot parse "yesterday" to a valid timestamp/,
      ],
      [
        '/api/v1/query_range?query=up&start=10&end=0&step=1',
        /end timestamp must not be before start time/,
      ],
      [
        '/api/v1/query_range?query=up&start=0&end=10&step=0',
        /zero or negative query resolution step/,
      ],
      ['/api/v1/query_range?query=up&start=0&end=10&step=x', /invalid parameter "step"/],
      ['/api/v1/query_range?query=up&start=0&end=10', /invalid parameter "step": missing value/],
      [
        '/api/v1/query_range?query=up&start=0&end=11001&step=1',
        /exceeded maximum resolution of 11,000 points/,
      ],
    ];
    for (const [path, re] of cases) {
      const { status, body } = await get(path);
      assert.equal(status, 400, path);
      assert.equal(body.errorType, 'bad_data', path);
      assert.match(body.error ?? '', re, path);
    }
  });

  it('allows exactly 11,000 points', async () => {
    const { status } = await get('/api/v1/query_range?query=up&start=0&end=11000&step=1');
    assert.equal(status, 200);
  });

  it('finds series, sorted and deduplicated over several match[]', async () => {
    const { body } = await get(
      '/api/v1/series?match[]=http_requests_total{job="api"}&match[]={job=~"api|db"}',
    );
    assert.deepEqual(body.data, [
      { __name__: 'http_requests_total', instance: 'a:1', job: 'api' },
      { __name__: 'http_requests_total', instance: 'a:2', job: 'api' },
      { __name__: 'http_requests_total', instance: 'd:1', job: 'db' },
      { __name__: 'up', job: 'db' },
    ]);
    const limited = await get('/api/v1/series?match[]={job=~".%2B"}&limit=1');
    assert.equal((limited.body.data as unknown[]).length, 1);
    assert.deepEqual(limited.body.warnings, ['results truncated due to limit']);
    const none = await get('/api/v1/series');
    assert.equal(none.status, 400);
    assert.match(none.body.error ?? '', /no match\[\] parameter provided/);
    const bad = await get('/api/v1/series?match[]=up{');
    assert.equal(bad.status, 400);
    assert.match(bad.body.error ?? '', /^invalid parameter "match\[\]"/);
  });

  it('lists label names and values', async () => {
    assert.deepEqual((await get('/api/v1/labels')).body.data, ['__name__', 'instance', 'job']);
    assert.deepEqual((await get('/api/v1/labels?match[]=up')).body.data, ['__name__', 'job']);
    assert.deepEqual((await get('/api/v1/label/job/values')).body.data, ['api', 'db']);
    assert.deepEqual((await get('/api/v1/label/__name__/values')).body.data, [
      'http_requests_total',
      'up',
    ]);
    assert.deepEqual((await get('/api/v1/label/instance/values?match[]={job="api"}')).body.data, [
      'a:1',
      'a:2',
    ]);
    assert.deepEqual((await get('/api/v1/label/nope/values')).body.data, []);
  });

  it('formats and parses queries', async () => {
    assert.deepEqual((await get('/api/v1/format_query?query=foo/bar')).body, {
      status: 'success',
      data: 'foo / bar',
    });
    const parsed = await get('/api/v1/parse_query?query=foo/bar');
    assert.deepEqual(parsed.body.data, {
      bool: false,
      lhs: {
        matchers: [{ name: '__name__', type: '=', value: 'foo' }],
        name: 'foo',
        offset: 0,
        startOrEnd: null,
        timestamp: null,
        type: 'vectorSelector',
      },
      matching: { card: 'one-to-one', include: [], labels: [], on: false },
      op: '/',
      rhs: {
        matchers: [{ name: '__name__', type: '=', value: 'bar' }],
        name: 'bar',
        offset: 0,
        startOrEnd: null,
        timestamp: null,
        type: 'vectorSelector',
      },
      type: 'binaryExpr',
    });
    const bad = await get('/api/v1/format_query?query=foo/');
    assert.equal(bad.status, 400);
  });

  it('serves status information', async () => {
    assert.deepEqual((await get('/api/v1/status/buildinfo')).body.data, {
      version: '1.2.3',
      goVersion: 'node',
    });
    assert.deepEqual((await get('/api/v1/status/flags')).body.data, { 'query.timeout': '2m' });
    const rt = (await get('/api/v1/status/runtimeinfo')).body.data as Record<string, unknown>;
    assert.equal(rt['startTime'], '1970-01-01T00:00:01.000Z');
    assert.equal(rt['timeSeriesCount'], 4);
    assert.equal(rt['storageRetention'], '15d');
    const tsdb = (await get('/api/v1/status/tsdb?limit=1')).body.data as Record<string, unknown>;
    assert.deepEqual(tsdb['seriesCountByMetricName'], [{ name: 'http_requests_total', value: 3 }]);
    assert.deepEqual(tsdb['seriesCountByLabelValuePair'], [
      { name: '__name__=http_requests_total', value: 3 },
    ]);
    assert.equal((tsdb['headStats'] as Record<string, unknown>)['numSeries'], 4);
    assert.equal((await get('/api/v1/status/tsdb?limit=0')).status, 400);
  });
});
