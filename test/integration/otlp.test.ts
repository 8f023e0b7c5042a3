/**
 * End to end: the real OpenTelemetry SDK exports through the real OTLP/HTTP exporters (protobuf
 * and JSON) to a local HTTP server on loopback, whose request bodies go through Kansoku's
 * decoders and `ingestOTLP` into a MemStorage; the stored series are checked exactly.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { AggregationTemporalityPreference } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as JSONExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import { readAll } from '../support/storage.js';
import { IngestPipeline } from '../../src/ingest/index.js';
import { DeltaTracker, defaultOTLPIngestOptions, ingestOTLP } from '../../src/ingest/otlp.js';
import {
  decodeMetricsJSON,
  decodeMetricsProto,
  encodeExportResponse,
  otlpContentType,
  otlpEncodingOf,
} from '../../src/parsers/index.js';
import { MemStorage } from '../../src/storage/index.js';

interface Received {
  contentType: string;
  body: Buffer;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

const names = (series: { labels: Record<string, string> }[]): string[] =>
  series.map((x) => x.labels['__name__'] ?? '').sort();

const RESOURCE = {
  'service.name': 'shop',
  'service.namespace': 'acme',
  'service.instance.id': 'i-1',
  'host.name': 'h1',
};

describe('OTLP from the OpenTelemetry SDK', () => {
  let server: Server;
  let base = '';
  const received: Received[] = [];
  const storage = new MemStorage();
  const pipeline = new IngestPipeline(storage);
  const deltas = new DeltaTracker();
  let rejected = 0;

  before(async () => {
    server = createServer((req, res) => {
      void readBody(req)
        .then(async (body) => {
          const contentType = req.headers['content-type'] ?? '';
          received.push({ contentType, body });
          const enc = otlpEncodingOf(contentType);
          if (enc === undefined) {
            res.writeHead(415);
            res.end();
            return;
          }
          const decoded =
            enc === 'json' ? decodeMetricsJSON(body.toString('utf8')) : decodeMetricsProto(body);
          const r = await ingestOTLP(pipeline, decoded, {
            ...defaultOTLPIngestOptions(),
            deltas,
            now: Date.now(),
          });
          rejected += r.rejected;
          const msg = r.errors.map((e) => e.reason).join('; ');
          res.writeHead(200, { 'content-type': otlpContentType(enc) });
          res.end(encodeExportResponse(r.rejected, msg, enc));
        })
        .catch((e: unknown) => {
          res.writeHead(500);
          res.end(String(e));
        });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    assert.equal(rejected, 0);
    await new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
  });

  function provider(exporter: PushMetricExporter, service: string) {
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
    const mp = new MeterProvider({
      resource: resourceFromAttributes({ ...RESOURCE, 'service.name': service }),
      readers: [reader],
    });
    return { mp, meter: mp.getMeter('kansoku-test', '1.0.0') };
  }

  it('stores counters, up-down counters, gauges and histograms sent as protobuf', async () => {
    const { mp, meter } = provider(new ProtoExporter({ url: `${base}/v1/metrics` }), 'proto');
    meter.createCounter('http.requests', { unit: '{request}' }).add(3, { method: 'GET' });
    meter.createCounter('http.requests', { unit: '{request}' }).add(2, { method: 'GET' });
    const q = meter.createUpDownCounter('queue.depth');
    q.add(4);
    q.add(-1);
    meter.createObservableGauge('temperature', { unit: 'Cel' }).addCallback((r) => {
      r.observe(21.5, { room: 'a' });
    });
    const h = meter.createHistogram('http.duration', {
      unit: 's',
      advice: { explicitBucketBoundaries: [0.1, 1] },
    });
    for (const v of [0.05, 0.5, 2]) h.record(v);
    const t0 = Date.now();
    await mp.forceFlush();
    const t1 = Date.now();
    const got = received.at(-1);
    assert.equal(got?.contentType, 'application/x-protobuf');

    const job = 'acme/proto';
    const counter = await readAll(storage, { __name__: 'http_requests_total', job });
    assert.equal(counter.length, 1);
    const t = counter[0]!.samples[0]![0];
    assert.ok(t >= t0 && t <= t1, `timestamp ${t} outside [${t0}, ${t1}]`);
    const lbl = { instance: 'i-1', job };
    assert.deepEqual(counter, [
      { labels: { __name__: 'http_requests_total', method: 'GET', ...lbl }, samples: [[t, 5]] },
    ]);
    assert.deepEqual(await readAll(storage, { __name__: 'queue_depth', job }), [
      { labels: { __name__: 'queue_depth', ...lbl }, samples: [[t, 3]] },
    ]);
    assert.deepEqual(await readAll(storage, { __name__: 'temperature_celsius', job }), [
      { labels: { __name__: 'temperature_celsius', room: 'a', ...lbl }, samples: [[t, 21.5]] },
    ]);
    const buckets = await readAll(storage, { __name__: 'http_duration_seconds_bucket', job });
    assert.deepEqual(
      buckets.map((b) => [b.labels, b.samples]),
      [
        [{ __name__: 'http_duration_seconds_bucket', le: '+Inf', ...lbl }, [[t, 3]]],
        [{ __name__: 'http_duration_seconds_bucket', le: '0.1', ...lbl }, [[t, 1]]],
        [{ __name__: 'http_duration_seconds_bucket', le: '1', ...lbl }, [[t, 2]]],
      ],
    );
    assert.deepEqual(await readAll(storage, { __name__: 'http_duration_seconds_sum', job }), [
      { labels: { __name__: 'http_duration_seconds_sum', ...lbl }, samples: [[t, 2.55]] },
    ]);
    assert.deepEqual(await readAll(storage, { __name__: 'http_duration_seconds_count', job }), [
      { labels: { __name__: 'http_duration_seconds_count', ...lbl }, samples: [[t, 3]] },
    ]);
    assert.deepEqual(await readAll(storage, { __name__: 'target_info', job }), [
      { labels: { __name__: 'target_info', host_name: 'h1', ...lbl }, samples: [[t, 1]] },
    ]);
    assert.deepEqual(names(await readAll(storage, { job })), [
      'http_duration_seconds_bucket',
      'http_duration_seconds_bucket',
      'http_duration_seconds_bucket',
      'http_duration_seconds_count',
      'http_duration_seconds_sum',
      'http_requests_total',
      'queue_depth',
      'target_info',
      'temperature_celsius',
    ]);
    await mp.shutdown();
  });

  it('accumulates delta counters and histograms sent as JSON', async () => {
    const { mp, meter } = provider(
      new JSONExporter({
        url: `${base}/v1/metrics`,
        temporalityPreference: AggregationTemporalityPreference.DELTA,
      }),
      'json',
    );
    const c = meter.createCounter('jobs.done');
    const h = meter.createHistogram('size', {
      unit: 'By',
      advice: { explicitBucketBoundaries: [10] },
    });
    c.add(2);
    h.record(5);
    await mp.forceFlush();
    c.add(3);
    h.record(50);
    h.record(7);
    await mp.forceFlush();
    await mp.shutdown();
    const json = received.filter((r) => r.contentType === 'application/json');
    assert.ok(json.length >= 2);
    // The times the SDK sent, read straight from the JSON (ns strings) with BigInt.
    const times = json.slice(0, 2).map((r) => {
      const doc = JSON.parse(r.body.toString('utf8')) as {
        resourceMetrics: {
          scopeMetrics: { metrics: { sum?: { dataPoints: { timeUnixNano: string }[] } }[] }[];
        }[];
      };
      const m = doc.resourceMetrics[0]!.scopeMetrics[0]!.metrics.find((x) => x.sum !== undefined);
      return Number(BigInt(m!.sum!.dataPoints[0]!.timeUnixNano) / 1_000_000n);
    });
    const [ta, tb] = times as [number, number];
    const job = 'acme/json';
    const lbl = { instance: 'i-1', job };
    assert.deepEqual(await readAll(storage, { __name__: 'jobs_done_total', job }), [
      {
        labels: { __name__: 'jobs_done_total', ...lbl },
        samples: [
          [ta, 2],
          [tb, 5],
        ],
      },
    ]);
    const buckets = await readAll(storage, { __name__: 'size_bytes_bucket', job });
    assert.deepEqual(
      buckets.map((b) => [b.labels['le'], b.samples]),
      [
        [
          '+Inf',
          [
            [ta, 1],
            [tb, 3],
          ],
        ],
        [
          '10',
          [
            [ta, 1],
            [tb, 2],
          ],
        ],
      ],
    );
    assert.deepEqual((await readAll(storage, { __name__: 'size_bytes_sum', job }))[0]?.samples, [
      [ta, 5],
      [tb, 62],
    ]);
    assert.deepEqual(names(await readAll(storage, { job })), [
      'jobs_done_total',
      'size_bytes_bucket',
      'size_bytes_bucket',
      'size_bytes_count',
      'size_bytes_sum',
      'target_info',
    ]);
  });
});
