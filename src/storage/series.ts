/**
 * Small building blocks for implementations of the storage seam: array-backed series and
 * iterators, list-backed series sets, and matcher evaluation against a label set.
 */
import type { Labels, Matcher } from '../model/index.js';
import type { SampleIterator, Series, SeriesSet, ValueType } from './interface.js';

/**
 * A pull cursor over parallel timestamp/value arrays, restricted to the index window
 * `[start, end)`. Timestamps in the window must be strictly increasing.
 *
 * Ownership: the iterator keeps references to the arrays and never copies or mutates them; the
 * caller must not change them while iterating. Values come straight out of a `Float64Array`, so
 * NaN payloads (the staleness marker) survive bit for bit. Allocation-free per sample; `reset()`
 * re-points it at other arrays so one instance can be reused. Synchronous; not safe for use from
 * two places at once.
 */
export class ArraySampleIterator implements SampleIterator {
  private ts: Float64Array;
  private vs: Float64Array;
  private start: number;
  private end: number;
  /** Index of the current sample; `start - 1` before the first `next()`/`seek()`. */
  private i: number;

  constructor(ts: Float64Array, vs: Float64Array, start = 0, end: number = ts.length) {
    this.ts = ts;
    this.vs = vs;
    this.start = start;
    this.end = end;
    this.i = start - 1;
  }

  /** Re-points the iterator at other arrays (or a new window) and rewinds it. */
  reset(ts: Float64Array, vs: Float64Array, start = 0, end: number = ts.length): this {
    this.ts = ts;
    this.vs = vs;
    this.start = start;
    this.end = end;
    this.i = start - 1;
    return this;
  }

  /** Advances to the next sample; `'none'` (and stays exhausted) at the end. */
  next(): ValueType {
    if (this.i >= this.end) return 'none';
    this.i++;
    return this.i < this.end ? 'float' : 'none';
  }

  /**
   * Advances to the first sample with timestamp >= t. When the current sample already
   * qualifies it stays put; it never moves backwards. Binary search, O(log n).
   */
  seek(t: number): ValueType {
    let i = this.i < this.start ? this.start : this.i;
    if (i >= this.end) {
      this.i = this.end;
      return 'none';
    }
    const ts = this.ts;
    if (ts[i]! < t) {
      // First index in (i, end) with ts >= t.
      let lo = i + 1;
      let hi = this.end;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (ts[mid]! < t) lo = mid + 1;
        else hi = mid;
      }
      i = lo;
    }
    this.i = i;
    return i < this.end ? 'float' : 'none';
  }

  /** Timestamp (ms) of the current sample; unspecified when not positioned on a sample. */
  atT(): number {
    return this.ts[this.i] ?? Number.NaN;
  }

  /** Value of the current sample; unspecified when not positioned on a sample. */
  atF(): number {
    return this.vs[this.i] ?? Number.NaN;
  }

  /** Always `undefined`: array iteration cannot fail. */
  err(): Error | undefined {
    return undefined;
  }
}

/**
 * A series whose samples are held in two parallel `Float64Array`s (timestamps in ms, strictly
 * increasing, and values). The series takes the arrays over without copying; nobody may mutate
 * them afterwards. Each `iterator()` call returns a fresh, independent cursor.
 */
export class ListSeries implements Series {
  constructor(
    readonly labels: Labels,
    /** Timestamps in ms, strictly increasing; never mutate. */
    readonly ts: Float64Array,
    /** Values parallel to `ts`; never mutate. */
    readonly vs: Float64Array,
  ) {
    if (ts.length !== vs.length) {
      throw new Error(`BUG: ListSeries got ${ts.length} timestamps but ${vs.length} values`);
    }
  }

  /**
   * Convenience for tests and small inputs: builds a series from `[t, v]` pairs, which must be
   * in strictly increasing timestamp order. Beware: V8 canonicalizes NaN payloads stored in
   * plain arrays of numbers, so a staleness marker in a `[t, STALE_NAN]` literal arrives as an
   * ordinary NaN; build the typed arrays yourself when the payload matters.
   */
  static of(labels: Labels, samples: readonly (readonly [number, number])[]): ListSeries {
    const ts = new Float64Array(samples.length);
    const vs = new Float64Array(samples.length);
    samples.forEach(([t, v], i) => {
      ts[i] = t;
      vs[i] = v;
    });
    return new ListSeries(labels, ts, vs);
  }

  /** Number of samples. */
  get length(): number {
    return this.ts.length;
  }

  /** A fresh cursor over all samples. */
  iterator(): SampleIterator {
    return new ArraySampleIterator(this.ts, this.vs);
  }
}

/**
 * A series set over an in-memory list. It yields the series in the given order; callers that
 * promise sorted output must pass them sorted with unique label sets. The list is not copied.
 */
export class ListSeriesSet implements SeriesSet {
  private i = -1;

  constructor(
    private readonly list: readonly Series[],
    private readonly warns: readonly string[] = [],
  ) {}

  /** Advances to the next series; false at the end. */
  next(): boolean {
    if (this.i >= this.list.length) return false;
    this.i++;
    return this.i < this.list.length;
  }

  /** The current series; throws when not positioned on one. */
  at(): Series {
    const s = this.list[this.i];
    if (s === undefined) throw new Error('BUG: SeriesSet.at() called without a current series');
    return s;
  }

  /** Always `undefined`. */
  err(): Error | undefined {
    return undefined;
  }

  /** The warnings given at construction. */
  warnings(): readonly string[] {
    return this.warns;
  }
}

/** Returns a series set with no series (and optionally some warnings). */
export function emptySeriesSet(warnings: readonly string[] = []): SeriesSet {
  return new ListSeriesSet([], warnings);
}

/**
 * Returns a series set with no series whose `err()` is `err`: how a querier reports a failure
 * discovered after `select()` resolved, or how a merge reports one failed input.
 */
export function errorSeriesSet(err: Error, warnings: readonly string[] = []): SeriesSet {
  return {
    next: () => false,
    at: () => {
      throw new Error('BUG: SeriesSet.at() called on an error series set');
    },
    err: () => err,
    warnings: () => warnings,
  };
}

/**
 * Whether a label set satisfies all matchers; a missing label is matched as the empty string,
 * as in Prometheus. An empty matcher list matches every label set (callers decide what "no
 * matchers" means for them).
 */
export function seriesMatches(labels: Labels, matchers: readonly Matcher[]): boolean {
  for (const m of matchers) if (!m.matches(labels.get(m.name))) return false;
  return true;
}
