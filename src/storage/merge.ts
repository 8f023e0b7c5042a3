/**
 * Merging of several sources into one: sorted series sets into one sorted set, sample iterators
 * into one time-ordered iterator, and queriers into one querier. The decorator the database uses
 * to merge head and blocks, and `FanoutStorage` uses to merge backends.
 */
import { cmpStr, compareLabels, type Matcher } from '../model/index.js';
import { ChainedSeries } from './chain.js';
import type { LabelHints, Querier, SelectHints, Series, SeriesSet } from './interface.js';
import { emptySeriesSet } from './series.js';

/**
 * Something that takes warnings about failures that are tolerated (a secondary backend that did
 * not answer). `Logger` from `util` fits.
 */
export interface WarnLogger {
  warn(msg: string, fields?: Readonly<Record<string, unknown>>): void;
}

/** The k-way merge behind `mergeSeriesSets`. */
class MergedSeriesSet implements SeriesSet {
  /** Indices of inputs positioned on a series not yet consumed, as a binary min-heap. */
  private readonly heap: number[] = [];
  /** Inputs whose current series was consumed by the last `next()` and must be advanced. */
  private readonly consumed: number[] = [];
  private started = false;
  private cur: Series | undefined;

  constructor(private readonly sets: readonly SeriesSet[]) {}

  next(): boolean {
    if (!this.started) {
      this.started = true;
      for (let i = 0; i < this.sets.length; i++) if (this.sets[i]!.next()) this.push(i);
    } else {
      for (const i of this.consumed) if (this.sets[i]!.next()) this.push(i);
    }
    this.consumed.length = 0;
    const first = this.pop();
    if (first === undefined) {
      this.cur = undefined;
      return false;
    }
    this.consumed.push(first);
    const head = this.sets[first]!.at();
    const same: Series[] = [head];
    while (this.heap.length > 0) {
      const i = this.heap[0]!;
      const s = this.sets[i]!.at();
      if (compareLabels(s.labels, head.labels) !== 0) break;
      this.pop();
      this.consumed.push(i);
      same.push(s);
    }
    this.cur = same.length === 1 ? head : new ChainedSeries(head.labels, same);
    return true;
  }

  at(): Series {
    if (this.cur === undefined)
      throw new Error('BUG: SeriesSet.at() called without a current series');
    return this.cur;
  }

  err(): Error | undefined {
    for (const s of this.sets) {
      const e = s.err();
      if (e) return e;
    }
    return undefined;
  }

  warnings(): readonly string[] {
    const out: string[] = [];
    for (const s of this.sets) out.push(...s.warnings());
    return out;
  }

  private less(a: number, b: number): boolean {
    const c = compareLabels(this.sets[a]!.at().labels, this.sets[b]!.at().labels);
    return c < 0 || (c === 0 && a < b);
  }

  private push(i: number): void {
    const h = this.heap;
    h.push(i);
    let c = h.length - 1;
    while (c > 0) {
      const p = (c - 1) >> 1;
      if (!this.less(h[c]!, h[p]!)) break;
      const tmp = h[c]!;
      h[c] = h[p]!;
      h[p] = tmp;
      c = p;
    }
  }

  private pop(): number | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (top === undefined || last === undefined || h.length === 0) return top;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const m = r < h.length && this.less(h[r]!, h[l]!) ? r : l;
      if (!this.less(h[m]!, h[i]!)) break;
      const tmp = h[i]!;
      h[i] = h[m]!;
      h[m] = tmp;
      i = m;
    }
    return top;
  }
}

/**
 * Merges series sets that are each sorted (`compareLabels` order, unique labels) into one sorted
 * set. Series with the same labels in several inputs become one `ChainedSeries` whose samples
 * are merged by time; on equal timestamps the earliest input in `sets` wins. `err()` is the
 * first error of any input, `warnings()` the concatenation of all inputs' warnings.
 *
 * Takes ownership of the inputs (advances them). Uses a binary heap over the inputs: O(log k)
 * label comparisons per series. Synchronous.
 */
export function mergeSeriesSets(sets: readonly SeriesSet[]): SeriesSet {
  if (sets.length === 0) return emptySeriesSet();
  if (sets.length === 1) return sets[0]!;
  return new MergedSeriesSet(sets);
}

/** A series set that stops after `limit` series. */
class LimitedSeriesSet implements SeriesSet {
  private n = 0;
  constructor(
    private readonly inner: SeriesSet,
    private readonly limit: number,
  ) {}
  next(): boolean {
    if (this.n >= this.limit) return false;
    if (!this.inner.next()) return false;
    this.n++;
    return true;
  }
  at(): Series {
    return this.inner.at();
  }
  err(): Error | undefined {
    return this.inner.err();
  }
  warnings(): readonly string[] {
    return this.inner.warnings();
  }
}

/**
 * A series set of a secondary source: an error of the source is reported as a warning (the
 * series read before it stay), so a failing secondary never fails the query.
 */
class SecondarySeriesSet implements SeriesSet {
  constructor(private readonly inner: SeriesSet) {}
  next(): boolean {
    return this.inner.next();
  }
  at(): Series {
    return this.inner.at();
  }
  err(): Error | undefined {
    return undefined;
  }
  warnings(): readonly string[] {
    const e = this.inner.err();
    const ws = this.inner.warnings();
    return e ? [...ws, `cannot read secondary storage: ${e.message}`] : ws;
  }
}

/**
 * A querier over several queriers. Primary queriers' failures fail the operation; secondary
 * queriers' failures become warnings of `select` (and are logged and ignored by the label
 * lookups, which have no warning channel), like Prometheus' secondary queriers.
 *
 * `select` runs all selects concurrently, asks each for sorted output when there is more than
 * one, and merges with `mergeSeriesSets` (primaries first, so on equal timestamps the first
 * primary's sample wins). `hints.limit` is applied to the merged set. Label lookups return the
 * sorted union. The querier owns the given queriers: `close()` closes them all (idempotent).
 */
export class MergeQuerier implements Querier {
  private closed = false;

  constructor(
    private readonly primaries: readonly Querier[],
    private readonly secondaries: readonly Querier[] = [],
    private readonly logger?: WarnLogger,
  ) {}

  async select(
    sorted: boolean,
    hints: SelectHints | undefined,
    matchers: readonly Matcher[],
    signal?: AbortSignal,
  ): Promise<SeriesSet> {
    const all = [...this.primaries, ...this.secondaries];
    const sortEach = sorted || all.length > 1;
    const results = await Promise.allSettled(
      all.map((q) => q.select(sortEach, hints, matchers, signal)),
    );
    const sets: SeriesSet[] = [];
    const warnings: string[] = [];
    results.forEach((r, i) => {
      const primary = i < this.primaries.length;
      if (r.status === 'fulfilled') sets.push(primary ? r.value : new SecondarySeriesSet(r.value));
      else if (primary) throw asError(r.reason);
      else warnings.push(`cannot select from secondary storage: ${asError(r.reason).message}`);
    });
    if (warnings.length > 0) sets.push(emptySeriesSet(warnings));
    const merged = mergeSeriesSets(sets);
    const limit = hints?.limit ?? 0;
    return limit > 0 ? new LimitedSeriesSet(merged, limit) : merged;
  }

  async labelValues(
    name: string,
    matchers: readonly Matcher[],
    hints?: LabelHints,
  ): Promise<string[]> {
    return this.union((q) => q.labelValues(name, matchers, hints), hints);
  }

  async labelNames(matchers: readonly Matcher[], hints?: LabelHints): Promise<string[]> {
    return this.union((q) => q.labelNames(matchers, hints), hints);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    let first: unknown;
    for (const q of [...this.primaries, ...this.secondaries]) {
      try {
        q.close();
      } catch (err) {
        first ??= err;
      }
    }
    if (first !== undefined) throw asError(first);
  }

  private async union(
    fn: (q: Querier) => Promise<string[]>,
    hints: LabelHints | undefined,
  ): Promise<string[]> {
    const all = [...this.primaries, ...this.secondaries];
    const results = await Promise.allSettled(all.map(fn));
    const set = new Set<string>();
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') for (const v of r.value) set.add(v);
      else if (i < this.primaries.length) throw asError(r.reason);
      else this.logger?.warn('cannot read labels from secondary storage', { err: r.reason });
    });
    const out = [...set].sort(cmpStr);
    const limit = hints?.limit ?? 0;
    if (limit > 0 && out.length > limit) out.length = limit;
    return out;
  }
}

/** Turns a rejection reason into an Error. */
export function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}
