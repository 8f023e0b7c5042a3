/**
 * The line-protocol and import benchmarks: the same generated history (`datagen.ts`: node- and
 * application-like series on many hosts, 15 s apart) is sent to every server that takes the
 * format, as
 *
 * - InfluxDB line protocol to `/write?db=bench&precision=ms`, the way Telegraf sends it: one line
 *   per tag set and scrape with every metric of that tag set as a field (`m,<tags> a=…,b=… <ts>`),
 *   5,000 lines per request, scrape rounds in time order;
 * - JSON lines to `/api/v1/import`, the way a history export is re-imported: one line per series
 *   holding all its samples, 100 series per request.
 *
 * Kansoku and VictoriaMetrics both take both formats and name a field `<measurement>_<field>`;
 * Prometheus takes neither and is skipped. Bodies are built up front; requests go over 4
 * keep-alive connections. Figures: samples acknowledged per second, server CPU seconds per
 * million samples (until the server is idle again), and a read-back check of one metric.
 */
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateSeries, step } from './datagen.js';
import { parseJson, pick, request } from './http.js';
import { cpuSeconds } from './proc.js';
import { mulberry32 } from './rand.js';
import { ServerProcess, freePort, serverSpec, sleep, type ServerKind } from './servers.js';

/** The two push formats. */
export type PushFormat = 'lineprotocol' | 'import';

/** Pre-built request bodies of one format. */
export interface PushData {
  readonly format: PushFormat;
  readonly path: string;
  /** Bodies per connection, in sending order. */
  readonly shards: Buffer[][];
  readonly samples: number;
  readonly requests: number;
  readonly bytes: number;
  /** Expected samples of `check` over the whole range, and the metric (query) counted. */
  readonly check: { readonly query: string; readonly expect: number };
  readonly lastMs: number;
  readonly rangeMinutes: number;
}

const CONNECTIONS = 4;
const LINES_PER_REQUEST = 5000;
const SERIES_PER_IMPORT = 100;

/** Builds both formats' bodies from `series` series over `hours` hours ending at `endMs`. */
export function buildPushData(
  series: number,
  hours: number,
  seed: number,
  endMs: number,
): PushData[] {
  const set = generateSeries(series, seed);
  const rounds = Math.max(1, Math.floor((hours * 3600) / 15));
  const startMs = endMs - rounds * 15_000;
  const rnd = mulberry32(seed + 1);
  const histInc = new Float64Array(set.histogramCount);
  // Group series by tag set (labels without __name__): one line protocol line per group.
  const groups = new Map<string, { tags: string; fields: number[]; names: string[] }>();
  for (let s = 0; s < set.labels.length; s++) {
    const flat = set.labels[s]!;
    let name = '';
    const tags: string[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      if (flat[i] === '__name__') name = flat[i + 1]!;
      else tags.push(`${flat[i]!}=${escapeTag(flat[i + 1]!)}`);
    }
    const key = tags.join(',');
    let g = groups.get(key);
    if (g === undefined) {
      g = { tags: key, fields: [], names: [] };
      groups.set(key, g);
    }
    // A tag set holds each metric once; a repeated name (histogram buckets differ in `le`) is a
    // separate tag set already.
    g.fields.push(s);
    g.names.push(name);
  }
  // Tag sets are sharded over the connections and each shard's lines are in time order, so no
  // series has two requests in flight (samples arrive in order, as from one Telegraf).
  const lp: Buffer[][] = Array.from({ length: CONNECTIONS }, () => []);
  const pending: string[][] = Array.from({ length: CONNECTIONS }, () => []);
  let lpBytes = 0;
  const flushLines = (shard: number): void => {
    const lines = pending[shard]!;
    if (lines.length === 0) return;
    const body = Buffer.from(lines.join('\n') + '\n');
    lpBytes += body.length;
    lp[shard]!.push(body);
    pending[shard] = [];
  };
  const values = Array.from({ length: set.labels.length }, () => new Float64Array(rounds));
  for (let r = 0; r < rounds; r++) {
    step(set, rnd, histInc);
    const t = startMs + r * 15_000;
    for (let s = 0; s < set.labels.length; s++) values[s]![r] = set.value[s]!;
    let gi = 0;
    for (const g of groups.values()) {
      const shard = gi++ % CONNECTIONS;
      const fields = g.fields.map((s, i) => `${g.names[i]!}=${set.value[s]!}`).join(',');
      pending[shard]!.push(`m,${g.tags} ${fields} ${t}`);
      if (pending[shard]!.length >= LINES_PER_REQUEST) flushLines(shard);
    }
  }
  for (let sh = 0; sh < CONNECTIONS; sh++) flushLines(sh);
  const imp: Buffer[][] = Array.from({ length: CONNECTIONS }, () => []);
  const ts = Array.from({ length: rounds }, (_, r) => startMs + r * 15_000).join(',');
  let impBytes = 0;
  let chunk: string[] = [];
  let shard = 0;
  for (let s = 0; s < set.labels.length; s++) {
    const flat = set.labels[s]!;
    const metric: Record<string, string> = {};
    for (let i = 0; i < flat.length; i += 2) metric[flat[i]!] = flat[i + 1]!;
    metric['__name__'] = `m_${metric['__name__'] ?? ''}`;
    chunk.push(
      `{"metric":${JSON.stringify(metric)},"values":[${Array.from(values[s]!).join(',')}],"timestamps":[${ts}]}`,
    );
    if (chunk.length >= SERIES_PER_IMPORT || s === set.labels.length - 1) {
      const body = Buffer.from(chunk.join('\n') + '\n');
      impBytes += body.length;
      imp[shard++ % CONNECTIONS]!.push(body);
      chunk = [];
    }
  }
  let loadSeries = 0;
  for (const l of set.labels) if (l[1] === 'node_load1') loadSeries++;
  const samples = set.labels.length * rounds;
  const lastMs = startMs + (rounds - 1) * 15_000;
  const rangeMinutes = Math.ceil((rounds * 15) / 60) + 5;
  const check = { query: 'm_node_load1', expect: loadSeries * rounds };
  const count = (sh: Buffer[][]): number => sh.reduce((n, b) => n + b.length, 0);
  return [
    {
      format: 'lineprotocol',
      path: '/write?db=bench&precision=ms',
      shards: lp,
      samples,
      requests: count(lp),
      bytes: lpBytes,
      check,
      lastMs,
      rangeMinutes,
    },
    {
      format: 'import',
      path: '/api/v1/import',
      shards: imp,
      samples,
      requests: count(imp),
      bytes: impBytes,
      check,
      lastMs,
      rangeMinutes,
    },
  ];
}

function escapeTag(v: string): string {
  return v.replace(/[ ,=\\]/g, (c) => `\\${c}`);
}

/** Figures of one server and format. */
export interface PushResult {
  readonly server: ServerKind;
  readonly title: string;
  readonly format: PushFormat;
  readonly skipped?: string | undefined;
  readonly error?: string | undefined;
  readonly samplesPerSec?: number | undefined;
  readonly cpuSecondsPerMillion?: number | undefined;
  readonly failed?: number | undefined;
  readonly firstError?: string | undefined;
  /** Samples of the check metric read back, and how many were sent. */
  readonly checkSamples?: number | undefined;
  readonly checkExpect?: number | undefined;
}

/** Posts every shard's bodies in order over its own keep-alive connection. */
async function postAll(
  url: string,
  shards: readonly (readonly Buffer[])[],
): Promise<{ ms: number; ok: number; failed: number; firstError: string | undefined }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: shards.length });
  let ok = 0;
  let failed = 0;
  let firstError: string | undefined;
  const t0 = performance.now();
  await Promise.all(
    shards.map(async (bodies) => {
      for (const body of bodies) {
        const res = await request(url, 'POST', { body, agent, timeoutMs: 300_000 }).catch(
          (err: unknown) => ({ status: 0, body: String(err) }),
        );
        if (res.status >= 200 && res.status < 300) ok++;
        else {
          failed++;
          firstError ??= `HTTP ${res.status}: ${res.body.slice(0, 300)}`;
        }
      }
    }),
  );
  agent.destroy();
  return { ms: performance.now() - t0, ok, failed, firstError };
}

/** Waits until the process uses less than 5% of a core over 1 s (at most 120 s). */
async function waitIdle(pid: number): Promise<void> {
  const t0 = performance.now();
  let last = cpuSeconds(pid);
  while (performance.now() - t0 < 120_000) {
    await sleep(1000);
    const now = cpuSeconds(pid);
    if (!(now - last > 0.05)) return;
    last = now;
  }
}

/** Sends one format's data to one server started on a fresh directory. */
export async function benchPush(
  kind: ServerKind,
  root: string,
  data: PushData,
  log: (line: string) => void,
): Promise<PushResult> {
  const spec = serverSpec(kind, root);
  const out = { server: kind, title: spec.title, format: data.format };
  if (kind === 'prometheus') return { ...out, skipped: 'Prometheus takes neither format' };
  const why = spec.unavailable();
  if (why !== undefined) return { ...out, skipped: why };
  const dir = mkdtempSync(path.join(os.tmpdir(), `kansoku-bench-${data.format}-${kind}-`));
  const server = ServerProcess.start(spec, await freePort(), dir);
  try {
    await server.waitReady(60_000);
    await sleep(500);
    const c0 = cpuSeconds(server.pid);
    const sent = await postAll(server.url + data.path, data.shards);
    await waitIdle(server.pid);
    const cpu = cpuSeconds(server.pid) - c0;
    const okSamples = (sent.ok * data.samples) / data.requests;
    log(`[${kind}] ${data.format}: ${sent.ok} requests in ${(sent.ms / 1000).toFixed(1)} s`);
    const vm = kind === 'victoriametrics';
    if (vm) await request(`${server.url}/internal/force_flush`).catch(() => undefined);
    const q = `sum(count_over_time(${data.check.query}[${data.rangeMinutes}m]))`;
    const url = `${server.url}/api/v1/query?query=${encodeURIComponent(q)}&time=${(data.lastMs + 1000) / 1000}${vm ? '&nocache=1' : ''}`;
    const v = pick(
      parseJson((await request(url, 'GET', { timeoutMs: 60_000 })).body),
      'data',
      'result',
      0,
      'value',
      1,
    );
    return {
      ...out,
      samplesPerSec: okSamples / (sent.ms / 1000),
      cpuSecondsPerMillion: (cpu / data.samples) * 1e6,
      failed: sent.failed,
      firstError: sent.firstError,
      checkSamples: typeof v === 'string' ? Number(v) : undefined,
      checkExpect: data.check.expect,
    };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    log(`[${kind}] ${data.format} failed: ${error}`);
    return { ...out, error };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function num(v: number | undefined, digits = 0): string {
  if (v === undefined || !Number.isFinite(v)) return 'n/a';
  return v.toLocaleString('en-US', {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  });
}

/** The side-by-side table of one format's results. */
export function pushTable(results: readonly PushResult[]): string {
  const shown = results.filter((r) => r.skipped === undefined || r.server !== 'prometheus');
  const rows: [string, (r: PushResult) => string][] = [
    ['samples/s', (r) => num(r.samplesPerSec)],
    ['server CPU s per 1M samples', (r) => num(r.cpuSecondsPerMillion, 2)],
    ['failed requests', (r) => num(r.failed)],
    [`read back ${results[0]?.checkExpect ?? ''} samples`, (r) => num(r.checkSamples)],
  ];
  const table = [
    ['', ...shown.map((r) => r.title)],
    ...rows.map(([label, f]) => [
      label,
      ...shown.map((r) =>
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
  for (const r of shown) {
    if (r.error !== undefined) lines.push(`${r.title}: ${r.error}`);
    if (r.firstError !== undefined) lines.push(`${r.title}: first failure ${r.firstError}`);
  }
  return lines.join('\n');
}
