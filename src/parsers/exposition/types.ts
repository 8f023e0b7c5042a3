/** Shared types of the exposition-format parsers (Prometheus text 0.0.4 and OpenMetrics 1.0). */

/** Metric family types (OpenMetrics names; Prometheus text's `untyped` maps to `unknown`). */
export type MetricType =
  | 'counter'
  | 'gauge'
  | 'histogram'
  | 'gaugehistogram'
  | 'summary'
  | 'info'
  | 'stateset'
  | 'unknown';

/** What the parser stopped at. `'end'` means the input is exhausted. */
export type EntryKind = 'series' | 'help' | 'type' | 'unit' | 'end';

/** An exemplar attached to a sample (OpenMetrics). */
export interface Exemplar {
  /** Flat `[name, value, …]` label pairs, in the order written. */
  readonly labels: readonly string[];
  readonly value: number;
  /** Milliseconds since the epoch, or undefined when absent. */
  readonly timestampMs: number | undefined;
}

/** A syntax or semantic error in an exposition, with a 1-based line and column. */
export class ExpositionError extends Error {
  override readonly name = 'ExpositionError';
  constructor(
    readonly detail: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`line ${line}, column ${column}: ${detail}`);
  }
}

/**
 * A pull parser over an exposition. `next()` advances one entry; the accessors describe the
 * current entry and are valid until the next call. No object is allocated per sample unless the
 * caller asks for labels or exemplars.
 */
export interface ExpositionParser {
  /**
   * Advances to the next entry; throws `ExpositionError` on bad input.
   *
   * `known` is an optional hint: a series text that a parser of the same format returned from
   * `seriesKey()` before (so its syntax was checked then), typically the series the caller saw
   * at this position in the previous exposition of the same target. When the next entry is a
   * series written exactly `known`, its name and label set are not scanned again (only the
   * value and timestamp are read) and `matchedKnown()` returns true. Passing a text that was not
   * such a key voids the syntax guarantee for that line.
   */
  next(known?: string): EntryKind;
  /** For series: whether the series text equalled the `known` hint given to `next()`. */
  matchedKnown(): boolean;
  /** 1-based line number of the current entry. */
  readonly lineNumber: number;
  /**
   * For series: the series text exactly as written (`name{a="b"}`), usable as a cache key that
   * maps to a parsed series without parsing labels again.
   */
  seriesKey(): string;
  /** For series: the metric name. For metadata: the metric family name. */
  metricName(): string;
  /** For series: appends flat `[name, value, …]` label pairs (without `__name__`) to `out`. */
  labels(out: string[]): string[];
  /** For series: the sample value. */
  value(): number;
  /** For series: the sample timestamp in ms, or undefined when the line has none. */
  timestampMs(): number | undefined;
  /** For series: the exemplar, if any. */
  exemplar(): Exemplar | undefined;
  /** For `type`: the metric type. */
  metricType(): MetricType;
  /** For `help`: the unescaped help text. For `unit`: the unit. */
  text(): string;
}
