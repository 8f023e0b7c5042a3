/**
 * Benchmark of the OTLP decoders on a request shaped like an instrumented HTTP service's export:
 * 20 metrics (gauges, cumulative sums, 10-bucket histograms) × 250 attribute sets of 3 string
 * attributes, under a resource with 6 attributes. Fixed seed; times are CPU time (best round), so
 * other work on the machine disturbs them little.
 *
 * Run: `node --import tsx src/parsers/otlp/decode.bench.ts`
 */
import { fileURLToPath } from 'node:url';
import { decodeMetricsJSON } from './json.js';
import { encodeMetricsProto } from './encode.js';
import { decodeMetricsProto } from './proto.js';
import type { KeyValue, MetricsRequest, OTLPMetric } from './types.js';

/** Figures reported by `benchOTLPDecode`. */
export interface OTLPDecodeFigures {
  /** Protobuf decode time per data point, ns. */
  readonly protoNsPerPoint: number;
  /** Protobuf throughput, MB/s (10^6 bytes). */
  readonly protoMBPerSec: number;
  /** JSON decode time per data point (JSON.parse included), ns. */
  readonly jsonNsPerPoint: number;
  /** Protobuf bytes per data point. */
  readonly protoBytesPerPoint: number;
}

const s = (key: string, value: string): KeyValue => ({ key, value: { kind: 'string', value } });

function request(): { req: MetricsRequest; points: number } {
  let seed = 7;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed % n;
  };
  const T = 1_700_000_000_000_000_000n;
  const metrics: OTLPMetric[] = [];
  let points = 0;
  for (let m = 0; m < 20; m++) {
    const attrs = (i: number): KeyValue[] => [
      s('http.route', `/api/v1/resource${i % 50}`),
      s('http.request.method', ['GET', 'POST', 'PUT'][i % 3]!),
      s('http.response.status_code', String(200 + (i % 4))),
    ];
    const base = (i: number) => ({
      attributes: attrs(i),
      startTimeUnixNano: T - 60_000_000_000n,
      timeUnixNano: T,
      flags: 0,
    });
    const kind = m % 3;
    if (kind === 2) {
      const bounds = Float64Array.from([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]);
      metrics.push({
        name: `http.server.duration.${m}`,
        description: '',
        unit: 's',
        metadata: [],
        data: {
          type: 'histogram',
          temporality: 'cumulative',
          points: Array.from({ length: 250 }, (_, i) => {
            const counts = Float64Array.from({ length: 11 }, () => rnd(100));
            return {
              ...base(i),
              count: counts.reduce((a, b) => a + b, 0),
              sum: rnd(10_000) / 7,
              bucketCounts: counts,
              explicitBounds: bounds,
              min: undefined,
              max: undefined,
              exemplars: [],
            };
          }),
        },
      });
    } else {
      const pts = Array.from({ length: 250 }, (_, i) => ({
        ...base(i),
        value: rnd(1_000_000) / 3,
        exemplars: [],
      }));
      metrics.push({
        name: `app.metric.${m}`,
        description: '',
        unit: kind === 0 ? 'By' : '{request}',
        metadata: [],
        data:
          kind === 0
            ? { type: 'gauge', points: pts }
            : { type: 'sum', temporality: 'cumulative', monotonic: true, points: pts },
      });
    }
    points += 250;
  }
  const resource = [
    'service.name',
    'service.instance.id',
    'host.name',
    'os.type',
    'k8s.pod.name',
    'k8s.namespace.name',
  ];
  return {
    req: {
      resourceMetrics: [
        {
          resource: {
            attributes: resource.map((k) => s(k, `${k}-value`)),
            droppedAttributesCount: 0,
          },
          schemaUrl: '',
          scopeMetrics: [
            {
              scope: { name: 'app', version: '1', attributes: [], droppedAttributesCount: 0 },
              schemaUrl: '',
              metrics,
            },
          ],
        },
      ],
    },
    points,
  };
}

function toJSON(req: MetricsRequest): string {
  const attrs = (kvs: readonly KeyValue[]) =>
    kvs.map((kv) => ({
      key: kv.key,
      value: { stringValue: kv.value.kind === 'string' ? kv.value.value : '' },
    }));
  return JSON.stringify({
    resourceMetrics: req.resourceMetrics.map((rm) => ({
      resource: { attributes: attrs(rm.resource.attributes) },
      scopeMetrics: rm.scopeMetrics.map((sm) => ({
        scope: { name: sm.scope.name, version: sm.scope.version },
        metrics: sm.metrics.map((m) => {
          const d = m.data;
          const pts = (d.type === 'none' ? [] : d.points).map((p) => ({
            attributes: attrs(p.attributes),
            startTimeUnixNano: p.startTimeUnixNano.toString(),
            timeUnixNano: p.timeUnixNano.toString(),
            ...('value' in p ? { asDouble: p.value } : {}),
            ...('bucketCounts' in p
              ? {
                  count: String(p.count),
                  sum: p.sum,
                  bucketCounts: Array.from(p.bucketCounts, String),
                  explicitBounds: Array.from(p.explicitBounds),
                }
              : {}),
          }));
          const body =
            d.type === 'sum'
              ? { dataPoints: pts, aggregationTemporality: 2, isMonotonic: d.monotonic }
              : d.type === 'histogram'
                ? { dataPoints: pts, aggregationTemporality: 2 }
                : { dataPoints: pts };
          return { name: m.name, unit: m.unit, [d.type]: body };
        }),
      })),
    })),
  });
}

function cpuNs(fn: () => void): number {
  const t0 = process.cpuUsage();
  fn();
  const d = process.cpuUsage(t0);
  return (d.user + d.system) * 1000;
}

/** Measures both decoders; `rounds` timed rounds, best kept. */
export function benchOTLPDecode(o: { rounds?: number } = {}): OTLPDecodeFigures {
  const rounds = o.rounds ?? 5;
  const { req, points } = request();
  const proto = encodeMetricsProto(req);
  const json = toJSON(req);
  let bestProto = Infinity;
  let bestJSON = Infinity;
  for (let r = 0; r < rounds; r++) {
    bestProto = Math.min(
      bestProto,
      cpuNs(() => decodeMetricsProto(proto)),
    );
    bestJSON = Math.min(
      bestJSON,
      cpuNs(() => decodeMetricsJSON(json)),
    );
  }
  const round2 = (x: number): number => Math.round(x * 100) / 100;
  return {
    protoNsPerPoint: round2(bestProto / points),
    protoMBPerSec: round2(proto.length / (bestProto / 1e9) / 1e6),
    jsonNsPerPoint: round2(bestJSON / points),
    protoBytesPerPoint: round2(proto.length / points),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  benchOTLPDecode({ rounds: 1 });
  console.log(JSON.stringify(benchOTLPDecode(), null, 2));
}
