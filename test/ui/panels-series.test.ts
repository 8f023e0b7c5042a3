import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { drawSettings, thresholdsStyle, tickLabels } from '../../ui/src/panels/chartopts.js';
import { panelFields } from '../../ui/src/panels/fields.js';
import { stateBands } from '../../ui/src/panels/statetimeline.js';
import { formatClock, formatDateTime, ianaZone } from '../../ui/src/panels/timefmt.js';
import { alignFields, stackSeries } from '../../ui/src/panels/timeseries.js';
import type { SeriesData } from '../../ui/src/panels/types.js';
import { fieldRange, reducedValues } from '../../ui/src/panels/values.js';

function s(name: string, ts: number[], vs: number[], refId = 'A'): SeriesData {
  return {
    refId,
    labels: { name },
    name,
    timestamps: Float64Array.from(ts),
    values: Float64Array.from(vs),
  };
}

describe('time series data', () => {
  it('aligns series on a shared axis in seconds with gaps as null', () => {
    const f = panelFields({ type: 'timeseries' }, [
      s('a', [1000, 2000], [1, 2]),
      s('b', [2000, 3000], [5, NaN]),
    ]);
    const a = alignFields(f);
    assert.deepEqual(a.xs, [1, 2, 3]);
    assert.deepEqual(a.ys, [
      [1, 2, null],
      [null, 5, null],
    ]);
  });
  it('stacks per group, skipping hidden series', () => {
    const ys = [
      [1, 2],
      [10, 20],
      [100, 200],
    ];
    const r = stackSeries(ys, ['normal', 'normal', 'normal'], ['A', 'A', 'A'], [true, false, true]);
    assert.deepEqual(r.ys, [
      [1, 2],
      [10, 20],
      [101, 202],
    ]);
    assert.deepEqual(r.below, [-1, -1, 0]);
  });
  it('stacks to 100% in percent mode', () => {
    const r = stackSeries([[1], [3]], ['percent', 'percent'], ['A', 'A'], [true, true]);
    assert.deepEqual(r.ys, [[0.25], [1]]);
  });
  it('reads draw settings with defaults', () => {
    const d = drawSettings({
      custom: {
        drawStyle: 'bars',
        fillOpacity: 50,
        axisPlacement: 'right',
        scaleDistribution: { type: 'log', log: 2 },
      },
    });
    assert.equal(d.style, 'bars');
    assert.equal(d.fillOpacity, 0.5);
    assert.equal(d.axis, 'right');
    assert.equal(d.log, 2);
    assert.equal(drawSettings({}).lineWidth, 1);
    assert.deepEqual(thresholdsStyle({ custom: { thresholdsStyle: { mode: 'dashed+area' } } }), {
      line: true,
      area: true,
      dashed: true,
    });
  });
  it('formats ticks without trailing zeros', () => {
    assert.deepEqual(tickLabels([0, 0.5, 1, 1.5], 'none'), ['0', '0.5', '1', '1.5']);
    assert.deepEqual(tickLabels([1024, 1536], 'bytes'), ['1 KiB', '1.5 KiB']);
  });
  it('hides series with hideFrom.viz and colours fixed fields', () => {
    const f = panelFields(
      {
        type: 'timeseries',
        fieldConfig: {
          overrides: [
            {
              matcher: { id: 'byName', options: 'a' },
              properties: [{ id: 'custom.hideFrom', value: { viz: true } }],
            },
            {
              matcher: { id: 'byName', options: 'b' },
              properties: [{ id: 'color', value: { mode: 'fixed', fixedColor: 'red' } }],
            },
          ],
        },
      },
      [s('a', [0], [1]), s('b', [0], [1])],
    );
    assert.deepEqual(
      f.map((x) => x.name),
      ['b'],
    );
    assert.equal(f[0]?.color, '#F2495C');
  });
});

describe('reduced values', () => {
  it('one value per series and reducer, coloured by thresholds', () => {
    const v = reducedValues(
      {
        type: 'stat',
        options: { reduceOptions: { calcs: ['max', 'lastNotNull'] } },
        fieldConfig: {
          defaults: {
            unit: 'percent',
            thresholds: {
              steps: [
                { color: 'green', value: null },
                { color: 'red', value: 50 },
              ],
            },
          },
        },
      },
      [s('a', [0, 1], [80, 20])],
    );
    assert.deepEqual(
      v.map((x) => [x.name, x.value, x.display.text, x.display.color]),
      [
        ['a Max', 80, '80', '#F2495C'],
        ['a Last *', 20, '20', '#73BF69'],
      ],
    );
  });
  it('takes min/max from config, unit or data', () => {
    const f = (config: Record<string, unknown>): [number, number] =>
      fieldRange({ series: s('a', [], []), config, name: 'a', color: '', index: 0 }, 5, 40);
    assert.deepEqual(f({ min: 10, max: 20 }), [10, 20]);
    assert.deepEqual(f({ unit: 'percent' }), [0, 100]);
    assert.deepEqual(f({ unit: 'percentunit' }), [0, 1]);
    assert.deepEqual(f({}), [0, 40]);
  });
});

describe('state bands', () => {
  it('merges equal runs and ends bands at gaps', () => {
    const b = stateBands(s('a', [0, 10, 20, 30, 40, 100], [1, 1, 0, NaN, 1, 1]), 110);
    assert.deepEqual(b, [
      { start: 0, end: 20, value: 1 },
      { start: 20, end: 30, value: 0 },
      { start: 40, end: 50, value: 1 },
      { start: 100, end: 110, value: 1 },
    ]);
  });
  it('keeps every sample when merging is off', () => {
    assert.equal(stateBands(s('a', [0, 10, 20], [1, 1, 1]), 30, false).length, 3);
  });
});

describe('single-sample state bands', () => {
  it('a lone sample lasts until the end of the range, at least a millisecond', () => {
    assert.deepEqual(stateBands(s('a', [100], [1]), 500), [{ start: 100, end: 500, value: 1 }]);
    assert.deepEqual(stateBands(s('a', [500], [1]), 500), [{ start: 500, end: 501, value: 1 }]);
  });
});

describe('time zones', () => {
  it('formats in UTC, an IANA zone, and falls back for unknown zones', () => {
    assert.equal(formatDateTime(1700000000000, 'utc'), '2023-11-14 22:13:20');
    assert.equal(formatClock(1700000000000, 'Asia/Tokyo'), '07:13');
    assert.equal(ianaZone('browser'), undefined);
    assert.equal(ianaZone('No/Such_Zone'), undefined);
    assert.equal(ianaZone('UTC'), 'UTC');
  });
});
