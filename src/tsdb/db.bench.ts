/**
 * Benchmark of the database: ingestion through appenders with the WAL (requests of a few
 * thousand samples, like remote write), then compaction into blocks. Reports samples per
 * second (wall clock), CPU seconds per million samples, WAL bytes per sample and block bytes per
 * sample. Fixed seed; 15 s scrapes with ±4 ms jitter; counters and gauges.
 *
 * Run: `node --import tsx src/tsdb/db.bench.ts [series] [scrapes] [fsync]`
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Labels } from '../model/index.js';
import { Logger } from '../util/index.js';
import { openDB } from './db.js';

/** Figures reported by `benchDB`. */
export interface DBBenchFigures {
  readonly series: number;
  readonly samples: number;
  readonly samplesPerSecond: number;
  readonly cpuSecondsPerMillionSamples: number;
  readonly walBytesPerSample: number;
  readonly blockBytesPerSample: number;
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

/** Runs the benchmark in a temporary directory (removed afterwards). */
export async function benchDB(
  series = 10_000,
  scrapes = 120,
  fsync: 'commit' | 'never' = 'commit',
  requestSize = 2000,
): Promise<DBBenchFigures> {
  const dir = await mkdtemp(path.join(tmpdir(), 'kansoku-dbbench-'));
  try {
    const rnd = mulberry32(1);
    const labels: Labels[] = [];
    for (let i = 0; i < series; i++) {
      labels.push(
        Labels.fromRecord({
          __name__: i % 2 === 0 ? 'http_requests_total' : 'process_resident_memory_bytes',
          instance: `host-${i >> 6}:9100`,
          job: 'bench',
          id: String(i & 63),
        }),
      );
    }
    const vals = new Float64Array(series);
    const refs = new Float64Array(series);
    const db = await openDB(dir, { fsync, retentionMs: 0, logger: Logger.nop() });
    const t0 = 1_700_000_000_000;
    const cpu0 = process.cpuUsage();
    const wall0 = process.hrtime.bigint();
    for (let k = 0; k < scrapes; k++) {
      const pending: Promise<void>[] = [];
      for (let from = 0; from < series; from += requestSize) {
        const app = db.appender();
        for (let i = from; i < Math.min(series, from + requestSize); i++) {
          vals[i] =
            i % 2 === 0 ? vals[i]! + Math.floor(rnd() * 50) : 4096 * Math.floor(30000 + rnd() * 50);
          refs[i] = app.append(
            refs[i]!,
            labels[i]!,
            t0 + k * 15_000 + Math.floor(rnd() * 9) - 4,
            vals[i]!,
          );
        }
        pending.push(app.commit());
      }
      await Promise.all(pending);
    }
    const wall = Number(process.hrtime.bigint() - wall0) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    const samples = series * scrapes;
    const walBytes = db.stats().walBytes;
    await db.compact(true);
    const blockBytes = db.stats().blockBytes;
    await db.close();
    return {
      series,
      samples,
      samplesPerSecond: Math.round(samples / wall),
      cpuSecondsPerMillionSamples:
        Math.round(((cpu.user + cpu.system) / 1e6 / (samples / 1e6)) * 100) / 100,
      walBytesPerSample: Math.round((walBytes / samples) * 100) / 100,
      blockBytesPerSample: Math.round((blockBytes / samples) * 100) / 100,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const series = Number(process.argv[2] ?? 10_000);
  const scrapes = Number(process.argv[3] ?? 120);
  const fsync = process.argv[4] === 'never' ? 'never' : 'commit';
  console.log(JSON.stringify(await benchDB(series, scrapes, fsync), null, 2));
}
