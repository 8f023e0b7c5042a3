import type { Labels, Matcher } from '../model/index.js';

/**
 * An opaque, backend-assigned reference to a series, valid for the lifetime of the storage that
 * returned it. `0` means "unknown": the backend looks the series up by its labels. Callers cache
 * references (scrape loops, remote-write handlers) so repeated appends skip label hashing.
 */
export type SeriesRef = number;

/** The kind of value under a cursor. `'none'` means the iterator is exhausted. */
export type ValueType = 'none' | 'float';

/**
 * A pull cursor over the samples of one series, in strictly increasing timestamp order.
 *
 * Usage: `while ((vt = it.next()) !== 'none') { it.atT(); it.atF(); }` then check `err()` once.
 * The iterator owns no resources that need closing. It is not safe to use from two places at
 * once. Values returned by `atF()` may be the staleness marker (see `isStaleNaN`).
 */
export interface SampleIterator {
  /** Advances to the next sample; returns its type, or `'none'` at the end or on error. */
  next(): ValueType;
  /**
   * Advances to the first sample with timestamp >= t (staying put when already there); returns
   * its type or `'none'`. Never moves backwards.
   */
  seek(t: number): ValueType;
  /** The timestamp (ms) of the current sample. */
  atT(): number;
  /** The float value of the current sample. */
  atF(): number;
  /** The error that stopped iteration, if any. */
  err(): Error | undefined;
  /**
   * Optional batch read. Precondition: the iterator is positioned on a sample (the last
   * `next`/`seek` returned a type other than `'none'`). Copies that sample and the following ones
   * while their timestamp is <= `maxT`, into `ts`/`vs` from index `off`, at most `max` samples,
   * and leaves the iterator on the first sample it did not copy. Values are copied bit for bit
   * (staleness markers included). Returns the number copied `n` when the iterator is still
   * positioned on a sample, or `-n - 1` when it got exhausted (then check `err()`).
   * Backends without it are read one sample at a time.
   */
  readBatch?(maxT: number, ts: Float64Array, vs: Float64Array, off: number, max: number): number;
}

/** One series: its labels and a way to iterate its samples. */
export interface Series {
  /** The series' labels. */
  readonly labels: Labels;
  /**
   * Returns a fresh iterator over the series' samples within the querier's time range
   * (narrowed by `SelectHints.start/end` when the backend honours them). The range is exact:
   * no sample outside it is returned, and callers do not filter. The conformance suite
   * (`storage/conformance`) checks this for every backend.
   */
  iterator(): SampleIterator;
}

/**
 * A pull cursor over series. When requested sorted, series come in `compareLabels` order with
 * unique label sets.
 */
export interface SeriesSet {
  /** Advances to the next series; false at the end or on error. */
  next(): boolean;
  /** The current series. */
  at(): Series;
  /** The error that stopped iteration, if any. */
  err(): Error | undefined;
  /** Non-fatal warnings collected while selecting (for example a partial remote answer). */
  warnings(): readonly string[];
}

/** Hints a querier may use to do less work. All times are ms. */
export interface SelectHints {
  /** Start of the range actually needed (may be narrower than the querier's). */
  readonly start: number;
  /** End of the range actually needed. */
  readonly end: number;
  /** Query step in ms, 0 for instant queries. */
  readonly step?: number;
  /** Range of a range selector in ms, 0 otherwise. */
  readonly range?: number;
  /** The function wrapping the selector, when known (for example `rate`), or `series` for metadata-only. */
  readonly func?: string;
  /** Maximum number of series the caller wants (0 = no limit). */
  readonly limit?: number;
}

/** Options of label name/value lookups. */
export interface LabelHints {
  /** Maximum number of results (0 = no limit). */
  readonly limit?: number;
}

/**
 * Reads a fixed time range [mint, maxt] (inclusive, ms). Release it with `close()` when done;
 * series sets and iterators obtained from it are invalid afterwards.
 */
export interface Querier {
  /**
   * Selects series matching all matchers (at least one matcher must not match the empty string,
   * as in PromQL). The returned set is iterated synchronously; any I/O happens before the
   * promise resolves. `sorted` asks for series in label order.
   *
   * Only series with at least one sample in the range are returned. An empty matcher list
   * selects nothing (as Prometheus' TSDB). A missing label matches as the empty string.
   */
  select(
    sorted: boolean,
    hints: SelectHints | undefined,
    matchers: readonly Matcher[],
    signal?: AbortSignal,
  ): Promise<SeriesSet>;
  /** Sorted unique values of a label among series matching the matchers (all when empty). */
  labelValues(name: string, matchers: readonly Matcher[], hints?: LabelHints): Promise<string[]>;
  /** Sorted unique label names among series matching the matchers (all when empty). */
  labelNames(matchers: readonly Matcher[], hints?: LabelHints): Promise<string[]>;
  /** Releases resources (open block readers, pinned chunks). Idempotent. */
  close(): void;
}

/** Something that can be read from. */
export interface Queryable {
  /** Opens a querier over [mint, maxt] (ms, inclusive). */
  querier(mint: number, maxt: number): Promise<Querier>;
}

/**
 * A batch of writes that becomes visible and durable atomically at `commit()`.
 *
 * Not safe for concurrent use; create one appender per request or loop. After `commit()` or
 * `rollback()` the appender must not be used again.
 */
export interface Appender {
  /**
   * Adds a float sample. `ref` is a reference returned earlier for the same labels, or 0.
   * Returns the series' reference. Throws `DuplicateSampleError` for a different value at an
   * existing timestamp, `OutOfBoundsError` for a sample the backend cannot take,
   * `LimitError` when a limit is hit. Labels must be valid and sorted (`Labels` guarantees it).
   */
  append(ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef;
  /** Makes all appended samples visible and durable (per the backend's fsync policy). */
  commit(): Promise<void>;
  /** Discards all appended samples. */
  rollback(): Promise<void>;
}

/** Something that can be written to. */
export interface Appendable {
  /** Starts a new batch of writes. */
  appender(): Appender;
}

/**
 * Changes to stored history since a generation (see `Storage.changesSince`). `minT` is the
 * smallest timestamp (ms) whose data may have changed after the given generation: `Infinity`
 * when nothing did, `-Infinity` when anything may have.
 */
export interface HistoryChanges {
  /** The current generation; pass it to the next call. */
  readonly generation: number;
  /** Smallest timestamp (ms) that may read differently than before the given generation. */
  readonly minT: number;
  /**
   * Writes with timestamps at least this much (ms) behind the wall clock at their commit count
   * as changes; newer ones never do. Readers must not rely on data newer than `now - marginMs`.
   */
  readonly marginMs: number;
}

/** A full storage backend: readable, writable, and closable. */
export interface Storage extends Queryable, Appendable {
  /** The earliest timestamp held, or `undefined` when empty. */
  startTime(): number | undefined;
  /**
   * Optional: changes to history since `generation` (0 for "since open"): late or backfilled
   * writes (older than `marginMs` behind the wall clock when committed), deletions and data
   * dropped by retention. Result caches use it to invalidate; backends without it are not cached.
   * Cheap and synchronous; the answer may over-report (an earlier `minT`) but never under-report.
   */
  changesSince?(generation: number): HistoryChanges;
  /** Flushes and releases everything; the storage must not be used afterwards. */
  close(): Promise<void>;
}

/** Optional capabilities: series deletion with tombstones. */
export interface Deleter {
  /** Deletes samples in [mint, maxt] of series matching the matchers. */
  deleteSeries(mint: number, maxt: number, matchers: readonly Matcher[]): Promise<void>;
  /** Rewrites data to drop deleted samples for good. */
  cleanTombstones(): Promise<void>;
}
