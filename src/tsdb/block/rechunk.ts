/**
 * Re-chunking of one series' chunks: overlapping chunks are decoded, merged and de-duplicated by
 * timestamp, deleted samples are dropped, and the result is re-encoded into chunks of at most
 * `SAMPLES_PER_CHUNK` samples.
 */
import { chunkNumSamples, newChunkEncoder, newChunkIterator } from '../chunkenc/index.js';
import type { ChunkInput } from './source.js';
import { covers, isDeleted, overlaps, type Intervals } from './tombstones.js';

/** Samples per re-encoded chunk: 120, the size at which XOR chunks stop getting smaller per sample. */
export const SAMPLES_PER_CHUNK = 120;

/** Chunks with fewer samples than this are merged with small neighbours. */
const SMALL_CHUNK = SAMPLES_PER_CHUNK / 4;

/** Growable parallel arrays of timestamps, values and source priorities. Reuse with `reset()`. */
class SampleBuffer {
  t = new Float64Array(1024);
  v = new Float64Array(1024);
  prio = new Uint32Array(1024);
  n = 0;

  reset(): void {
    this.n = 0;
  }

  push(t: number, v: number, prio: number): void {
    if (this.n === this.t.length) {
      const grow = <T extends Float64Array | Uint32Array>(a: T, b: T): T => {
        b.set(a);
        return b;
      };
      this.t = grow(this.t, new Float64Array(this.n * 2));
      this.v = grow(this.v, new Float64Array(this.n * 2));
      this.prio = grow(this.prio, new Uint32Array(this.n * 2));
    }
    this.t[this.n] = t;
    this.v[this.n] = v;
    this.prio[this.n] = prio;
    this.n++;
  }
}

/** Decodes a chunk into `buf`, skipping deleted samples; throws the iterator's error. */
function decodeInto(c: ChunkInput, prio: number, buf: SampleBuffer, deleted: Intervals): void {
  const it = newChunkIterator(c.data);
  while (it.next() !== 'none') {
    const t = it.atT();
    if (deleted.length > 0 && isDeleted(deleted, t)) continue;
    buf.push(t, it.atF(), prio);
  }
  const err = it.err();
  if (err) throw err;
}

/** Encodes samples `order` (indices into `buf`, increasing timestamps) into chunks. */
function encode(buf: SampleBuffer, order: ArrayLike<number>, n: number, out: ChunkInput[]): void {
  let i = 0;
  while (i < n) {
    const enc = newChunkEncoder();
    const end = Math.min(n, i + SAMPLES_PER_CHUNK);
    for (; i < end; i++) enc.append(buf.t[order[i]!]!, buf.v[order[i]!]!);
    out.push({ minT: enc.minT, maxT: enc.maxT, data: enc.bytes() });
  }
}

/** Merges a group of chunks sample by sample; the earliest chunk in input order wins ties. */
function mergeGroup(
  group: readonly ChunkInput[],
  prios: readonly number[],
  deleted: Intervals,
  buf: SampleBuffer,
  out: ChunkInput[],
): void {
  buf.reset();
  group.forEach((c, k) => {
    decodeInto(c, prios[k]!, buf, deleted);
  });
  const order = new Uint32Array(buf.n);
  for (let i = 0; i < buf.n; i++) order[i] = i;
  const { t, prio } = buf;
  order.sort((a, b) => t[a]! - t[b]! || prio[a]! - prio[b]!);
  let n = 0;
  for (let i = 0; i < order.length; i++) {
    if (n > 0 && t[order[n - 1]!] === t[order[i]!]) continue;
    order[n++] = order[i]!;
  }
  encode(buf, order, n, out);
}

/**
 * Returns the chunks of one series sorted by time without overlaps and without deleted samples.
 * Chunks that neither overlap others nor hold deleted samples are passed through untouched.
 * When chunks overlap, samples with equal timestamps are de-duplicated and the chunk that comes
 * first in `chunks` wins.
 */
export function normalizeChunks(
  chunks: readonly ChunkInput[],
  deleted: Intervals = [],
): ChunkInput[] {
  const idx = chunks.map((_, i) => i);
  idx.sort((a, b) => chunks[a]!.minT - chunks[b]!.minT || a - b);
  const out: ChunkInput[] = [];
  let buf: SampleBuffer | undefined;
  let i = 0;
  while (i < idx.length) {
    const first = chunks[idx[i]!]!;
    const group = [first];
    const prios = [idx[i]!];
    let maxT = first.maxT;
    let j = i + 1;
    for (; j < idx.length && chunks[idx[j]!]!.minT <= maxT; j++) {
      group.push(chunks[idx[j]!]!);
      prios.push(idx[j]!);
      maxT = Math.max(maxT, chunks[idx[j]!]!.maxT);
    }
    i = j;
    if (deleted.length > 0 && covers(deleted, first.minT, maxT)) continue;
    if (group.length === 1 && (deleted.length === 0 || !overlaps(deleted, first.minT, maxT))) {
      out.push(first);
      continue;
    }
    buf ??= new SampleBuffer();
    mergeGroup(group, prios, deleted, buf, out);
  }
  return coalesceSmall(out, buf);
}

/**
 * Re-encodes runs of two or more neighbouring small chunks (fewer than `SMALL_CHUNK` samples,
 * as cut by out-of-order ingestion or deletions) into full-size chunks: fewer, larger chunks
 * take fewer bytes per sample and less index space.
 */
function coalesceSmall(chunks: ChunkInput[], buf: SampleBuffer | undefined): ChunkInput[] {
  if (chunks.length < 2) return chunks;
  const counts = chunks.map((c) => chunkNumSamples(c.data));
  const small = (k: number): boolean => k < counts.length && counts[k]! < SMALL_CHUNK;
  if (!counts.some((n, k) => n < SMALL_CHUNK && small(k + 1))) return chunks;
  const out: ChunkInput[] = [];
  let i = 0;
  while (i < chunks.length) {
    if (!small(i) || !small(i + 1)) {
      out.push(chunks[i++]!);
      continue;
    }
    let j = i + 1;
    while (small(j)) j++;
    const run = chunks.slice(i, j);
    buf ??= new SampleBuffer();
    mergeGroup(
      run,
      run.map((_, k) => k),
      [],
      buf,
      out,
    );
    i = j;
  }
  return out;
}
