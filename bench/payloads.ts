/**
 * Pre-encoded remote-write requests: the whole benchmark data set as snappy-compressed bodies
 * held in memory, so that sending costs the benchmark process little CPU.
 *
 * Samples are time-ordered across series as a Prometheus server sends them: every scrape round
 * (15 s) in turn, targets in the order of their scrape offsets, each target's samples together,
 * cut into batches of `batchSize` samples (one sample per series per batch in practice). Like
 * Prometheus' remote-write queue, series are split into shards (one per connection) and each
 * shard's batches are sent in order on its own connection, so that no series ever has two
 * requests in flight and per-series order holds.
 */
import { WriteRequestEncoder, encodeLabels, encodeSnappyBody } from '../src/parsers/index.js';
import { generateSeries, step, type SeriesSet } from './datagen.js';
import { mulberry32 } from './rand.js';

/** The scrape interval of the generated data, ms. */
export const INTERVAL_MS = 15_000;
/** Largest scrape timestamp jitter, ms (either way). */
export const JITTER_MS = 4;

/** Options of `buildPayloads`. */
export interface PayloadOptions {
  /** Number of series. */
  readonly series: number;
  /** Time span of the data, hours. */
  readonly hours: number;
  /** Samples per request. */
  readonly batchSize: number;
  /** Seed of all random choices. */
  readonly seed: number;
  /** Timestamp of the first scrape round, ms (the data ends about `hours` later). */
  readonly startMs: number;
  /** Shards (sender connections); series `s` goes to shard `s % shards`. */
  readonly shards: number;
}

/** The encoded data set. */
export interface Payloads {
  /** Snappy-compressed `WriteRequest` bodies per shard, in sending order. */
  readonly shards: Buffer[][];
  /** Total requests over all shards. */
  readonly requests: number;
  /** Total samples over all bodies. */
  readonly samples: number;
  /** Number of series. */
  readonly series: number;
  /** Scrape rounds (samples per series). */
  readonly rounds: number;
  /** Uncompressed protobuf bytes over all bodies. */
  readonly protoBytes: number;
  /** Compressed bytes over all bodies. */
  readonly compressedBytes: number;
  /** Timestamp of the first and last scrape rounds, ms. */
  readonly firstMs: number;
  /** Timestamp of the last scrape round, ms (before offsets and jitter). */
  readonly lastMs: number;
  /** The generated series (labels and final values). */
  readonly set: SeriesSet;
  /** Time spent building, ms. */
  readonly buildMs: number;
}

/** Generates the series and encodes every scrape round into snappy remote-write bodies. */
export function buildPayloads(opts: PayloadOptions, progress?: (done: number) => void): Payloads {
  const started = performance.now();
  const set = generateSeries(opts.series, opts.seed);
  const rnd = mulberry32(opts.seed ^ 0x5bd1e995);
  const labelBytes = set.labels.map(encodeLabels);
  const targets = set.targetOffset.length;
  const order = Array.from({ length: targets }, (_, t) => t).sort(
    (a, b) => (set.targetOffset[a] ?? 0) - (set.targetOffset[b] ?? 0),
  );
  const rounds = Math.max(1, Math.round((opts.hours * 3_600_000) / INTERVAL_MS));
  const histInc = new Float64Array(set.histogramCount);
  const shards = Array.from({ length: opts.shards }, () => ({
    enc: new WriteRequestEncoder(opts.batchSize * 256),
    bodies: [] as Buffer[],
    inBatch: 0,
  }));
  let samples = 0;
  let protoBytes = 0;
  let compressedBytes = 0;
  const flush = (shard: (typeof shards)[number]): void => {
    const raw = shard.enc.written();
    const body = encodeSnappyBody(raw);
    protoBytes += raw.length;
    compressedBytes += body.length;
    shard.bodies.push(body);
    shard.enc.reset();
    shard.inBatch = 0;
  };
  for (let r = 0; r < rounds; r++) {
    const roundMs = opts.startMs + r * INTERVAL_MS;
    if (r > 0) step(set, rnd, histInc);
    for (const t of order) {
      const ts =
        roundMs + (set.targetOffset[t] ?? 0) + Math.floor(rnd() * (2 * JITTER_MS + 1)) - JITTER_MS;
      const to = set.targetStart[t + 1] ?? 0;
      for (let s = set.targetStart[t] ?? 0; s < to; s++) {
        const shard = shards[s % opts.shards];
        if (shard === undefined) throw new Error('BUG: shard index out of range');
        shard.enc.addSingleSample(labelBytes[s] ?? new Uint8Array(0), ts, set.value[s] ?? 0);
        samples++;
        if (++shard.inBatch === opts.batchSize) flush(shard);
      }
    }
    progress?.(r + 1);
  }
  for (const shard of shards) if (shard.inBatch > 0) flush(shard);
  return {
    shards: shards.map((x) => x.bodies),
    requests: shards.reduce((n, x) => n + x.bodies.length, 0),
    samples,
    series: opts.series,
    rounds,
    protoBytes,
    compressedBytes,
    firstMs: opts.startMs,
    lastMs: opts.startMs + (rounds - 1) * INTERVAL_MS,
    set,
    buildMs: performance.now() - started,
  };
}
