/**
 * The block querier: the storage seam over one persisted block. Matchers are resolved through
 * postings, series entries and chunks are fetched with merged positioned reads before `select`
 * resolves, and iteration is synchronous and exact: only samples inside [mint, maxt] that no
 * tombstone deletes, and only series that have such samples.
 */
import { Labels, cmpStr, type Matcher } from '../../model/index.js';
import {
  ListSeriesSet,
  emptySeriesSet,
  type LabelHints,
  type Querier,
  type SampleIterator,
  type SelectHints,
  type Series,
  type SeriesSet,
} from '../../storage/index.js';
import type { ChunkReader } from './chunks.js';
import type { IndexReader } from './index-reader.js';
import { BlockSeriesIterator } from './iterator.js';
import { postingsForMatchers } from './matchers.js';
import { intersect, union } from './postings.js';
import type { BlockMeta } from './meta.js';
import { CHUNK_META_FIELDS, type SeriesEntry } from './series.js';
import { covers, overlaps, type Intervals } from './tombstones.js';

/** What a querier needs from its block. */
export interface BlockAccess {
  readonly ir: IndexReader;
  readonly cr: ChunkReader;
  readonly meta: BlockMeta;
  /** Current tombstones by series reference. */
  tombstones(): ReadonlyMap<number, Intervals>;
  /** Runs `fn` unless the block is closed; `close()` waits for running calls. */
  run<T>(verb: string, fn: () => Promise<T>): Promise<T>;
}

/** One series selected from a block; its samples are in memory. */
class BlockSeries implements Series {
  constructor(
    readonly labels: Labels,
    private readonly chunks: readonly Uint8Array[],
    private readonly chunkMaxT: readonly number[],
    private readonly mint: number,
    private readonly maxt: number,
    private readonly deleted: Intervals,
  ) {}

  iterator(): SampleIterator {
    return new BlockSeriesIterator(this.chunks, this.chunkMaxT, this.mint, this.maxt, this.deleted);
  }
}

/** A series entry narrowed to its chunks that may hold samples in range. */
interface Candidate {
  entry: SeriesEntry;
  /** Chunk positions (in `entry.chunks`) overlapping the range and not wholly deleted. */
  chunks: number[];
  /** Whether a sample in range is certain without decoding (a chunk lies wholly inside). */
  sure: boolean;
}

/** Querier over one block; see the file comment. */
export class BlockQuerier implements Querier {
  private closed = false;

  constructor(
    private readonly b: BlockAccess,
    private readonly mint: number,
    private readonly maxt: number,
  ) {}

  private assertOpen(verb: string): void {
    if (this.closed) throw new Error(`cannot ${verb}: querier is closed`);
  }

  private candidates(
    entries: readonly SeriesEntry[],
    ts: ReadonlyMap<number, Intervals>,
    mint: number,
    maxt: number,
  ): Candidate[] {
    const out: Candidate[] = [];
    for (const e of entries) {
      const del = ts.get(e.ref) ?? [];
      const chunks: number[] = [];
      let sure = false;
      for (let o = 0, c = 0; o < e.chunks.length; o += CHUNK_META_FIELDS, c++) {
        const lo = e.chunks[o]!;
        const hi = e.chunks[o + 1]!;
        if (hi < mint || lo > maxt) continue;
        if (del.length > 0 && covers(del, Math.max(lo, mint), Math.min(hi, maxt))) continue;
        chunks.push(c);
        if (lo >= mint && hi <= maxt && (del.length === 0 || !overlaps(del, lo, hi))) sure = true;
      }
      if (chunks.length > 0) out.push({ entry: e, chunks, sure });
    }
    return out;
  }

  private async load(cands: readonly Candidate[], onlyUnsure: boolean): Promise<Uint8Array[][]> {
    const refs: number[] = [];
    const lens: number[] = [];
    for (const c of cands) {
      if (onlyUnsure && c.sure) continue;
      for (const k of c.chunks) {
        refs.push(c.entry.chunks[k * CHUNK_META_FIELDS + 2]!);
        lens.push(c.entry.chunks[k * CHUNK_META_FIELDS + 3]!);
      }
    }
    const data = await this.b.cr.readMany(refs, lens);
    let at = 0;
    return cands.map((c) => (onlyUnsure && c.sure ? [] : c.chunks.map(() => data[at++]!)));
  }

  private seriesOf(
    c: Candidate,
    labels: Labels,
    data: readonly Uint8Array[],
    ts: ReadonlyMap<number, Intervals>,
    mint: number,
    maxt: number,
  ): BlockSeries {
    const maxTs = c.chunks.map((k) => c.entry.chunks[k * CHUNK_META_FIELDS + 1]!);
    const del = ts.get(c.entry.ref) ?? [];
    return new BlockSeries(labels, data, maxTs, mint, maxt, del);
  }

  /** Series (entries) matching the matchers with at least one sample in [mint, maxt]. */
  private async matching(
    matchers: readonly Matcher[],
    mint: number,
    maxt: number,
    withName = -1,
  ): Promise<SeriesEntry[]> {
    const { ir } = this.b;
    let postings = await postingsForMatchers(ir, matchers);
    if (withName >= 0 && postings.length > 0) {
      // Only series that have the label can contribute values.
      const lo = ir.nameFirstPair[withName]!;
      const hi = ir.nameFirstPair[withName + 1]!;
      const pairs = Array.from({ length: hi - lo }, (_, i) => lo + i);
      postings = intersect(postings, union(await ir.postings(pairs)));
    }
    const ts = this.b.tombstones();
    const cands = this.candidates(await ir.series(postings), ts, mint, maxt);
    const data = await this.load(cands, true);
    return cands
      .filter(
        (c, i) =>
          c.sure ||
          this.seriesOf(c, Labels.EMPTY, data[i]!, ts, mint, maxt).iterator().next() !== 'none',
      )
      .map((c) => c.entry);
  }

  select(
    _sorted: boolean,
    hints: SelectHints | undefined,
    matchers: readonly Matcher[],
    signal?: AbortSignal,
  ): Promise<SeriesSet> {
    return this.b.run('select series', async () => {
      signal?.throwIfAborted();
      this.assertOpen('select');
      const mint = hints ? Math.max(this.mint, hints.start) : this.mint;
      const maxt = hints ? Math.min(this.maxt, hints.end) : this.maxt;
      if (matchers.length === 0 || !this.overlapsBlock(mint, maxt)) return emptySeriesSet();
      const { ir } = this.b;
      if (hints?.func === 'series') return this.selectLabelsOnly(matchers, mint, maxt, hints.limit);
      const postings = await postingsForMatchers(ir, matchers);
      signal?.throwIfAborted();
      const ts = this.b.tombstones();
      const cands = this.candidates(await ir.series(postings), ts, mint, maxt);
      signal?.throwIfAborted();
      const data = await this.load(cands, false);
      const labels = await ir.labelsOf(cands.map((c) => c.entry));
      const out: BlockSeries[] = [];
      const limit = hints?.limit ?? 0;
      for (let i = 0; i < cands.length && (limit <= 0 || out.length < limit); i++) {
        const s = this.seriesOf(cands[i]!, labels[i]!, data[i]!, ts, mint, maxt);
        if (cands[i]!.sure || s.iterator().next() !== 'none') out.push(s);
      }
      return new ListSeriesSet(out);
    });
  }

  /**
   * Metadata-only select (`hints.func === 'series'`, as the series API uses): the same series,
   * but their iterators are empty and no chunks are read except to decide whether a series has
   * samples in the range when no chunk lies wholly inside it.
   */
  private async selectLabelsOnly(
    matchers: readonly Matcher[],
    mint: number,
    maxt: number,
    limit = 0,
  ): Promise<SeriesSet> {
    let entries = await this.matching(matchers, mint, maxt);
    if (limit > 0 && entries.length > limit) entries = entries.slice(0, limit);
    const labels = await this.b.ir.labelsOf(entries);
    return new ListSeriesSet(labels.map((l) => new BlockSeries(l, [], [], mint, maxt, [])));
  }

  labelValues(name: string, matchers: readonly Matcher[], hints?: LabelHints): Promise<string[]> {
    return this.b.run('read label values', async () => {
      this.assertOpen('read label values');
      const { ir } = this.b;
      const ni = ir.nameIndex(name);
      if (ni < 0 || !this.overlapsBlock(this.mint, this.maxt)) return [];
      let out: string[];
      if (matchers.length === 0 && this.coversBlock()) {
        out = await ir.values(ni);
      } else {
        const lo = ir.nameFirstPair[ni]!;
        const hi = ir.nameFirstPair[ni + 1]!;
        const syms = new Set<number>();
        for (const e of await this.matching(matchers, this.mint, this.maxt, ni)) {
          for (const p of e.pairs) if (p >= lo && p < hi) syms.add(ir.pairValueSym[p]!);
        }
        const look = await ir.symbols.resolve(syms);
        out = [...syms].sort((a, b) => a - b).map((s) => look.get(s));
      }
      return limited(out, hints);
    });
  }

  labelNames(matchers: readonly Matcher[], hints?: LabelHints): Promise<string[]> {
    return this.b.run('read label names', async () => {
      this.assertOpen('read label names');
      const { ir } = this.b;
      if (!this.overlapsBlock(this.mint, this.maxt)) return [];
      if (matchers.length === 0 && this.coversBlock()) return limited([...ir.names], hints);
      const names = new Set<string>();
      for (const e of await this.matching(matchers, this.mint, this.maxt)) {
        for (const p of e.pairs) names.add(ir.names[ir.nameOfPair(p)]!);
      }
      return limited([...names].sort(cmpStr), hints);
    });
  }

  close(): void {
    this.closed = true;
  }

  private overlapsBlock(mint: number, maxt: number): boolean {
    return mint <= maxt && mint < this.b.meta.maxTime && maxt >= this.b.meta.minTime;
  }

  /** Whether the range covers the whole block and nothing is deleted (metadata is exact). */
  private coversBlock(): boolean {
    const m = this.b.meta;
    return this.mint <= m.minTime && this.maxt >= m.maxTime - 1 && this.b.tombstones().size === 0;
  }
}

function limited(out: string[], hints: LabelHints | undefined): string[] {
  const limit = hints?.limit ?? 0;
  if (limit > 0 && out.length > limit) out.length = limit;
  return out;
}
