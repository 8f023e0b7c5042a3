/**
 * Series limits: how many active series the storage holds in all and per metric name, and how
 * many new series it creates per hour. The storage asks `SeriesLimiter.admit` once per series it
 * is about to create (never for samples of series it already has), so that a flood of new series
 * is refused while existing series keep taking samples.
 */
import { LimitError, type Labels } from '../model/index.js';

/** Series limits (0 = no limit). Each error names the flag that holds the limit. */
export interface SeriesLimits {
  /** `--storage.max-series`: active series in the head, in all. */
  readonly maxSeries: number;
  /** `--storage.max-series-per-metric`: active series with one metric name. */
  readonly maxSeriesPerMetric: number;
  /** `--storage.max-new-series-per-hour`: series created in any sliding hour. */
  readonly maxNewSeriesPerHour: number;
}

/** Defaults that fit a 1 GB machine (a head series costs roughly 1–2 KiB with its index). */
export function defaultSeriesLimits(): SeriesLimits {
  return { maxSeries: 300_000, maxSeriesPerMetric: 100_000, maxNewSeriesPerHour: 300_000 };
}

/** Which series limit refused a series (the self-metric's `limit` label). */
export type SeriesLimitName = 'max_series' | 'max_series_per_metric' | 'max_new_series_per_hour';

/** Every series limit name, for self-metrics. */
export const SERIES_LIMIT_NAMES: readonly SeriesLimitName[] = [
  'max_series',
  'max_series_per_metric',
  'max_new_series_per_hour',
];

/**
 * A new series was refused by a series limit. A `LimitError` (so push paths count it as
 * `limit`), with the seconds after which trying again may succeed (for `Retry-After`).
 */
export class SeriesLimitError extends LimitError {
  constructor(
    message: string,
    setting: string,
    /** Which limit refused the series. */
    readonly limit: SeriesLimitName,
    /** When trying again may succeed, in seconds. */
    readonly retryAfterSeconds: number,
  ) {
    super(message, setting);
  }
}

/** What the limiter reads from the storage when it decides (cheap, no walk over series). */
export interface SeriesCounts {
  /** Active series now. */
  readonly numSeries: number;
  /** Active series whose metric name is `name`. */
  seriesWithName(name: string): number;
}

/** Minutes in the sliding window of the new-series limit. */
const WINDOW_MINUTES = 60;
const MINUTE_MS = 60_000;

/**
 * Decides whether a new series may be created. Single-threaded like the head that calls it;
 * counts refusals by limit for self-metrics.
 */
export class SeriesLimiter {
  /** New series per minute, a ring over the last hour, and the minute each slot holds. */
  private readonly perMinute = new Float64Array(WINDOW_MINUTES);
  private readonly slotMinute = new Float64Array(WINDOW_MINUTES).fill(-1);
  /** Refusals since start, by limit. */
  readonly rejected: Record<SeriesLimitName, number> = {
    max_series: 0,
    max_series_per_metric: 0,
    max_new_series_per_hour: 0,
  };

  constructor(
    readonly limits: SeriesLimits = defaultSeriesLimits(),
    /** Called on every refusal (self-metrics). */
    private readonly onReject: (limit: SeriesLimitName) => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Returns why the series with `labels` may not be created, or undefined when it may (and
   * then counts it as created for the hourly limit).
   */
  admit(labels: Labels, counts: SeriesCounts): SeriesLimitError | undefined {
    const lim = this.limits;
    if (lim.maxSeries > 0 && counts.numSeries >= lim.maxSeries) {
      return this.refuse(
        'max_series',
        'storage.max-series',
        `the storage holds ${counts.numSeries} active series, the limit is ${lim.maxSeries}`,
        labels,
        // Series go away when head compaction drops inactive ones (every block range).
        300,
      );
    }
    if (lim.maxSeriesPerMetric > 0) {
      const name = labels.metricName();
      const n = counts.seriesWithName(name);
      if (n >= lim.maxSeriesPerMetric) {
        return this.refuse(
          'max_series_per_metric',
          'storage.max-series-per-metric',
          `metric ${name} has ${n} active series, the limit is ${lim.maxSeriesPerMetric}`,
          labels,
          300,
        );
      }
    }
    const minute = Math.floor(this.now() / MINUTE_MS);
    if (lim.maxNewSeriesPerHour > 0) {
      const created = this.createdInLastHour(minute);
      if (created >= lim.maxNewSeriesPerHour) {
        return this.refuse(
          'max_new_series_per_hour',
          'storage.max-new-series-per-hour',
          `${created} series were created in the last hour, the limit is ${lim.maxNewSeriesPerHour}`,
          labels,
          this.secondsUntilRoom(minute),
        );
      }
    }
    this.count(minute);
    return undefined;
  }

  /** New series created in the hour up to now. */
  newSeriesLastHour(): number {
    return this.createdInLastHour(Math.floor(this.now() / MINUTE_MS));
  }

  private refuse(
    limit: SeriesLimitName,
    setting: string,
    why: string,
    labels: Labels,
    retryAfterSeconds: number,
  ): SeriesLimitError {
    this.rejected[limit]++;
    this.onReject(limit);
    return new SeriesLimitError(
      `cannot create series ${labels.toString()}: ${why}; raise --${setting}`,
      setting,
      limit,
      retryAfterSeconds,
    );
  }

  private count(minute: number): void {
    const slot = minute % WINDOW_MINUTES;
    if (this.slotMinute[slot] !== minute) {
      this.slotMinute[slot] = minute;
      this.perMinute[slot] = 0;
    }
    this.perMinute[slot]!++;
  }

  private createdInLastHour(minute: number): number {
    let sum = 0;
    for (let i = 0; i < WINDOW_MINUTES; i++) {
      if (this.slotMinute[i]! > minute - WINDOW_MINUTES) sum += this.perMinute[i]!;
    }
    return sum;
  }

  /** Seconds until the oldest minute with series leaves the window (at least 1). */
  private secondsUntilRoom(minute: number): number {
    let oldest = minute;
    for (let i = 0; i < WINDOW_MINUTES; i++) {
      const m = this.slotMinute[i]!;
      if (m > minute - WINDOW_MINUTES && this.perMinute[i]! > 0 && m < oldest) oldest = m;
    }
    const freeAt = (oldest + WINDOW_MINUTES) * MINUTE_MS;
    return Math.max(1, Math.ceil((freeAt - this.now()) / 1000));
  }
}
