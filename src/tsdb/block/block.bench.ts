/**
 * Benchmark of persisted blocks on a realistic data set from a fixed seed: 10,000 series
 * (HTTP counters, float sums, CPU seconds, memory gauges, `up`) scraped every 15 s with up to
 * 4 ms jitter over two hours (480 samples each). Reports write throughput, bytes per sample on
 * disk (index included) and select latencies. Sizes are reproducible; timings vary by machine.
 *
 * Run: `node --import tsx src/tsdb/block/block.bench.ts`
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Matcher } from '../../model/index.js';
import { encodeChunks, generateSeries } from './fixtures.js';
import { ArraySeriesChunkSource, Block, writeBlock } from './index.js';
import { removeDir, tempDir } from './testutil.js';

/** Figures reported by `benchBlock`. */
export interface BlockBenchFigures {
  readonly numSeries: number;
  readonly numSamples: number;
  /** Block size on disk divided by the time `writeBlock` took, MB/s (10^6 bytes). */
  readonly writeMBps: number;
  /** Samples written per second by `writeBlock` (chunks encoded beforehand). */
  readonly writeSamplesPerSec: number;
  /** All block files (chunks, index, meta, tombstones) per sample. */
  readonly bytesPerSample: number;
  /** Index bytes per sample. */
  readonly indexBytesPerSample: number;
  /** Time to open the block (validation included), ms. */
  readonly openMs: number;
  /** Mean latency of select + full iteration per query, ms (wall clock). */
  readonly selectMs: Readonly<Record<string, number>>;
  /**
   * Mean CPU time (user + system) of select + full iteration per query, ms: steadier than the
   * wall clock on a shared machine.
   */
  readonly selectCpuMs: Readonly<Record<string, number>>;
  /** CPU time of `writeBlock` per million samples, ms. */
  readonly writeCpuMsPerMillionSamples: number;
}

/** Options of `benchBlock`. */
export interface BlockBenchOptions {
  readonly numSeries: number;
  readonly samplesPerSeries: number;
  readonly seed: number;
  /** Repetitions of each select. */
  readonly rounds: number;
}

const START = 1_700_000_000_000;
const STEP = 15_000;

/** CPU time (user + system) since `start`, ms. */
function cpuMs(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

async function dirSize(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    total += e.isDirectory() ? await dirSize(p) : (await stat(p)).size;
  }
  return total;
}

/** Writes, opens and queries one block; see the file comment. */
export async function benchBlock(
  o: BlockBenchOptions = { numSeries: 10_000, samplesPerSeries: 480, seed: 1, rounds: 20 },
): Promise<BlockBenchFigures> {
  const series = generateSeries({
    numSeries: o.numSeries,
    samplesPerSeries: o.samplesPerSeries,
    startT: START,
    stepMs: STEP,
    seed: o.seed,
    jitterMs: 4,
    seriesLabel: false,
  });
  const input = series.map((s) => ({ labels: s.labels, chunks: encodeChunks(s) }));
  const root = await tempDir('block-bench');
  try {
    const end = START + o.samplesPerSeries * STEP;
    let t0 = performance.now();
    let c0 = process.cpuUsage();
    const meta = await writeBlock(root, new ArraySeriesChunkSource(input), START, end, {});
    const writeSec = (performance.now() - t0) / 1000;
    const writeCpuMs = cpuMs(c0);
    const dir = path.join(root, meta.ulid);
    const size = await dirSize(dir);
    const indexSize = (await stat(path.join(dir, 'index'))).size;
    t0 = performance.now();
    const block = await Block.open(dir);
    const openMs = performance.now() - t0;
    const queries: Record<string, [Matcher[], number, number]> = {
      'one series, 2h': [
        [new Matcher('=', '__name__', 'up'), new Matcher('=', 'instance', '10.0.1.5:9100')],
        START,
        end,
      ],
      'job counters, 2h (~240 series)': [
        [new Matcher('=', '__name__', 'http_requests_total'), new Matcher('=', 'job', 'job-3')],
        START,
        end,
      ],
      'regex instance, 15m (~190 series)': [
        [new Matcher('=~', 'instance', '10\\.0\\.1\\.(1|2|3).*')],
        end - 900_000,
        end,
      ],
      'negative + regex name, 1h (~2500 series)': [
        [new Matcher('=~', '__name__', 'node_.+'), new Matcher('!=', 'code', '500')],
        end - 3_600_000,
        end,
      ],
    };
    const selectMs: Record<string, number> = {};
    const selectCpuMs: Record<string, number> = {};
    for (const [name, [ms, mint, maxt]] of Object.entries(queries)) {
      t0 = performance.now();
      c0 = process.cpuUsage();
      for (let r = 0; r < o.rounds; r++) {
        const q = await block.querier(mint, maxt);
        const ss = await q.select(true, undefined, ms);
        while (ss.next()) {
          const it = ss.at().iterator();
          while (it.next() !== 'none') it.atF();
        }
        q.close();
      }
      selectMs[name] = (performance.now() - t0) / o.rounds;
      selectCpuMs[name] = cpuMs(c0) / o.rounds;
    }
    await block.close();
    const n = meta.stats.numSamples;
    return {
      numSeries: meta.stats.numSeries,
      numSamples: n,
      writeMBps: size / 1e6 / writeSec,
      writeSamplesPerSec: n / writeSec,
      bytesPerSample: size / n,
      indexBytesPerSample: indexSize / n,
      openMs,
      selectMs,
      selectCpuMs,
      writeCpuMsPerMillionSamples: (writeCpuMs * 1e6) / n,
    };
  } finally {
    await removeDir(root);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await benchBlock(), null, 2));
}
