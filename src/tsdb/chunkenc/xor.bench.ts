/**
 * Benchmark of the `xor` chunk encoding on realistic scraped data: 15 s scrapes with ±4 ms
 * jitter and a mix of series shapes (constants, integer counters, byte counters, float counters,
 * decimal gauges, page-sized memory gauges). The data comes from a fixed seed, so sizes are
 * reproducible; timings vary with the machine.
 *
 * Run: `node --import tsx src/tsdb/chunkenc/xor.bench.ts`
 */
import { fileURLToPath } from 'node:url';
import { XorEncoder, XorIterator } from './xor.js';

/** Figures reported by `benchXor`. */
export interface XorBenchFigures {
  /** Mean encode CPU time per sample, ns. */
  readonly encodeNsPerSample: number;
  /** Mean decode CPU time per sample, ns. */
  readonly decodeNsPerSample: number;
  /** Encoded bytes per sample over all shapes (chunk headers included). */
  readonly bytesPerSample: number;
  /** Bytes per sample for each series shape. */
  readonly bytesPerSampleByShape: Readonly<Record<string, number>>;
  /** Number of samples per chunk used. */
  readonly samplesPerChunk: number;
}

/** Options of `benchXor`. */
export interface XorBenchOptions {
  /** Series per shape. */
  readonly seriesPerShape: number;
  /** Samples per chunk. */
  readonly samplesPerChunk: number;
  /** Timing repetitions. */
  readonly rounds: number;
}

const SHAPES = ['constant', 'counter', 'bytes', 'cpuSeconds', 'gauge2dp', 'memory'] as const;
type Shape = (typeof SHAPES)[number];

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

function fillSeries(shape: Shape, rnd: () => number, ts: Float64Array, vs: Float64Array): void {
  const start = 1_700_000_000_000 + Math.floor(rnd() * 15000);
  let v = Math.floor(rnd() * 1e6);
  const rate = 1 + rnd() * 50;
  let ticks = 1234567;
  for (let i = 0; i < ts.length; i++) {
    ts[i] = start + i * 15000 + Math.floor(rnd() * 9) - 4;
    switch (shape) {
      case 'constant':
        v = 1;
        break;
      case 'counter':
        v += Math.floor(rate * 15 * (0.5 + rnd()));
        break;
      case 'bytes':
        v += Math.floor(rate * 15 * 1500 * (0.5 + rnd()));
        break;
      case 'cpuSeconds':
        // Kernel ticks divided by USER_HZ, as host exporters report CPU seconds.
        ticks += Math.floor(rnd() * 150);
        v = ticks / 100;
        break;
      case 'gauge2dp':
        v = Math.round((20 + Math.sin(i / 20) * 5 + rnd()) * 100) / 100;
        break;
      case 'memory':
        v =
          i === 0 ? 123456789 * 4096 : v + (rnd() < 0.3 ? Math.floor(rnd() * 200 - 100) * 4096 : 0);
        break;
    }
    vs[i] = v;
  }
}

/** Encodes and decodes generated chunks and returns speed and size figures. */
export function benchXor(opts: Partial<XorBenchOptions> = {}): XorBenchFigures {
  const seriesPerShape = opts.seriesPerShape ?? 200;
  const spc = opts.samplesPerChunk ?? 120;
  const rounds = opts.rounds ?? 5;
  const rnd = mulberry32(42);
  const all: { shape: Shape; ts: Float64Array; vs: Float64Array }[] = [];
  for (const shape of SHAPES) {
    for (let s = 0; s < seriesPerShape; s++) {
      const ts = new Float64Array(spc);
      const vs = new Float64Array(spc);
      fillSeries(shape, rnd, ts, vs);
      all.push({ shape, ts, vs });
    }
  }
  const bytesByShape = new Map<Shape, number>();
  const chunks: Uint8Array[] = [];
  let encNs = 0;
  for (let r = 0; r < rounds; r++) {
    chunks.length = 0;
    const t0 = cpuNs();
    for (const s of all) {
      const e = new XorEncoder(64);
      for (let i = 0; i < spc; i++) e.append(s.ts[i]!, s.vs[i]!);
      chunks.push(e.view());
    }
    encNs += cpuNs() - t0;
  }
  let total = 0;
  chunks.forEach((c, i) => {
    const shape = all[i]!.shape;
    bytesByShape.set(shape, (bytesByShape.get(shape) ?? 0) + c.length);
    total += c.length;
  });
  const it = new XorIterator();
  let decNs = 0;
  let sink = 0;
  for (let r = 0; r < rounds; r++) {
    const t0 = cpuNs();
    for (const c of chunks) {
      it.reset(c);
      while (it.next() !== 'none') sink += it.atF();
    }
    decNs += cpuNs() - t0;
  }
  if (Number.isNaN(sink)) throw new Error('BUG: benchmark checksum is NaN');
  const n = all.length * spc * rounds;
  const byShape: Record<string, number> = {};
  for (const [k, b] of bytesByShape) byShape[k] = round2(b / (seriesPerShape * spc));
  return {
    encodeNsPerSample: round2(encNs / n),
    decodeNsPerSample: round2(decNs / n),
    bytesPerSample: round2(total / (all.length * spc)),
    bytesPerSampleByShape: byShape,
    samplesPerChunk: spc,
  };
}

/** CPU time of this process (user + system) in ns: robust against other load on the machine. */
function cpuNs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  benchXor({ rounds: 2 }); // warm up
  console.log(JSON.stringify(benchXor(), null, 2));
}
