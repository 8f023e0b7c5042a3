/** Per-query state shared by all evaluators of one query (the top level and its subqueries). */
import { dropMetadata } from './value.js';
import type { Querier, SelectHints, Series } from '../../storage/index.js';
import type { AtModifier, PosRange, VectorSelector } from '../parser/index.js';
import {
  abortedError,
  QueryExecutionError,
  QueryTimeoutError,
  TooManySamplesError,
} from './errors.js';
import { selectorKey, type Window } from './timerange.js';
import type { StepSeries } from './value.js';

/** Settings and shared state of one query. */
export class QueryContext {
  readonly warnings = new Set<string>();
  readonly infos = new Set<string>();
  samplesLoaded = 0;
  seriesLoaded = 0;
  /** Samples currently held by evaluation results, checked against `maxSamples`. */
  private held = 0;
  private readonly cache = new Map<string, Promise<Series[]>>();
  private checks = 0;

  constructor(
    readonly querier: Querier,
    readonly opts: {
      readonly lookbackMs: number;
      readonly maxSamples: number;
      readonly timeoutMs: number;
      readonly deadline: number;
      readonly signal: AbortSignal | undefined;
      readonly delayedNameRemoval: boolean;
      readonly defaultSubqueryStepMs: number;
      readonly queryText: string | undefined;
      /** Start, end and step of the whole query (ms), for `start()`, `end()`, `step()`. */
      readonly start: number;
      readonly end: number;
      readonly step: number;
      /** Planned union window per selector key; a selector is selected once over it. */
      readonly windows: ReadonlyMap<string, Window>;
    },
  ) {}

  /** Throws when the query was aborted or ran out of time. */
  check(force = false): void {
    if (!force && (++this.checks & 63) !== 0) return;
    if (Date.now() > this.opts.deadline)
      throw new QueryTimeoutError('expression evaluation', this.opts.timeoutMs);
    if (this.opts.signal?.aborted)
      throw abortedError(this.opts.signal, 'expression evaluation', this.opts.timeoutMs);
  }

  /** Accounts for `n` more samples held in memory; throws past the limit. */
  hold(n: number): void {
    this.held += n;
    if (this.held > this.opts.maxSamples) throw new TooManySamplesError(this.opts.maxSamples);
  }

  /** The number of samples currently accounted as held. */
  heldNow(): number {
    return this.held;
  }

  /**
   * Resets the count to `base + n` once a node's result is built: its inputs are released
   * (they are garbage now) and only the result stays held, like Prometheus' sample count.
   */
  settle(base: number, n: number): void {
    this.held = base;
    this.hold(n);
  }

  /** The time an `@` modifier stands for. */
  atTime(at: AtModifier): number {
    switch (at.kind) {
      case 'timestamp':
        return at.ms;
      case 'start':
        return this.opts.start;
      case 'end':
        return this.opts.end;
    }
  }

  /** Adds an annotation such as `PromQL warning: …` with the position of `pos` appended. */
  annotate(kind: 'warning' | 'info', text: string, pos: PosRange): void {
    const full = `PromQL ${kind}: ${text} (${this.position(pos.start)})`;
    (kind === 'warning' ? this.warnings : this.infos).add(full);
  }

  private position(offset: number): string {
    const q = this.opts.queryText;
    if (q === undefined) return `1:${offset + 1}`;
    let line = 1;
    let col = 1;
    for (let i = 0; i < offset && i < q.length; i++) {
      if (q[i] === '\n') {
        line++;
        col = 1;
      } else col++;
    }
    return `${line}:${col}`;
  }

  /**
   * Selects the series of a selector once per query. Selectors planned up front share one
   * select over the union of their windows; callers read samples through cursors and window
   * them themselves, so a wider selection is harmless.
   */
  select(sel: VectorSelector, mint: number, maxt: number, hints: SelectHints): Promise<Series[]> {
    const key = selectorKey(sel.matchers);
    const planned = this.opts.windows.get(key);
    const covers = planned !== undefined && planned[0] <= mint && planned[1] >= maxt;
    const lo = covers ? planned[0] : mint;
    const hi = covers ? planned[1] : maxt;
    const cacheKey = `${key}|${lo}|${hi}`;
    let p = this.cache.get(cacheKey);
    if (!p) {
      p = this.doSelect(sel, { ...hints, start: lo, end: hi });
      this.cache.set(cacheKey, p);
    }
    return p;
  }

  private async doSelect(sel: VectorSelector, hints: SelectHints): Promise<Series[]> {
    this.check(true);
    // Sorted like Prometheus' TSDB returns series, so order-dependent results (limitk, ties in
    // topk) pick the same series.
    const set = await this.querier.select(true, hints, sel.matchers, this.opts.signal);
    const out: Series[] = [];
    while (set.next()) {
      out.push(set.at());
      this.check();
    }
    const err = set.err();
    if (err) throw new QueryExecutionError(`cannot select series: ${err.message}`, { cause: err });
    for (const w of set.warnings()) this.warnings.add(w);
    this.seriesLoaded += out.length;
    return out;
  }

  /** Removes `__name__` from series marked for dropping and merges equal label sets. */
  dropNames(series: StepSeries[]): StepSeries[] {
    let any = false;
    for (const s of series) {
      if (s.dropName) {
        s.labels = dropMetadata(s.labels);
        s.dropName = false;
        any = true;
      }
    }
    return any ? mergeSameLabels(series) : series;
  }
}

/** Merges series with equal labels whose points do not overlap; overlap is an error. */
export function mergeSameLabels(series: StepSeries[]): StepSeries[] {
  if (series.length <= 1) return series;
  const byKey = new Map<string, StepSeries>();
  const out: StepSeries[] = [];
  for (const s of series) {
    const key = s.labels.flat.join('\xff');
    const prev = byKey.get(key);
    if (!prev) {
      byKey.set(key, s);
      out.push(s);
      continue;
    }
    for (let i = 0; i < s.has.length; i++) {
      if (!s.has[i]) continue;
      if (prev.has[i])
        throw new QueryExecutionError('vector cannot contain metrics with the same labelset');
      prev.has[i] = 1;
      prev.vs[i] = s.vs[i]!;
    }
  }
  return out;
}
