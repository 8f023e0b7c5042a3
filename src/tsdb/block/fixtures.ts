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
  /** Whether each series gets a `series="<n>"` label (default true). */
  seriesLabel?: boolean;
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

/** Fills timestamps (scrape grid plus jitter) and values shaped like the metric. */
function fillSamples(
  metric: string,
  rnd: () => number,
  o: GenerateOptions,
  ts: Float64Array,
  vs: Float64Array,
): void {
  const jitter = o.jitterMs ?? 0;
  const rate = 1 + rnd() * 50;
  let v = Math.floor(rnd() * 1e6);
  let ticks = Math.floor(rnd() * 1e7);
  for (let k = 0; k < ts.length; k++) {
    ts[k] = o.startT + k * o.stepMs + (jitter > 0 ? Math.floor(rnd() * jitter) : 0);
    switch (metric) {
      case 'http_requests_total':
        v += Math.floor(rate * (0.5 + rnd()) * 10);
        break;
      case 'http_request_duration_seconds_sum':
        v += rnd() * rate * 0.05;
        break;
      case 'node_cpu_seconds_total':
        ticks += Math.floor(rnd() * 150);
        v = ticks / 100;
        break;
      case 'up':
        v = rnd() < 0.001 ? 0 : 1;
        break;
      default: // memory gauges move in whole pages
        v = k === 0 ? 30000 * 4096 : v + (rnd() < 0.3 ? Math.floor(rnd() * 200 - 100) * 4096 : 0);
    }
    vs[k] = v;
  }
}

/** Generates `numSeries` unique series sorted by labels. */
export function generateSeries(o: GenerateOptions): SampleSeries[] {
  const rnd = prng(o.seed);
  const out: SampleSeries[] = [];
  for (let i = 0; i < o.numSeries; i++) {
    const metric = METRICS[i % METRICS.length]!;
    const rec: Record<string, string> = {
      __name__: metric,
      job: `job-${i % 7}`,
      instance: `10.0.${(i >> 8) & 255}.${i & 255}:9100`,
      method: METHODS[(i >> 3) % METHODS.length]!,
      code: CODES[(i >> 5) % CODES.length]!,
    };
    if (o.seriesLabel !== false) rec['series'] = String(i);
    const labels = Labels.fromRecord(rec);
    const ts = new Float64Array(o.samplesPerSeries);
    const vs = new Float64Array(o.samplesPerSeries);
    fillSamples(metric, rnd, o, ts, vs);
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
