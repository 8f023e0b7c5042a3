/**
 * Micro-benchmark of the WAL write path: `logSamples` + `sync` with realistic batches (a fixed
 * seed), reporting throughput and cost per sample. Run with
 * `node dist/src/tsdb/wal/wal.bench.js [samples] [batch] [fsync]` after `npm run build`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Logger } from '../../util/index.js';
import { Wal } from './wal.js';
import type { WalFsyncPolicy } from './wal.js';

/** Settings of one benchmark run. */
export interface WalBenchOptions {
  /** Samples to write in total. */
  samples: number;
  /** Samples per logSamples + sync call (a remote-write request's worth). */
  batch: number;
  /** Number of distinct series refs. */
  series: number;
  fsync: WalFsyncPolicy;
  /** Directory to write in (a temporary one is created and removed when omitted). */
  dir?: string;
}

/** Results of one benchmark run. */
export interface WalBenchResult {
  /** Megabytes (10^6 bytes) of WAL written per second. */
  mbPerSec: number;
  /** Wall-clock nanoseconds per sample for logSamples + sync. */
  nsPerSample: number;
  /**
   * CPU nanoseconds per sample (user + system, all threads) for logSamples + sync: steadier
   * than wall time on a busy machine.
   */
  cpuNsPerSample: number;
  /** WAL bytes per sample on disk. */
  bytesPerSample: number;
  /** Nanoseconds per sample for the replay of what was written. */
  replayNsPerSample: number;
  /** Heap growth in bytes across the write phase (after a GC when exposed). */
  heapGrowthBytes: number;
}

/** Deterministic PRNG (mulberry32). */
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

/** Runs the benchmark; see `WalBenchOptions`. */
export async function benchWal(o: Partial<WalBenchOptions> = {}): Promise<WalBenchResult> {
  const opts: WalBenchOptions = {
    samples: 2_000_000,
    batch: 2000,
    series: 20_000,
    fsync: 'commit',
    ...o,
  };
  const dir = opts.dir ?? mkdtempSync(path.join(tmpdir(), 'kansoku-wal-bench-'));
  const rand = rng(42);
  const refs = new Uint32Array(opts.batch);
  const ts = new Float64Array(opts.batch);
  const vs = new Float64Array(opts.batch);
  const counters = new Float64Array(opts.series);
  const gc = (globalThis as { gc?: () => void }).gc;
  try {
    const w = await Wal.open(dir, { fsync: opts.fsync, logger: Logger.nop() });
    gc?.();
    const heap0 = process.memoryUsage().heapUsed;
    let t = 1_700_000_000_000;
    let seriesCursor = 0;
    let elapsed = 0n;
    let cpuUs = 0;
    for (let done = 0; done < opts.samples; done += opts.batch) {
      const n = Math.min(opts.batch, opts.samples - done);
      // A scrape-like batch: consecutive series, near-identical timestamps, counter values.
      for (let i = 0; i < n; i++) {
        const ref = seriesCursor++ % opts.series;
        refs[i] = ref + 1;
        ts[i] = t + Math.floor(rand() * 50);
        counters[ref] = counters[ref]! + Math.floor(rand() * 100);
        vs[i] = rand() < 0.5 ? counters[ref] : rand() * 1000;
      }
      t += 15;
      const cpu0 = process.cpuUsage();
      const start = process.hrtime.bigint();
      w.logSamples(refs, ts, vs, n);
      await w.sync();
      elapsed += process.hrtime.bigint() - start;
      const cpu = process.cpuUsage(cpu0);
      cpuUs += cpu.user + cpu.system;
    }
    gc?.();
    const heapGrowthBytes = process.memoryUsage().heapUsed - heap0;
    const bytes = w.sizeBytes();
    await w.close();

    const r = await Wal.open(dir, { logger: Logger.nop() });
    const rs = process.hrtime.bigint();
    await r.replay(() => undefined);
    const replayNs = Number(process.hrtime.bigint() - rs);
    await r.close();

    const ns = Number(elapsed);
    return {
      mbPerSec: bytes / 1e6 / (ns / 1e9),
      nsPerSample: ns / opts.samples,
      cpuNsPerSample: (cpuUs * 1000) / opts.samples,
      bytesPerSample: bytes / opts.samples,
      replayNsPerSample: replayNs / opts.samples,
      heapGrowthBytes,
    };
  } finally {
    if (opts.dir === undefined) rmSync(dir, { recursive: true, force: true });
  }
}

const main =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (main) {
  const [samples, batch, fsync] = process.argv.slice(2);
  const res = await benchWal({
    ...(samples ? { samples: Number(samples) } : {}),
    ...(batch ? { batch: Number(batch) } : {}),
    ...(fsync === 'never' || fsync === 'commit' ? { fsync } : {}),
  });
  console.log(JSON.stringify(res));
}
