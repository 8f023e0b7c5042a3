/**
 * Micro-benchmark of one scrape loop: a target on 127.0.0.1 serves a node_exporter-like text
 * exposition (`series` lines with HELP/TYPE, counters, gauges and histograms; values move from
 * scrape to scrape), and `ScrapeLoop.scrapeOnce` fetches, parses, labels and appends it into an
 * appender that only counts. Reports CPU microseconds per scrape and nanoseconds per sample
 * (best of the rounds; the HTTP transfer is included, the storage is not).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parsePrometheusConfig } from '../config/index.js';
import { Labels } from '../model/index.js';
import type { Appendable, Appender, SeriesRef } from '../storage/index.js';
import { Logger } from '../util/index.js';
import { HTTPClient } from './client.js';
import { ScrapeLoop } from './loop.js';
import { buildTarget } from './targets.js';

/** Options of the benchmark. */
export interface ScrapeBenchOptions {
  readonly series?: number;
  readonly scrapes?: number;
  readonly rounds?: number;
}

const MODES = ['idle', 'iowait', 'irq', 'nice', 'softirq', 'steal', 'system', 'user'];
const LES = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '+Inf'];

/** A text exposition of about `series` lines; `k` moves the values. */
function exposition(series: number, k: number): string {
  const out: string[] = [
    '# HELP node_cpu_seconds_total Seconds.\n# TYPE node_cpu_seconds_total counter\n',
  ];
  let n = 0;
  for (let cpu = 0; n < series / 2; cpu++)
    for (const mode of MODES) {
      out.push(
        `node_cpu_seconds_total{cpu="${cpu}",mode="${mode}"} ${(1000 + cpu * 7.3 + k * 0.37).toFixed(2)}\n`,
      );
      n++;
    }
  out.push(
    '# HELP http_request_duration_seconds Latency.\n# TYPE http_request_duration_seconds histogram\n',
  );
  for (let h = 0; n < series; h++) {
    for (const le of LES) {
      out.push(
        `http_request_duration_seconds_bucket{handler="/api/v1/r${h}",le="${le}"} ${h * 100 + k * 3}\n`,
      );
      n++;
    }
    out.push(
      `http_request_duration_seconds_sum{handler="/api/v1/r${h}"} ${(h * 2.5 + k * 0.1).toFixed(3)}\n`,
    );
    out.push(`http_request_duration_seconds_count{handler="/api/v1/r${h}"} ${h * 100 + k * 3}\n`);
    n += 2;
  }
  return out.join('');
}

class CountingAppendable implements Appendable {
  samples = 0;
  private next = 1;
  appender(): Appender {
    return {
      append: (ref: SeriesRef): SeriesRef => {
        this.samples++;
        return ref === 0 ? this.next++ : ref;
      },
      commit: () => Promise.resolve(),
      rollback: () => Promise.resolve(),
    };
  }
}

function cpuUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/** Runs the benchmark; returns CPU µs per scrape and ns per sample. */
export async function benchScrapeLoop(
  opts: ScrapeBenchOptions = {},
): Promise<Record<string, number>> {
  const series = opts.series ?? 2000;
  const scrapes = opts.scrapes ?? 100;
  const rounds = opts.rounds ?? 3;
  const bodies = Array.from({ length: 8 }, (_, k) => Buffer.from(exposition(series, k)));
  let served = 0;
  const server = http.createServer((_req, res) => {
    const b = bodies[served++ % bodies.length]!;
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4', 'Content-Length': b.length });
    res.end(b);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const cfg = parsePrometheusConfig(
      `scrape_configs:\n  - job_name: bench\n    static_configs:\n      - targets: ['${addr}']\n`,
    ).scrapeConfigs[0];
    if (cfg === undefined) throw new Error('BUG: no scrape config');
    const built = buildTarget(
      cfg,
      { targets: [addr], labels: Labels.EMPTY, source: 'bench' },
      addr,
    );
    if (!('target' in built)) throw new Error('BUG: target dropped');
    const store = new CountingAppendable();
    const loop = new ScrapeLoop(built.target, cfg, {
      appendable: store,
      client: new HTTPClient(cfg.http),
      logger: Logger.nop(),
      userAgent: 'kansoku-bench',
    });
    let best = Infinity;
    let ts = 1_700_000_000_000;
    for (let r = 0; r < rounds; r++) {
      const t0 = cpuUs();
      for (let i = 0; i < scrapes; i++) {
        await loop.scrapeOnce((ts += 15_000));
        if (loop.health !== 'up') throw new Error(`scrape failed: ${loop.lastError}`);
      }
      best = Math.min(best, (cpuUs() - t0) / scrapes);
    }
    await loop.stop(false);
    const lines = loop.lastSamples;
    return {
      series: lines,
      bodyBytes: bodies[0]!.length,
      cpuUsPerScrape: Math.round(best),
      nsPerSample: Math.round((best * 1000) / lines),
    };
  } finally {
    server.close();
  }
}
