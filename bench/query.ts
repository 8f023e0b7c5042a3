/**
 * The query benchmark of one server: start it on the data directory its ingestion run left
 * behind, send the whole `QUERY_SET` once to warm the server up (a long-running server has its
 * code compiled and its caches filled; a JIT-compiled server is slow for its first seconds, a Go
 * server is not, so every server gets the same pass), then each request once more to warm up
 * and `repeat` times, and record
 * client-side wall time per request (median and p90), the number of series each request returns,
 * and the server's CPU seconds over the whole phase (steadier than wall time on a shared machine).
 */
import { parseJson, pick, request } from './http.js';
import { cpuSeconds } from './proc.js';
import { QUERY_SET, caseUrl, type QueryCase } from './query-set.js';
import { ServerProcess, freePort, sleep, type ServerSpec } from './servers.js';

/** Figures of one request on one server. */
export interface QueryCaseResult {
  readonly id: string;
  /** Median wall time of the timed repetitions, ms. */
  readonly medianMs?: number;
  /** 90th percentile (nearest rank) of the timed repetitions, ms. */
  readonly p90Ms?: number;
  /** Series (range queries and `/series`) or names/values (labels) in the answer. */
  readonly resultCount?: number;
  /** The first failure, when the request failed; the case then has no timings. */
  readonly error?: string;
}

/** Figures of one server's query phase. */
export interface QueryServerResult {
  readonly server: string;
  readonly title: string;
  readonly skipped?: string;
  readonly error?: string;
  /** Time from start (on the ingested data) to ready, ms. */
  readonly readyMs?: number;
  readonly cases?: readonly QueryCaseResult[];
  /** Sum of the medians of the cases that succeeded, ms. */
  readonly sumMedianMs?: number;
  /** Server user + system CPU seconds from the warm-up to the last response. */
  readonly cpuSeconds?: number;
  /** Wall seconds of the same span. */
  readonly wallSeconds?: number;
}

/** Options of `benchQueries`. */
export interface QueryOptions {
  /** Timed repetitions per request (after one warm-up). */
  readonly repeat: number;
  /** The end of the ranges: the end of the data, ms. */
  readonly endMs: number;
  readonly log: (line: string) => void;
  /** Per-request timeout, ms. */
  readonly timeoutMs?: number;
}

/** Median (mean of the middle two for even counts) of unsorted values; NaN when empty. */
export function median(values: readonly number[]): number {
  const s = Float64Array.from(values).sort();
  if (s.length === 0) return Number.NaN;
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] ?? Number.NaN) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/** Nearest-rank percentile `p` (0–100) of unsorted values; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  const s = Float64Array.from(values).sort();
  if (s.length === 0) return Number.NaN;
  const rank = Math.min(s.length, Math.max(1, Math.ceil((p / 100) * s.length)));
  return s[rank - 1] ?? Number.NaN;
}

/**
 * The number of series (or names, or values) in a successful API answer body; throws with the
 * server's error when the status is not "success".
 */
export function resultCount(body: string, kind: QueryCase['kind']): number {
  const json = parseJson(body);
  if (pick(json, 'status') !== 'success') {
    const err = pick(json, 'error');
    throw new Error(typeof err === 'string' ? err : `unexpected answer: ${body.slice(0, 200)}`);
  }
  const list = kind === 'range' ? pick(json, 'data', 'result') : pick(json, 'data');
  if (!Array.isArray(list)) throw new Error(`no result list in: ${body.slice(0, 200)}`);
  return list.length;
}

/** Sends one request; returns its wall time in ms and the result count. */
async function once(
  base: string,
  c: QueryCase,
  opts: QueryOptions,
  victoria: boolean,
): Promise<{ ms: number; count: number }> {
  const url = base + caseUrl(c, opts.endMs, victoria);
  const t0 = performance.now();
  const res = await request(url, 'GET', { timeoutMs: opts.timeoutMs ?? 120_000 });
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${res.body.slice(0, 200)}`);
  return { ms, count: resultCount(res.body, c.kind) };
}

/** Runs one case: a warm-up, then `repeat` timed requests. */
async function runCase(
  base: string,
  c: QueryCase,
  opts: QueryOptions,
  victoria: boolean,
): Promise<QueryCaseResult> {
  try {
    const warm = await once(base, c, opts, victoria);
    const times: number[] = [];
    for (let i = 0; i < opts.repeat; i++) times.push((await once(base, c, opts, victoria)).ms);
    return {
      id: c.id,
      medianMs: median(times),
      p90Ms: percentile(times, 90),
      resultCount: warm.count,
    };
  } catch (err) {
    return { id: c.id, error: err instanceof Error ? err.message : String(err) };
  }
}

/** Runs the query phase against one server whose ingested data is in `dir`. */
export async function benchQueries(
  spec: ServerSpec,
  dir: string,
  opts: QueryOptions,
): Promise<QueryServerResult> {
  const base = { server: spec.kind, title: spec.title };
  const log = (s: string): void => {
    opts.log(`[${spec.kind}] ${s}`);
  };
  const server = ServerProcess.start(spec, await freePort(), dir);
  try {
    const readyMs = await server.waitReady(600_000);
    await sleep(1000);
    log(`ready on the ingested data in ${Math.round(readyMs)} ms; ${QUERY_SET.length} requests`);
    const victoria = spec.kind === 'victoriametrics';
    // One untimed pass over the whole set, the same for every server (see the module comment).
    for (const c of QUERY_SET) await once(server.url, c, opts, victoria).catch(() => undefined);
    const cpu0 = cpuSeconds(server.pid);
    const t0 = performance.now();
    const cases: QueryCaseResult[] = [];
    for (const c of QUERY_SET) {
      const r = await runCase(server.url, c, opts, victoria);
      if (r.error !== undefined) log(`${c.id}: ${r.error}`);
      cases.push(r);
    }
    const wallSeconds = (performance.now() - t0) / 1000;
    const cpu = cpuSeconds(server.pid) - cpu0;
    let sum = 0;
    for (const r of cases) if (r.medianMs !== undefined) sum += r.medianMs;
    log(`done in ${wallSeconds.toFixed(1)} s, ${cpu.toFixed(2)} CPU s`);
    return { ...base, readyMs, cases, sumMedianMs: sum, cpuSeconds: cpu, wallSeconds };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    log(`failed: ${error}`);
    return { ...base, error };
  } finally {
    await server.stop();
  }
}
