/**
 * Head series packed for the block-writing worker: a few typed arrays and one buffer of chunk
 * bytes, which move to the worker without copying (the buffer is transferred), instead of one
 * structured-clone object per series and chunk. Label strings go once each, as a symbol table.
 */
import { Labels } from '../model/index.js';
import type { ChunkInput } from './block/index.js';

/** One series for the block writer. */
export interface SeriesEntry {
  readonly labels: Labels;
  readonly chunks: readonly ChunkInput[];
}

/** Series (sorted by labels) with their chunks, packed. */
export interface PackedSeries {
  /** Distinct label strings. */
  readonly symbols: string[];
  /** Per series, where its labels start in `labelRefs` (one more entry than series). */
  readonly labelStarts: Uint32Array;
  /** Symbol numbers of every series' flat `[name, value, …]` labels. */
  readonly labelRefs: Uint32Array;
  /** Per series, where its chunks start (one more entry than series). */
  readonly chunkStarts: Uint32Array;
  /** Per chunk, `[minT, maxT]`. */
  readonly chunkTimes: Float64Array;
  /** Per chunk, the end of its bytes in `data` (a chunk starts where the previous one ends). */
  readonly chunkEnds: Uint32Array;
  /** The bytes of every chunk, back to back, in a buffer of their own. */
  readonly data: Uint8Array;
}

/** Packs `list`; the chunk bytes are copied, so the head may change afterwards. */
export function packSeries(list: readonly SeriesEntry[]): PackedSeries {
  const ids = new Map<string, number>();
  const symbols: string[] = [];
  let nLabels = 0;
  let nChunks = 0;
  let nBytes = 0;
  for (const s of list) {
    nLabels += s.labels.flat.length;
    nChunks += s.chunks.length;
    for (const c of s.chunks) nBytes += c.data.length;
  }
  const labelStarts = new Uint32Array(list.length + 1);
  const labelRefs = new Uint32Array(nLabels);
  const chunkStarts = new Uint32Array(list.length + 1);
  const chunkTimes = new Float64Array(nChunks * 2);
  const chunkEnds = new Uint32Array(nChunks);
  const data = new Uint8Array(nBytes);
  let li = 0;
  let ci = 0;
  let off = 0;
  for (let i = 0; i < list.length; i++) {
    const s = list[i]!;
    labelStarts[i] = li;
    chunkStarts[i] = ci;
    for (const x of s.labels.flat) {
      let id = ids.get(x);
      if (id === undefined) {
        id = symbols.length;
        symbols.push(x);
        ids.set(x, id);
      }
      labelRefs[li++] = id;
    }
    for (const c of s.chunks) {
      chunkTimes[ci * 2] = c.minT;
      chunkTimes[ci * 2 + 1] = c.maxT;
      data.set(c.data, off);
      off += c.data.length;
      chunkEnds[ci++] = off;
    }
  }
  labelStarts[list.length] = li;
  chunkStarts[list.length] = ci;
  return { symbols, labelStarts, labelRefs, chunkStarts, chunkTimes, chunkEnds, data };
}

/** The buffers `packSeries` allocated, to transfer to the worker. */
export function packedBuffers(p: PackedSeries): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const a of [p.labelStarts, p.labelRefs, p.chunkStarts, p.chunkTimes, p.chunkEnds, p.data]) {
    if (a.buffer instanceof ArrayBuffer && a.buffer.byteLength > 0 && !out.includes(a.buffer)) {
      out.push(a.buffer);
    }
  }
  return out;
}

/** Unpacks series; chunk bytes are views into `p.data`. */
export function unpackSeries(p: PackedSeries): SeriesEntry[] {
  const n = p.labelStarts.length - 1;
  const out = new Array<SeriesEntry>(n);
  for (let i = 0; i < n; i++) {
    const flat: string[] = [];
    for (let k = p.labelStarts[i]!; k < p.labelStarts[i + 1]!; k++) {
      flat.push(p.symbols[p.labelRefs[k]!]!);
    }
    const chunks: ChunkInput[] = [];
    for (let c = p.chunkStarts[i]!; c < p.chunkStarts[i + 1]!; c++) {
      const start = c === 0 ? 0 : p.chunkEnds[c - 1]!;
      chunks.push({
        minT: p.chunkTimes[c * 2]!,
        maxT: p.chunkTimes[c * 2 + 1]!,
        data: p.data.subarray(start, p.chunkEnds[c]),
      });
    }
    out[i] = { labels: Labels.fromSortedFlat(flat), chunks };
  }
  return out;
}
