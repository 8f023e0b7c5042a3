/**
 * `npm run bench -- --only=ui`: the dashboards UI in a real browser. Ingests the benchmark data
 * set into a fresh Kansoku (remote write), stores a 20-panel dashboard over it, and measures in
 * Debian's Chromium the time from navigation until every panel has rendered its data (median
 * of several loads, the first one reported apart), plus the gzipped size of the built UI.
 */
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  mkdirSync,
} from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { INTERVAL_MS, buildPayloads } from './payloads.js';
import { sendAll } from './sender.js';
import { freePort, ServerProcess, serverSpec } from './servers.js';

/** Options of the UI benchmark. */
export interface UiBenchOptions {
  readonly series: number;
  readonly hours: number;
  readonly loads: number;
  readonly out: string;
}

/** Usage text. */
export const UI_USAGE = `usage: node dist/bench/run.js --only=ui [--series=50000] [--hours=2] [--loads=5] [--quick] [--out=bench/results/ui.json]
  defaults to the benchmark data set (50,000 series x 2 h); --quick is a smoke run over 5,000 series x 1 h`;

/** Parses the UI benchmark's flags (others are rejected). */
export function parseUiFlags(argv: readonly string[]): UiBenchOptions {
  const vals = new Map<string, string>();
  for (const a of argv) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (m?.[1] === undefined) throw new Error(`cannot parse flag ${a}\n${UI_USAGE}`);
    vals.set(m[1], m[2] ?? 'true');
  }
  for (const k of vals.keys())
    if (!['only', 'series', 'hours', 'loads', 'out', 'quick'].includes(k))
      throw new Error(`unknown flag --${k}\n${UI_USAGE}`);
  const num = (k: string, d: number): number => {
    const v = Number(vals.get(k) ?? d);
    if (!Number.isFinite(v) || v <= 0)
      throw new Error(`--${k} must be a positive number\n${UI_USAGE}`);
    return v;
  };
  const quick = vals.get('quick') === 'true';
  return {
    series: Math.floor(num('series', quick ? 5000 : 50_000)),
    hours: num('hours', quick ? 1 : 2),
    loads: Math.floor(num('loads', 5)),
    out: vals.get('out') ?? 'bench/results/ui.json',
  };
}

/** The 20 panels of the benchmark dashboard: typical node and API panels. */
const PANELS: readonly [string, string, string, string][] = [
  [
    'timeseries',
    'CPU busy by instance',
    'sum by (instance) (rate(node_cpu_seconds_total{mode!="idle"}[$__rate_interval]))',
    'percentunit',
  ],
  [
    'timeseries',
    'CPU by mode',
    'sum by (mode) (rate(node_cpu_seconds_total[$__rate_interval]))',
    'short',
  ],
  ['timeseries', 'Load 1m', 'node_load1', 'short'],
  ['timeseries', 'Load 15m', 'node_load15', 'short'],
  ['stat', 'Hosts', 'count(node_load1)', 'short'],
  ['gauge', 'Avg load', 'avg(node_load5)', 'short'],
  [
    'timeseries',
    'Network in',
    'sum by (instance) (rate(node_network_receive_bytes_total[$__rate_interval]))',
    'Bps',
  ],
  [
    'timeseries',
    'Network out',
    'sum by (instance) (rate(node_network_transmit_bytes_total[$__rate_interval]))',
    'Bps',
  ],
  [
    'bargauge',
    'Filesystem free',
    'topk(10, sum by (instance) (node_filesystem_avail_bytes))',
    'bytes',
  ],
  [
    'timeseries',
    'Filesystem used',
    'sum by (instance) (node_filesystem_size_bytes - node_filesystem_free_bytes)',
    'bytes',
  ],
  [
    'timeseries',
    'Context switches',
    'sum(rate(node_context_switches_total[$__rate_interval]))',
    'short',
  ],
  ['timeseries', 'Interrupts', 'sum(rate(node_intr_total[$__rate_interval]))', 'short'],
  [
    'timeseries',
    'Requests by code',
    'sum by (code) (rate(http_requests_total[$__rate_interval]))',
    'reqps',
  ],
  ['stat', 'Requests/s', 'sum(rate(http_requests_total[$__rate_interval]))', 'reqps'],
  [
    'timeseries',
    'p99 latency',
    'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[$__rate_interval])))',
    's',
  ],
  [
    'timeseries',
    'p50 latency',
    'histogram_quantile(0.5, sum by (le) (rate(http_request_duration_seconds_bucket[$__rate_interval])))',
    's',
  ],
  [
    'heatmap',
    'Latency buckets',
    'sum by (le) (rate(http_request_duration_seconds_bucket[$__rate_interval]))',
    's',
  ],
  ['table', 'Top hosts by load', 'topk(10, node_load1)', 'short'],
  [
    'timeseries',
    'Packets in',
    'sum(rate(node_network_receive_packets_total[$__rate_interval]))',
    'pps',
  ],
  [
    'timeseries',
    'Avg request duration',
    'sum(rate(http_request_duration_seconds_sum[$__rate_interval])) / sum(rate(http_request_duration_seconds_count[$__rate_interval]))',
    's',
  ],
];

function dashboard(): Record<string, unknown> {
  return {
    title: 'UI benchmark',
    time: { from: 'now-1h', to: 'now' },
    timezone: 'utc',
    schemaVersion: 39,
    templating: { list: [] },
    panels: PANELS.map(([type, title, expr, unit], i) => ({
      id: i + 1,
      type,
      title,
      gridPos: { x: (i % 3) * 8, y: Math.floor(i / 3) * 8, w: 8, h: 8 },
      targets: [
        {
          refId: 'A',
          expr,
          legendFormat: expr.includes('by (instance)') ? '{{instance}}' : '',
          ...(type === 'table' || type === 'bargauge' ? { instant: true } : {}),
          ...(type === 'heatmap' ? { format: 'heatmap', legendFormat: '{{le}}' } : {}),
        },
      ],
      fieldConfig: { defaults: { unit }, overrides: [] },
    })),
  };
}

/** Gzipped bytes of every file of the built UI (what a first visit downloads at most). */
export function bundleGzipBytes(dist: string): {
  files: number;
  raw: number;
  gzip: number;
  /** Gzipped bytes of the entry files (index.html, index-*.js/css): what the dashboard view loads. */
  initialGzip: number;
} {
  let files = 0;
  let initialGzip = 0;
  let raw = 0;
  let gzip = 0;
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(js|css|html|svg|woff2?)$/.test(e.name)) {
        const b = readFileSync(p);
        files++;
        raw += b.length;
        const z = gzipSync(b, { level: 9 }).length;
        gzip += z;
        if (/^index[-.]/.test(e.name)) initialGzip += z;
      }
    }
  };
  walk(dist);
  return { files, raw, gzip, initialGzip };
}

/** Serves client paths under /dashboards with the UI's index page; forwards everything else. */
async function front(apiBase: string): Promise<{ base: string; close: () => void }> {
  const api = new URL(apiBase);
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    const p = url.split('?')[0] ?? '/';
    const page = req.method === 'GET' && (p === '/dashboards' || p.startsWith('/dashboards/'));
    const up = http.request(
      {
        host: api.hostname,
        port: api.port,
        path: page ? '/' : url,
        method: req.method,
        headers: req.headers,
      },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** The result of the UI benchmark. */
export interface UiBenchResult {
  readonly panels: number;
  readonly series: number;
  readonly samples: number;
  /** ms from navigation start to all panels rendered, per load (the first is a cold load). */
  readonly loadsMs: readonly number[];
  readonly medianMs: number;
  /** Medians of: navigation to the first query, first query to the last answer, last answer to rendered. */
  readonly phasesMs?: { startup: number; queries: number; render: number };
  readonly bundle: { files: number; raw: number; gzip: number; initialGzip: number };
  readonly skipped?: string;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

/** Runs the benchmark; `log` gets progress lines. */
export async function runUiBench(
  root: string,
  opts: UiBenchOptions,
  log: (line: string) => void,
): Promise<UiBenchResult> {
  const dist = path.join(root, 'ui', 'dist');
  const bundle = existsSync(dist)
    ? bundleGzipBytes(dist)
    : { files: 0, raw: 0, gzip: 0, initialGzip: 0 };
  const none = { panels: PANELS.length, series: 0, samples: 0, loadsMs: [], medianMs: NaN, bundle };
  if (!existsSync('/usr/bin/chromium'))
    return { ...none, skipped: '/usr/bin/chromium is not installed' };
  if (!existsSync(path.join(dist, 'index.html')))
    return { ...none, skipped: 'the UI is not built (npm run build)' };
  const spec = serverSpec('kansoku', root);
  const why = spec.unavailable();
  if (why !== undefined) return { ...none, skipped: why };

  const nowMs = Math.floor(Date.now() / INTERVAL_MS) * INTERVAL_MS;
  const data = buildPayloads({
    series: opts.series,
    hours: opts.hours,
    batchSize: 500,
    seed: 42,
    startMs: nowMs - opts.hours * 3_600_000,
    shards: 2,
  });
  log(`ui: ${data.series} series x ${data.rounds} scrapes = ${data.samples} samples`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kansoku-bench-ui-'));
  const server = ServerProcess.start(spec, await freePort(), dir);
  let fr: { base: string; close: () => void } | undefined;
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    await server.waitReady(30_000);
    const sent = await sendAll(`${server.url}/api/v1/write`, data.shards);
    log(
      `ui: ingested in ${(sent.ms / 1000).toFixed(1)} s (${sent.ok} requests, ${sent.failed} failed)`,
    );
    if (sent.failed > 0)
      throw new Error(
        `cannot ingest the UI benchmark data: ${sent.failed} requests failed (${sent.firstError ?? 'unknown'})`,
      );
    const res = await fetch(`${server.url}/api/kansoku/dashboards`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ dashboard: dashboard() }),
    });
    const body = (await res.json()) as { data?: { dashboard?: { uid?: string }; uid?: string } };
    const uid = body.data?.dashboard?.uid ?? body.data?.uid;
    if (!res.ok || uid === undefined)
      throw new Error(`cannot create the benchmark dashboard: HTTP ${res.status}`);
    fr = await front(server.url);
    const url = `${fr.base}/dashboards/d/${uid}?from=${data.firstMs}&to=${data.lastMs + INTERVAL_MS}`;
    const loadsMs: number[] = [];
    const phases: [number, number, number][] = [];
    for (let i = 0; i < opts.loads; i++) {
      const ctx = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
      const page = await ctx.newPage();
      const cache = new Map<string, number>();
      page.on('response', (r) => {
        if (!r.url().includes('/api/v1/query')) return;
        const h = r.headers()['x-kansoku-cache'] ?? 'none';
        cache.set(h, (cache.get(h) ?? 0) + 1);
      });
      await page.goto(url, { waitUntil: 'commit' });
      await page.waitForFunction(
        `(() => { const ps = document.querySelectorAll('.db-panel'); return ps.length === ${PANELS.length} && [...ps].every((p) => p.getAttribute('data-state') === 'done'); })()`,
        undefined,
        { timeout: 60_000, polling: 'raf' },
      );
      // Wait for the frame that paints the last results, then read the clock.
      const ms = await page.evaluate<number>(
        'new Promise((r) => requestAnimationFrame(() => r(performance.now())))',
      );
      // Where the time went: page start-up until the first query, queries on the server, rendering.
      const t = await page.evaluate<number[]>(
        `(() => { const q = performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/v1/query')); return [Math.min(...q.map((e) => e.startTime)), Math.max(...q.map((e) => e.responseEnd))]; })()`,
      );
      // Finer start-up: main script loaded, dashboard JSON answered; most queries in flight at once.
      const d = await page.evaluate<number[]>(
        `(() => { const r = performance.getEntriesByType('resource'); const js = r.filter((e) => /\\/assets\\/index-.*\\.js$/.test(e.name)); const db = r.filter((e) => e.name.includes('/api/kansoku/dashboards/')); const q = r.filter((e) => e.name.includes('/api/v1/query')); let peak = 0; for (const e of q) { const n = q.filter((o) => o.startTime <= e.startTime && o.responseEnd > e.startTime).length; if (n > peak) peak = n; } return [js.length ? Math.max(...js.map((e) => e.responseEnd)) : NaN, db.length ? Math.max(...db.map((e) => e.responseEnd)) : NaN, db.length, q.length, peak]; })()`,
      );
      const firstQuery = t[0] ?? NaN;
      const lastAnswer = t[1] ?? NaN;
      phases.push([firstQuery, lastAnswer - firstQuery, ms - lastAnswer]);
      const errors = await page.evaluate<number>(
        'document.querySelectorAll(\'.db-panel[data-state="error"]\').length',
      );
      if (errors > 0) log(`ui: ${errors} panels failed`);
      loadsMs.push(ms);
      log(
        `ui: load ${i + 1}: ${ms.toFixed(0)} ms to all ${PANELS.length} panels rendered ` +
          `(start-up ${firstQuery.toFixed(0)} ms, queries ${(lastAnswer - firstQuery).toFixed(0)} ms, ` +
          `render after the last answer ${(ms - lastAnswer).toFixed(0)} ms; script loaded ${(d[0] ?? NaN).toFixed(0)} ms, ` +
          `dashboard JSON ${(d[1] ?? NaN).toFixed(0)} ms (${d[2]} fetches), ${d[3]} queries, at most ${d[4]} in flight, ` +
          `cache ${[...cache].map(([k, v]) => `${k} ${v}`).join(', ')})`,
      );
      await ctx.close();
    }
    return {
      panels: PANELS.length,
      series: data.series,
      samples: data.samples,
      loadsMs,
      medianMs: median(loadsMs.slice(loadsMs.length > 1 ? 1 : 0)),
      phasesMs: {
        startup: median(phases.map((x) => x[0])),
        queries: median(phases.map((x) => x[1])),
        render: median(phases.map((x) => x[2])),
      },
      bundle,
    };
  } finally {
    await browser.close();
    fr?.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `--only=ui`, prints the figures and writes them as JSON; returns the exit code. */
export async function runUiSection(
  root: string,
  argv: readonly string[],
  log: (l: string) => void,
): Promise<number> {
  const opts = parseUiFlags(argv);
  const r = await runUiBench(root, opts, log);
  const out = path.resolve(root, opts.out);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(
    out,
    JSON.stringify({ date: new Date().toISOString(), options: opts, ...r }, null, 2) + '\n',
  );
  const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(2)} MB`;
  console.log(
    `\ndashboards UI in Chromium (${r.panels} panels over ${r.series} series, ${r.samples} samples)`,
  );
  if (r.skipped !== undefined) console.log(`  skipped: ${r.skipped}`);
  else {
    console.log(
      `  time to fully rendered: median ${r.medianMs.toFixed(0)} ms (target < 1500 ms); loads ${r.loadsMs.map((x) => x.toFixed(0)).join(', ')} ms (first cold)`,
    );
    if (r.phasesMs)
      console.log(
        `  of which: start-up ${r.phasesMs.startup.toFixed(0)} ms, queries ${r.phasesMs.queries.toFixed(0)} ms, rendering after the last answer ${r.phasesMs.render.toFixed(0)} ms`,
      );
  }
  console.log(
    `  UI bundle: ${r.bundle.files} files, ${mb(r.bundle.raw)} raw, ${mb(r.bundle.gzip)} gzipped (target < 1.5 MB); loaded up front: ${mb(r.bundle.initialGzip)} gzipped`,
  );
  console.log(`results written to ${path.relative(root, out)}`);
  return 0;
}
