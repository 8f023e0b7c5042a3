import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  alignRange,
  calculateIntervalMs,
  formatDuration,
  parseDurationMs,
  queryResolution,
  roundInterval,
} from '../../ui/src/dashboards/interval.js';
import {
  describeRange,
  parseTime,
  resolveRange,
  shiftRange,
} from '../../ui/src/dashboards/timerange.js';
import { formatUrlState, parseUrlState } from '../../ui/src/dashboards/urlstate.js';

const NOW = Date.UTC(2024, 4, 15, 13, 45, 30, 500); // Wednesday

describe('time expressions', () => {
  const cases: [string, boolean, number | undefined][] = [
    ['now', false, NOW],
    ['now-6h', false, NOW - 6 * 3600_000],
    ['now-1d', false, NOW - 86400_000],
    ['now/d', false, Date.UTC(2024, 4, 15)],
    ['now/d', true, Date.UTC(2024, 4, 16) - 1],
    ['now-1d/d', false, Date.UTC(2024, 4, 14)],
    ['now/w', false, Date.UTC(2024, 4, 12)],
    ['now/M', false, Date.UTC(2024, 4, 1)],
    ['now-1M/M', false, Date.UTC(2024, 3, 1)],
    ['now/y', false, Date.UTC(2024, 0, 1)],
    ['now+5m', false, NOW + 300_000],
    ['1700000000000', false, 1700000000000],
    ['2024-01-02 03:04:05', false, Date.UTC(2024, 0, 2, 3, 4, 5)],
    ['2024-01-02', false, Date.UTC(2024, 0, 2)],
    ['2024-01-02T03:04:05Z', false, Date.UTC(2024, 0, 2, 3, 4, 5)],
    ['now-x', false, undefined],
    ['yesterday', false, undefined],
  ];
  for (const [expr, up, want] of cases) {
    it(`${expr}${up ? ' (end)' : ''}`, () => {
      assert.equal(parseTime(expr, NOW, 'utc', up), want);
    });
  }

  it('resolves ranges with fallbacks and swaps', () => {
    assert.deepEqual(resolveRange({ from: 'now-1h', to: 'now' }, NOW, 'utc'), {
      from: NOW - 3600_000,
      to: NOW,
    });
    assert.deepEqual(resolveRange({ from: 'bad', to: 'now' }, NOW, 'utc'), {
      from: NOW - 6 * 3600_000,
      to: NOW,
    });
    assert.deepEqual(resolveRange({ from: 'now', to: 'now-1h' }, NOW, 'utc'), {
      from: NOW - 3600_000,
      to: NOW,
    });
  });

  it('describes and shifts ranges', () => {
    assert.equal(describeRange({ from: 'now-6h', to: 'now' }, 'utc'), 'Last 6 hours');
    assert.equal(
      describeRange({ from: String(Date.UTC(2024, 0, 2, 3, 4, 5)), to: 'now' }, 'utc'),
      '2024-01-02 03:04:05 to now',
    );
    assert.deepEqual(shiftRange({ from: 1000, to: 2000 }, -0.5), { from: 500, to: 1500 });
    assert.deepEqual(shiftRange({ from: 1000, to: 2000 }, 0, 2), { from: 500, to: 2500 });
  });
});

describe('durations and resolution', () => {
  it('parses and formats durations', () => {
    assert.equal(parseDurationMs('15s'), 15_000);
    assert.equal(parseDurationMs('1m30s'), 90_000);
    assert.equal(parseDurationMs('500ms'), 500);
    assert.equal(parseDurationMs('30'), 30_000);
    assert.equal(parseDurationMs('abc'), undefined);
    assert.equal(parseDurationMs(''), undefined);
    assert.equal(formatDuration(60_000), '1m');
    assert.equal(formatDuration(90_000), '90s');
    assert.equal(formatDuration(500), '500ms');
    assert.equal(formatDuration(86_400_000), '1d');
  });

  it('rounds intervals like Grafana', () => {
    assert.equal(roundInterval(12_000), 10_000);
    assert.equal(roundInterval(40_000), 30_000);
    assert.equal(roundInterval(100_000), 120_000);
    // 6 h over 1000 px: 21.6 s → 20 s.
    assert.equal(calculateIntervalMs(6 * 3600_000, 1000), 20_000);
    assert.equal(calculateIntervalMs(3600_000, 1000, 60_000), 60_000);
  });

  it('computes step and rate interval', () => {
    // 1 h over 1000 px: 3.6 s → 2 s, raised to the 15 s scrape interval.
    assert.deepEqual(queryResolution({ rangeMs: 3600_000, resolution: 1000 }), {
      intervalMs: 15_000,
      rateIntervalMs: 60_000,
      stepSec: 15,
    });
    // 7 d over 500 px: 1209.6 s → 20 min; rate interval = 20m + 15s.
    assert.deepEqual(queryResolution({ rangeMs: 7 * 86400_000, resolution: 500 }), {
      intervalMs: 1_200_000,
      rateIntervalMs: 1_215_000,
      stepSec: 1200,
    });
    // A target's min interval of 1m and intervalFactor 2.
    const r = queryResolution({
      rangeMs: 3600_000,
      resolution: 100,
      targetInterval: '1m',
      intervalFactor: 2,
    });
    assert.equal(r.stepSec, 60);
    assert.equal(r.rateIntervalMs, 240_000);
    // The 11,000-point limit.
    assert.ok(
      queryResolution({ rangeMs: 30 * 86400_000, resolution: 100_000, scrapeIntervalMs: 1000 })
        .stepSec >=
        (30 * 86400) / 11_000,
    );
    assert.deepEqual(alignRange(100_500, 200_500, 15), { start: 90, end: 210 });
  });
});

describe('URL state', () => {
  it('round-trips Grafana parameters', () => {
    const s = parseUrlState(
      '?from=now-1h&to=now&var-job=node&var-inst=a&var-inst=b&refresh=30s&viewPanel=4',
    );
    assert.deepEqual(s, {
      from: 'now-1h',
      to: 'now',
      refresh: '30s',
      vars: { job: ['node'], inst: ['a', 'b'] },
      viewPanel: 4,
    });
    assert.equal(
      formatUrlState(s),
      '?from=now-1h&to=now&var-job=node&var-inst=a&var-inst=b&refresh=30s&viewPanel=4',
    );
    assert.equal(formatUrlState({ vars: {} }), '');
    assert.equal(formatUrlState({ vars: {}, edit: true }), '?edit');
    assert.equal(parseUrlState('?edit').edit, true);
  });
});
