import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readAll } from '../../test/support/storage.js';
import type {
  HistogramPoint,
  KeyValue,
  MetricData,
  MetricsRequest,
  NumberPoint,
  OTLPMetric,
} from '../parsers/otlp/index.js';
import { MemStorage } from '../storage/index.js';
import {
  DeltaTracker,
  defaultOTLPIngestOptions,
  formatFloat,
  ingestOTLP,
  nanosToMillis,
  type OTLPIngestOptions,
} from './otlp.js';
import { IngestPipeline } from './pipeline.js';

const NS = 1_700_000_000_123_456_789n;
const MS = 1_700_000_000_123;

const s = (key: string, value: string): KeyValue => ({ key, value: { kind: 'string', value } });

function num(value: number, attrs: KeyValue[] = [], t = NS, flags = 0): NumberPoint {
  return { attributes: attrs, startTimeUnixNano: 1n, timeUnixNano: t, flags, value, exemplars: [] };
}

function hist(
  counts: number[],
  bounds: number[],
  sum: number | undefined,
  t = NS,
  flags = 0,
): HistogramPoint {
  return {
    attributes: [],
    startTimeUnixNano: 1n,
    timeUnixNano: t,
    flags,
    count: counts.reduce((a, b) => a + b, 0),
    sum,
    bucketCounts: Float64Array.from(counts),
    explicitBounds: Float64Array.from(bounds),
    min: undefined,
    max: undefined,
    exemplars: [],
  };
}

const metric = (name: string, unit: string, data: MetricData): OTLPMetric => ({
  name,
  description: '',
  unit,
  data,
  metadata: [],
});

function request(
  metrics: OTLPMetric[],
  resource: KeyValue[] = [s('service.name', 'api'), s('service.instance.id', 'i-1')],
  scope = { name: 'lib', version: '1.0', attributes: [s('x', 'y')], droppedAttributesCount: 0 },
): MetricsRequest {
  return {
    resourceMetrics: [
      {
        resource: { attributes: resource, droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeMetrics: [{ scope, metrics, schemaUrl: 'https://s' }],
      },
    ],
  };
}

async function run(
  req: MetricsRequest,
  o: Partial<OTLPIngestOptions> = {},
  storage = new MemStorage(),
) {
  const p = new IngestPipeline(storage);
  const r = await ingestOTLP(p, req, { ...defaultOTLPIngestOptions(), now: 5, ...o });
  return { r, storage };
}

describe('ingestOTLP', () => {
  it('names gauges and sums with suffixes, maps service attributes and converts ns to ms exactly', async () => {
    const { r, storage } = await run(
      request([
        metric('memory.usage', 'By', {
          type: 'gauge',
          points: [num(10, [s('http.method', 'GET')])],
        }),
        metric('requests', '{request}', {
          type: 'sum',
          temporality: 'cumulative',
          monotonic: true,
          points: [num(7)],
        }),
        metric('queue.size', '', {
          type: 'sum',
          temporality: 'cumulative',
          monotonic: false,
          points: [num(3)],
        }),
        metric('cpu.utilization', '1', { type: 'gauge', points: [num(0.5, [], 0n)] }),
      ]),
    );
    assert.deepEqual([r.accepted, r.rejected, r.errors], [4, 0, []]);
    assert.deepEqual(await readAll(storage, { __name__: 'memory_usage_bytes' }), [
      {
        labels: {
          __name__: 'memory_usage_bytes',
          http_method: 'GET',
          instance: 'i-1',
          job: 'api',
        },
        samples: [[MS, 10]],
      },
    ]);
    assert.deepEqual((await readAll(storage, { __name__: 'requests_total' }))[0]?.samples, [
      [MS, 7],
    ]);
    assert.deepEqual((await readAll(storage, { __name__: 'queue_size' }))[0]?.samples, [[MS, 3]]);
    assert.deepEqual((await readAll(storage, { __name__: 'cpu_utilization_ratio' }))[0]?.samples, [
      [5, 0.5],
    ]);
    // Only identifying attributes: no target_info.
    assert.deepEqual(await readAll(storage, { __name__: 'target_info' }), []);
  });

  it('writes classic histograms and summaries', async () => {
    const { r, storage } = await run(
      request([
        metric('http.duration', 's', {
          type: 'histogram',
          temporality: 'cumulative',
          points: [hist([1, 2, 3], [0.005, 1e21], 2.5)],
        }),
        metric('rpc', 'ms', {
          type: 'summary',
          points: [
            {
              attributes: [],
              startTimeUnixNano: 0n,
              timeUnixNano: NS,
              flags: 0,
              count: 4,
              sum: 9,
              quantiles: Float64Array.from([0.5, 0.99]),
              values: Float64Array.from([1, 3]),
            },
          ],
        }),
      ]),
    );
    assert.equal(r.accepted, 5 + 4);
    const buckets = await readAll(storage, { __name__: 'http_duration_seconds_bucket' });
    assert.deepEqual(
      buckets.map((b) => [b.labels['le'], b.samples[0]![1]]),
      [
        ['+Inf', 6],
        ['0.005', 1],
        ['1000000000000000000000', 3],
      ],
    );
    assert.deepEqual(
      (await readAll(storage, { __name__: 'http_duration_seconds_sum' }))[0]?.samples,
      [[MS, 2.5]],
    );
    assert.deepEqual(
      (await readAll(storage, { __name__: 'http_duration_seconds_count' }))[0]?.samples,
      [[MS, 6]],
    );
    const q = await readAll(storage, { __name__: 'rpc_milliseconds' });
    assert.deepEqual(
      q.map((x) => [x.labels['quantile'], x.samples[0]![1]]),
      [
        ['0.5', 1],
        ['0.99', 3],
      ],
    );
    assert.deepEqual((await readAll(storage, { __name__: 'rpc_milliseconds_count' }))[0]?.samples, [
      [MS, 4],
    ]);
  });

  it('turns delta sums and histograms into cumulative series across requests', async () => {
    const deltas = new DeltaTracker();
    const storage = new MemStorage();
    const sum = (v: number, t: bigint) =>
      metric('jobs', '', {
        type: 'sum',
        temporality: 'delta',
        monotonic: true,
        points: [num(v, [], t)],
      });
    const h = (c: number[], t: bigint) =>
      metric('lat', 's', { type: 'histogram', temporality: 'delta', points: [hist(c, [1], 1, t)] });
    await run(request([sum(2, NS), h([1, 0], NS)]), { deltas }, storage);
    await run(
      request([sum(3, NS + 10_000_000n), h([0, 2], NS + 10_000_000n)]),
      { deltas },
      storage,
    );
    const r = await run(request([sum(1, NS)]), { deltas }, storage);
    assert.equal(r.r.rejected, 1);
    assert.match(r.r.errors[0]!.reason, /not newer than the previous point/);
    assert.deepEqual((await readAll(storage, { __name__: 'jobs_total' }))[0]?.samples, [
      [MS, 2],
      [MS + 10, 5],
    ]);
    const b = await readAll(storage, { __name__: 'lat_seconds_bucket' });
    assert.deepEqual(
      b.map((x) => [x.labels['le'], x.samples]),
      [
        [
          '+Inf',
          [
            [MS, 1],
            [MS + 10, 3],
          ],
        ],
        [
          '1',
          [
            [MS, 1],
            [MS + 10, 1],
          ],
        ],
      ],
    );
    assert.deepEqual((await readAll(storage, { __name__: 'lat_seconds_sum' }))[0]?.samples, [
      [MS, 1],
      [MS + 10, 2],
    ]);
    const off = await run(request([sum(1, NS)]), { deltas: undefined });
    assert.match(off.r.errors[0]!.reason, /delta temporality is not accepted/);
  });

  it('bounds the delta tracker', () => {
    const d = new DeltaTracker(2);
    const none = new Float64Array(0);
    d.add('a', 1n, 0, 1, none, none);
    d.add('b', 1n, 0, 1, none, none);
    d.add('c', 1n, 0, 1, none, none);
    assert.equal(d.size, 2);
    const a = d.add('a', 2n, 0, 5, none, none);
    assert.ok(typeof a !== 'string');
    assert.equal(a.sum, 5); // 'a' was evicted: it starts again
  });

  it('writes staleness markers for points without a recorded value', async () => {
    const { storage } = await run(
      request([
        metric('g', '', {
          type: 'gauge',
          points: [num(1, [], NS), num(0, [], NS + 1_000_000n, 1)],
        }),
        metric('h', '', {
          type: 'histogram',
          temporality: 'cumulative',
          points: [hist([1], [], 1, NS, 1)],
        }),
      ]),
    );
    assert.deepEqual((await readAll(storage, { __name__: 'g' }))[0]?.samples, [
      [MS, 1],
      [MS + 1, 'stale'],
    ]);
    assert.deepEqual((await readAll(storage, { __name__: 'h_bucket' }))[0]?.samples, [
      [MS, 'stale'],
    ]);
    assert.deepEqual((await readAll(storage, { __name__: 'h_count' }))[0]?.samples, [
      [MS, 'stale'],
    ]);
  });

  it('rejects what it cannot translate point by point and keeps the rest', async () => {
    const { r, storage } = await run(
      request([
        metric('e', '', {
          type: 'exponentialHistogram',
          temporality: 'cumulative',
          points: [
            {
              attributes: [],
              startTimeUnixNano: 0n,
              timeUnixNano: NS,
              flags: 0,
              count: 1,
              sum: 1,
              scale: 0,
              zeroCount: 0,
              zeroThreshold: 0,
              positive: { offset: 0, bucketCounts: Float64Array.from([1]) },
              negative: { offset: 0, bucketCounts: new Float64Array(0) },
              min: undefined,
              max: undefined,
            },
          ],
        }),
        metric('u', '', {
          type: 'sum',
          temporality: 'unspecified',
          monotonic: true,
          points: [num(1)],
        }),
        metric('...', '', { type: 'gauge', points: [num(1)] }),
        metric('n', '', { type: 'none' }),
        metric('bad.attr', '', { type: 'gauge', points: [num(1, [s('...', 'x')])] }),
        metric('ok', '', { type: 'gauge', points: [num(1)] }),
      ]),
    );
    assert.equal(r.accepted, 1);
    assert.equal(r.rejected, 5);
    assert.deepEqual(
      r.errors.map((e) => e.reason),
      [
        'metric "e": exponential histograms are not supported; configure the exporter to send explicit-bucket histograms',
        'metric "u": aggregation temporality is unspecified',
        'metric "...": cannot translate the name to a Prometheus metric name',
        'metric "n": has no data (gauge, sum, histogram, exponential histogram or summary)',
        'metric "bad.attr": cannot translate attribute name "..." to a label name',
      ],
    );
    assert.equal((await readAll(storage, { __name__: 'ok' })).length, 1);
  });

  it('writes target_info, promotes resource attributes and scope metadata, merges colliding labels', async () => {
    const resource = [
      s('service.name', 'api'),
      s('service.namespace', 'shop'),
      s('host.name', 'h1'),
      { key: 'k8s.pod.count', value: { kind: 'int', value: 3n } } as const,
    ];
    const points = [num(1, [s('a.b', '1'), s('a_b', '2')], NS), num(2, [], NS + 600_000_000_000n)];
    const { storage } = await run(request([metric('m', '', { type: 'gauge', points })], resource), {
      promoteResourceAttributes: ['host.name'],
      promoteScopeMetadata: true,
    });
    const m = await readAll(storage, { __name__: 'm' });
    assert.deepEqual(m[0]!.labels, {
      __name__: 'm',
      a_b: '1;2',
      host_name: 'h1',
      job: 'shop/api',
      otel_scope_name: 'lib',
      otel_scope_schema_url: 'https://s',
      otel_scope_version: '1.0',
      otel_scope_x: 'y',
    });
    const ti = await readAll(storage, { __name__: 'target_info' });
    assert.deepEqual(ti, [
      {
        labels: { __name__: 'target_info', host_name: 'h1', job: 'shop/api', k8s_pod_count: '3' },
        samples: [0, 1, 2, 3, 4].map((i) => [MS + i * 150_000, 1]),
      },
    ]);
    const all = await run(
      request([metric('m', '', { type: 'gauge', points: [num(1)] })], resource),
      {
        promoteAllResourceAttributes: true,
        ignoreResourceAttributes: ['host.name'],
        disableTargetInfo: true,
      },
    );
    assert.deepEqual((await readAll(all.storage, { __name__: 'm' }))[0]!.labels, {
      __name__: 'm',
      job: 'shop/api',
      k8s_pod_count: '3',
      service_name: 'api',
      service_namespace: 'shop',
    });
    assert.deepEqual(await readAll(all.storage, { __name__: 'target_info' }), []);
  });

  it('converts times and formats bounds exactly', () => {
    assert.equal(nanosToMillis(18_446_744_073_709_551_615n), 18_446_744_073_709);
    assert.equal(nanosToMillis(1_999_999n), 1);
    assert.equal(formatFloat(1e-7), '0.0000001');
    assert.equal(formatFloat(-2.5e-3), '-0.0025');
    assert.equal(formatFloat(1.5e22), '15000000000000000000000');
    assert.equal(formatFloat(Infinity), '+Inf');
    assert.equal(formatFloat(123.456), '123.456');
  });
});
