/**
 * The remote-backend benchmark (`--only=remote`): the dashboard query set (`query-set.ts`,
 * range queries) against VictoriaMetrics directly, through Kansoku with the remote backend in
 * raw mode (samples read through `/api/v1/export`, PromQL in Kansoku) and in push-down mode
 * (queries forwarded to VictoriaMetrics' `/api/v1/query_range`). Median latency per query over
 * `repeat` runs, after one warm-up run each, and the push-down overhead over direct querying.
 */
import http from 'node:http';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { request } from './http.js';
import { buildPayloads } from './payloads.js';
import { QUERY_SET } from './query-set.js';
import { ServerProcess, freePort, serverSpec, type ServerSpec } from './servers.js';

/** Settings of one run. */
export interface RemoteBenchOptions {
  readonly series: number;
  readonly hours: number;
  readonly repeat: number;
  readonly seed: number;
}

/** Median latencies (ms) of one query on each path. */
export interface RemoteBenchRow {
  readonly id: string;
  readonly directMs: number;
  readonly rawMs: number;
  readonly pushdownMs: number;
}

/** Runs the benchmark in `dir` (removed afterwards) and returns one row per range query. */
export async function benchRemote(
  root: string,
  dir: string,
  opts: RemoteBenchOptions,
  log: (line: string) => void,
): Promise<RemoteBenchRow[]> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const procs: ServerProcess[] = [];
  try {
    const vmSpec = serverSpec('victoriametrics', root);
    const vmPort = await freePort();
    mkdirSync(path.join(dir, 'vm'));
    const vm = ServerProcess.start(vmSpec, vmPort, path.join(dir, 'vm'));
    procs.push(vm);
    await vm.waitReady(30_000);
    const startMs = Math.floor((Date.now() - opts.hours * 3_600_000) / 15_000) * 15_000;
    const p = buildPayloads({
      series: opts.series,
      hours: opts.hours,
      batchSize: 2000,
      seed: opts.seed,
      startMs,
      shards: 1,
    });
    log(`loading ${p.samples} samples of ${p.series} series into VictoriaMetrics`);
    const agent = new http.Agent({ keepAlive: true });
    for (const body of p.shards[0] ?? []) {
      const r = await request(`${vm.url}/api/v1/write`, 'POST', {
        body,
        agent,
        headers: { 'Content-Encoding': 'snappy', 'Content-Type': 'application/x-protobuf' },
      });
      if (r.status >= 300) throw new Error(`cannot load data: HTTP ${r.status} ${r.body}`);
    }
    await request(`${vm.url}/internal/force_flush`);
    const kansoku = async (mode: 'raw' | 'pushdown'): Promise<ServerProcess> => {
      const kdir = path.join(dir, `kansoku-${mode}`);
      mkdirSync(kdir);
      const settings = path.join(kdir, 'storage.yml');
      writeFileSync(settings, 'storage:\n  remote:\n    pushdown_queries: all\n');
      const base = serverSpec('kansoku', root);
      const spec: ServerSpec = {
        ...base,
        args: (port, d) => [
          ...base.args(port, d),
          '--storage.backend=remote',
          `--storage.config.file=${settings}`,
          `--storage.remote.write-url=${vm.url}/api/v1/write`,
          `--storage.remote.read-url=${vm.url}`,
          '--storage.remote.flavor=victoriametrics',
          `--storage.remote.mode=${mode}`,
        ],
      };
      const k = ServerProcess.start(spec, await freePort(), kdir);
      procs.push(k);
      await k.waitReady(30_000);
      return k;
    };
    const raw = await kansoku('raw');
    const push = await kansoku('pushdown');
    const endS = Math.floor(p.lastMs / 1000);
    const rows: RemoteBenchRow[] = [];
    for (const q of QUERY_SET) {
      if (q.kind !== 'range') continue;
      const params = new URLSearchParams({
        query: q.expr,
        start: String(endS - q.hours * 3600),
        end: String(endS),
        step: String(q.stepSec),
      }).toString();
      const once = async (base: string): Promise<number> => {
        const t0 = performance.now();
        const r = await request(`${base}/api/v1/query_range`, 'POST', {
          body: Buffer.from(params),
          agent,
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        });
        if (r.status !== 200) throw new Error(`${q.id}: HTTP ${r.status} ${r.body.slice(0, 300)}`);
        return performance.now() - t0;
      };
      // The three paths take turns, so drifts of the machine's load hit all of them alike; the
      // first round warms up (connections, VictoriaMetrics' caches) and is not counted.
      const times: [number[], number[], number[]] = [[], [], []];
      const bases = [vm.url, push.url, raw.url];
      for (let i = 0; i <= opts.repeat; i++) {
        for (let k = 0; k < 3; k++) {
          const ms = await once(bases[k]!);
          if (i > 0) times[k]!.push(ms);
        }
      }
      const med = (xs: number[]): number => {
        xs.sort((a, b) => a - b);
        return xs[Math.floor(xs.length / 2)] ?? 0;
      };
      const row = {
        id: q.id,
        directMs: med(times[0]),
        pushdownMs: med(times[1]),
        rawMs: med(times[2]),
      };
      log(
        `${q.id}: direct ${row.directMs.toFixed(1)} ms, pushdown ${row.pushdownMs.toFixed(1)} ms, raw ${row.rawMs.toFixed(1)} ms`,
      );
      rows.push(row);
    }
    agent.destroy();
    return rows;
  } finally {
    for (const s of procs.reverse()) await s.stop().catch(() => 0);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The report table, with the sums and the push-down overhead. */
export function remoteTable(rows: readonly RemoteBenchRow[]): string {
  const pad = (s: string, n: number): string => s.padEnd(n);
  const num = (v: number): string => v.toFixed(1).padStart(10);
  const lines = [
    `${pad('query (median ms)', 34)}${'direct'.padStart(10)}${'pushdown'.padStart(10)}${'raw'.padStart(10)}`,
  ];
  let d = 0;
  let pd = 0;
  let r = 0;
  for (const row of rows) {
    lines.push(`${pad(row.id, 34)}${num(row.directMs)}${num(row.pushdownMs)}${num(row.rawMs)}`);
    d += row.directMs;
    pd += row.pushdownMs;
    r += row.rawMs;
  }
  lines.push(`${pad('sum', 34)}${num(d)}${num(pd)}${num(r)}`);
  const pct = (x: number): string => `${(((x - d) / d) * 100).toFixed(1)}%`;
  lines.push(`push-down over direct: ${pct(pd)}; raw over direct: ${pct(r)}`);
  return lines.join('\n');
}
