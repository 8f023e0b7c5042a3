/**
 * Benchmark of the raw read path on VictoriaMetrics: parsing `/api/v1/export` JSON lines and
 * building the series set (sort check, exact range cut). Data comes from a fixed seed, with
 * values shaped like gauges (two decimals). Reports time per sample and heap growth.
 *
 * Run: `node --import tsx src/backends/remote/readers.bench.ts`
 */
import { fileURLToPath } from 'node:url';
import { parseExportLines } from './readers.js';
import { buildSeriesSet } from './series.js';

/** Options of `benchExportRead`. */
export interface ExportReadBenchOptions {
  readonly series: number;
  readonly samplesPerSeries: number;
  readonly rounds: number;
}

/** Figures reported by `benchExportRead`. */
export interface ExportReadBenchFigures {
  /** Mean time per sample to parse and build, ns. */
  readonly nsPerSample: number;
  /** Bytes of export text per round. */
  readonly textBytes: number;
  /** Heap growth over the run, bytes per sample. */
  readonly heapBytesPerSample: number;
}

/** Parses and builds `series × samplesPerSeries` samples of export text, `rounds` times. */
export function benchExportRead(
  opts: Partial<ExportReadBenchOptions> = {},
): ExportReadBenchFigures {
  const series = opts.series ?? 1000;
  const per = opts.samplesPerSeries ?? 480;
  const rounds = opts.rounds ?? 5;
  let seed = 42;
  const rnd = (): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const lines: string[] = [];
  for (let s = 0; s < series; s++) {
    const vs: string[] = [];
    const ts: string[] = [];
    for (let i = 0; i < per; i++) {
      vs.push((Math.round(rnd() * 1e6) / 100).toString());
      ts.push(String(1_700_000_000_000 + i * 15_000));
    }
    lines.push(
      `{"metric":{"__name__":"node_load1","instance":"host-${s}:9100","job":"node"},"values":[${vs.join(',')}],"timestamps":[${ts.join(',')}]}`,
    );
  }
  const text = lines.join('\n') + '\n';
  let ns = 0n;
  let sink = 0;
  globalThis.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    const set = buildSeriesSet(parseExportLines(text), 0, 2e12, [], 0);
    while (set.next()) {
      const it = set.at().iterator();
      if (it.next() !== 'none') sink += it.atF();
    }
    ns += process.hrtime.bigint() - t0;
  }
  const heap1 = process.memoryUsage().heapUsed;
  if (Number.isNaN(sink)) throw new Error('BUG: benchmark checksum is NaN');
  const samples = series * per * rounds;
  return {
    nsPerSample: Math.round((Number(ns) / samples) * 100) / 100,
    textBytes: text.length,
    heapBytesPerSample: Math.round(((heap1 - heap0) / samples) * 100) / 100,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  benchExportRead({ rounds: 2 }); // warm up
  console.log(JSON.stringify(benchExportRead(), null, 2));
}
