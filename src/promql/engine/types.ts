import type { Labels } from '../../model/index.js';

/** Settings of the query engine. */
export interface EngineOptions {
  /** How far back an instant selector looks for the latest sample, in ms (Prometheus: 5m). */
  lookbackDeltaMs: number;
  /** Maximum wall-clock time of one query in ms (`--query.timeout`). */
  timeoutMs: number;
  /** Maximum number of samples a query may hold in memory at once (`--query.max-samples`). */
  maxSamples: number;
  /** Maximum number of queries evaluated at once; more wait in a queue (`--query.max-concurrency`). */
  maxConcurrent: number;
  /**
   * Longest a query waits for a slot in ms before it is refused with 503 and `Retry-After`
   * (`--query.max-queue-wait`); Infinity waits until the query's timeout.
   */
  maxQueueWaitMs: number;
  /** Whether experimental functions (for example `sort_by_label`, `limitk`) may be used. */
  enableExperimentalFunctions: boolean;
  /**
   * Keep `__name__` until the end of evaluation and drop it only then (Prometheus' feature flag
   * `promql-delayed-name-removal`; off by default as in Prometheus 3).
   */
  enableDelayedNameRemoval: boolean;
  /** Step of subqueries written without one (`x[5m:]`), in ms (Prometheus: the evaluation interval, 1m). */
  defaultSubqueryStepMs: number;
}

/** The defaults Prometheus uses: 5m lookback, 2m timeout, 50M samples, 20 concurrent queries. */
export function defaultEngineOptions(): EngineOptions {
  return {
    lookbackDeltaMs: 5 * 60_000,
    timeoutMs: 2 * 60_000,
    maxSamples: 50_000_000,
    maxConcurrent: 20,
    maxQueueWaitMs: Infinity,
    enableExperimentalFunctions: false,
    enableDelayedNameRemoval: false,
    defaultSubqueryStepMs: 60_000,
  };
}

/** One sample of an instant vector result. */
export interface VectorSample {
  labels: Labels;
  /** Timestamp in ms. */
  t: number;
  v: number;
}

/** One series of a matrix result; `ts` (ms) and `vs` have the same length. */
export interface MatrixSeries {
  labels: Labels;
  ts: Float64Array;
  vs: Float64Array;
}

/** The value a query returns, shaped like Prometheus' result types. */
export type QueryValue =
  | { type: 'scalar'; t: number; v: number }
  | { type: 'string'; t: number; v: string }
  | { type: 'vector'; series: VectorSample[] }
  | { type: 'matrix'; series: MatrixSeries[] };

/** Counters about the work a query did. */
export interface QueryStats {
  /** Samples read from storage. */
  samplesLoaded: number;
  /** Series read from storage. */
  seriesLoaded: number;
  /** Wall-clock evaluation time in ms. */
  evalMs: number;
}

/** The outcome of a query: the value plus the annotations that travel beside it. */
export interface QueryResult {
  value: QueryValue;
  /** Warning annotations, for example `PromQL warning: … (1:5)`. */
  warnings: string[];
  /** Info annotations, for example `PromQL info: metric might not be a counter … (1:6)`. */
  infos: string[];
  stats: QueryStats;
}

/** Options of a single query. */
export interface QueryOptions {
  /** Cancels the query when aborted. */
  signal?: AbortSignal;
  /** Overrides the engine's lookback delta for this query (ms). */
  lookbackDeltaMs?: number;
}
