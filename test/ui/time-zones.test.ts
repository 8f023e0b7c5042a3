/**
 * Named time zones in the UI: wall-clock fields and back through Intl, DST gaps and repeats,
 * date math and absolute input read in a zone, and the labels of tooltips and time axes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatClock, formatDateTime, timeAxisLabels } from '../../ui/src/time/format.js';
import {
  formatOffset,
  ianaZone,
  normalizeZone,
  wallTime,
  zonedToEpoch,
  zoneOffsetMs,
  zoneSuffix,
} from '../../ui/src/time/zone.js';
import { describeRange, parseTime, resolveRange } from '../../ui/src/dashboards/timerange.js';
import { DEFAULT_STATE, formatState, parseState } from '../../ui/src/explore/state.js';

const H = 3_600_000;
const NY = 'America/New_York';
const BERLIN = 'Europe/Berlin';

describe('zone names', () => {
  it('maps stored values to IANA zones', () => {
    assert.equal(ianaZone(undefined), undefined);
    assert.equal(ianaZone(''), undefined);
    assert.equal(ianaZone('browser'), undefined);
    assert.equal(ianaZone('utc'), 'UTC');
    assert.equal(ianaZone('UTC'), 'UTC');
    assert.equal(ianaZone(BERLIN), BERLIN);
    assert.equal(ianaZone('Mars/Olympus_Mons'), undefined);
    assert.equal(normalizeZone(''), 'browser');
    assert.equal(normalizeZone('UTC'), 'utc');
    assert.equal(normalizeZone(NY), NY);
  });
  it('formats offsets and suffixes', () => {
    assert.equal(formatOffset(-4 * H), '-04:00');
    assert.equal(formatOffset(5.5 * H), '+05:30');
    assert.equal(formatOffset(0), '+00:00');
    assert.equal(zoneSuffix('utc', 0), 'UTC');
    assert.equal(zoneSuffix(NY, Date.UTC(2024, 6, 1)), 'America/New_York (UTC-04:00)');
    assert.equal(zoneSuffix('browser', 0), '');
  });
});

describe('wall time in a zone', () => {
  it('reads winter and summer offsets', () => {
    assert.equal(zoneOffsetMs(Date.UTC(2024, 0, 15), NY), -5 * H);
    assert.equal(zoneOffsetMs(Date.UTC(2024, 6, 15), NY), -4 * H);
    assert.equal(zoneOffsetMs(Date.UTC(2024, 0, 15), BERLIN), 1 * H);
    assert.equal(zoneOffsetMs(Date.UTC(2024, 6, 15), BERLIN), 2 * H);
    assert.equal(zoneOffsetMs(Date.UTC(2024, 6, 15), 'Asia/Kolkata'), 5.5 * H);
    assert.deepEqual(wallTime(Date.UTC(2024, 6, 15, 12, 30, 5, 250), NY), {
      y: 2024,
      M: 6,
      d: 15,
      h: 8,
      m: 30,
      s: 5,
      ms: 250,
    });
  });
  it('round-trips wall times, normalising overflowing fields', () => {
    const t = Date.UTC(2024, 2, 31, 23, 59);
    assert.equal(zonedToEpoch(wallTime(t, BERLIN), BERLIN), t);
    assert.equal(
      zonedToEpoch({ y: 2024, M: 0, d: 32, h: 0, m: 0, s: 0, ms: 0 }, 'utc'),
      Date.UTC(2024, 1, 1),
    );
  });
  it('moves a wall time skipped by the spring DST change forward by the gap', () => {
    // 2024-03-10 02:30 does not exist in New York (clocks jump from 02:00 EST to 03:00 EDT).
    const t = zonedToEpoch({ y: 2024, M: 2, d: 10, h: 2, m: 30, s: 0, ms: 0 }, NY);
    assert.equal(t, Date.UTC(2024, 2, 10, 7, 30));
    assert.equal(formatDateTime(t, NY), '2024-03-10 03:30:00');
    // Berlin skips 02:00–03:00 on 2024-03-31.
    const b = zonedToEpoch({ y: 2024, M: 2, d: 31, h: 2, m: 15, s: 0, ms: 0 }, BERLIN);
    assert.equal(formatDateTime(b, BERLIN), '2024-03-31 03:15:00');
  });
  it('gives the first occurrence of a wall time repeated by the autumn DST change', () => {
    // 2024-11-03 01:30 happens twice in New York: first EDT (05:30Z), then EST (06:30Z).
    const t = zonedToEpoch({ y: 2024, M: 10, d: 3, h: 1, m: 30, s: 0, ms: 0 }, NY);
    assert.equal(t, Date.UTC(2024, 10, 3, 5, 30));
    assert.equal(formatDateTime(Date.UTC(2024, 10, 3, 6, 30), NY), '2024-11-03 01:30:00');
  });
});

describe('date math and absolute input in a zone', () => {
  // 2024-03-10 15:00 in New York (EDT, after the spring change at 02:00 local).
  const NOW = Date.UTC(2024, 2, 10, 19, 0);
  it('rounds to the zone’s day, across a DST change', () => {
    assert.equal(parseTime('now/d', NOW, NY), Date.UTC(2024, 2, 10, 5, 0));
    assert.equal(parseTime('now/d', NOW, NY, true), Date.UTC(2024, 2, 11, 4, 0) - 1);
    // Yesterday was 24 hours long, today only 23.
    assert.equal(parseTime('now-1d/d', NOW, NY), Date.UTC(2024, 2, 9, 5, 0));
    assert.equal(parseTime('now/d', NOW, 'utc'), Date.UTC(2024, 2, 10));
    assert.equal(parseTime('now/w', NOW, BERLIN), Date.UTC(2024, 2, 9, 23, 0));
  });
  it('keeps the wall clock when adding days over a DST change', () => {
    // now-1d from 15:00 EDT is 15:00 EST the day before: one wall day, 23 real hours.
    assert.equal(parseTime('now-1d', NOW, NY), Date.UTC(2024, 2, 9, 20, 0));
    assert.equal(parseTime('now-24h', NOW, NY), NOW - 24 * H);
  });
  it('rounds hours in half-hour zones on their own wall clock', () => {
    const t = Date.UTC(2024, 6, 1, 10, 50);
    assert.equal(parseTime('now/h', t, 'Asia/Kolkata'), Date.UTC(2024, 6, 1, 10, 30));
  });
  it('reads dates without an offset in the zone', () => {
    assert.equal(parseTime('2024-07-01 12:00:00', 0, NY), Date.UTC(2024, 6, 1, 16, 0));
    assert.equal(parseTime('2024-01-01 12:00:00', 0, BERLIN), Date.UTC(2024, 0, 1, 11, 0));
    assert.equal(parseTime('2024-07-01 12:00:00', 0, 'utc'), Date.UTC(2024, 6, 1, 12, 0));
    // An explicit offset wins over the zone.
    assert.equal(parseTime('2024-07-01T12:00:00Z', 0, NY), Date.UTC(2024, 6, 1, 12, 0));
  });
  it('resolves and describes ranges in the zone', () => {
    const r = resolveRange({ from: 'now/d', to: 'now/d' }, NOW, BERLIN);
    assert.equal(formatDateTime(r.from, BERLIN), '2024-03-10 00:00:00');
    assert.equal(formatDateTime(r.to, BERLIN), '2024-03-10 23:59:59');
    assert.equal(
      describeRange({ from: String(Date.UTC(2024, 6, 1, 16)), to: 'now' }, NY),
      '2024-07-01 12:00:00 to now',
    );
  });
});

describe('labels in a zone', () => {
  it('formats tooltips and clocks', () => {
    const t = Date.UTC(2024, 6, 1, 16, 5, 9);
    assert.equal(formatDateTime(t, NY), '2024-07-01 12:05:09');
    assert.equal(formatDateTime(t, 'utc'), '2024-07-01 16:05:09');
    assert.equal(formatDateTime(t, 'Asia/Tokyo'), '2024-07-02 01:05:09');
    assert.equal(formatClock(t, BERLIN), '18:05');
  });
  it('labels hourly ticks with the zone’s clock and marks a new day', () => {
    const splits = [20, 21, 22, 23, 24, 25].map((h) => Date.UTC(2024, 6, 1, h));
    // In New York all six ticks fall on July 1st, so no date is shown.
    assert.deepEqual(timeAxisLabels(splits, NY), [
      '16:00',
      '17:00',
      '18:00',
      '19:00',
      '20:00',
      '21:00',
    ]);
    assert.deepEqual(timeAxisLabels(splits, 'utc'), [
      '07/01 20:00',
      '21:00',
      '22:00',
      '23:00',
      '07/02 00:00',
      '01:00',
    ]);
  });
  it('labels ticks across the autumn DST change with the repeated hour', () => {
    const splits = [4, 5, 6, 7].map((h) => Date.UTC(2024, 10, 3, h));
    assert.deepEqual(timeAxisLabels(splits, NY), ['00:00', '01:00', '01:00', '02:00']);
  });
  it('labels seconds, days and months', () => {
    assert.deepEqual(
      timeAxisLabels(
        [0, 15_000, 30_000].map((s) => Date.UTC(2024, 0, 1) + s),
        'utc',
      ),
      ['00:00:00', '00:00:15', '00:00:30'],
    );
    assert.deepEqual(
      timeAxisLabels(
        [1, 2, 3].map((d) => Date.UTC(2024, 0, d, 5)),
        NY,
      ),
      ['01/01', '01/02', '01/03'],
    );
    assert.deepEqual(
      timeAxisLabels(
        [0, 1].map((m) => Date.UTC(2024, m, 1, 12)),
        BERLIN,
      ),
      ['2024-01', '2024-02'],
    );
  });
});

describe('Explore keeps its time zone in the URL', () => {
  it('reads and writes tz, leaving browser time out', () => {
    assert.equal(parseState('?q=up').tz, 'browser');
    assert.equal(parseState('?q=up&tz=UTC').tz, 'utc');
    assert.equal(parseState('?q=up&tz=Europe%2FBerlin').tz, BERLIN);
    assert.equal(formatState({ ...DEFAULT_STATE, query: 'up' }), '?q=up&range=1h&tab=graph');
    assert.equal(
      formatState({ ...DEFAULT_STATE, query: 'up', tz: NY }),
      '?q=up&range=1h&tab=graph&tz=America%2FNew_York',
    );
    assert.equal(parseState(formatState({ ...DEFAULT_STATE, tz: NY })).tz, NY);
  });
});
