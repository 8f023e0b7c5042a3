/**
 * The result cache of range queries. For each (principal scope, lookback delta, step, step
 * alignment, normalised query) it keeps the per-series values of a run of steps. A request reuses
 * the cached steps it covers, has the engine evaluate only the missing head and tail, and merges
 * them; the answer equals a fresh evaluation (see docs/query-cache.md for why).
 *
 * Only steps older than `now - timestampOffsetMs` are kept, since recent data is still arriving.
 * Late or backfilled writes, deletions and retention drops are learned from the storage's
 * `changesSince`; every cached step at or after the oldest changed timestamp is dropped.
 */
import type { Storage } from '../../storage/index.js';
import type { MatrixSeries, QueryResult } from '../engine/types.js';
import { parseExpr } from '../parser/index.js';
import { normalisedQuery, uncacheableReason } from './cacheable.js';
import { CachedRange, StepGrid, stepsBefore } from './steps.js';

/** The storage capability the cache needs: its history-change feed. */
export type ChangeFeed = Required<Pick<Storage, 'changesSince'>>;

/** Settings of the cache. */
export interface QueryCacheOptions {
  /** Most bytes of cached data (an estimate); 0 disables the cache (`--query.cache-max-size`). */
  maxBytes: number;
  /** Steps newer than `now - timestampOffsetMs` are never cached (`--query.cache-timestamp-offset`). */
  timestampOffsetMs: number;
  /** Whether queries are parsed with experimental syntax (as the engine does). */
  experimentalSyntax: boolean;
  /** The wall clock in ms (tests replace it). */
  now: () => number;
}

/** Defaults sized for a 1 GB machine: 64 MiB, 5 minutes (as VictoriaMetrics). */
export function defaultQueryCacheOptions(): QueryCacheOptions {
  return {
    maxBytes: 64 * 1024 * 1024,
    timestampOffsetMs: 5 * 60_000,
    experimentalSyntax: false,
    now: Date.now,
  };
}

/** How a request was served: all steps cached, some, none, or not cacheable at all. */
export type CacheOutcome = 'hit' | 'partial' | 'miss' | 'bypass';

/** One range request. Times in ms; `scope` separates principals with different read views. */
export interface CachedRangeRequest {
  readonly query: string;
  readonly start: number;
  readonly end: number;
  readonly step: number;
  /** The lookback delta the engine will use for this request (ms). */
  readonly lookbackDeltaMs: number;
  /** '' for the full view; a unique text per read restriction otherwise. */
  readonly scope: string;
}

/** Evaluates the request's query over `[start, end]` with the request's step (the engine). */
export type RangeEvaluator = (start: number, end: number) => Promise<QueryResult>;

/** Counters and gauges of the cache (for self-metrics). */
export interface QueryCacheStats {
  hits: number;
  partialHits: number;
  misses: number;
  bypasses: number;
  /** Bytes dropped by the size bound, `shrink` and `clear`. */
  evictedBytes: number;
  /** Entries cut or dropped because history changed under them. */
  invalidations: number;
  /** Current estimated bytes and entries. */
  bytes: number;
  entries: number;
}

/** A served request: the result and how the cache served it. */
export interface CachedAnswer {
  readonly result: QueryResult;
  readonly outcome: CacheOutcome;
}

/** What one request carries through the cache's steps. */
interface RequestState {
  readonly key: string;
  readonly req: CachedRangeRequest;
  readonly evaluate: RangeEvaluator;
  /** `performance.now()` at the start. */
  readonly t0: number;
  /** The storage's history generation at the start. */
  readonly g0: number;
  /** Steps at or after this time (ms) are not kept. */
  readonly cutoff: number;
  /** Steps in the request. */
  readonly n: number;
}

/** A range answer assembled by the cache, with the work actually done. */
function answer(
  series: MatrixSeries[],
  samplesLoaded: number,
  seriesLoaded: number,
  t0: number,
): QueryResult {
  return {
    value: { type: 'matrix', series },
    warnings: [],
    infos: [],
    stats: { samplesLoaded, seriesLoaded, evalMs: performance.now() - t0 },
  };
}

/** Most keys of unaligned requests remembered for admission. */
const MAX_SEEN_KEYS = 4096;

/** A single entry may use at most this fraction of the budget (bigger answers are not kept). */
const MAX_ENTRY_FRACTION = 4;

/**
 * The cache. One per server; safe to share between concurrent requests (all bookkeeping is
 * synchronous between awaits). Call `shrink`/`clear` to give memory back under pressure.
 */
export class QueryResultCache {
  private readonly opts: QueryCacheOptions;
  /** Entries in least-recently-used first order (a Map keeps insertion order). */
  private readonly entries = new Map<string, CachedRange>();
  private bytes = 0;
  private seenGen = 0;
  /** Keys of unaligned requests seen once and not stored (oldest first). */
  private readonly seen = new Set<string>();
  /** Requests being answered, by key and range: an identical request joins the running one. */
  private readonly inflight = new Map<string, Promise<CachedAnswer>>();
  private readonly counters: QueryCacheStats = {
    hits: 0,
    partialHits: 0,
    misses: 0,
    bypasses: 0,
    evictedBytes: 0,
    invalidations: 0,
    bytes: 0,
    entries: 0,
  };

  constructor(
    private readonly feed: ChangeFeed,
    opts?: Partial<QueryCacheOptions>,
  ) {
    this.opts = { ...defaultQueryCacheOptions(), ...opts };
    this.seenGen = feed.changesSince(0).generation;
  }

  /** Whether the cache can store anything (`maxBytes` > 0). */
  get enabled(): boolean {
    return this.opts.maxBytes > 0;
  }

  /**
   * Answers a range request, from cached steps where possible; `evaluate` runs the engine over
   * a sub-range. Errors of `evaluate` propagate unchanged.
   */
  async rangeQuery(req: CachedRangeRequest, evaluate: RangeEvaluator): Promise<CachedAnswer> {
    const key = this.enabled ? cacheKey(req, this.opts.experimentalSyntax) : undefined;
    if (key === undefined) {
      this.counters.bypasses++;
      return { result: await evaluate(req.start, req.end), outcome: 'bypass' };
    }
    // An identical request already running (a dashboard open in several tabs, a refresh while
    // the previous one runs) shares its answer: one evaluation, the same data.
    const flightKey = `${key}\u0000${req.start}\u0000${req.end}`;
    const running = this.inflight.get(flightKey);
    if (running !== undefined) {
      const a = await running;
      this.counters.hits++;
      return { result: { ...a.result }, outcome: 'hit' };
    }
    const p = this.answerRange(key, req, evaluate);
    this.inflight.set(flightKey, p);
    try {
      return await p;
    } finally {
      this.inflight.delete(flightKey);
    }
  }

  /** `rangeQuery` for a cacheable request that no identical running request answers. */
  private async answerRange(
    key: string,
    req: CachedRangeRequest,
    evaluate: RangeEvaluator,
  ): Promise<CachedAnswer> {
    const t0 = performance.now();
    const changes = this.sync();
    const at: RequestState = {
      key,
      req,
      evaluate,
      t0,
      g0: changes.generation,
      cutoff: this.opts.now() - Math.max(this.opts.timestampOffsetMs, changes.marginMs),
      n: Math.floor((req.end - req.start) / req.step) + 1,
    };
    const cached = this.entries.get(key);
    if (cached === undefined || cached.start > req.end || cached.end < req.start)
      return this.miss(at);
    this.touch(key, cached);
    if (req.start >= cached.start && req.start + (at.n - 1) * req.step <= cached.end) {
      // Wholly inside the entry: no merge needed.
      this.counters.hits++;
      return {
        result: answer(cached.matrix(req.start, at.n), 0, 0, t0),
        outcome: 'hit',
      };
    }
    return this.partial(at, cached);
  }

  /** Evaluates the whole range and keeps what may be kept. */
  private async miss(at: RequestState): Promise<CachedAnswer> {
    const { req, n } = at;
    this.counters.misses++;
    const r = await at.evaluate(req.start, req.end);
    const value = r.value;
    if (
      value.type === 'matrix' &&
      r.warnings.length === 0 &&
      r.infos.length === 0 &&
      this.admit(at.key, req)
    ) {
      this.store(at, (keep) => {
        // Only the head that will be kept is copied, and nothing when it cannot fit.
        let bytes = 0;
        for (const s of value.series) bytes += keep * 9 + s.labels.flat.length * 24;
        if (bytes > this.opts.maxBytes / MAX_ENTRY_FRACTION) return undefined;
        const grid = new StepGrid(req.start, req.step, Math.min(keep, n));
        grid.addMatrix(value.series);
        return grid.head(keep);
      });
    }
    return { result: r, outcome: 'miss' };
  }

  /**
   * Whether a missed request may fill an entry. Requests aligned to their step (`start` a
   * multiple of `step`, as dashboards and Grafana send them) always may. Unaligned ones (a
   * query page whose window ends at "now") get a new alignment almost every time, so they fill
   * an entry only when the same key was seen recently: otherwise they would evict useful
   * entries with ones that are never read.
   */
  private admit(key: string, req: CachedRangeRequest): boolean {
    if (req.start % req.step === 0) return true;
    if (this.seen.delete(key)) return true;
    this.seen.add(key);
    if (this.seen.size > MAX_SEEN_KEYS) {
      for (const k of this.seen) {
        this.seen.delete(k);
        break;
      }
    }
    return false;
  }

  /** Evaluates the steps before and after the entry and merges them with it. */
  private async partial(at: RequestState, cached: CachedRange): Promise<CachedAnswer> {
    const { req, n } = at;
    const { start, step } = req;
    const parts: Promise<QueryResult>[] = [];
    if (start < cached.start) parts.push(at.evaluate(start, cached.start - step));
    if (req.end > cached.end) parts.push(at.evaluate(Math.max(start, cached.end + step), req.end));
    const results = await Promise.all(parts);
    const grid = new StepGrid(start, step, n);
    grid.addCached(cached);
    let samples = 0;
    let series = 0;
    for (const r of results) {
      if (r.value.type !== 'matrix' || r.warnings.length > 0 || r.infos.length > 0) {
        // Annotations describe the whole range: only a whole evaluation reports them right.
        this.counters.misses++;
        return { result: await at.evaluate(start, req.end), outcome: 'miss' };
      }
      grid.addMatrix(r.value.series);
      samples += r.stats.samplesLoaded;
      series += r.stats.seriesLoaded;
    }
    this.counters.partialHits++;
    this.store(at, (keep) => grid.head(keep));
    return { result: answer(grid.toMatrix(), samples, series, at.t0), outcome: 'partial' };
  }

  /**
   * Evicts least recently used entries until at most `targetBytes` remain (default: half of the
   * current size). Returns the bytes freed. For a memory-budget watcher under pressure.
   */
  shrink(targetBytes = Math.floor(this.bytes / 2)): number {
    const before = this.bytes;
    for (const [k, e] of this.entries) {
      if (this.bytes <= targetBytes) break;
      this.drop(k, e);
    }
    const freed = before - this.bytes;
    this.counters.evictedBytes += freed;
    return freed;
  }

  /** Drops every entry; returns the bytes freed. */
  clear(): number {
    return this.shrink(0);
  }

  /** A snapshot of the counters and current size. */
  stats(): QueryCacheStats {
    return { ...this.counters, bytes: this.bytes, entries: this.entries.size };
  }

  /** Applies history changes since the last look to every entry; returns the feed's answer. */
  private sync(): ReturnType<ChangeFeed['changesSince']> {
    const ch = this.feed.changesSince(this.seenGen);
    if (ch.generation !== this.seenGen) {
      this.seenGen = ch.generation;
      if (ch.minT !== Infinity) this.invalidate(ch.minT);
    }
    return ch;
  }

  /** Cuts every entry to the steps before `minT`. */
  private invalidate(minT: number): void {
    for (const [k, e] of [...this.entries]) {
      const kept = e.before(minT);
      if (kept === e) continue;
      this.counters.invalidations++;
      this.drop(k, e);
      if (kept !== undefined) this.put(k, kept);
    }
  }

  /**
   * Replaces the entry with the request's first steps: those older than the cut-off that no
   * history change since the request's start may have touched. `head(count)` builds the range
   * of the first `count` steps.
   */
  private store(at: RequestState, head: (count: number) => CachedRange | undefined): void {
    const { key, req } = at;
    const late = this.feed.changesSince(at.g0);
    const keep = stepsBefore(req.start, req.step, Math.min(at.cutoff, late.minT), at.n);
    const range = keep > 0 ? head(keep) : undefined;
    const old = this.entries.get(key);
    if (old !== undefined) this.drop(key, old);
    if (range === undefined || range.bytes > this.opts.maxBytes / MAX_ENTRY_FRACTION) return;
    this.put(key, range);
    if (this.bytes > this.opts.maxBytes) this.shrink(this.opts.maxBytes);
  }

  private put(key: string, e: CachedRange): void {
    this.entries.set(key, e);
    this.bytes += e.bytes;
  }

  private drop(key: string, e: CachedRange): void {
    this.entries.delete(key);
    this.bytes -= e.bytes;
  }

  /** Marks an entry as most recently used. */
  private touch(key: string, e: CachedRange): void {
    this.entries.delete(key);
    this.entries.set(key, e);
  }
}

/** The entry key, or undefined when the query cannot be cached (or does not parse). */
function cacheKey(req: CachedRangeRequest, experimental: boolean): string | undefined {
  let text: string;
  try {
    const expr = parseExpr(req.query, {
      experimentalFunctions: experimental,
      durationExpressions: experimental,
      extendedRangeSelectors: experimental,
      binopFillModifiers: experimental,
    });
    if (uncacheableReason(expr) !== undefined) return undefined;
    text = normalisedQuery(expr);
  } catch {
    // The engine reports the parse error.
    return undefined;
  }
  const phase = ((req.start % req.step) + req.step) % req.step;
  return [req.scope, req.lookbackDeltaMs, req.step, phase, text].join('\u0000');
}
