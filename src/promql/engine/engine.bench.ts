/**
 * Benchmark of range queries typical of dashboards over MemStorage: counters of many series with
 * a 15s scrape interval, evaluated over hours at a 1m step. Data come from a fixed seed; timings
 * vary with the machine.
 *
 * Run: `node --import tsx src/promql/engine/engine.bench.ts`
 */
import { fileURLToPath } from 'node:url';
import { Labels } from '../../model/index.js';
import { MemStorage } from '../../storage/index.js';
import { Engine } from './engine.js';

/** Options of `benchEngine`. */
export interface EngineBenchOptions {
  /** Number of counter series (spread over 10 jobs). */
  readonly series: number;
  /** Hours of data at a 15s interval; queries cover all of it. */
  readonly hours: number;
  /** Passes over the query set. */
  readonly rounds: number;
}

/** Figures reported by `benchEngine`. */
export interface EngineFigures {
  /** Samples loaded into the storage. */
  readonly samplesStored: number;
  /** Mean time per range query, ms, by query. */
  readonly msPerQuery: Record<string, number>;
  /** Samples read from storage per second over all queries. */
  readonly samplesPerSec: number;
  /** Heap growth across the timed rounds, MB (after GC when exposed). */
  readonly heapGrowthMB: number;
}

const QUERIES: readonly string[] = [
  'sum by (job) (rate(http_requests_total[5m]))',
  'http_requests_total / on (job, instance) group_left () up',
  'topk(5, increase(http_requests_total[10m]))',
  'histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))',
  'max_over_time(rate(http_requests_total{job="job-1"}[1m])[30m:1m])',
];

/** A small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function fill(st: MemStorage, series: number, points: number): Promise<number> {
  const rand = rng(42);
  const app = st.appender();
  let n = 0;
  const les = ['0.1', '0.5', '1', '5', '+Inf'];
  for (let s = 0; s < series; s++) {
    const job = `job-${s % 10}`;
    const instance = `i-${Math.floor(s / 10)}`;
    const counter = Labels.fromRecord({ __name__: 'http_requests_total', job, instance });
    const up = Labels.fromRecord({ __name__: 'up', job, instance });
    let v = 0;
    let ref = 0;
    let upRef = 0;
    for (let k = 0; k < points; k++) {
      v += Math.floor(rand() * 10);
      ref = app.append(ref, counter, k * 15_000, v);
      upRef = app.append(upRef, up, k * 15_000, 1);
      n += 2;
    }
  }
  for (let b = 0; b < les.length; b++) {
    const l = Labels.fromRecord({ __name__: 'http_request_duration_seconds_bucket', le: les[b]! });
    let ref = 0;
    for (let k = 0; k < points; k++) {
      ref = app.append(ref, l, k * 15_000, k * (b + 1));
      n++;
    }
  }
  await app.commit();
  return n;
}

/** Loads the data set and runs the query set `rounds` times as range queries. */
export async function benchEngine(opts: Partial<EngineBenchOptions> = {}): Promise<EngineFigures> {
  const series = opts.series ?? 500;
  const hours = opts.hours ?? 3;
  const rounds = opts.rounds ?? 3;
  const points = (hours * 3600) / 15;
  const st = new MemStorage();
  const stored = await fill(st, series, points);
  const engine = new Engine();
  const end = (points - 1) * 15_000;
  for (const q of QUERIES) await engine.rangeQuery(st, q, 0, end, 60_000); // warm up
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const ms: Record<string, number> = {};
  let loaded = 0;
  const t0 = performance.now();
  for (const q of QUERIES) {
    const q0 = performance.now();
    for (let r = 0; r < rounds; r++) {
      const res = await engine.rangeQuery(st, q, 0, end, 60_000);
      loaded += res.stats.samplesLoaded;
    }
    ms[q] = Math.round(((performance.now() - q0) / rounds) * 10) / 10;
  }
  const total = (performance.now() - t0) / 1000;
  gc?.();
  return {
    samplesStored: stored,
    msPerQuery: ms,
    samplesPerSec: Math.round(loaded / total),
    heapGrowthMB: Math.round(((process.memoryUsage().heapUsed - heap0) / 1e6) * 10) / 10,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await benchEngine(), null, 2));
}
