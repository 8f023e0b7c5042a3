/**
 * `node dist/bench/rules.js`: rule evaluation of the peer rule sets (`../shared/peer-suites/rules/`,
 * every file `promtool check rules` accepts) over the benchmark data set (node_exporter- and
 * app-like series, `bench/datagen.ts`), Kansoku beside Prometheus 2.42 on the same data.
 *
 * Per server: start it with the rule files, remote-write the data (ending now, so that the rules
 * see fresh samples), let the groups evaluate for `--seconds`, and record every group evaluation's
 * duration from `prometheus_rule_group_last_duration_seconds` on `/metrics` (both servers
 * expose it; with `…_last_evaluation_timestamp_seconds` to count each evaluation once). Also the
 * server's CPU seconds while evaluating and the number of series the recording rules produce
 * (the same on both when the results agree).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './query.js';
import { request } from './http.js';
import { INTERVAL_MS, buildPayloads } from './payloads.js';
import { cpuSeconds } from './proc.js';
import { EvalLog, evalsFromMetrics, evalsFromRulesApi } from './rules-eval.js';
import { sendAll } from './sender.js';
import { ServerProcess, freePort, serverSpec, sleep, type ServerSpec } from './servers.js';

interface Options {
  series: number;
  hours: number;
  seconds: number;
  intervalS: number;
  seed: number;
  servers: ('kansoku' | 'prometheus')[];
  out: string;
}

const USAGE = `usage: node dist/bench/rules.js [flags]
  --series=10000     series to generate
  --hours=1          time span of the data (15 s interval), ending when the server gets it
  --seconds=60       how long the groups evaluate after the data is in
  --interval=10      evaluation_interval, seconds
  --seed=42
  --servers=kansoku,prometheus
  --quick            2000 series, 0.5 h, 30 s
  --out=bench/results/rules.json`;

function parse(argv: readonly string[]): Options {
  const v = new Map<string, string>();
  for (const a of argv) {
    const m = /^--([a-z]+)(?:=(.*))?$/.exec(a);
    if (!m?.[1]) throw new Error(`cannot parse flag ${a}\n${USAGE}`);
    v.set(m[1], m[2] ?? 'true');
  }
  const quick = v.get('quick') === 'true';
  const num = (k: string, def: number): number => {
    const n = Number(v.get(k) ?? def);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${k} must be a positive number`);
    return n;
  };
  const servers = (v.get('servers') ?? 'kansoku,prometheus').split(',');
  for (const s of servers)
    if (s !== 'kansoku' && s !== 'prometheus') throw new Error(`--servers: unknown ${s}`);
  return {
    series: num('series', quick ? 2000 : 10_000),
    hours: num('hours', quick ? 0.5 : 1),
    seconds: num('seconds', quick ? 30 : 60),
    intervalS: num('interval', 10),
    seed: num('seed', 42),
    servers: servers as Options['servers'],
    out: v.get('out') ?? 'bench/results/rules.json',
  };
}

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

/** Every rule file under `dir` that `promtool check rules` accepts, sorted. */
function ruleFiles(dir: string): { accepted: string[]; rejected: number } {
  const all: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(e.name)) all.push(p);
    }
  };
  walk(dir);
  all.sort();
  const accepted = all.filter(
    (f) => spawnSync('/usr/bin/promtool', ['check', 'rules', f], { stdio: 'ignore' }).status === 0,
  );
  return { accepted, rejected: all.length - accepted.length };
}

/** Result of one server. */
interface ServerResult {
  readonly server: string;
  readonly title: string;
  readonly error?: string;
  /** Median evaluation seconds per group (`<file>;<group>`), and every duration in order. */
  readonly groups?: Record<string, { median: number; evaluations: number; seconds: number[] }>;
  /** Server CPU seconds per second while evaluating. */
  readonly cpuPerSecond?: number;
  /** Series written by the recording rules at the end. */
  readonly recordedSeries?: number;
  readonly ingestSeconds?: number;
}

async function runServer(
  kind: 'kansoku' | 'prometheus',
  root: string,
  files: readonly string[],
  o: Options,
): Promise<ServerResult> {
  const base = serverSpec(kind, root);
  const why = base.unavailable();
  if (why !== undefined) return { server: kind, title: base.title, error: why };
  const dir = mkdtempSync(path.join(os.tmpdir(), `kansoku-rules-bench-${kind}-`));
  const config = [
    'global:',
    '  scrape_interval: 15s',
    `  evaluation_interval: ${o.intervalS}s`,
    'rule_files:',
    ...files.map((f) => `  - ${JSON.stringify(f)}`),
    '',
  ].join('\n');
  const configFile = path.join(dir, 'rules-bench.yml');
  const spec: ServerSpec = {
    ...base,
    args: (port, d) => {
      const args = base.args(port, d).filter((a) => !a.startsWith('--config.file='));
      writeFileSync(configFile, config);
      return [...args, `--config.file=${configFile}`];
    },
  };
  const port = await freePort();
  const server = ServerProcess.start(spec, port, dir);
  try {
    await server.waitReady(120_000);
    const now = Math.floor(Date.now() / INTERVAL_MS) * INTERVAL_MS;
    const data = buildPayloads({
      series: o.series,
      hours: o.hours,
      batchSize: 500,
      seed: o.seed,
      startMs: now - o.hours * 3_600_000,
      shards: 4,
    });
    const t0 = performance.now();
    const sent = await sendAll(`${server.url}/api/v1/write`, data.shards);
    const ingestSeconds = (performance.now() - t0) / 1000;
    log(
      `[${kind}] ${data.samples} samples in ${ingestSeconds.toFixed(1)} s (${sent.failed} failed)`,
    );
    // One full round on the complete data before measuring.
    await sleep(o.intervalS * 1000 + 1000);
    const evals = new EvalLog();
    const cpu0 = cpuSeconds(server.pid);
    const w0 = performance.now();
    const end = Date.now() + o.seconds * 1000;
    while (Date.now() < end) {
      // Both servers expose prometheus_rule_group_last_duration_seconds; /api/v1/rules is the
      // fallback for a Kansoku build without the self-metrics.
      const m = await request(`${server.url}/metrics`);
      const fromMetrics = evalsFromMetrics(m.body);
      if (fromMetrics.length > 0 || kind === 'prometheus') evals.add(fromMetrics);
      else evals.add(evalsFromRulesApi((await request(`${server.url}/api/v1/rules`)).body));
      await sleep(Math.min(2000, o.intervalS * 250));
    }
    const cpuPerSecond = (cpuSeconds(server.pid) - cpu0) / ((performance.now() - w0) / 1000);
    const q = await request(
      `${server.url}/api/v1/query?query=${encodeURIComponent('count({__name__=~".+:.+"})')}`,
    );
    const v = /"value":\[[^,]+,"([^"]+)"\]/.exec(q.body)?.[1];
    const groups: Record<string, { median: number; evaluations: number; seconds: number[] }> = {};
    for (const [g, list] of evals.byGroup)
      groups[g.replace(`${files.length > 0 ? commonDir(files) : ''}/`, '')] = {
        median: median(list),
        evaluations: list.length,
        seconds: list,
      };
    return {
      server: kind,
      title: base.title,
      groups,
      cpuPerSecond,
      recordedSeries: v === undefined ? 0 : Number(v),
      ingestSeconds,
    };
  } catch (err) {
    return {
      server: kind,
      title: base.title,
      error: err instanceof Error ? err.message : String(err),
    };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The longest directory all files share. */
function commonDir(files: readonly string[]): string {
  let dir = path.dirname(files[0] ?? '');
  while (!files.every((f) => f.startsWith(`${dir}/`))) dir = path.dirname(dir);
  return dir;
}

function ms(s: number | undefined): string {
  return s === undefined || !Number.isFinite(s) ? '—' : (s * 1000).toFixed(2);
}

/** The side-by-side table: the slowest groups (by Prometheus, else Kansoku) and the totals. */
function table(results: readonly ServerResult[], top = 15): string {
  const names = new Set<string>();
  for (const r of results) for (const g of Object.keys(r.groups ?? {})) names.add(g);
  const ref = results.find((r) => r.server === 'prometheus') ?? results[0];
  const sorted = [...names].sort(
    (a, b) => (ref?.groups?.[b]?.median ?? 0) - (ref?.groups?.[a]?.median ?? 0),
  );
  const head = ['group (file;name)', ...results.map((r) => `${r.title} ms`)];
  const rows = sorted
    .slice(0, top)
    .map((g) => [g, ...results.map((r) => ms(r.groups?.[g]?.median))]);
  const total = (r: ServerResult): number =>
    Object.values(r.groups ?? {}).reduce((s, x) => s + x.median, 0);
  rows.push([`all ${names.size} groups (sum of medians)`, ...results.map((r) => ms(total(r)))]);
  rows.push([
    'server CPU s per s while evaluating',
    ...results.map((r) => r.cpuPerSecond?.toFixed(3) ?? '—'),
  ]);
  rows.push(['recorded series', ...results.map((r) => String(r.recordedSeries ?? '—'))]);
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(width[i] ?? 0) : c.padStart(width[i] ?? 0))).join('  ');
  return [line(head), line(width.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help')) {
    console.log(USAGE);
    return 0;
  }
  const o = parse(argv);
  const root = projectRoot();
  const peers = process.env['PEER_SUITES_DIR'] ?? path.resolve(root, '..', 'shared', 'peer-suites');
  const rulesDir = path.join(peers, 'rules');
  if (!existsSync(rulesDir)) {
    console.error(`skipped: no peer rule sets in ${rulesDir} (set PEER_SUITES_DIR)`);
    return 0;
  }
  if (!existsSync('/usr/bin/promtool')) {
    console.error(
      'skipped: /usr/bin/promtool (Debian prometheus) is needed to pick the rule files',
    );
    return 0;
  }
  const { accepted, rejected } = ruleFiles(rulesDir);
  log(`${accepted.length} rule files accepted by promtool (${rejected} rejected and left out)`);
  const results: ServerResult[] = [];
  for (const kind of o.servers) {
    log(`--- ${kind}`);
    const r = await runServer(kind, root, accepted, o);
    if (r.error !== undefined) log(`[${kind}] failed: ${r.error}`);
    results.push(r);
  }
  const report = {
    date: new Date().toISOString(),
    command: `node dist/bench/rules.js ${argv.join(' ')}`.trim(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      node: process.version,
    },
    options: o,
    ruleFiles: accepted.length,
    results,
  };
  const out = path.resolve(root, o.out);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
  console.log(
    `\nrule evaluation: ${accepted.length} peer rule files, ${o.series} series x ${o.hours} h, every ${o.intervalS} s for ${o.seconds} s (median per group)\n`,
  );
  console.log(table(results));
  console.log(`\nresults written to ${path.relative(root, out)}`);
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
