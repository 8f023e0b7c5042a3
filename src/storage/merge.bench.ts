/**
 * Benchmark of the storage merge path: `mergeSeriesSets` over several sorted sources whose
 * series partly overlap (the head and blocks of the database, or a fanout), read to the end
 * through the chained sample iterators. Data comes from a fixed seed; timings vary with the
 * machine. Reports time per merged sample and heap growth over the run.
 *
 * Run: `node --import tsx src/storage/merge.bench.ts`
 */
import { fileURLToPath } from 'node:url';
import { Labels, compareLabels } from '../model/index.js';
import { ListSeries, ListSeriesSet } from './series.js';
import { mergeSeriesSets } from './merge.js';

/** Options of `benchMerge`. */
export interface MergeBenchOptions {
  /** Number of sources merged. */
  readonly sources: number;
  /** Series per source. */
  readonly seriesPerSource: number;
  /** Samples per series in each source. */
  readonly samplesPerSeries: number;
  /** Timing repetitions. */
  readonly rounds: number;
}

/** Figures reported by `benchMerge`. */
export interface MergeBenchFigures {
  /** Mean time per sample read from the merged set (duplicates dropped by the merge not counted), ns. */
  readonly nsPerSample: number;
  /** Samples read per round. */
  readonly samplesPerRound: number;
  /** Series read per round. */
  readonly seriesPerRound: number;
  /** Heap growth from before the first round to after the last, in bytes per sample read. */
  readonly heapBytesPerSample: number;
}

/**
 * Builds `sources` sources; source k holds series k·s/2 … k·s/2 + s − 1 (so neighbours share
 * half their series), each with samples every 15 s starting at an offset per source, so
 * overlapping series interleave and sometimes collide on a timestamp.
 */
export function benchMerge(opts: Partial<MergeBenchOptions> = {}): MergeBenchFigures {
  const sources = opts.sources ?? 3;
  const perSource = opts.seriesPerSource ?? 2000;
  const perSeries = opts.samplesPerSeries ?? 240;
  const rounds = opts.rounds ?? 5;
  const T = 1_700_000_000_000;
  const lists: ListSeries[][] = [];
  for (let k = 0; k < sources; k++) {
    const list: ListSeries[] = [];
    for (let i = 0; i < perSource; i++) {
      const id = (k * perSource) / 2 + i;
      const ts = new Float64Array(perSeries);
      const vs = new Float64Array(perSeries);
      for (let j = 0; j < perSeries; j++) {
        ts[j] = T + j * 15_000 + k * 5_000 * (j % 2);
        vs[j] = id + j;
      }
      const labels = Labels.fromRecord({ __name__: 'bench', id: String(id).padStart(6, '0') });
      list.push(new ListSeries(labels, ts, vs));
    }
    list.sort((a, b) => compareLabels(a.labels, b.labels));
    lists.push(list);
  }
  let samples = 0;
  let series = 0;
  let sink = 0;
  let ns = 0n;
  globalThis.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  for (let r = 0; r < rounds; r++) {
    samples = 0;
    series = 0;
    const t0 = process.hrtime.bigint();
    const set = mergeSeriesSets(lists.map((l) => new ListSeriesSet(l)));
    while (set.next()) {
      series++;
      const it = set.at().iterator();
      while (it.next() !== 'none') {
        sink += it.atF();
        samples++;
      }
    }
    ns += process.hrtime.bigint() - t0;
  }
  const heap1 = process.memoryUsage().heapUsed;
  if (Number.isNaN(sink)) throw new Error('BUG: benchmark checksum is NaN');
  return {
    nsPerSample: Math.round((Number(ns) / (samples * rounds)) * 100) / 100,
    samplesPerRound: samples,
    seriesPerRound: series,
    heapBytesPerSample: Math.round(((heap1 - heap0) / (samples * rounds)) * 100) / 100,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  benchMerge({ rounds: 2 }); // warm up
  console.log(JSON.stringify(benchMerge(), null, 2));
}
