/**
 * `npm run bench`: Kansoku against Prometheus 2.42 and VictoriaMetrics 1.79 on the same data in
 * the same run, plus the micro-benchmarks of the hot modules. See docs/benchmarks.md.
 *
 * Prints a side-by-side table and writes the full results as JSON (default
 * `bench/results/latest.json`, not committed).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FlagError, USAGE, parseFlags, type BenchOptions } from './flags.js';
import { benchServer, type IngestResult } from './ingest.js';
import { runMicro, type MicroResult } from './micro.js';
import { INTERVAL_MS, buildPayloads } from './payloads.js';
import { benchQueries, type QueryServerResult } from './query.js';
import { runRemoteSection } from './remote-run.js';
import { runAgentSection } from './agent-run.js';
import { QUERY_USAGE, splitQueryFlags, type QueryFlags } from './query-flags.js';
import { queryTable } from './query-report.js';
import { benchRepeatedLoad, repeatedLoadTable, type RepeatedLoadResult } from './query-cache.js';
import { ingestTable, microTable } from './report.js';
import { serverSpec, type ServerKind } from './servers.js';
import { runUiSection } from './ui-dashboard.js';
import { benchPush, buildPushData, pushTable, type PushResult } from './lineprotocol.js';
import { benchScrape, scrapeTable, type ScrapeResult } from './scrape.js';
import { SCRAPE_USAGE, splitScrapeFlags, type ScrapeFlags } from './scrape-flags.js';

/** The project root: the nearest directory above this file holding package.json. */
function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the project root (package.json)');
    dir = up;
  }
  return dir;
}

function log(line: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
}

function gitHead(root: string): string {
  try {
    return execFileSync('git', ['log', '--oneline', '-1'], { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

/**
 * Runs the ingestion benchmark. With `keptDirs`, every server's data directory is kept and
 * recorded there (for the query benchmark), whatever `--keep-data` says.
 */
async function runIngest(
  opts: BenchOptions,
  root: string,
  keptDirs?: Map<ServerKind, string>,
): Promise<{
  results: IngestResult[];
  data: Record<string, number>;
  table: string;
}> {
  const nowMs = Math.floor(Date.now() / INTERVAL_MS) * INTERVAL_MS;
  const startMs = nowMs - opts.hours * 3_600_000 - 60_000;
  log(`generating ${opts.series} series x ${opts.hours} h (batches of ${opts.batchSize})`);
  const data = buildPayloads({
    series: opts.series,
    hours: opts.hours,
    batchSize: opts.batchSize,
    seed: opts.seed,
    startMs,
    shards: opts.concurrency,
  });
  log(
    `built ${data.requests} requests, ${data.samples} samples in ${(data.buildMs / 1000).toFixed(1)} s ` +
      `(${(data.protoBytes / data.samples).toFixed(1)} B/sample protobuf, ${(data.compressedBytes / data.samples).toFixed(1)} B/sample snappy)`,
  );
  let loadSeries = 0;
  for (const l of data.set.labels) if (l[1] === 'node_load1') loadSeries++;
  const results: IngestResult[] = [];
  for (const kind of opts.servers) {
    const spec = serverSpec(kind, root);
    log(`--- ${spec.title}`);
    const r = await benchServer(spec, data, {
      keepData: opts.keepData || keptDirs !== undefined,
      log: (line) => {
        const kept = /^\[[a-z]+\] data kept in (.+)$/.exec(line)?.[1];
        if (kept !== undefined) keptDirs?.set(kind, kept);
        if (kept === undefined || opts.keepData) log(line);
      },
    });
    if (r.skipped !== undefined) log(`${spec.title} skipped: ${r.skipped}`);
    results.push(r);
  }
  const loadExpected = loadSeries * data.rounds;
  return {
    results,
    data: {
      series: data.series,
      samples: data.samples,
      rounds: data.rounds,
      requests: data.requests,
      protoBytesPerSample: data.protoBytes / data.samples,
      snappyBytesPerSample: data.compressedBytes / data.samples,
      buildSeconds: data.buildMs / 1000,
      firstMs: data.firstMs,
      lastMs: data.lastMs,
      loadSamplesExpected: loadExpected,
    },
    table: ingestTable(results, data.samples, data.series, loadExpected),
  };
}

/**
 * Runs the query benchmark on every server's kept data directory (ranges end at `lastMs`, the
 * last sample), then removes the directories unless `--keep-data` was given.
 */
async function runQueries(
  opts: BenchOptions,
  qflags: QueryFlags,
  root: string,
  lastMs: number,
  dirs: ReadonlyMap<ServerKind, string>,
  repeated: RepeatedLoadResult[],
): Promise<QueryServerResult[]> {
  const out: QueryServerResult[] = [];
  for (const kind of opts.servers) {
    const spec = serverSpec(kind, root);
    const dir = dirs.get(kind);
    if (dir === undefined) {
      out.push({ server: kind, title: spec.title, skipped: 'no ingested data' });
      continue;
    }
    log(`--- queries: ${spec.title}`);
    // The table measures the engine: Kansoku's result cache off (VictoriaMetrics gets nocache=1).
    const cold =
      kind === 'kansoku'
        ? {
            ...spec,
            args: (p: number, d: string) => [...spec.args(p, d), '--query.cache-max-size=0'],
          }
        : spec;
    out.push(await benchQueries(cold, dir, { repeat: qflags.repeat, endMs: lastMs, log }));
    // Repeated dashboard loads, result caches off and on (bench/query-cache.ts).
    repeated.push(await benchRepeatedLoad(spec, dir, { endMs: lastMs, loads: qflags.repeat, log }));
    if (opts.keepData) log(`[${kind}] data kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

/** Runs the scrape benchmark on every selected server against the same targets. */
async function runScrape(
  opts: BenchOptions,
  s: ScrapeFlags,
  root: string,
): Promise<{ results: ScrapeResult[]; bodyBytes: number }> {
  return benchScrape(opts.servers, root, {
    targets: s.targets,
    series: s.targetSeries,
    intervalS: s.intervalS,
    seconds: s.seconds,
    seed: opts.seed,
    log,
  });
}

/** Runs the line-protocol and import benchmarks (the sections selected) on every server. */
async function runPush(
  opts: BenchOptions,
  s: ScrapeFlags,
  root: string,
): Promise<{ format: string; samples: number; requests: number; results: PushResult[] }[]> {
  if (!s.lineprotocol && !s.import) return [];
  log(`generating ${s.pushSeries} series x ${s.pushHours} h for line protocol and import`);
  const data = buildPushData(s.pushSeries, s.pushHours, opts.seed, Date.now() - 60_000).filter(
    (d) => (d.format === 'lineprotocol' ? s.lineprotocol : s.import),
  );
  const out = [];
  for (const d of data) {
    const results: PushResult[] = [];
    for (const kind of opts.servers) {
      log(`--- ${d.format}: ${serverSpec(kind, root).title}`);
      results.push(await benchPush(kind, root, d, log));
    }
    out.push({ format: d.format, samples: d.samples, requests: d.requests, results });
  }
  return out;
}

async function main(argv: string[]): Promise<number> {
  // `--only=remote`: the remote-backend benchmark (bench/remote.ts), with its own flags.
  if (argv.includes('--only=remote')) return runRemoteSection(projectRoot(), argv);
  // `--only=agent`: agent mode against Prometheus' agent and vmagent (bench/agent.ts).
  if (argv.includes('--only=agent')) return runAgentSection(projectRoot(), argv, log);
  // `--only=ui`: the dashboards UI in Chromium and the bundle size (bench/ui-dashboard.ts).
  if (argv.includes('--only=ui')) return runUiSection(projectRoot(), argv, log);
  let opts: BenchOptions;
  let qflags: QueryFlags;
  let sflags: ScrapeFlags;
  try {
    qflags = splitQueryFlags(argv);
    sflags = splitScrapeFlags(qflags.rest);
    opts = parseFlags(sflags.rest);
  } catch (err) {
    if (err instanceof FlagError) {
      if (err.message !== '') console.error(err.message);
      console.error(`${USAGE}\n${QUERY_USAGE}\n${SCRAPE_USAGE}`);
      return err.message === '' ? 0 : 2;
    }
    throw err;
  }
  const root = projectRoot();
  const started = new Date();
  const loadBefore = os.loadavg();
  let ingest: Awaited<ReturnType<typeof runIngest>> | undefined;
  let micro: MicroResult[] | undefined;
  const keptDirs = qflags.query ? new Map<ServerKind, string>() : undefined;
  let query: QueryServerResult[] | undefined;
  const repeated: RepeatedLoadResult[] = [];
  if (opts.only.includes('ingest')) ingest = await runIngest(opts, root, keptDirs);
  if (ingest !== undefined && keptDirs !== undefined) {
    query = await runQueries(
      opts,
      qflags,
      root,
      (ingest.data['lastMs'] ?? Date.now()) + 15_000,
      keptDirs,
      repeated,
    );
  }
  const scrape = sflags.scrape ? await runScrape(opts, sflags, root) : undefined;
  const push = await runPush(opts, sflags, root);
  if (opts.only.includes('micro')) {
    log('--- micro-benchmarks');
    micro = await runMicro(path.join(root, 'dist'), opts.quick, log);
  }
  const report = {
    date: started.toISOString(),
    command: `node dist/bench/run.js ${argv.join(' ')}`.trim(),
    commit: gitHead(root),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryBytes: os.totalmem(),
      node: process.version,
      loadAvgBefore: loadBefore,
      loadAvgAfter: os.loadavg(),
    },
    options: opts,
    data: ingest?.data,
    servers: ingest?.results,
    query:
      query === undefined
        ? undefined
        : {
            repeat: qflags.repeat,
            ingestAdded: qflags.ingestAdded,
            servers: query,
            repeatedLoad: repeated,
          },
    scrape,
    push,
    micro,
    seconds: (Date.now() - started.getTime()) / 1000,
  };
  const out = path.resolve(root, opts.out);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
  console.log(`\nKansoku benchmark — ${report.date} — ${report.commit}`);
  console.log(
    `${report.machine.cpus} x ${report.machine.cpuModel}, node ${report.machine.node}, load ${loadBefore.map((l) => l.toFixed(1)).join(' ')}`,
  );
  if (ingest !== undefined) {
    const d = ingest.data;
    console.log(
      `\nremote-write ingestion: ${d['series']} series x ${d['rounds']} scrapes = ${d['samples']} samples in ${d['requests']} requests of ${opts.batchSize}, ${opts.concurrency} connections\n`,
    );
    console.log(ingest.table);
  }
  if (query !== undefined)
    console.log(`\nqueries over the ingested data\n${queryTable(query, qflags.repeat)}`);
  if (repeated.length > 0)
    console.log(
      `\nrepeated dashboard loads (all range panels at once; cold: result cache off)\n${repeatedLoadTable(repeated)}`,
    );
  if (scrape !== undefined) {
    console.log(
      `\nscraping: ${sflags.targets} targets x ${sflags.targetSeries} series every ${sflags.intervalS} s, ${sflags.seconds} s measured per server\n`,
    );
    console.log(scrapeTable(scrape.results, sflags.targets));
  }
  for (const p of push) {
    console.log(
      `\n${p.format === 'lineprotocol' ? 'InfluxDB line protocol (/write)' : 'JSON-lines import (/api/v1/import)'}: ${p.samples} samples in ${p.requests} requests\n`,
    );
    console.log(pushTable(p.results));
  }
  if (micro !== undefined) console.log(`\nmicro-benchmarks\n${microTable(micro)}`);
  console.log(
    `\nresults written to ${path.relative(root, out)} (${report.seconds.toFixed(0)} s in all)`,
  );
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exitCode = 1;
  },
);
