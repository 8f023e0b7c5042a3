import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getIn, setIn } from '../../ui/src/panels/edit.js';
import { fieldConfigFor } from '../../ui/src/panels/fieldconfig.js';
import { migratePanel } from '../../ui/src/panels/legacy.js';
import type { PanelModel } from '../../ui/src/panels/types.js';

describe('legacy graph panels', () => {
  const graph: PanelModel = {
    type: 'graph',
    title: 'Requests',
    bars: false,
    lines: true,
    fill: 3,
    linewidth: 2,
    stack: true,
    percentage: false,
    yaxes: [
      { format: 'rpm', min: '0', max: null, logBase: 1 },
      { format: 'ms', logBase: 1 },
    ],
    legend: {
      show: true,
      alignAsTable: true,
      rightSide: true,
      values: true,
      current: true,
      max: true,
    },
    tooltip: { shared: true },
    seriesOverrides: [{ alias: '/errors/', yaxis: 2, color: '#ff0000' }],
    aliasColors: { ok: 'green' },
    thresholds: [{ value: 100, op: 'gt', colorMode: 'critical', fill: true, line: true }],
  };
  const p = migratePanel(graph);
  it('becomes a time series with axis, fill, stacking', () => {
    assert.equal(p.type, 'timeseries');
    const d = p.fieldConfig?.defaults;
    assert.equal(d?.unit, 'rpm');
    assert.equal(d.min, 0);
    const custom = d.custom ?? {};
    assert.equal(custom['fillOpacity'], 30);
    assert.equal(custom['lineWidth'], 2);
    assert.deepEqual(custom['stacking'], { mode: 'normal', group: 'A' });
  });
  it('keeps the legend as a table on the right with its values', () => {
    assert.deepEqual(p.options?.['legend'], {
      showLegend: true,
      displayMode: 'table',
      placement: 'right',
      calcs: ['max', 'lastNotNull'],
    });
    assert.deepEqual(p.options['tooltip'], { mode: 'multi' });
  });
  it('turns series overrides and alias colours into field overrides', () => {
    const errors = fieldConfigFor(p.fieldConfig, { name: '5xx errors', refId: 'A', labels: {} });
    assert.equal(errors.custom?.['axisPlacement'], 'right');
    assert.equal(errors.unit, 'ms');
    assert.deepEqual(errors.color, { mode: 'fixed', fixedColor: '#ff0000' });
    const ok = fieldConfigFor(p.fieldConfig, { name: 'ok', refId: 'A', labels: {} });
    assert.deepEqual(ok.color, { mode: 'fixed', fixedColor: 'green' });
  });
  it('turns thresholds into steps drawn as lines and areas', () => {
    const t = p.fieldConfig?.defaults?.thresholds;
    assert.deepEqual(
      t?.steps.map((s) => s.value),
      [null, 100],
    );
    assert.deepEqual(p.fieldConfig?.defaults?.custom?.['thresholdsStyle'], { mode: 'line+area' });
  });
  it('is idempotent', () => {
    assert.deepEqual(migratePanel(p), p);
  });
});

describe('legacy singlestat panels', () => {
  it('becomes a stat with reducer, thresholds, colours and value maps', () => {
    const p = migratePanel({
      type: 'singlestat',
      format: 'percentunit',
      valueName: 'avg',
      thresholds: '0.1,0.5',
      colors: ['green', 'orange', 'red'],
      colorBackground: true,
      sparkline: { show: true },
      valueMaps: [{ value: '0', op: '=', text: 'none' }],
      mappingType: 1,
    });
    assert.equal(p.type, 'stat');
    assert.equal(p.fieldConfig?.defaults?.unit, 'percentunit');
    assert.deepEqual(p.options?.['reduceOptions'], { calcs: ['mean'], fields: '', values: false });
    assert.equal(p.options['colorMode'], 'background');
    assert.equal(p.options['graphMode'], 'area');
    assert.deepEqual(p.fieldConfig.defaults.thresholds?.steps, [
      { color: 'green', value: null },
      { color: 'orange', value: 0.1 },
      { color: 'red', value: 0.5 },
    ]);
    assert.deepEqual(p.fieldConfig.defaults.mappings, [
      { type: 'value', options: { '0': { text: 'none' } } },
    ]);
  });
  it('becomes a gauge when its gauge was shown', () => {
    const p = migratePanel({
      type: 'singlestat',
      gauge: { show: true, minValue: 0, maxValue: 200, thresholdMarkers: true },
    });
    assert.equal(p.type, 'gauge');
    assert.equal(p.fieldConfig?.defaults?.max, 200);
  });
});

describe('legacy tables and pie charts', () => {
  it('turns table styles into defaults and overrides', () => {
    const p = migratePanel({
      type: 'table-old',
      styles: [
        { pattern: 'Time', type: 'hidden' },
        {
          pattern: 'Value',
          unit: 'bytes',
          decimals: 1,
          alias: 'Size',
          thresholds: ['10', '20'],
          colors: ['green', 'yellow', 'red'],
          colorMode: 'cell',
        },
        { pattern: '/.*/', unit: 'short' },
      ],
    });
    assert.equal(p.type, 'table');
    assert.equal(p.fieldConfig?.defaults?.unit, 'short');
    const time = fieldConfigFor(p.fieldConfig, { name: 'Time', refId: '', labels: {} });
    assert.equal(time.custom?.['hidden'], true);
    const v = fieldConfigFor(p.fieldConfig, { name: 'Value', refId: '', labels: {} });
    assert.equal(v.unit, 'bytes');
    assert.equal(v.displayName, 'Size');
    assert.deepEqual(v.custom?.['cellOptions'], { type: 'color-background' });
  });
  it('maps the pie chart plugin', () => {
    const p = migratePanel({
      type: 'grafana-piechart-panel',
      pieType: 'donut',
      valueName: 'total',
      legend: { show: true, percentage: true },
    });
    assert.equal(p.type, 'piechart');
    assert.equal(p.options?.['pieType'], 'donut');
    assert.deepEqual(p.options['reduceOptions'], { calcs: ['sum'], fields: '', values: false });
  });
  it('leaves current panels alone and normalizes aliases', () => {
    const stat: PanelModel = { type: 'stat', options: { colorMode: 'none' } };
    assert.equal(migratePanel(stat), stat);
    assert.equal(migratePanel({ type: 'status-history' }).type, 'state-timeline');
  });
});

describe('immutable edits', () => {
  it('sets nested values without touching the original', () => {
    const p: PanelModel = { type: 'stat', options: { a: 1 } };
    const q = setIn(p, ['fieldConfig', 'defaults', 'unit'], 'bytes');
    assert.equal(getIn(q, ['fieldConfig', 'defaults', 'unit']), 'bytes');
    assert.equal(p.fieldConfig, undefined);
    assert.equal(q.options, p.options);
    const r = setIn(q, ['fieldConfig', 'defaults', 'unit'], undefined);
    assert.deepEqual(r.fieldConfig, { defaults: {} });
  });
});
