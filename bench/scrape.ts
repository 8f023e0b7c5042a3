/**
 * The scrape benchmark: every server scrapes the same targets (`scrape-target.ts`, on
 * 127.0.0.1) with the same `prometheus.yml`, one server after the other, for the same time.
 * Prometheus and Kansoku read it with `--config.file`, VictoriaMetrics with `-promscrape.config`.
 * After a warm-up (series creation), the targets count the scrapes each server makes during the
 * measured window and `/proc` gives the server's CPU seconds over it; from those follow samples
 * scraped per second, CPU seconds per million samples and CPU milliseconds per scrape. A query
 * of `up` afterwards checks that every target was scraped successfully.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseJson, pick, request } from './http.js';
import { cpuSeconds, rssBytes } from './proc.js';
import { ScrapeTargets, scrapeConfigYaml } from './scrape-target.js';
import {
  ServerProcess,
  freePort,
  serverSpec,
  sleep,
  type ServerKind,
  type ServerSpec,
} from './servers.js';

/** Options of the scrape benchmark. */
export interface ScrapeBenchOptions {
  readonly targets: number;
  /** Series per target. */
  readonly series: number;
  /** Scrape interval, seconds. */
  readonly intervalS: number;
  /** Measured window, seconds (after a warm-up of three intervals plus 2 s). */
  readonly seconds: number;
  readonly seed: number;
  readonly log: (line: string) => void;
}

/** Figures of one server. */
export interface ScrapeResult {
  readonly server: ServerKind;
  readonly title: string;
  readonly skipped?: string;
  readonly error?: string;
  /** Scrapes made in the measured window (all targets). */
  readonly scrapes?: number | undefined;
  /** Samples scraped per second in the window (scrapes x series / seconds). */
  readonly samplesPerSec?: number | undefined;
  /** What the configuration asks for: targets x series / interval. */
  readonly samplesPerSecConfigured?: number | undefined;
  /** Server CPU seconds per million samples scraped. */
  readonly cpuSecondsPerMillion?: number | undefined;
  /** Server CPU milliseconds per scrape. */
  readonly cpuMsPerScrape?: number | undefined;
  /** Share of one core the server used in the window. */
  readonly coreShare?: number | undefined;
  readonly rssBytes?: number | undefined;
  /** Targets whose `up` was 1 at the end. */
  readonly targetsUp?: number | undefined;
  /** Average `scrape_duration_seconds` at the end, ms. */
  readonly scrapeDurationMs?: number | undefined;
}

/** Adds the scrape configuration to a server's arguments. */
function withScrapeConfig(spec: ServerSpec, config: string): ServerSpec {
  return {
    ...spec,
    args: (port, dir) => {
      const args = spec.args(port, dir).filter((a) => !a.startsWith('--config.file='));
      if (spec.kind === 'victoriametrics') return [...args, `-promscrape.config=${config}`];
      return [...args, `--config.file=${config}`];
    },
  };
}

async function scalar(url: string, q: string, vm: boolean): Promise<number | undefined> {
  const extra = vm ? '&nocache=1' : '';
  const res = await request(`${url}/api/v1/query?query=${encodeURIComponent(q)}${extra}`, 'GET', {
    timeoutMs: 30_000,
  });
  const v = pick(parseJson(res.body), 'data', 'result', 0, 'value', 1);
  return typeof v === 'string' ? Number(v) : undefined;
}

/** Runs the scrape benchmark on one server. */
async function benchOne(
  kind: ServerKind,
  root: string,
  targets: ScrapeTargets,
  opts: ScrapeBenchOptions,
): Promise<ScrapeResult> {
  const base = serverSpec(kind, root);
  const out = { server: kind, title: base.title };
  const why = base.unavailable();
  if (why !== undefined) return { ...out, skipped: why };
  const dir = mkdtempSync(path.join(os.tmpdir(), `kansoku-bench-scrape-${kind}-`));
  const config = path.join(dir, 'scrape.yml');
  writeFileSync(config, scrapeConfigYaml(targets.addresses, opts.intervalS));
  const spec = withScrapeConfig(base, config);
  const server = ServerProcess.start(spec, await freePort(), dir);
  const log = (s: string): void => {
    opts.log(`[${kind}] ${s}`);
  };
  try {
    await server.waitReady(60_000);
    await sleep((opts.intervalS * 3 + 2) * 1000);
    const s0 = targets.scrapes();
    const c0 = cpuSeconds(server.pid);
    const t0 = performance.now();
    await sleep(opts.seconds * 1000);
    const scrapes = targets.scrapes() - s0;
    const cpu = cpuSeconds(server.pid) - c0;
    const secs = (performance.now() - t0) / 1000;
    const rss = rssBytes(server.pid);
    const samples = scrapes * opts.series;
    const targetsUp = await scalar(server.url, 'sum(up)', kind === 'victoriametrics');
    const dur = await scalar(
      server.url,
      'avg(scrape_duration_seconds)',
      kind === 'victoriametrics',
    );
    log(`${scrapes} scrapes in ${secs.toFixed(1)} s, ${cpu.toFixed(2)} CPU s`);
    return {
      ...out,
      scrapes,
      samplesPerSec: samples / secs,
      samplesPerSecConfigured: (opts.targets * opts.series) / opts.intervalS,
      cpuSecondsPerMillion: samples > 0 ? (cpu / samples) * 1e6 : undefined,
      cpuMsPerScrape: scrapes > 0 ? (cpu / scrapes) * 1000 : undefined,
      coreShare: cpu / secs,
      rssBytes: rss,
      targetsUp,
      scrapeDurationMs: dur === undefined ? undefined : dur * 1000,
    };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    log(`failed: ${error}`);
    return { ...out, error };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the scrape benchmark on every server in turn against the same targets. */
export async function benchScrape(
  servers: readonly ServerKind[],
  root: string,
  opts: ScrapeBenchOptions,
): Promise<{ results: ScrapeResult[]; bodyBytes: number }> {
  const targets = await ScrapeTargets.start(opts.targets, opts.series, opts.seed);
  try {
    opts.log(
      `scrape: ${opts.targets} targets x ${opts.series} series (${targets.bodyBytes} bytes each) every ${opts.intervalS} s, ${opts.seconds} s measured`,
    );
    const results: ScrapeResult[] = [];
    for (const kind of servers) {
      opts.log(`--- scrape: ${serverSpec(kind, root).title}`);
      results.push(await benchOne(kind, root, targets, opts));
    }
    return { results, bodyBytes: targets.bodyBytes };
  } finally {
    await targets.close();
  }
}

function num(v: number | undefined, digits = 0): string {
  if (v === undefined || !Number.isFinite(v)) return 'n/a';
  return v.toLocaleString('en-US', {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  });
}

/** The side-by-side table of the scrape results. */
export function scrapeTable(results: readonly ScrapeResult[], targets: number): string {
  const rows: [string, (r: ScrapeResult) => string][] = [
    ['samples scraped/s', (r) => num(r.samplesPerSec)],
    ['  configured samples/s', (r) => num(r.samplesPerSecConfigured)],
    ['scrapes in the window', (r) => num(r.scrapes)],
    ['server CPU s per 1M samples', (r) => num(r.cpuSecondsPerMillion, 2)],
    ['server CPU ms per scrape', (r) => num(r.cpuMsPerScrape, 2)],
    ['server CPU, share of a core', (r) => num(r.coreShare, 2)],
    ['avg scrape_duration_seconds, ms', (r) => num(r.scrapeDurationMs, 1)],
    ['RSS, MiB', (r) => num(r.rssBytes === undefined ? undefined : r.rssBytes / 1048576)],
    [`targets up (expect ${targets})`, (r) => num(r.targetsUp)],
  ];
  const table = [
    ['', ...results.map((r) => r.title)],
    ...rows.map(([label, f]) => [
      label,
      ...results.map((r) =>
        r.skipped !== undefined ? 'skipped' : r.error !== undefined ? 'error' : f(r),
      ),
    ]),
  ];
  const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
  const lines = table.map((row) =>
    row
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]! + 2)))
      .join(''),
  );
  lines.splice(1, 0, '-'.repeat(lines[0]!.length));
  for (const r of results) if (r.error !== undefined) lines.push(`${r.title}: ${r.error}`);
  return lines.join('\n');
}
