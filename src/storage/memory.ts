/**
 * The in-memory reference backend: simple and obviously correct rather than fast. Other backends
 * are checked against it by the conformance suite and the randomized differential test.
 */
import {
  BadInputError,
  DuplicateSampleError,
  StorageUnavailableError,
  cmpStr,
  compareLabels,
  sameFloatBits,
  type Labels,
  type Matcher,
} from '../model/index.js';
import type {
  Appender,
  Deleter,
  LabelHints,
  Querier,
  SelectHints,
  SeriesRef,
  SeriesSet,
  Storage,
} from './interface.js';
import { ListSeries, ListSeriesSet, emptySeriesSet, seriesMatches } from './series.js';

/** Initial capacity of a series' sample arrays; they double when full. */
const INITIAL_CAPACITY = 16;

/** Outcome of inserting one sample into a series. */
type InsertResult = 'added' | 'same' | 'conflict';

/** One series: labels and samples sorted by timestamp in growable typed arrays. */
class MemSeries {
  ts = new Float64Array(INITIAL_CAPACITY);
  vs = new Float64Array(INITIAL_CAPACITY);
  n = 0;

  constructor(
    readonly ref: SeriesRef,
    readonly labels: Labels,
  ) {}

  /** Index of the first sample with timestamp >= t (n when none). */
  lowerBound(t: number): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ts[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index one past the last sample with timestamp <= t. */
  upperBound(t: number): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ts[mid]! <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Compares a candidate sample with what is stored at its timestamp, without changing anything. */
  check(t: number, v: number): InsertResult {
    const i = this.n > 0 && t > this.ts[this.n - 1]! ? this.n : this.lowerBound(t);
    if (i < this.n && this.ts[i] === t) return sameFloatBits(this.vs[i]!, v) ? 'same' : 'conflict';
    return 'added';
  }

  /** Inserts a sample in timestamp order unless its timestamp is already taken. */
  insert(t: number, v: number): InsertResult {
    const n = this.n;
    const i = n > 0 && t > this.ts[n - 1]! ? n : this.lowerBound(t);
    if (i < n && this.ts[i] === t) return sameFloatBits(this.vs[i]!, v) ? 'same' : 'conflict';
    if (n === this.ts.length) {
      const ts = new Float64Array(n * 2);
      const vs = new Float64Array(n * 2);
      ts.set(this.ts);
      vs.set(this.vs);
      this.ts = ts;
      this.vs = vs;
    }
    if (i < n) {
      this.ts.copyWithin(i + 1, i, n);
      this.vs.copyWithin(i + 1, i, n);
    }
    this.ts[i] = t;
    this.vs[i] = v;
    this.n = n + 1;
    return 'added';
  }

  /** Removes the samples in [mint, maxt]. */
  deleteRange(mint: number, maxt: number): void {
    const a = this.lowerBound(mint);
    const b = this.upperBound(maxt);
    if (b <= a) return;
    this.ts.copyWithin(a, b, this.n);
    this.vs.copyWithin(a, b, this.n);
    this.n -= b - a;
  }

  /** Whether at least one sample lies in [mint, maxt]. */
  hasSampleIn(mint: number, maxt: number): boolean {
    const i = this.lowerBound(mint);
    return i < this.n && this.ts[i]! <= maxt;
  }
}

/**
 * An in-memory `Storage` with series deletion, used as the reference model of the seam.
 *
 * Semantics (those of Prometheus' TSDB with out-of-order ingestion enabled and no time window):
 * - Samples may arrive in any timestamp order. A sample whose timestamp already holds the
 *   bit-identical value (`sameFloatBits`: NaN payloads, the staleness marker and -0 compare by
 *   bits) is silently ignored; a different value throws `DuplicateSampleError` from `append()`.
 *   Duplicates are checked against committed data and against the appender's own batch.
 * - An appender buffers its samples; they become visible together at `commit()` and are dropped
 *   by `rollback()`. A sample that conflicts only with data committed by another appender after
 *   it was appended is dropped at commit (the first committed value wins), as Prometheus does.
 * - A series comes into existence at its first `append()` (so references are valid at once) but
 *   is invisible to every query until it has samples.
 * - Queriers select exactly: only series with at least one sample in the range (narrowed by
 *   `hints.start/end` when given) and only those samples; results are always sorted. An empty
 *   matcher list selects nothing, as in Prometheus. Label lookups are exact too: they consider
 *   only matching series with a sample in the querier's range (all of them when no matchers).
 * - `deleteSeries` removes samples at once (so the timestamps can be written again, which the
 *   seam contract leaves unspecified); `cleanTombstones` has nothing left to do. An empty
 *   matcher list deletes nothing.
 *
 * Concurrency: everything runs synchronously on the calling thread; methods return promises
 * only to satisfy the seam. `commit()` applies its whole batch in one synchronous step, so no
 * reader ever sees half of it. A `select()` copies the selected samples, so its series set is a
 * snapshot unaffected by later commits or deletes.
 */
export class MemStorage implements Storage, Deleter {
  private readonly byHash = new Map<number, MemSeries[]>();
  private readonly byRef = new Map<SeriesRef, MemSeries>();
  private nextRef = 1;
  private closed = false;

  /** Starts a new batch of writes; see the class comment for its semantics. */
  appender(): Appender {
    this.assertOpen('create appender');
    return new MemAppender(this);
  }

  /** Opens a querier over [mint, maxt] (ms, inclusive). */
  querier(mint: number, maxt: number): Promise<Querier> {
    return settle(() => {
      this.assertOpen('open querier');
      return new MemQuerier(this, mint, maxt);
    });
  }

  /** The earliest timestamp of any stored sample, or `undefined` when no sample is stored. */
  startTime(): number | undefined {
    let min: number | undefined;
    for (const s of this.byRef.values()) {
      if (s.n > 0 && (min === undefined || s.ts[0]! < min)) min = s.ts[0]!;
    }
    return min;
  }

  /** Deletes the samples in [mint, maxt] of the series matching all matchers (none when empty). */
  deleteSeries(mint: number, maxt: number, matchers: readonly Matcher[]): Promise<void> {
    return settle(() => {
      this.assertOpen('delete series');
      if (matchers.length === 0) return;
      for (const s of this.byRef.values()) {
        if (seriesMatches(s.labels, matchers)) s.deleteRange(mint, maxt);
      }
    });
  }

  /** Nothing to do: deletions take effect immediately. */
  cleanTombstones(): Promise<void> {
    return settle(() => {
      this.assertOpen('clean tombstones');
    });
  }

  /** Drops all data; the storage must not be used afterwards. Idempotent. */
  close(): Promise<void> {
    this.closed = true;
    this.byHash.clear();
    this.byRef.clear();
    return Promise.resolve();
  }

  /** @internal Throws when the storage was closed. */
  assertOpen(verb: string): void {
    if (this.closed) {
      throw new StorageUnavailableError(`cannot ${verb}: storage is closed`, false);
    }
  }

  /** @internal Finds a series by reference (checked against the labels) or by labels. */
  lookup(ref: SeriesRef, labels: Labels): MemSeries | undefined {
    if (ref !== 0) {
      const s = this.byRef.get(ref);
      if (s?.labels.equals(labels) === true) return s;
    }
    const bucket = this.byHash.get(labels.hash());
    return bucket?.find((s) => s.labels.equals(labels));
  }

  /** @internal Finds or creates the series with these labels. */
  getOrCreate(ref: SeriesRef, labels: Labels): MemSeries {
    const found = this.lookup(ref, labels);
    if (found) return found;
    const s = new MemSeries(this.nextRef++, labels);
    const h = labels.hash();
    const bucket = this.byHash.get(h);
    if (bucket) bucket.push(s);
    else this.byHash.set(h, [s]);
    this.byRef.set(s.ref, s);
    return s;
  }

  /** @internal The series by reference, for commit. */
  seriesByRef(ref: SeriesRef): MemSeries | undefined {
    return this.byRef.get(ref);
  }

  /** @internal All series, in creation order. */
  allSeries(): IterableIterator<MemSeries> {
    return this.byRef.values();
  }
}

/** A growable Float64Array (plain arrays would canonicalize NaN payloads). */
class F64Buf {
  a = new Float64Array(INITIAL_CAPACITY);
  n = 0;
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Float64Array(this.n * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
}

/** The appender of `MemStorage`: buffers samples until commit. Not safe for concurrent use. */
class MemAppender implements Appender {
  private refs: SeriesRef[] = [];
  private ts: number[] = [];
  private vs = new F64Buf();
  /** Per series, the pending timestamps and their index into the buffers. */
  private pending = new Map<SeriesRef, Map<number, number>>();
  private done = false;

  constructor(private readonly db: MemStorage) {}

  append(ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef {
    this.assertUsable('append sample');
    this.db.assertOpen('append sample');
    if (labels.size === 0) throw new BadInputError('cannot append sample: empty label set');
    if (!Number.isSafeInteger(t)) {
      throw new BadInputError(
        `cannot append sample for ${labels.toString()}: timestamp ${t} is not an integer number of milliseconds`,
      );
    }
    const s = this.db.getOrCreate(ref, labels);
    const committed = s.check(t, v);
    if (committed === 'same') return s.ref;
    if (committed === 'conflict') throw duplicate(labels, t);
    let mine = this.pending.get(s.ref);
    const at = mine?.get(t);
    if (at !== undefined) {
      if (sameFloatBits(this.vs.a[at]!, v)) return s.ref;
      throw duplicate(labels, t);
    }
    if (!mine) {
      mine = new Map();
      this.pending.set(s.ref, mine);
    }
    mine.set(t, this.ts.length);
    this.refs.push(s.ref);
    this.ts.push(t);
    this.vs.push(v);
    return s.ref;
  }

  commit(): Promise<void> {
    return settle(() => {
      this.assertUsable('commit');
      this.db.assertOpen('commit');
      this.done = true;
      // One synchronous pass: readers see all of the batch or none of it.
      for (let i = 0; i < this.ts.length; i++) {
        const s = this.db.seriesByRef(this.refs[i]!);
        if (s === undefined) throw new Error(`BUG: series ${this.refs[i]} vanished before commit`);
        s.insert(this.ts[i]!, this.vs.a[i]!); // 'same'/'conflict': first committed value wins
      }
      this.release();
    });
  }

  rollback(): Promise<void> {
    return settle(() => {
      this.assertUsable('roll back');
      this.done = true;
      this.release();
    });
  }

  private release(): void {
    this.refs = [];
    this.ts = [];
    this.vs = new F64Buf();
    this.pending = new Map();
  }

  private assertUsable(verb: string): void {
    if (this.done) throw new Error(`cannot ${verb}: appender was already committed or rolled back`);
  }
}

function duplicate(labels: Labels, t: number): DuplicateSampleError {
  return new DuplicateSampleError(
    `cannot append sample for ${labels.toString()}: duplicate sample for timestamp ${t}`,
  );
}

/** The querier of `MemStorage`: copies what it selects; see `MemStorage` for semantics. */
class MemQuerier implements Querier {
  private closed = false;

  constructor(
    private readonly db: MemStorage,
    private readonly mint: number,
    private readonly maxt: number,
  ) {}

  select(
    _sorted: boolean,
    hints: SelectHints | undefined,
    matchers: readonly Matcher[],
    signal?: AbortSignal,
  ): Promise<SeriesSet> {
    return settle(() => {
      signal?.throwIfAborted();
      this.assertOpen('select');
      if (matchers.length === 0) return emptySeriesSet();
      const mint = hints ? Math.max(this.mint, hints.start) : this.mint;
      const maxt = hints ? Math.min(this.maxt, hints.end) : this.maxt;
      const out: ListSeries[] = [];
      for (const s of this.db.allSeries()) {
        if (!seriesMatches(s.labels, matchers)) continue;
        const a = s.lowerBound(mint);
        const b = s.upperBound(maxt);
        if (b > a) out.push(new ListSeries(s.labels, s.ts.slice(a, b), s.vs.slice(a, b)));
      }
      out.sort((x, y) => compareLabels(x.labels, y.labels));
      const limit = hints?.limit ?? 0;
      if (limit > 0 && out.length > limit) out.length = limit;
      return new ListSeriesSet(out);
    });
  }

  labelValues(name: string, matchers: readonly Matcher[], hints?: LabelHints): Promise<string[]> {
    return settle(() => {
      this.assertOpen('read label values');
      const set = new Set<string>();
      for (const s of this.matching(matchers)) {
        const v = s.labels.get(name);
        if (v !== '') set.add(v);
      }
      return sortedLimited(set, hints);
    });
  }

  labelNames(matchers: readonly Matcher[], hints?: LabelHints): Promise<string[]> {
    return settle(() => {
      this.assertOpen('read label names');
      const set = new Set<string>();
      for (const s of this.matching(matchers)) s.labels.forEach((n) => set.add(n));
      return sortedLimited(set, hints);
    });
  }

  close(): void {
    this.closed = true;
  }

  private *matching(matchers: readonly Matcher[]): Generator<MemSeries> {
    for (const s of this.db.allSeries()) {
      if (s.hasSampleIn(this.mint, this.maxt) && seriesMatches(s.labels, matchers)) yield s;
    }
  }

  private assertOpen(verb: string): void {
    this.db.assertOpen(verb);
    if (this.closed) throw new Error(`cannot ${verb}: querier is closed`);
  }
}

function sortedLimited(set: Set<string>, hints: LabelHints | undefined): string[] {
  const out = [...set].sort(cmpStr);
  const limit = hints?.limit ?? 0;
  if (limit > 0 && out.length > limit) out.length = limit;
  return out;
}

/** Runs `fn` and turns its result or its exception into a promise. */
function settle<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}
