import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Labels, LimitError } from '../model/index.js';
import { SeriesLimitError, SeriesLimiter, type SeriesCounts } from './limits.js';

const L = (name: string, i: number): Labels => Labels.fromRecord({ __name__: name, i: String(i) });

/** Counts like a storage that creates every admitted series. */
class FakeStore implements SeriesCounts {
  readonly byName = new Map<string, number>();
  numSeries = 0;
  seriesWithName(name: string): number {
    return this.byName.get(name) ?? 0;
  }
  create(limiter: SeriesLimiter, l: Labels): SeriesLimitError | undefined {
    const err = limiter.admit(l, this);
    if (err !== undefined) return err;
    this.numSeries++;
    this.byName.set(l.metricName(), this.seriesWithName(l.metricName()) + 1);
    return undefined;
  }
}

describe('SeriesLimiter', () => {
  it('refuses series beyond --storage.max-series and names the setting', () => {
    const seen: string[] = [];
    const lim = new SeriesLimiter(
      { maxSeries: 3, maxSeriesPerMetric: 0, maxNewSeriesPerHour: 0 },
      (l) => seen.push(l),
    );
    const store = new FakeStore();
    for (let i = 0; i < 3; i++) assert.equal(store.create(lim, L('a', i)), undefined);
    const err = store.create(lim, L('b', 0));
    assert.ok(err instanceof SeriesLimitError);
    assert.ok(err instanceof LimitError);
    assert.equal(err.setting, 'storage.max-series');
    assert.match(err.message, /raise --storage\.max-series\b/);
    assert.ok(err.retryAfterSeconds > 0);
    assert.deepEqual(seen, ['max_series']);
    assert.equal(lim.rejected.max_series, 1);
  });

  it('limits series per metric name only for that name', () => {
    const lim = new SeriesLimiter({ maxSeries: 0, maxSeriesPerMetric: 2, maxNewSeriesPerHour: 0 });
    const store = new FakeStore();
    assert.equal(store.create(lim, L('a', 0)), undefined);
    assert.equal(store.create(lim, L('a', 1)), undefined);
    const err = store.create(lim, L('a', 2));
    assert.ok(err);
    assert.equal(err.limit, 'max_series_per_metric');
    assert.match(err.message, /metric a has 2 active series.*--storage\.max-series-per-metric/);
    assert.equal(store.create(lim, L('b', 0)), undefined);
  });

  it('limits new series per sliding hour and frees room as minutes leave the window', () => {
    let now = 10 * 3_600_000;
    const lim = new SeriesLimiter(
      { maxSeries: 0, maxSeriesPerMetric: 0, maxNewSeriesPerHour: 5 },
      undefined,
      () => now,
    );
    const store = new FakeStore();
    for (let i = 0; i < 3; i++) assert.equal(store.create(lim, L('a', i)), undefined);
    now += 30 * 60_000;
    for (let i = 3; i < 5; i++) assert.equal(store.create(lim, L('a', i)), undefined);
    const err = store.create(lim, L('a', 5));
    assert.ok(err);
    assert.equal(err.limit, 'max_new_series_per_hour');
    assert.match(err.message, /--storage\.max-new-series-per-hour/);
    // The first three leave the window 60 minutes after they were created: 30 minutes from now.
    assert.equal(err.retryAfterSeconds, 30 * 60);
    assert.equal(lim.newSeriesLastHour(), 5);
    now += 30 * 60_000;
    assert.equal(lim.newSeriesLastHour(), 2);
    assert.equal(store.create(lim, L('a', 6)), undefined);
  });

  it('admits everything with all limits 0', () => {
    const lim = new SeriesLimiter({ maxSeries: 0, maxSeriesPerMetric: 0, maxNewSeriesPerHour: 0 });
    const store = new FakeStore();
    for (let i = 0; i < 1000; i++) assert.equal(store.create(lim, L('a', i)), undefined);
  });
});
