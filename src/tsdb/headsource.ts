/**
 * Feeding head data to the block writer: the series of the head that have samples in a time
 * range, sorted by labels, with their in-order and out-of-order chunks and deleted samples
 * removed.
 */
import { compareLabels, type Labels } from '../model/index.js';
import { ArraySeriesChunkSource, type ChunkInput } from './block/index.js';
import { XorEncoder, XorIterator } from './chunkenc/index.js';
import type { Head, HeadSeries } from './head/index.js';

/** One series' chunks for a block. */
interface SeriesChunks {
  labels: Labels;
  chunks: ChunkInput[];
}

/**
 * Collects the chunks of `s` that overlap [mint, maxt) (the writer drops samples outside).
 * The open chunk is copied; full chunks are immutable and shared.
 */
export function seriesChunksIn(s: HeadSeries, mint: number, maxt: number): ChunkInput[] {
  const out: ChunkInput[] = [];
  const overl = (a: number, b: number): boolean => b >= mint && a < maxt;
  const tm = s.times;
  if (s.chunks !== undefined && tm !== undefined) {
    for (let k = 0; k < s.chunks.length; k++) {
      if (overl(tm[k * 2]!, tm[k * 2 + 1]!)) {
        out.push({ minT: tm[k * 2]!, maxT: tm[k * 2 + 1]!, data: s.chunks[k]! });
      }
    }
  }
  const e = s.enc;
  if (e !== undefined && e.numSamples > 0 && overl(e.minT, e.maxT)) {
    out.push({ minT: e.minT, maxT: e.maxT, data: e.bytes() });
  }
  const o = s.ooo;
  if (o !== undefined) {
    for (let k = 0; k < o.chunks.length; k++) {
      if (overl(o.times[k * 2]!, o.times[k * 2 + 1]!)) {
        out.push({ minT: o.times[k * 2]!, maxT: o.times[k * 2 + 1]!, data: o.chunks[k]! });
      }
    }
  }
  return out;
}

/** Re-encodes chunks without the samples inside the deleted intervals (flat, inclusive). */
export function dropDeleted(
  chunks: readonly ChunkInput[],
  deleted: readonly number[],
): ChunkInput[] {
  const out: ChunkInput[] = [];
  const it = new XorIterator();
  for (const c of chunks) {
    let hit = false;
    for (let i = 0; i < deleted.length; i += 2) {
      if (deleted[i]! <= c.maxT && deleted[i + 1]! >= c.minT) hit = true;
    }
    if (!hit) {
      out.push(c);
      continue;
    }
    const e = new XorEncoder(c.data.length);
    it.reset(c.data);
    while (it.next() !== 'none') {
      const t = it.atT();
      let del = false;
      for (let i = 0; i < deleted.length && !del; i += 2) {
        del = deleted[i]! <= t && t <= deleted[i + 1]!;
      }
      if (!del) e.append(t, it.atF());
    }
    const err = it.err();
    if (err !== undefined) throw err;
    if (e.numSamples > 0) out.push({ minT: e.minT, maxT: e.maxT, data: e.bytes() });
  }
  return out;
}

/** A block writer source over head series; `isEmpty` tells whether any series has data. */
export class HeadChunkSource extends ArraySeriesChunkSource {
  constructor(
    private readonly count: number,
    /** The series, sorted by labels (for writing the block elsewhere, see `headblock-thread`). */
    readonly entries: readonly SeriesChunks[],
  ) {
    super(entries);
  }

  /** Whether no series has samples in the range. */
  isEmpty(): boolean {
    return this.count === 0;
  }
}

/** Returns a block writer source over the head's data in [mint, maxt). */
export function headChunkSource(head: Head, mint: number, maxt: number): HeadChunkSource {
  const list: SeriesChunks[] = [];
  for (const s of head.allSeries()) {
    if (s.maxTime() < mint || s.minTime() >= maxt) continue;
    let chunks = seriesChunksIn(s, mint, maxt);
    const del = head.tombstones.get(s.ref);
    if (del !== undefined) chunks = dropDeleted(chunks, del);
    if (chunks.length > 0) list.push({ labels: s.labels, chunks });
  }
  list.sort((a, b) => compareLabels(a.labels, b.labels));
  return new HeadChunkSource(list.length, list);
}

/** Rewrites the head series that have deletion intervals without the deleted samples. */
export function cleanHeadTombstones(head: Head): void {
  for (const [ref, del] of head.tombstones) {
    const s = head.seriesByRef(ref);
    if (s === undefined) continue;
    const inOrder = seriesChunksIn(s, -Infinity, Infinity).filter((c) => !isOoo(s, c.data));
    const kept = dropDeleted(inOrder, del);
    s.chunks = kept.map((c) => c.data);
    s.times = kept.flatMap((c) => [c.minT, c.maxT]);
    s.enc = undefined;
    const o = s.ooo;
    if (o !== undefined) {
      const oc = dropDeleted(
        o.chunks.map((data, k) => ({ minT: o.times[k * 2]!, maxT: o.times[k * 2 + 1]!, data })),
        del,
      );
      o.chunks.length = 0;
      o.times.length = 0;
      for (const c of oc) {
        o.chunks.push(c.data);
        o.times.push(c.minT, c.maxT);
      }
      let n = 0;
      for (let i = 0; i < o.n; i++) {
        const t = o.ts[i]!;
        let gone = false;
        for (let k = 0; k < del.length && !gone; k += 2) gone = del[k]! <= t && t <= del[k + 1]!;
        if (gone) continue;
        o.ts[n] = t;
        o.vs[n] = o.vs[i]!;
        n++;
      }
      o.n = n;
    }
  }
  head.tombstones.clear();
}

function isOoo(s: HeadSeries, data: Uint8Array): boolean {
  return s.ooo?.chunks.includes(data) ?? false;
}
