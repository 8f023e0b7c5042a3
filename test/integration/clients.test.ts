/**
 * Prometheus clients pointed at a real `kansoku server`: the `prometheus-query` npm driver, and
 * the request shapes Grafana's Prometheus data source sends (POST form bodies, float seconds for
 * start/end/step, `match[]` on label endpoints, build info probing, metadata and exemplars).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PrometheusConnectionOptions, PrometheusDriver } from 'prometheus-query';
import {
  makeTemp,
  removeTemp,
  startKansoku,
  waitFor200,
  type KansokuProcess,
} from './server-harness.js';

/** 15 minutes of data ending one minute ago, one point every 15 s. */
const END_S = Math.floor(Date.now() / 1000 / 15) * 15 - 60;
const START_S = END_S - 15 * 60;

function exposition(): string {
  const lines: string[] = [];
  for (let t = START_S, i = 0; t <= END_S; t += 15, i++) {
    const ms = t * 1000;
    for (const [inst, code, rate] of [
      ['a:1', '200', 10],
      ['a:1', '500', 1],
      ['b:1', '200', 20],
    ] as const) {
      lines.push(
        `http_requests_total{job="api",instance="${inst}",code="${code}"} ${rate * 15 * i} ${ms}`,
      );
    }
    let cum = 0;
    for (const [le, n] of [
      ['0.1', 6],
      ['0.5', 3],
      ['1', 1],
      ['+Inf', 0],
    ] as const) {
      cum += n * i;
      lines.push(`http_request_duration_seconds_bucket{job="api",le="${le}"} ${cum} ${ms}`);
    }
  }
  return lines.join('\n') + '\n';
}

void describe('Prometheus clients against Kansoku', () => {
  let dir = '';
  let k: KansokuProcess | undefined;
  let base = '';
  before(async () => {
    dir = await makeTemp();
    k = await startKansoku(dir);
    base = k.base;
    assert.equal(await waitFor200(`${base}/-/ready`, 20_000), 200);
    const res = await fetch(`${base}/api/v1/import/prometheus`, {
      method: 'POST',
      body: exposition(),
    });
    assert.equal(res.status, 204, await res.text());
  });
  after(async () => {
    await k?.stop();
    await removeTemp(dir);
  });

  void it('answers the prometheus-query driver', async () => {
    const options = new PrometheusConnectionOptions();
    options.endpoint = base;
    options.baseURL = '/api/v1';
    const prom = new PrometheusDriver(options);
    const inst = await prom.instantQuery(
      'sum by (instance) (rate(http_requests_total[5m]))',
      new Date(END_S * 1000),
    );
    assert.equal(inst.resultType, 'vector');
    const byInstance = new Map(
      inst.result.map(
        (s: { metric: { labels: Record<string, string> }; value: { value: number } }) => [
          s.metric.labels['instance'],
          s.value.value,
        ],
      ),
    );
    assert.ok(Math.abs((byInstance.get('a:1') ?? 0) - 11) < 1e-9, JSON.stringify([...byInstance]));
    assert.ok(Math.abs((byInstance.get('b:1') ?? 0) - 20) < 1e-9);

    const range = await prom.rangeQuery(
      'histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))',
      new Date((END_S - 300) * 1000),
      new Date(END_S * 1000),
      60,
    );
    assert.equal(range.resultType, 'matrix');
    assert.equal(range.result.length, 1);
    const values = (range.result[0] as { values: { value: number }[] }).values;
    assert.equal(values.length, 6);
    for (const v of values) assert.ok(v.value > 0.1 && v.value <= 1, String(v.value));

    const series = await prom.series(
      'http_requests_total{code="500"}',
      new Date(START_S * 1000),
      new Date(END_S * 1000),
    );
    assert.equal(series.length, 1);
    assert.deepEqual(
      await prom.labelValues(
        'instance',
        undefined,
        new Date(START_S * 1000),
        new Date(END_S * 1000),
      ),
      ['a:1', 'b:1'],
    );
    const names = await prom.labelNames(
      undefined,
      new Date(START_S * 1000),
      new Date(END_S * 1000),
    );
    for (const n of ['__name__', 'code', 'instance', 'job', 'le']) assert.ok(names.includes(n), n);
    const build = (await prom.statusBuildinfo()) as { version?: unknown };
    assert.equal(typeof build.version, 'string');
    assert.ok(Array.isArray(await prom.rules()));
    assert.ok(Array.isArray(await prom.alerts()));
    const tsdb = (await prom.statusTSDB()) as { headStats?: { numSeries?: unknown } };
    assert.ok(typeof tsdb.headStats?.numSeries === 'number');
    await assert.rejects(prom.instantQuery('sum(('), (e: unknown) => {
      const err = e as { httpStatus?: number; prometheus?: { errorType?: string; error?: string } };
      return (
        err.httpStatus === 400 &&
        err.prometheus?.errorType === 'bad_data' &&
        /parse error/.test(err.prometheus.error ?? '')
      );
    });
  });

  /** Sends a request shaped like Grafana's data source and returns the decoded envelope. */
  async function grafana(
    method: 'GET' | 'POST',
    path: string,
    params: Record<string, string | string[]>,
  ): Promise<{ status: number; body: { status: string; data?: unknown; errorType?: string } }> {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params))
      for (const x of Array.isArray(v) ? v : [v]) q.append(k, x);
    const headers: Record<string, string> = {
      Accept: 'application/json, text/plain, */*',
      'User-Agent': 'Grafana/11.3.0',
      'X-Grafana-Org-Id': '1',
      'X-Dashboard-Uid': 'abc',
      'X-Panel-Id': '2',
    };
    let url = `${base}${path}`;
    const init: RequestInit = { method, headers };
    if (method === 'POST') {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      init.body = q.toString();
    } else url += `?${q.toString()}`;
    const res = await fetch(url, init);
    return { status: res.status, body: (await res.json()) as { status: string; data?: unknown } };
  }

  void it('answers Grafana data-source request shapes', async () => {
    // Health check of the data source and version detection.
    const health = await grafana('GET', '/api/v1/query', { query: '1+1', time: `${END_S}.5` });
    assert.equal(health.status, 200);
    assert.deepEqual((health.body.data as { result: unknown }).result, [END_S + 0.5, '2']);
    const bi = await grafana('GET', '/api/v1/status/buildinfo', {});
    assert.equal(bi.status, 200);

    // Panel queries: POST form, float seconds, step as seconds with a fraction.
    const r = await grafana('POST', '/api/v1/query_range', {
      query: 'sum(rate(http_requests_total{job=~"api|web"}[1m]))',
      start: `${END_S - 600}.000`,
      end: `${END_S}.999`,
      step: '30.5',
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const data = r.body.data as { resultType: string; result: { values: [number, string][] }[] };
    assert.equal(data.resultType, 'matrix');
    assert.equal(data.result.length, 1);
    const first = data.result[0]!.values[0]!;
    assert.equal(first[0], END_S - 600);
    assert.ok(Math.abs(Number(first[1]) - 31) < 1e-9, first[1]);

    // Instant table panel with a POST body.
    const inst = await grafana('POST', '/api/v1/query', {
      query: 'topk(1, http_requests_total)',
      time: String(END_S),
    });
    assert.equal((inst.body.data as { result: unknown[] }).result.length, 1);

    // Variable editor: label names/values restricted by match[] and a time range.
    const labels = await grafana('GET', '/api/v1/labels', {
      'match[]': 'http_request_duration_seconds_bucket',
      start: String(START_S),
      end: String(END_S),
    });
    assert.deepEqual(labels.body.data, ['__name__', 'job', 'le']);
    const vals = await grafana('GET', '/api/v1/label/code/values', {
      'match[]': ['http_requests_total{instance="a:1"}'],
      start: String(START_S),
      end: String(END_S),
    });
    assert.deepEqual(vals.body.data, ['200', '500']);
    const names = await grafana('GET', '/api/v1/label/__name__/values', {
      'match[]': '{job="api"}',
    });
    assert.deepEqual(names.body.data, [
      'http_request_duration_seconds_bucket',
      'http_requests_total',
    ]);
    const series = await grafana('POST', '/api/v1/series', {
      'match[]': [
        'http_requests_total{code="200"}',
        'http_request_duration_seconds_bucket{le="+Inf"}',
      ],
      start: String(START_S),
      end: String(END_S),
    });
    assert.equal((series.body.data as unknown[]).length, 3);

    // Metadata for the query editor's hints, and exemplars (empty but well-formed).
    const meta = await grafana('GET', '/api/v1/metadata', {});
    assert.equal(meta.body.status, 'success');
    const ex = await grafana('POST', '/api/v1/query_exemplars', {
      query: 'http_requests_total',
      start: String(START_S),
      end: String(END_S),
    });
    assert.equal(ex.status, 200);
    assert.ok(Array.isArray(ex.body.data));

    // Errors come back in Prometheus' envelope with its statuses.
    const bad = await grafana('POST', '/api/v1/query_range', {
      query: 'rate(http_requests_total)',
      start: String(START_S),
      end: String(END_S),
      step: '15',
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errorType, 'bad_data');
    const tooMany = await grafana('GET', '/api/v1/query_range', {
      query: '1',
      start: '0',
      end: String(END_S),
      step: '1',
    });
    assert.equal(tooMany.status, 400);
  });
});
