/**
 * The scrape benchmark's targets: HTTP servers on 127.0.0.1, one port per target, each serving a
 * realistic Prometheus text exposition (node_exporter- and application-like families with HELP
 * and TYPE, counters, gauges and histograms) of a given number of series. Every target has
 * `VARIANTS` pre-rendered bodies whose values move forward from one to the next, served in turn,
 * so that serving costs the benchmark process almost nothing and every scrape sees new values.
 * Requests are counted per target: the count of scrapes each server made is exact.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mulberry32 } from './rand.js';

/** Bodies per target, served round robin. */
const VARIANTS = 16;

const MODES = ['idle', 'iowait', 'irq', 'nice', 'softirq', 'steal', 'system', 'user'];
const BUCKETS = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '+Inf'];
const SHARES = [0.02, 0.08, 0.3, 0.55, 0.78, 0.93, 0.975, 0.99, 0.997, 0.999, 1];
const METHODS = ['GET', 'POST'];

interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  /** Sample lines: series text (name and labels) and a value function of the variant. */
  readonly lines: [series: string, value: (k: number) => number][];
}

/**
 * Builds the families of one target with about `series` series: per CPU 8 mode counters, per
 * device network counters, filesystem and memory gauges, then HTTP handlers with request counters
 * and 14-series histograms until the count is reached (exactly `series` lines in all).
 */
function families(series: number, seed: number): Family[] {
  const rnd = mulberry32(seed);
  const cpus = Math.max(1, Math.min(64, Math.floor(series / 40)));
  const out: Family[] = [];
  let left = series;
  const take = (f: Family): void => {
    if (left <= 0) return;
    const lines = f.lines.slice(0, left);
    left -= lines.length;
    out.push({ ...f, lines });
  };
  const counter = (rate: number, start: number) => (k: number) =>
    Math.round(start + rate * k * (0.9 + (0.2 * ((k * 7919) % 10)) / 10));
  take({
    name: 'node_cpu_seconds_total',
    help: 'Seconds the CPUs spent in each mode.',
    type: 'counter',
    lines: Array.from({ length: cpus * MODES.length }, (_, i) => {
      const start = 1000 + rnd() * 100000;
      const step = 0.01 + rnd();
      return [
        `node_cpu_seconds_total{cpu="${Math.floor(i / MODES.length)}",mode="${MODES[i % MODES.length]!}"}`,
        (k: number) => Math.round((start + k * step) * 100) / 100,
      ];
    }),
  });
  for (const [name, rate] of [
    ['node_network_receive_bytes_total', 120_000],
    ['node_network_transmit_bytes_total', 40_000],
    ['node_network_receive_packets_total', 900],
  ] as const) {
    take({
      name,
      help: `Network device statistic ${name.slice(13)}.`,
      type: 'counter',
      lines: Array.from({ length: 4 }, (_, d) => [
        `${name}{device="eth${d}"}`,
        counter(rate, Math.floor(rnd() * 1e9)),
      ]),
    });
  }
  take({
    name: 'node_memory_MemAvailable_bytes',
    help: 'Memory information field MemAvailable_bytes.',
    type: 'gauge',
    lines: [['node_memory_MemAvailable_bytes', (k) => 4_000_000_000 - ((k * 4096 * 37) % 1e8)]],
  });
  for (let h = 0; left > 0; h++) {
    const handler = `/api/v1/resource${h}`;
    take({
      name: 'http_requests_total',
      help: 'Requests handled, by handler, method and code.',
      type: 'counter',
      lines: METHODS.flatMap((m) =>
        ['200', '500'].map((code): [string, (k: number) => number] => [
          `http_requests_total{code="${code}",handler="${handler}",method="${m}"}`,
          counter(code === '200' ? 50 : 1, Math.floor(rnd() * 1e6)),
        ]),
      ),
    });
    const rate = 20 + rnd() * 100;
    const start = Math.floor(rnd() * 1e6);
    take({
      name: 'http_request_duration_seconds',
      help: 'Request latency.',
      type: 'histogram',
      lines: [
        ...BUCKETS.map((le, b): [string, (k: number) => number] => [
          `http_request_duration_seconds_bucket{handler="${handler}",le="${le}"}`,
          (k) => Math.floor((start + rate * k) * SHARES[b]!),
        ]),
        [
          `http_request_duration_seconds_sum{handler="${handler}"}`,
          (k) => (start + rate * k) * 0.07,
        ],
        [`http_request_duration_seconds_count{handler="${handler}"}`, (k) => start + rate * k],
      ],
    });
  }
  return out;
}

/** Renders one variant of a target's exposition. */
function render(fams: readonly Family[], k: number): Buffer {
  const parts: string[] = [];
  let lastName = '';
  for (const f of fams) {
    if (f.name !== lastName) {
      parts.push(`# HELP ${f.name} ${f.help}\n# TYPE ${f.name} ${f.type}\n`);
      lastName = f.name;
    }
    for (const [series, value] of f.lines) parts.push(`${series} ${value(k)}\n`);
  }
  return Buffer.from(parts.join(''));
}

/** Running benchmark targets. */
export class ScrapeTargets {
  private constructor(
    private readonly servers: http.Server[],
    /** `127.0.0.1:<port>` of every target. */
    readonly addresses: readonly string[],
    private readonly served: Int32Array,
    /** Bytes of one exposition (the first variant of the first target). */
    readonly bodyBytes: number,
  ) {}

  /** Starts `count` targets with `series` series each. */
  static async start(count: number, series: number, seed: number): Promise<ScrapeTargets> {
    const servers: http.Server[] = [];
    const addresses: string[] = [];
    const served = new Int32Array(count);
    let bodyBytes = 0;
    for (let t = 0; t < count; t++) {
      const fams = families(series, seed + t);
      const bodies = Array.from({ length: VARIANTS }, (_, k) => render(fams, k));
      bodyBytes ||= bodies[0]!.length;
      const srv = http.createServer((req, res) => {
        if (req.url?.startsWith('/metrics') !== true) {
          res.writeHead(404).end();
          return;
        }
        const body = bodies[served[t]! % VARIANTS]!;
        served[t]!++;
        res.writeHead(200, {
          'Content-Type': 'text/plain; version=0.0.4; charset=utf-8',
          'Content-Length': body.length,
        });
        res.end(body);
      });
      srv.keepAliveTimeout = 60_000;
      await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
      servers.push(srv);
      addresses.push(`127.0.0.1:${(srv.address() as AddressInfo).port}`);
    }
    return new ScrapeTargets(servers, addresses, served, bodyBytes);
  }

  /** Scrapes served so far, all targets together. */
  scrapes(): number {
    let n = 0;
    for (const v of this.served) n += v;
    return n;
  }

  /** Stops every target. */
  async close(): Promise<void> {
    await Promise.all(
      this.servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.closeAllConnections();
            s.close(() => {
              resolve();
            });
          }),
      ),
    );
  }
}

/** A `prometheus.yml` scraping `addresses` every `intervalS` seconds (timeout = interval). */
export function scrapeConfigYaml(addresses: readonly string[], intervalS: number): string {
  return [
    'global:',
    `  scrape_interval: ${intervalS}s`,
    `  scrape_timeout: ${intervalS}s`,
    'scrape_configs:',
    '  - job_name: bench',
    '    static_configs:',
    '      - targets:',
    ...addresses.map((a) => `          - ${a}`),
    '',
  ].join('\n');
}
