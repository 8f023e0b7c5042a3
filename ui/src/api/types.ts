/** The shapes of Kansoku API responses the UI uses, after validation. */

/** A label set. */
export type Metric = Record<string, string>;

/** One series of a range query: timestamps in seconds, values as numbers (NaN allowed). */
export interface RangeSeries {
  readonly metric: Metric;
  readonly times: Float64Array;
  readonly values: Float64Array;
}

/** One sample of an instant query. */
export interface InstantSample {
  readonly metric: Metric;
  readonly time: number;
  readonly value: string;
}

/** The result of a query, by result type. */
export type QueryResult =
  | { readonly kind: 'matrix'; readonly series: readonly RangeSeries[] }
  | { readonly kind: 'vector'; readonly samples: readonly InstantSample[] }
  | { readonly kind: 'scalar'; readonly time: number; readonly value: string }
  | { readonly kind: 'string'; readonly time: number; readonly value: string };

/** A successful response with its warnings. */
export interface WithWarnings<T> {
  readonly data: T;
  readonly warnings: readonly string[];
}

/** Metric metadata from `/api/v1/metadata`. */
export interface MetricMeta {
  readonly name: string;
  readonly type: string;
  readonly help: string;
  readonly unit: string;
}

/** One active target from `/api/v1/targets`. */
export interface Target {
  readonly scrapePool: string;
  readonly scrapeUrl: string;
  readonly health: string;
  readonly lastError: string;
  readonly lastScrape: string;
  readonly lastScrapeDuration: number;
  readonly labels: Metric;
  readonly discoveredLabels: Metric;
  readonly scrapeInterval: string;
}

/** A target dropped by relabeling, from `/api/v1/targets?state=dropped`. */
export interface DroppedTarget {
  readonly scrapePool: string;
  /** Its labels as discovered, before relabeling dropped it. */
  readonly discoveredLabels: Metric;
}

/** A name and a count, as in the TSDB status. */
export interface NameCount {
  readonly name: string;
  readonly value: number;
}

/** A metric name or expression that could not be checked for use, with the reason. */
export interface UnparsedExpr {
  readonly source: string;
  readonly expr: string;
  readonly error: string;
}

/** `/api/kansoku/cardinality`: top lists by series count and metrics nothing uses. */
export interface Cardinality {
  readonly numSeries: number;
  readonly numMetrics: number;
  readonly seriesCountByMetricName: readonly NameCount[];
  readonly seriesCountByLabelName: readonly NameCount[];
  readonly labelValueCountByLabelName: readonly NameCount[];
  readonly seriesCountByLabelValuePair: readonly NameCount[];
  /** Metric names no dashboard query and no rule selects, with their series counts. */
  readonly unused: readonly NameCount[];
  readonly unusedCount: number;
  readonly unusedSeries: number;
  readonly dashboardsScanned: number;
  readonly rulesScanned: number;
  readonly unparsed: readonly UnparsedExpr[];
}

/** `/api/v1/status/tsdb`. */
export interface TsdbStatus {
  readonly headStats: Record<string, number>;
  readonly seriesCountByMetricName: readonly NameCount[];
  readonly labelValueCountByLabelName: readonly NameCount[];
  readonly memoryInBytesByLabelName: readonly NameCount[];
  readonly seriesCountByLabelValuePair: readonly NameCount[];
}
