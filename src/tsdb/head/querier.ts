/**
 * Reading the head: a querier over a time range that selects series through the inverted index
 * and returns series whose iterators walk a snapshot of the chunks, merged with out-of-order
 * data, restricted exactly to the range and with deleted intervals skipped.
 */
import { cmpStr, compareLabels, type Labels, type Matcher } from '../../model/index.js';
import {
  ArraySampleIterator,
  ListSeriesSet,
  emptySeriesSet,
  type LabelHints,
  type Querier,
  type SampleIterator,
  type SelectHints,
  type Series,
  type SeriesSet,
} from '../../storage/index.js';
import { XorIterator } from '../chunkenc/index.js';
import type { Head } from './head.js';
import { BoundedIterator, ChunkSeqIterator, MergeIterator } from './iterators.js';
import type { HeadSeries } from './series.js';

/**
 * A head series as of the moment it was selected. It holds references to immutable chunk bytes
 * (and a copy of buffered out-of-order samples), so later appends and truncation do not affect it.
 */
export class HeadQuerySeries implements Series {
  constructor(
    readonly labels: Labels,
    private readonly chunks: readonly Uint8Array[],
    private readonly maxTs: readonly number[],
    private readonly oooChunks: readonly Uint8Array[] | undefined,
    private readonly oooTs: Float64Array | undefined,
    private readonly oooVs: Float64Array | undefined,
    private readonly mint: number,
    private readonly maxt: number,
    private readonly deleted: readonly number[] | undefined,
  ) {}

  /** An iterator already moved to its first sample by `snapshotSeries`, handed out once. */
  primed: BoundedIterator | undefined = undefined;

  iterator(): SampleIterator {
    const p = this.primed;
    if (p !== undefined) {
      this.primed = undefined;
      return p;
    }
    return this.newIterator();
  }

  /** A new iterator over the snapshot, restricted to the range and without deleted samples. */
  newIterator(): BoundedIterator {
    let it: SampleIterator = new ChunkSeqIterator(this.chunks, this.maxTs);
    if (this.oooChunks !== undefined || this.oooTs !== undefined) {
      const its: SampleIterator[] = [it];
      for (const c of this.oooChunks ?? []) its.push(new XorIterator().reset(c));
      if (this.oooTs !== undefined && this.oooVs !== undefined) {
        its.push(new ArraySampleIterator(this.oooTs, this.oooVs));
      }
      it = new MergeIterator(its);
    }
    return new BoundedIterator(it, this.mint, this.maxt, this.deleted);
  }
}

/**
 * Snapshots the part of `s` within [mint, maxt]; undefined when no sample (left after
 * deletions) lies in the range.
 */
export function snapshotSeries(
  s: HeadSeries,
  mint: number,
  maxt: number,
  deleted: readonly number[] | undefined,
): HeadQuerySeries | undefined {
  if (s.maxTime() < mint || s.minTime() > maxt) return undefined;
  const chunks: Uint8Array[] = [];
  const maxTs: number[] = [];
  // Whether a sample surely lies in the range: chunk min and max times are sample times, so an
  // overlapping chunk whose min or max falls in the range has one. Otherwise (the range inside a
  // chunk, or deletions) an iterator is moved to the first sample and kept for the reader.
  let certain = false;
  const tm = s.times;
  if (s.chunks !== undefined && tm !== undefined) {
    const nc = s.chunks.length;
    let lo = 0;
    let hi = nc;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (tm[mid * 2 + 1]! < mint) lo = mid + 1;
      else hi = mid;
    }
    for (let k = lo; k < nc && tm[k * 2]! <= maxt; k++) {
      chunks.push(s.chunks[k]!);
      maxTs.push(tm[k * 2 + 1]!);
      if (tm[k * 2]! >= mint || tm[k * 2 + 1]! <= maxt) certain = true;
    }
  }
  const e = s.enc;
  if (e !== undefined && e.numSamples > 0 && e.maxT >= mint && e.minT <= maxt) {
    chunks.push(e.view());
    maxTs.push(e.maxT);
    if (e.minT >= mint || e.maxT <= maxt) certain = true;
  }
  let oooChunks: Uint8Array[] | undefined;
  let oooTs: Float64Array | undefined;
  let oooVs: Float64Array | undefined;
  const o = s.ooo;
  if (o !== undefined) {
    for (let k = 0; k < o.chunks.length; k++) {
      if (o.times[k * 2 + 1]! >= mint && o.times[k * 2]! <= maxt) {
        (oooChunks ??= []).push(o.chunks[k]!);
        if (o.times[k * 2]! >= mint || o.times[k * 2 + 1]! <= maxt) certain = true;
      }
    }
    let a = 0;
    while (a < o.n && o.ts[a]! < mint) a++;
    let b = a;
    while (b < o.n && o.ts[b]! <= maxt) b++;
    if (b > a) {
      oooTs = o.ts.slice(a, b);
      oooVs = o.vs.slice(a, b);
      certain = true;
    }
  }
  if (chunks.length === 0 && oooChunks === undefined && oooTs === undefined) return undefined;
  const qs = new HeadQuerySeries(
    s.labels,
    chunks,
    maxTs,
    oooChunks,
    oooTs,
    oooVs,
    mint,
    maxt,
    deleted,
  );
  if (!certain || deleted !== undefined) {
    const it = qs.newIterator();
    if (!it.prime()) return it.err() === undefined ? undefined : qs;
    qs.primed = it;
  }
  return qs;
}

/** A querier over the head for [mint, maxt]. */
export class HeadQuerier implements Querier {
  private closed = false;

  constructor(
    private readonly head: Head,
    private readonly mint: number,
    private readonly maxt: number,
  ) {}

  // eslint-disable-next-line @typescript-eslint/require-await -- async turns throws into rejections
  async select(
    sorted: boolean,
    hints: SelectHints | undefined,
    matchers: readonly Matcher[],
    signal?: AbortSignal,
  ): Promise<SeriesSet> {
    signal?.throwIfAborted();
    this.assertOpen('select');
    if (matchers.length === 0) return emptySeriesSet();
    const mint = hints ? Math.max(this.mint, hints.start) : this.mint;
    const maxt = hints ? Math.min(this.maxt, hints.end) : this.maxt;
    const out = this.selectSeries(matchers, mint, maxt);
    if (sorted) out.sort((x, y) => compareLabels(x.labels, y.labels));
    const limit = hints?.limit ?? 0;
    if (limit > 0 && out.length > limit) out.length = limit;
    return new ListSeriesSet(out);
  }

  /** The selected series, unsorted (synchronous: postings views are used before any change). */
  selectSeries(matchers: readonly Matcher[], mint: number, maxt: number): HeadQuerySeries[] {
    const head = this.head;
    const out: HeadQuerySeries[] = [];
    if (mint > maxt) return out;
    for (const ref of head.index.postingsForMatchers(matchers)) {
      const s = head.seriesByRef(ref);
      if (s === undefined) continue;
      const qs = snapshotSeries(s, mint, maxt, head.tombstones.get(ref));
      if (qs !== undefined) out.push(qs);
    }
    return out;
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async turns throws into rejections
  async labelValues(
    name: string,
    matchers: readonly Matcher[],
    hints?: LabelHints,
  ): Promise<string[]> {
    this.assertOpen('read label values');
    const set = new Set<string>();
    if (matchers.length === 0) {
      const values = this.head.index.valuesOf(name);
      for (const [v, p] of values ?? []) {
        for (const ref of p.view()) {
          if (this.hasData(ref)) {
            set.add(v);
            break;
          }
        }
      }
    } else {
      for (const ref of this.head.index.postingsForMatchers(matchers)) {
        const s = this.head.seriesByRef(ref);
        const v = s?.labels.get(name) ?? '';
        if (v !== '' && !set.has(v) && this.hasData(ref)) set.add(v);
      }
    }
    return sortedLimited(set, hints);
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async turns throws into rejections
  async labelNames(matchers: readonly Matcher[], hints?: LabelHints): Promise<string[]> {
    this.assertOpen('read label names');
    const set = new Set<string>();
    const index = this.head.index;
    if (matchers.length === 0) {
      for (const name of index.labelNames()) {
        let found = false;
        for (const [, p] of index.valuesOf(name) ?? []) {
          for (const ref of p.view()) {
            if (this.hasData(ref)) {
              found = true;
              break;
            }
          }
          if (found) break;
        }
        if (found) set.add(name);
      }
    } else {
      for (const ref of index.postingsForMatchers(matchers)) {
        if (!this.hasData(ref)) continue;
        this.head.seriesByRef(ref)?.labels.forEach((n) => set.add(n));
      }
    }
    return sortedLimited(set, hints);
  }

  private hasData(ref: number): boolean {
    const s = this.head.seriesByRef(ref);
    if (s === undefined) return false;
    const lo = s.minTime();
    const hi = s.maxTime();
    if (lo > hi || lo > this.maxt || hi < this.mint) return false;
    const del = this.head.tombstones.get(ref);
    // Fast path: all of a non-empty series lies in the range and nothing is deleted.
    if (lo >= this.mint && hi <= this.maxt && del === undefined) return true;
    return snapshotSeries(s, this.mint, this.maxt, del) !== undefined;
  }

  close(): void {
    this.closed = true;
  }

  private assertOpen(verb: string): void {
    if (this.closed) throw new Error(`cannot ${verb}: querier is closed`);
  }
}

function sortedLimited(set: ReadonlySet<string>, hints: LabelHints | undefined): string[] {
  const out = [...set].sort(cmpStr);
  const limit = hints?.limit ?? 0;
  if (limit > 0 && out.length > limit) out.length = limit;
  return out;
}
