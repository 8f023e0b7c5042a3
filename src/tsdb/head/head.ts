/**
 * The head: the in-memory, writable part of the database. It holds every active series with its
 * recent chunks, the inverted index over their labels, deletion intervals, and the time range it
 * covers. Appenders add to it; queriers read it like a block.
 */
import { BadInputError, Labels, type Matcher } from '../../model/index.js';
import type { Appender } from '../../storage/index.js';
import { HeadAppender, type CommitLog } from './appender.js';
import { MemIndex } from './memindex.js';
import { SeriesTable } from './seriestable.js';
import { HeadSeries, truncateResult, type ApplyResult, type ChunkCutOptions } from './series.js';

/** Estimated memory of one cached persisted chunk besides its bytes (array objects). */
const COLD_CHUNK_COST = 160;
/** Estimated memory of a series kept only for its cached persisted chunks. */
const COLD_SERIES_COST = 1024;

/** Options of the head. */
export interface HeadOptions {
  /** Block range in ms: chunks never span a multiple of it. */
  readonly chunkRangeMs: number;
  /** Samples per in-order chunk (Prometheus uses 120; more samples amortise per-chunk cost). */
  readonly maxSamplesPerChunk: number;
  /** Encoded bytes per in-order chunk. */
  readonly maxChunkBytes: number;
  /** Samples buffered per series out of order before they are cut into a chunk. */
  readonly oooCapacity: number;
  /**
   * Samples older than the newest head sample minus this many ms are rejected with
   * `OutOfBoundsError` (0 = accept any age). The database sets it to the retention.
   */
  readonly maxSampleAgeMs: number;
  /**
   * Memory (estimated: chunk bytes, their arrays, and series kept only for them) of persisted
   * chunks the head keeps, newest first, to detect duplicates of late samples against data
   * already written to blocks; 0 disables. Queries never read them.
   */
  readonly coldCacheBytes: number;
  /**
   * Asked before an appender creates a series (never during WAL replay): an error refuses it
   * and is thrown from `append`. Existing series are not asked. Undefined admits every series.
   */
  readonly admitSeries?: SeriesAdmission;
}

/**
 * Decides whether a new series may be created; `head` gives the active series in all and per
 * metric name. Returns the error to throw, or undefined to admit.
 */
export type SeriesAdmission = (
  labels: Labels,
  head: { readonly numSeries: number; seriesWithName(name: string): number },
) => Error | undefined;

/** Returns the default head options. */
export function defaultHeadOptions(): HeadOptions {
  return {
    chunkRangeMs: 2 * 3600 * 1000,
    maxSamplesPerChunk: 240,
    maxChunkBytes: 1024,
    oooCapacity: 32,
    maxSampleAgeMs: 0,
    coldCacheBytes: 16 * 1024 * 1024,
  };
}

/** Counters of what the head has done since it was created. */
export interface HeadCounters {
  samplesAppended: number;
  samplesOutOfOrder: number;
  duplicatesDropped: number;
  seriesCreated: number;
  seriesRemoved: number;
  chunksRemoved: number;
}

/** The in-memory head. Single owner; all methods are synchronous except commits via appenders. */
export class Head {
  /** Options in effect. */
  readonly opts: HeadOptions;
  /** Chunk cutting limits derived from the options. */
  readonly cut: ChunkCutOptions;
  /** The inverted index. */
  readonly index = new MemIndex();
  private readonly byRef = new SeriesTable();
  private readonly byHash = new Map<number, HeadSeries | HeadSeries[]>();
  private readonly symbols = new Map<string, string>();
  private nextRef = 1;
  /** Deletion intervals per series: flat sorted `[start, end, …]`, inclusive. */
  readonly tombstones = new Map<number, number[]>();
  /** Smallest and largest sample timestamps ever applied (not lowered by truncation). */
  private minT = Infinity;
  private maxT = -Infinity;
  /** In-order samples below this go to the out-of-order part (data before it was persisted). */
  minValidT = -Infinity;
  /** Counters for statistics. */
  readonly counters: HeadCounters = {
    samplesAppended: 0,
    samplesOutOfOrder: 0,
    duplicatesDropped: 0,
    seriesCreated: 0,
    seriesRemoved: 0,
    chunksRemoved: 0,
  };
  /** Logs commits durably before they are applied (the WAL); undefined means in-memory only. */
  log: CommitLog | undefined = undefined;
  /** Series created since the last successful log write (only tracked when `log` is set). */
  private unlogged: HeadSeries[] = [];

  constructor(opts: Partial<HeadOptions> = {}) {
    this.opts = { ...defaultHeadOptions(), ...opts };
    this.cut = {
      maxSamples: this.opts.maxSamplesPerChunk,
      maxBytes: this.opts.maxChunkBytes,
      rangeMs: this.opts.chunkRangeMs,
      oooCap: this.opts.oooCapacity,
    };
  }

  private appenderSeq = 0;
  /** Appenders not yet committed or rolled back. */
  private readonly liveAppenders = new Set<number>();
  /**
   * Per live appender, series another appender took over while it had samples buffered for
   * them, with the largest timestamp it had buffered (see `HeadSeries.pendingOwner`).
   */
  private readonly stolen = new Map<number, Map<HeadSeries, number>>();

  /** Registers a new appender and returns its id (never 0). */
  nextAppenderId(): number {
    const id = ++this.appenderSeq;
    this.liveAppenders.add(id);
    return id;
  }

  /** Unregisters an appender at commit or rollback. */
  appenderDone(id: number): void {
    this.liveAppenders.delete(id);
    this.stolen.delete(id);
  }

  /**
   * Makes appender `id` the pending owner of `s`. Returns the largest timestamp `id` had buffered
   * for `s` before another appender took it over, or -Infinity when unknown (nothing buffered).
   */
  takePending(s: HeadSeries, id: number): number {
    const prev = s.pendingOwner;
    if (prev !== 0 && prev !== id && this.liveAppenders.has(prev)) {
      let m = this.stolen.get(prev);
      if (m === undefined) {
        m = new Map();
        this.stolen.set(prev, m);
      }
      m.set(s, s.pendingMaxT);
    }
    s.pendingOwner = id;
    const mine = this.stolen.get(id);
    const t = mine?.get(s);
    if (t === undefined) return -Infinity;
    mine!.delete(s);
    return t;
  }

  /** Starts a batch of writes. */
  appender(): Appender {
    return new HeadAppender(this);
  }

  /** Number of series. */
  get numSeries(): number {
    return this.byRef.size;
  }

  /** Number of series whose metric name is `name`. */
  seriesWithName(name: string): number {
    return this.index.valuesOf('__name__')?.get(name)?.length ?? 0;
  }

  /** Smallest timestamp in the head, or undefined when empty. */
  minTime(): number | undefined {
    return this.minT === Infinity ? undefined : this.minT;
  }

  /** Largest timestamp in the head, or undefined when empty. */
  maxTime(): number | undefined {
    return this.maxT === -Infinity ? undefined : this.maxT;
  }

  private recomputeMinT(): number {
    let m = Infinity;
    for (const s of this.byRef.values()) {
      const x = s.minTime();
      if (x < m) m = x;
    }
    this.minT = m;
    if (m === Infinity) this.maxT = -Infinity;
    return m;
  }

  /** The series with a reference, if it exists. */
  seriesByRef(ref: number): HeadSeries | undefined {
    return this.byRef.get(ref);
  }

  /** Iterates all series (do not add or remove series while iterating). */
  allSeries(): IterableIterator<HeadSeries> {
    return this.byRef.values();
  }

  /** Finds the series with exactly these labels. */
  getByLabels(labels: Labels): HeadSeries | undefined {
    const e = this.byHash.get(labels.hash());
    if (e === undefined) return undefined;
    if (!Array.isArray(e)) return e.labels.equals(labels) ? e : undefined;
    for (const s of e) if (s.labels.equals(labels)) return s;
    return undefined;
  }

  /**
   * Returns the series with these labels, creating it (with `ref` when given and free, as WAL
   * replay does) when missing; with `admit`, `opts.admitSeries` may refuse the creation (it
   * throws). Second element: whether it was created.
   */
  getOrCreate(labels: Labels, ref = 0, admit = false): [HeadSeries, boolean] {
    const found = this.getByLabels(labels);
    if (found !== undefined) return [found, false];
    if (labels.size === 0) {
      throw new BadInputError('cannot append sample: the series has no labels');
    }
    const refused = admit ? this.opts.admitSeries?.(labels, this) : undefined;
    if (refused !== undefined) throw refused;
    let r = ref;
    if (r === 0 || this.byRef.has(r)) r = this.nextRef;
    if (r >= this.nextRef) this.nextRef = r + 1;
    const s = new HeadSeries(r, this.intern(labels));
    this.byRef.set(r, s);
    const h = labels.hash();
    const e = this.byHash.get(h);
    if (e === undefined) this.byHash.set(h, s);
    else if (Array.isArray(e)) e.push(s);
    else this.byHash.set(h, [e, s]);
    this.index.add(r, s.labels);
    this.counters.seriesCreated++;
    if (this.log !== undefined) this.unlogged.push(s);
    return [s, true];
  }

  /** Commits between their log write and their apply, as promises that settle when applied. */
  private readonly inflight = new Set<Promise<void>>();

  /** Registers a commit that starts its log write; call the returned function once applied. */
  beginCommit(): () => void {
    let resolve!: () => void;
    const p = new Promise<void>((r) => (resolve = r));
    this.inflight.add(p);
    return () => {
      this.inflight.delete(p);
      resolve();
    };
  }

  /**
   * Resolves once every commit in flight now has been applied (or failed). A WAL checkpoint
   * waits for it after cutting the segment, so that every sample logged before the cut is in
   * the head when the checkpoint decides what to keep.
   */
  async appliedInflight(): Promise<void> {
    await Promise.all([...this.inflight]);
  }

  /** Takes the series not yet logged; the commit that takes them logs them first. */
  takeUnlogged(): HeadSeries[] {
    const out = this.unlogged.filter((s) => !s.dead);
    this.unlogged = [];
    return out;
  }

  /** Gives series back after a failed log write, so the next commit logs them. */
  returnUnlogged(series: readonly HeadSeries[]): void {
    this.unlogged.unshift(...series);
  }

  /**
   * Interns the strings of `labels` so that many series share one copy of each, and returns the
   * label set the series keeps: `labels` itself, its strings replaced in place by the equal
   * interned ones. No user of the label set can tell (the strings are equal, so content, order
   * and hash stay the same), and a writer that caches the label set it appended with (remote
   * write does) shares it with the head instead of holding a second copy. A frozen array is
   * copied instead.
   */
  private intern(labels: Labels): Labels {
    const f = labels.flat;
    const target = Object.isFrozen(f) ? f.slice() : (f as string[]);
    for (let i = 0; i < f.length; i++) {
      const x = f[i]!;
      const y = this.symbols.get(x);
      if (y === undefined) this.symbols.set(x, x);
      else target[i] = y;
    }
    return target === f ? labels : Labels.fromSortedFlat(target);
  }

  /** Applies one committed sample and keeps the counters. */
  applySample(s: HeadSeries, t: number, v: number): ApplyResult {
    let series = s;
    if (series.dead) series = this.getOrCreate(series.labels, series.ref)[0];
    const r = series.apply(t, v, this.minValidT, this.cut);
    switch (r) {
      case 'appended':
      case 'ooo':
        this.counters.samplesAppended++;
        if (r === 'ooo') this.counters.samplesOutOfOrder++;
        if (t < this.minT) this.minT = t;
        if (t > this.maxT) this.maxT = t;
        break;
      case 'same':
        break;
      case 'duplicate':
        this.counters.duplicatesDropped++;
        break;
    }
    return r;
  }

  /**
   * Records deletion of samples in [mint, maxt] for series matching the matchers (none when
   * the list is empty). Returns the references of the series affected.
   */
  deleteSeries(mint: number, maxt: number, matchers: readonly Matcher[]): number[] {
    const out: number[] = [];
    if (matchers.length === 0) return out;
    for (const ref of this.index.postingsForMatchers(matchers)) {
      const s = this.byRef.get(ref);
      if (s === undefined || s.maxTime() < mint || s.minTime() > maxt) continue;
      this.addTombstone(ref, mint, maxt);
      out.push(ref);
    }
    return out;
  }

  /** Adds a deletion interval to one series. */
  addTombstone(ref: number, mint: number, maxt: number): void {
    if (!this.byRef.has(ref)) return;
    this.tombstones.set(ref, addInterval(this.tombstones.get(ref) ?? [], mint, maxt));
  }

  /**
   * Prepares persisting the data before `boundary`: from now on in-order samples before it go
   * to the out-of-order part, and buffered out-of-order samples are cut into chunks, split at
   * the boundary (so that nothing before it stays behind to be persisted again). Returns,
   * per series reference, how many out-of-order chunks exist now (pass it to `truncate`).
   */
  prepareTruncate(boundary: number): Map<number, number> {
    if (boundary > this.minValidT) this.minValidT = boundary;
    const counts = new Map<number, number>();
    for (const s of this.byRef.values()) {
      const o = s.ooo;
      if (o === undefined) continue;
      o.cutAndSplit(boundary);
      counts.set(s.ref, o.chunks.length);
    }
    return counts;
  }

  /**
   * Drops data before `mint` (persisted elsewhere) and removes series left empty. Called after
   * the data before `mint` was written to a block. `oooPersisted` (from `prepareTruncate`)
   * limits which out-of-order chunks may go; without it all may. Returns the series removed.
   */
  truncate(mint: number, oooPersisted?: ReadonlyMap<number, number>): number {
    if (mint > this.minValidT) this.minValidT = mint;
    const keepCold = this.opts.coldCacheBytes > 0;
    for (const s of this.byRef.values()) {
      const limit = oooPersisted === undefined ? Infinity : (oooPersisted.get(s.ref) ?? 0);
      s.truncateBefore(mint, limit, keepCold);
      this.counters.chunksRemoved += truncateResult.dropped;
      this.coldBytes += truncateResult.coldBytes;
      const tomb = this.tombstones.get(s.ref);
      if (tomb !== undefined) {
        const kept = tomb.filter((_, i) => tomb[i - (i % 2) + 1]! >= mint);
        if (kept.length === 0) this.tombstones.delete(s.ref);
        else this.tombstones.set(s.ref, kept);
      }
    }
    this.trimCold();
    const dead = new Set<number>();
    const deadLabels: Labels[] = [];
    for (const s of this.byRef.values()) {
      if (s.isEmpty() && s.cold === undefined) {
        dead.add(s.ref);
        deadLabels.push(s.labels);
      }
    }
    this.removeSeries(dead, deadLabels);
    this.minT = Infinity;
    this.recomputeMinT();
    return dead.size;
  }

  /** Bytes of persisted chunks kept for duplicate checks. */
  coldBytes = 0;

  /**
   * Keeps a persisted chunk of the series with these labels for duplicate checks, when the head
   * has that series (used when opening a database, newest blocks first; series that are not
   * active are not created, to save memory). Returns false once the budget is used up.
   */
  addColdChunk(labels: Labels, data: Uint8Array, minT: number, maxT: number): boolean {
    if (this.coldBytes + data.length > this.opts.coldCacheBytes) return false;
    const s = this.getByLabels(labels);
    if (s !== undefined) this.coldBytes += s.addCold(data, minT, maxT);
    return true;
  }

  /** Evicts the oldest persisted chunks until the cache fits its budget. */
  private trimCold(): void {
    const budget = this.opts.coldCacheBytes;
    const ends: number[] = [];
    const sizes: number[] = [];
    let total = 0;
    for (const s of this.byRef.values()) {
      const c = s.cold;
      if (c === undefined) continue;
      // A series kept only for its persisted chunks costs its own memory too: charge it to them.
      const extra = s.isEmpty() ? COLD_SERIES_COST / c.length : 0;
      for (let i = 0; i < c.length; i++) {
        const cost = c[i]!.length + COLD_CHUNK_COST + extra;
        ends.push(s.coldTimes![i * 2 + 1]!);
        sizes.push(cost);
        total += cost;
      }
    }
    if (total <= budget) return;
    const order = ends.map((_, i) => i).sort((a, b) => ends[b]! - ends[a]!);
    let kept = 0;
    let cutoff = -Infinity;
    for (const i of order) {
      kept += sizes[i]!;
      if (kept > budget) {
        cutoff = ends[i]! + 1;
        break;
      }
    }
    for (const s of this.byRef.values()) this.coldBytes -= s.evictCold(cutoff);
  }

  /** Removes the given series entirely (index, lookup tables, tombstones). */
  removeSeries(dead: ReadonlySet<number>, labels: readonly Labels[]): void {
    if (dead.size === 0) return;
    for (const ref of dead) {
      const s = this.byRef.get(ref);
      if (s === undefined) continue;
      s.dead = true;
      this.byRef.delete(ref);
      this.tombstones.delete(ref);
      const h = s.labels.hash();
      const e = this.byHash.get(h);
      if (e === s) this.byHash.delete(h);
      else if (Array.isArray(e)) {
        const rest = e.filter((x) => x !== s);
        this.byHash.set(h, rest.length === 1 ? rest[0]! : rest);
      }
    }
    this.index.remove(dead, labels);
    this.counters.seriesRemoved += dead.size;
  }
}

/** Adds [mint, maxt] to a flat sorted interval list, merging overlaps and neighbours. */
export function addInterval(list: readonly number[], mint: number, maxt: number): number[] {
  const out: number[] = [];
  let s = mint;
  let e = maxt;
  let placed = false;
  for (let i = 0; i < list.length; i += 2) {
    const a = list[i]!;
    const b = list[i + 1]!;
    if (b + 1 < s) out.push(a, b);
    else if (e + 1 < a) {
      if (!placed) {
        out.push(s, e);
        placed = true;
      }
      out.push(a, b);
    } else {
      s = Math.min(s, a);
      e = Math.max(e, b);
    }
  }
  if (!placed) out.push(s, e);
  return out;
}
