import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  bucketsFromHistogram,
  heatmapFromSeries,
  isHistogram,
  parseLe,
} from '../../ui/src/panels/histogram.js';
import { normalizePanelType } from '../../ui/src/panels/registry.js';
import { buildTable, compareCells } from '../../ui/src/panels/table.js';
import { applyTransforms } from '../../ui/src/panels/transforms.js';
import type { PanelModel, SeriesData } from '../../ui/src/panels/types.js';

function series(
  refId: string,
  labels: Record<string, string>,
  ts: number[],
  vs: number[],
): SeriesData {
  return {
    refId,
    labels,
    name: JSON.stringify(labels),
    timestamps: Float64Array.from(ts),
    values: Float64Array.from(vs),
  };
}

describe('histogram buckets', () => {
  const h = [
    series('A', { le: '+Inf' }, [0, 1000], [10, 20]),
    series('A', { le: '0.1' }, [0, 1000], [2, 5]),
    series('A', { le: '0.5' }, [0, 1000], [7, 15]),
  ];
  it('parses le values', () => {
    assert.equal(parseLe('+Inf'), Infinity);
    assert.equal(parseLe('0.25'), 0.25);
    assert.ok(Number.isNaN(parseLe('x')));
  });
  it('turns cumulative counts into per-bucket counts', () => {
    assert.ok(isHistogram(h));
    const d = bucketsFromHistogram(h);
    assert.deepEqual([...d.bounds], [0.1, 0.5, Infinity]);
    assert.deepEqual([...d.times], [0, 1000]);
    assert.deepEqual([...d.counts], [2, 5, 3, 5, 10, 5]);
    assert.equal(d.maxCount, 10);
  });
  it('sums series that share a bound', () => {
    const d = bucketsFromHistogram([
      series('A', { le: '1', pod: 'a' }, [0], [1]),
      series('A', { le: '1', pod: 'b' }, [0], [2]),
      series('A', { le: '+Inf', pod: 'a' }, [0], [4]),
    ]);
    assert.deepEqual([...d.counts], [3, 1]);
  });
  it('buckets plain values when there is no le', () => {
    const d = heatmapFromSeries([series('A', {}, [0, 0, 0], [0, 5, 10])]);
    assert.equal(d.bounds.length, 10);
    assert.equal(
      d.counts.reduce((a, b) => a + b, 0),
      3,
    );
  });
});

describe('tables', () => {
  const panel: PanelModel = {
    type: 'table',
    targets: [
      { refId: 'A', instant: true },
      { refId: 'B', instant: true },
    ],
  };
  it('joins queries on labels, one row per label set', () => {
    const t = buildTable(panel, [
      series('A', { job: 'x', instance: 'a' }, [0], [1]),
      series('A', { job: 'x', instance: 'b' }, [0], [2]),
      series('B', { job: 'x', instance: 'a' }, [0], [10]),
    ]);
    assert.deepEqual(
      t.columns.map((c) => c.name),
      ['instance', 'job', 'Value #A', 'Value #B'],
    );
    assert.deepEqual(t.rows[0], ['a', 'x', 1, 10]);
    assert.equal(t.rows[1]![0], 'b');
    assert.ok(Number.isNaN(t.rows[1]![3]));
  });
  it('gives one row per sample for range queries in table format', () => {
    const t = buildTable({ type: 'table', targets: [{ refId: 'A', format: 'table' }] }, [
      series('A', { job: 'x' }, [0, 1000], [1, 2]),
    ]);
    assert.deepEqual(
      t.columns.map((c) => c.kind),
      ['time', 'label', 'value'],
    );
    assert.deepEqual(t.rows, [
      [1000, 'x', 2],
      [0, 'x', 1],
    ]);
  });
  it('applies organize: exclude, rename, reorder', () => {
    const panel: PanelModel = {
      type: 'table',
      transformations: [
        {
          id: 'organize',
          options: {
            excludeByName: { job: true },
            renameByName: { Value: 'Up' },
            indexByName: { Value: 0, instance: 1 },
          },
        },
      ],
    };
    const { table: t } = applyTransforms(
      buildTable(panel, [series('A', { job: 'x', instance: 'a' }, [0], [1])]),
      panel,
    );
    assert.deepEqual(
      t.columns.map((c) => c.name),
      ['Up', 'instance'],
    );
    assert.deepEqual(t.rows, [[1, 'a']]);
  });
  it('joins by a field, groups, calculates and sorts like the node dashboards do', () => {
    const panel: PanelModel = {
      type: 'table',
      targets: [
        { refId: 'A', instant: true, format: 'table' },
        { refId: 'B', instant: true, format: 'table' },
      ],
      transformations: [
        {
          id: 'groupBy',
          options: {
            fields: {
              'Value #A': { aggregations: ['lastNotNull'], operation: 'aggregate' },
              'Value #B': { aggregations: ['lastNotNull'], operation: 'aggregate' },
              mountpoint: { aggregations: [], operation: 'groupby' },
            },
          },
        },
        { id: 'merge', options: {} },
        {
          id: 'calculateField',
          options: {
            alias: 'Used',
            mode: 'binary',
            binary: {
              left: 'Value #A (lastNotNull)',
              operator: '-',
              right: 'Value #B (lastNotNull)',
            },
          },
        },
        {
          id: 'calculateField',
          options: {
            alias: 'Used, %',
            mode: 'binary',
            binary: { left: 'Used', operator: '/', right: 'Value #A (lastNotNull)' },
          },
        },
        {
          id: 'organize',
          options: {
            renameByName: {
              'Value #A (lastNotNull)': 'Size',
              'Value #B (lastNotNull)': 'Available',
              mountpoint: 'Mounted on',
            },
          },
        },
        { id: 'sortBy', options: { sort: [{ field: 'Mounted on' }] } },
        { id: 'histogram', options: {} },
      ],
    };
    const { table, skipped } = applyTransforms(
      buildTable(panel, [
        series('A', { mountpoint: '/var' }, [0], [200]),
        series('A', { mountpoint: '/' }, [0], [100]),
        series('B', { mountpoint: '/' }, [0], [25]),
        series('B', { mountpoint: '/var' }, [0], [50]),
      ]),
      panel,
    );
    assert.deepEqual(
      table.columns.map((c) => c.name),
      ['Mounted on', 'Size', 'Available', 'Used', 'Used, %'],
    );
    assert.deepEqual(table.rows, [
      ['/', 100, 25, 75, 0.75],
      ['/var', 200, 50, 150, 0.75],
    ]);
    assert.deepEqual(skipped, ['histogram']);
  });
  it('joins rows by a field and reduces rows', () => {
    const panel: PanelModel = {
      type: 'table',
      transformations: [
        { id: 'joinByField', options: { byField: 'ns' } },
        {
          id: 'calculateField',
          options: { mode: 'reduceRow', reduce: { reducer: 'sum' }, alias: 'Total' },
        },
        { id: 'filterFieldsByName', options: { include: { pattern: '/^(ns|Total)$/' } } },
      ],
    };
    const { table } = applyTransforms(
      buildTable(panel, [
        series('A', { ns: 'a', pod: 'p1' }, [0], [1]),
        series('A', { ns: 'a', pod: 'p2' }, [0], [2]),
        series('A', { ns: 'b', pod: 'p3' }, [0], [5]),
      ]),
      panel,
    );
    assert.deepEqual(table.rows, [
      ['a', 1],
      ['b', 5],
    ]);
  });
  it('sorts numbers before NaN and strings naturally', () => {
    assert.ok(compareCells(1, NaN) < 0);
    assert.ok(compareCells('a2', 'a10') < 0);
  });
});

describe('panel types', () => {
  it('maps legacy types', () => {
    assert.equal(normalizePanelType('graph'), 'timeseries');
    assert.equal(normalizePanelType('singlestat'), 'stat');
    assert.equal(normalizePanelType('table-old'), 'table');
    assert.equal(normalizePanelType('grafana-piechart-panel'), 'piechart');
    assert.equal(normalizePanelType('gauge'), 'gauge');
    assert.equal(normalizePanelType('my-plugin'), 'my-plugin');
  });
});
