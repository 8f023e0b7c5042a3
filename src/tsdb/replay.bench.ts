/**
 * Benchmark of a restart: fills a database through appenders (WAL only, no compaction), closes
 * it, and reopens it. Reports the time to open (WAL replay) and the heap plus array-buffer bytes
 * per series after the reopen (measured after garbage collection; needs --expose-gc).
 *
 * Run: `node --expose-gc --import tsx src/tsdb/replay.bench.ts [series] [scrapes]`
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Labels } from '../model/index.js';
import { Logger } from '../util/index.js';
import { openDB, type DB } from './db.js';

/** Figures reported by `benchReplay`. */
export interface ReplayBenchFigures {
  readonly series: number;
  readonly samples: number;
  /** Wall time of `openDB` on the filled directory, ms. */
  readonly openMs: number;
  /** Samples replayed per second of `openDB`. */
  readonly samplesPerSecond: number;
  /** Heap plus array-buffer bytes per series held after the reopen. */
  readonly bytesPerSeries: number;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function heapBytes(): number {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) {
    g();
    g();
  }
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Fills `dir` with `series` × `scrapes` samples (WAL only), then closes the database. */
export async function fillDB(dir: string, series: number, scrapes: number): Promise<void> {
  const rnd = mulberry32(1);
  const labels: Labels[] = [];
  for (let i = 0; i < series; i++) {
    labels.push(
      Labels.fromRecord({
        __name__: ['node_cpu_seconds_total', 'http_requests_total', 'node_load1'][i % 3]!,
        instance: `10.0.${(i >> 7) & 255}.${i >> 15}:9100`,
        job: i % 2 === 0 ? 'node' : 'api',
        cpu: String(i & 7),
        mode: ['user', 'system', 'idle', 'iowait'][(i >> 3) & 3]!,
        id: String((i >> 5) & 3),
      }),
    );
  }
  const vals = new Float64Array(series);
  const refs = new Float64Array(series);
  const db = await openDB(dir, { fsync: 'never', retentionMs: 0, logger: Logger.nop() });
  const t0 = Date.now() - scrapes * 15_000;
  for (let k = 0; k < scrapes; k++) {
    const pending: Promise<void>[] = [];
    for (let from = 0; from < series; from += 500) {
      const app = db.appender();
      for (let i = from; i < Math.min(series, from + 500); i++) {
        vals[i] = i % 3 === 2 ? Math.round(rnd() * 400) / 100 : vals[i]! + Math.floor(rnd() * 50);
        refs[i] = app.append(refs[i]!, labels[i]!, t0 + k * 15_000 + (i & 3), vals[i]!);
      }
      pending.push(app.commit());
    }
    await Promise.all(pending);
  }
  await db.close();
}

/** Runs the benchmark in a temporary directory (removed afterwards). */
export async function benchReplay(series = 20_000, scrapes = 240): Promise<ReplayBenchFigures> {
  const dir = await mkdtemp(path.join(tmpdir(), 'kansoku-replaybench-'));
  try {
    await fillDB(dir, series, scrapes);
    const before = heapBytes();
    const t0 = performance.now();
    const db: DB = await openDB(dir, { fsync: 'never', retentionMs: 0, logger: Logger.nop() });
    const openMs = performance.now() - t0;
    const after = heapBytes();
    await db.close();
    const samples = series * scrapes;
    return {
      series,
      samples,
      openMs: Math.round(openMs),
      samplesPerSecond: Math.round(samples / (openMs / 1000)),
      bytesPerSeries: Math.round((after - before) / series),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const series = Number(process.argv[2] ?? 20_000);
  const scrapes = Number(process.argv[3] ?? 240);
  console.log(JSON.stringify(await benchReplay(series, scrapes), null, 2));
}
