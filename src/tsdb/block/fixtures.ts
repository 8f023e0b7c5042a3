/**
 * Deterministic synthetic series for the block tests and benchmark: realistic label sets
 * (jobs, instances, methods, status codes), counters and gauges scraped every `stepMs` with
 * small timestamp jitter, from a fixed-seed generator.
 */
import { Labels, compareLabels } from '../../model/index.js';
import { newChunkEncoder } from '../chunkenc/index.js';
import { SAMPLES_PER_CHUNK } from './rechunk.js';
import { ArraySeriesChunkSource, type ChunkInput } from './source.js';

/** A series with its samples in memory. */
export interface SampleSeries {
  labels: Labels;
  ts: Float64Array;
  vs: Float64Array;
}

/** Options of `generateSeries`. */
export interface GenerateOptions {
  numSeries: number;
  samplesPerSeries: number;
  startT: number;
  stepMs: number;
  seed: number;
  /** Maximum timestamp jitter in ms (default 0). */
  jitterMs?: number;
}

/** A small fast deterministic PRNG (mulberry32) returning floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const METRICS = [
  'http_requests_total',
  'http_request_duration_seconds_sum',
  'node_cpu_seconds_total',
  'node_memory_free_bytes',
  'process_resident_memory_bytes',
  'up',
];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE'];
const CODES = ['200', '201', '404', '500'];

/** Generates `numSeries` unique series sorted by labels. */
export function generateSeries(o: GenerateOptions): SampleSeries[] {
  const rnd = prng(o.seed);
  const out: SampleSeries[] = [];
  for (let i = 0; i < o.numSeries; i++) {
    const metric = METRICS[i % METRICS.length]!;
    const labels = Labels.fromRecord({
      __name__: metric,
      job: `job-${i % 7}`,
      instance: `10.0.${(i >> 8) & 255}.${i & 255}:9100`,
      method: METHODS[(i >> 3) % METHODS.length]!,
      code: CODES[(i >> 5) % CODES.length]!,
      series: String(i),
    });
    const ts = new Float64Array(o.samplesPerSeries);
    const vs = new Float64Array(o.samplesPerSeries);
    const counter = metric.endsWith('_total') || metric.endsWith('_sum');
    let v = metric === 'up' ? 1 : Math.floor(rnd() * 1e6);
    const jitter = o.jitterMs ?? 0;
    for (let k = 0; k < o.samplesPerSeries; k++) {
      ts[k] = o.startT + k * o.stepMs + (jitter > 0 ? Math.floor(rnd() * jitter) : 0);
      if (metric === 'up') v = rnd() < 0.001 ? 0 : 1;
      else if (counter) v += Math.floor(rnd() * 20);
      else v = Math.round((v + (rnd() - 0.5) * 1000) * 100) / 100;
      vs[k] = v;
    }
    out.push({ labels, ts, vs });
  }
  return out.sort((a, b) => compareLabels(a.labels, b.labels));
}

/** Encodes samples [from, to) of a series into chunks of `SAMPLES_PER_CHUNK`. */
export function encodeChunks(s: SampleSeries, from = 0, to = s.ts.length): ChunkInput[] {
  const out: ChunkInput[] = [];
  for (let i = from; i < to; i += SAMPLES_PER_CHUNK) {
    const enc = newChunkEncoder();
    const end = Math.min(to, i + SAMPLES_PER_CHUNK);
    for (let k = i; k < end; k++) enc.append(s.ts[k]!, s.vs[k]!);
    out.push({ minT: enc.minT, maxT: enc.maxT, data: enc.bytes() });
  }
  return out;
}

/** A chunk source over series (sorted by labels), each chunked by `encodeChunks`. */
export function sourceOf(series: readonly SampleSeries[]): ArraySeriesChunkSource {
  return new ArraySeriesChunkSource(
    series.map((s) => ({ labels: s.labels, chunks: encodeChunks(s) })),
  );
}
