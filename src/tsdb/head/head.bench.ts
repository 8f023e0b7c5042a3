/**
 * Benchmark of the head: append cost (CPU ns per sample through the appender, in batches like
 * a scrape or a remote-write request) and memory per active series (heap plus array buffers,
 * measured after garbage collection) with realistic label sets and a fixed seed.
 *
 * Run: `node --expose-gc --import tsx src/tsdb/head/head.bench.ts [series] [samplesPerSeries]`
 */
import { fileURLToPath } from 'node:url';
import { Labels } from '../../model/index.js';
import { Head } from './head.js';

/** Figures reported by `benchHead`. */
export interface HeadBenchFigures {
  readonly series: number;
  readonly samplesPerSeries: number;
  /** Mean CPU time per appended sample including commit, ns. */
  readonly appendNsPerSample: number;
  /** Mean CPU time of the first append of each series (which creates it), ns. */
  readonly createNsPerSeries: number;
  /** Heap plus array-buffer bytes per series after ingestion (needs --expose-gc). */
  readonly bytesPerSeries: number;
  /** Chunk bytes per sample held. */
  readonly chunkBytesPerSample: number;
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

/** Label sets shaped like node-exporter and application metrics on a few hundred targets. */
function makeLabels(n: number): Labels[] {
  const names = ['node_cpu_seconds_total', 'http_requests_total', 'node_memory_bytes', 'up'];
  const out: Labels[] = [];
  for (let i = 0; i < n; i++) {
    const inst = i >> 6;
    // Fresh strings, as a parser produces them, so interning is exercised.
    out.push(
      Labels.fromRecord({
        __name__: names[i % names.length]!.slice(0),
        job: ['node', 'api', 'web'][inst % 3]!.slice(0),
        instance: `10.0.${inst >> 8}.${inst & 255}:9100`,
        cpu: String(i & 7),
        mode: ['user', 'system', 'idle', 'iowait'][(i >> 3) & 3]!,
        code: (i >> 5) & 1 ? '500' : '200',
        env: 'prod',
        region: 'eu-west-1',
      }),
    );
  }
  return out;
}

/** CPU time of this process (user + system) in ns: robust against other load on the machine. */
function cpuNs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
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

/** Runs the benchmark. */
export async function benchHead(
  series = 20_000,
  samplesPerSeries = 240,
): Promise<HeadBenchFigures> {
  const rnd = mulberry32(7);
  const labels = makeLabels(series);
  const before = heapBytes();
  const head = new Head();
  const refs = new Float64Array(series);
  const t0 = 1_700_000_000_000;
  const vals = new Float64Array(series);
  let created = 0;
  let appended = 0;
  for (let k = 0; k < samplesPerSeries; k++) {
    const t = t0 + k * 15_000;
    const start = cpuNs();
    const app = head.appender();
    for (let i = 0; i < series; i++) {
      vals[i]! += Math.floor(rnd() * 100);
      refs[i] = app.append(refs[i]!, labels[i]!, t + Math.floor(rnd() * 9) - 4, vals[i]!);
    }
    await app.commit();
    const d = cpuNs() - start;
    if (k === 0) created += d;
    else appended += d;
  }
  const after = heapBytes();
  const st = chunkStats(head);
  const figures: HeadBenchFigures = {
    series,
    samplesPerSeries,
    appendNsPerSample: Math.round(appended / (series * (samplesPerSeries - 1))),
    createNsPerSeries: Math.round(created / series),
    bytesPerSeries: Math.round((after - before) / series),
    chunkBytesPerSample: Math.round((st.bytes / st.samples) * 100) / 100,
  };
  if (head.numSeries !== series) throw new Error('BUG: series count mismatch');
  return figures;
}

function chunkStats(head: Head): { bytes: number; samples: number } {
  let bytes = 0;
  let samples = 0;
  for (const s of head.allSeries()) {
    for (const c of s.chunks ?? []) {
      bytes += c.length;
      samples += (c[1]! << 8) | c[2]!;
    }
    if (s.enc) {
      bytes += s.enc.byteSize();
      samples += s.enc.numSamples;
    }
  }
  return { bytes, samples };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const series = Number(process.argv[2] ?? 20_000);
  const spc = Number(process.argv[3] ?? 240);
  console.log(JSON.stringify(await benchHead(series, spc), null, 2));
}
