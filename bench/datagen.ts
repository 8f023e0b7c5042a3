/**
 * Realistic benchmark data: the series a Prometheus server scraping node_exporter and an HTTP
 * application on many hosts would hold, and their values over time.
 *
 * Every host has two targets: `job="node"` (CPU seconds per core and mode, filesystem gauges,
 * network counters, memory gauges, load) and `job="api"` (request counters by handler, method and
 * code, and a request-duration histogram per handler). Scrapes are every 15 s at a fixed offset
 * per target with ±4 ms jitter; all samples of one scrape share its timestamp, as in Prometheus.
 * Counters grow by realistic integer or float steps, gauges wander with noise. Everything comes
 * from the seed.
 */
import { mulberry32 } from './rand.js';

/** How a series' value evolves from scrape to scrape. */
export type ValueKind =
  | 'counter' // integer events (packets, requests, context switches)
  | 'bytesCounter' // integer byte counts growing by kilobytes to megabytes
  | 'cpuSeconds' // kernel ticks / 100, a float counter
  | 'gauge' // a float wandering around a level with noise (load averages)
  | 'pageGauge' // memory: moves by whole 4 KiB pages
  | 'constant' // sizes that never change
  | 'bucket' // one cumulative histogram bucket (or _count when its share is 1)
  | 'histSum'; // the float _sum of a histogram

const KIND_CODES: readonly ValueKind[] = [
  'counter',
  'bytesCounter',
  'cpuSeconds',
  'gauge',
  'pageGauge',
  'constant',
  'bucket',
  'histSum',
];

/** Generated series definitions plus their mutable value state (columnar, one entry per series). */
export interface SeriesSet {
  /** Flat sorted `[name, value, …]` label arrays, one per series. */
  readonly labels: string[][];
  /** The target (scrape) each series belongs to. */
  readonly target: Int32Array;
  /** Series index ranges per target: target `t` owns `[targetStart[t], targetStart[t+1])`. */
  readonly targetStart: Int32Array;
  /** The offset of each target's scrapes within the interval, ms. */
  readonly targetOffset: Float64Array;
  /** Value kind codes (index into the kinds list). */
  readonly kind: Uint8Array;
  /** Per-series rate parameter (events/s, ticks per scrape, level, …). */
  readonly rate: Float64Array;
  /** Histogram bucket share (cumulative fraction of observations), or mean latency for _sum. */
  readonly share: Float64Array;
  /** The histogram each bucket/_sum series belongs to, or -1. */
  readonly histogram: Int32Array;
  /** The number of histograms. */
  readonly histogramCount: number;
  /** Current values. */
  readonly value: Float64Array;
}

const MODES = ['idle', 'iowait', 'irq', 'nice', 'softirq', 'steal', 'system', 'user'] as const;
const MODE_TICKS = [80, 2, 0.2, 0.5, 1, 0.1, 8, 20] as const;
const DEVICES = ['eth0', 'lo', 'docker0'] as const;
const MOUNTS = [
  ['/dev/sda1', 'ext4', '/'],
  ['/dev/sdb1', 'xfs', '/data'],
  ['tmpfs', 'tmpfs', '/run'],
] as const;
const HANDLERS = ['/api/v1/orders', '/api/v1/users', '/api/v1/search', '/healthz'] as const;
const BUCKETS = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '+Inf'];
/** Cumulative share of requests under each bucket bound (a log-normal-ish latency). */
const BUCKET_SHARE = [0.02, 0.08, 0.3, 0.55, 0.78, 0.93, 0.975, 0.99, 0.997, 0.999, 1];

class Builder {
  readonly labels: string[][] = [];
  readonly target: number[] = [];
  readonly targetStart: number[] = [];
  readonly kind: number[] = [];
  readonly rate: number[] = [];
  readonly share: number[] = [];
  readonly histogram: number[] = [];
  histogramCount = 0;
  private current = -1;

  constructor(private readonly rnd: () => number) {}

  startTarget(): void {
    this.current = this.targetStart.length;
    this.targetStart.push(this.labels.length);
  }

  add(
    name: string,
    labels: Record<string, string>,
    kind: ValueKind,
    rate: number,
    share = 0,
    hist = -1,
  ): void {
    const pairs = Object.entries({ __name__: name, ...labels }).sort((a, b) =>
      a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0,
    );
    this.labels.push(pairs.flat());
    this.target.push(this.current);
    this.kind.push(KIND_CODES.indexOf(kind));
    this.rate.push(rate * (0.5 + this.rnd()));
    this.share.push(share);
    this.histogram.push(hist);
  }
}

function nodeTarget(b: Builder, host: string, rnd: () => number): void {
  const base = { instance: `${host}:9100`, job: 'node' };
  const cores = 4;
  for (let c = 0; c < cores; c++) {
    MODES.forEach((mode, i) => {
      b.add(
        'node_cpu_seconds_total',
        { ...base, cpu: `${c}`, mode },
        'cpuSeconds',
        MODE_TICKS[i] ?? 1,
      );
    });
  }
  for (const device of DEVICES) {
    const scale = device === 'lo' ? 0.1 : 1;
    b.add('node_network_receive_bytes_total', { ...base, device }, 'bytesCounter', 200 * scale);
    b.add('node_network_transmit_bytes_total', { ...base, device }, 'bytesCounter', 120 * scale);
    b.add('node_network_receive_packets_total', { ...base, device }, 'counter', 300 * scale);
    b.add('node_network_transmit_packets_total', { ...base, device }, 'counter', 200 * scale);
  }
  for (const [device, fstype, mountpoint] of MOUNTS) {
    const l = { ...base, device, fstype, mountpoint };
    const size = Math.round(20 + rnd() * 500) * 1024 ** 3;
    b.add('node_filesystem_size_bytes', l, 'constant', size);
    b.add('node_filesystem_avail_bytes', l, 'pageGauge', size * 0.4);
    b.add('node_filesystem_free_bytes', l, 'pageGauge', size * 0.45);
    b.add('node_filesystem_files', l, 'constant', 6_553_600);
    b.add('node_filesystem_files_free', l, 'pageGauge', 6_000_000 / 4096);
  }
  for (const m of ['MemTotal', 'MemFree', 'MemAvailable', 'Buffers', 'Cached', 'SwapFree']) {
    const kind = m === 'MemTotal' ? 'constant' : 'pageGauge';
    b.add(`node_memory_${m}_bytes`, base, kind, 8 * 1024 ** 3 * (m === 'MemTotal' ? 1 : 0.3));
  }
  b.add('node_load1', base, 'gauge', 1.5);
  b.add('node_load5', base, 'gauge', 1.2);
  b.add('node_load15', base, 'gauge', 1);
  b.add('node_context_switches_total', base, 'counter', 2000);
  b.add('node_intr_total', base, 'counter', 1500);
}

function apiTarget(b: Builder, host: string): void {
  const base = { instance: `${host}:8080`, job: 'api' };
  for (const handler of HANDLERS) {
    const weight = handler === '/healthz' ? 0.2 : 1;
    for (const [method, code, share] of [
      ['GET', '200', 0.7],
      ['GET', '404', 0.03],
      ['POST', '200', 0.25],
      ['POST', '500', 0.02],
    ] as const) {
      b.add(
        'http_requests_total',
        { ...base, code, handler, method },
        'counter',
        40 * weight * share,
      );
    }
    const h = b.histogramCount++;
    BUCKETS.forEach((le, i) => {
      b.add(
        'http_request_duration_seconds_bucket',
        { ...base, handler, le },
        'bucket',
        40 * weight,
        BUCKET_SHARE[i],
        h,
      );
    });
    b.add('http_request_duration_seconds_count', { ...base, handler }, 'bucket', 40 * weight, 1, h);
    b.add(
      'http_request_duration_seconds_sum',
      { ...base, handler },
      'histSum',
      40 * weight,
      0.06,
      h,
    );
  }
}

/** Series per host (node target plus API target). */
export const SERIES_PER_HOST = 32 + 12 + 15 + 6 + 5 + 4 * (4 + BUCKETS.length + 2);

/** Generates `count` series (whole hosts, the last one cut short) with their initial values. */
export function generateSeries(count: number, seed: number): SeriesSet {
  const rnd = mulberry32(seed);
  const b = new Builder(rnd);
  for (let h = 0; b.labels.length < count; h++) {
    const host = `10.${(h >> 16) & 255}.${(h >> 8) & 255}.${h & 255}`;
    b.startTarget();
    nodeTarget(b, host, rnd);
    b.startTarget();
    apiTarget(b, host);
  }
  const n = count;
  const targets = b.target[n - 1] === undefined ? 0 : (b.target[n - 1] ?? 0) + 1;
  const targetStart = Int32Array.from([...b.targetStart.slice(0, targets), n]);
  const value = new Float64Array(n);
  const kind = Uint8Array.from(b.kind.slice(0, n));
  const rate = Float64Array.from(b.rate.slice(0, n));
  for (let s = 0; s < n; s++)
    value[s] = initialValue(KIND_CODES[kind[s] ?? 0] ?? 'constant', rate[s] ?? 0, rnd);
  return {
    labels: b.labels.slice(0, n),
    target: Int32Array.from(b.target.slice(0, n)),
    targetStart,
    targetOffset: Float64Array.from({ length: targets }, () => Math.floor(rnd() * 15_000)),
    kind,
    rate,
    share: Float64Array.from(b.share.slice(0, n)),
    histogram: Int32Array.from(b.histogram.slice(0, n)),
    histogramCount: b.histogramCount,
    value,
  };
}

function initialValue(kind: ValueKind, rate: number, rnd: () => number): number {
  switch (kind) {
    case 'counter':
    case 'bytesCounter':
      return Math.floor(rnd() * rate * 86_400);
    case 'cpuSeconds':
      return Math.floor(rnd() * rate * 8_640_000) / 100;
    case 'gauge':
      return Math.round(rate * 100) / 100;
    case 'pageGauge':
      return Math.floor(rate / 4096) * 4096;
    case 'constant':
      return Math.round(rate);
    case 'bucket':
    case 'histSum':
      return 0;
  }
}

/**
 * Advances every series by one scrape interval (15 s), in place. `histInc` (one slot per
 * histogram) receives the number of new observations per histogram this step.
 */
export function step(set: SeriesSet, rnd: () => number, histInc: Float64Array): void {
  for (let h = 0; h < set.histogramCount; h++) histInc[h] = -1;
  const { kind, rate, value, share, histogram } = set;
  for (let s = 0; s < value.length; s++) {
    const v = value[s] ?? 0;
    const r = rate[s] ?? 0;
    switch (KIND_CODES[kind[s] ?? 0]) {
      case 'counter':
        value[s] = v + Math.floor(r * 15 * (0.5 + rnd()));
        break;
      case 'bytesCounter':
        value[s] = v + Math.floor(r * 15 * 1500 * (0.5 + rnd()));
        break;
      case 'cpuSeconds':
        value[s] = Math.round(v * 100 + Math.floor(r * 15 * (0.5 + rnd()))) / 100;
        break;
      case 'gauge':
        value[s] = Math.max(0, Math.round((v + (rnd() - 0.5) * 0.2 + (r - v) * 0.05) * 100) / 100);
        break;
      case 'pageGauge':
        if (rnd() < 0.3) value[s] = Math.max(0, v + Math.floor(rnd() * 200 - 100) * 4096);
        break;
      case 'bucket':
      case 'histSum': {
        const h = histogram[s] ?? 0;
        let inc = histInc[h] ?? 0;
        if (inc < 0) {
          inc = Math.floor(r * 15 * (0.5 + rnd()));
          histInc[h] = inc;
        }
        const sh = share[s] ?? 0;
        value[s] =
          KIND_CODES[kind[s] ?? 0] === 'bucket'
            ? v + Math.round(inc * sh)
            : v + inc * sh * (0.8 + rnd() * 0.4);
        break;
      }
      default:
        break;
    }
  }
}
