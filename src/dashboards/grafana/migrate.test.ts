import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonObject } from '../json.js';
import { validateDashboard } from '../validate.js';
import { exportGrafanaDashboard } from './export.js';
import { migrateGrafanaDashboard } from './migrate.js';
import { parseVariableQuery, variableQueryText } from './templating.js';

/** Migrates a dashboard with the given panels and returns the panels and warnings. */
function migratePanels(
  panels: unknown[],
  extra: JsonObject = {},
): { panels: JsonObject[]; warnings: string[] } {
  const placed = panels.map((p) => ({
    gridPos: { x: 0, y: 0, w: 12, h: 8 },
    ...(p as JsonObject),
  }));
  const r = migrateGrafanaDashboard({ title: 't', schemaVersion: 27, panels: placed, ...extra });
  return {
    panels: r.dashboard['panels'] as JsonObject[],
    warnings: r.warnings.map((w) => `${w.path}: ${w.message}`),
  };
}

function one(panel: JsonObject, extra: JsonObject = {}): { p: JsonObject; warnings: string[] } {
  const r = migratePanels([{ gridPos: { x: 0, y: 0, w: 12, h: 8 }, ...panel }], extra);
  const p = r.panels[0];
  assert.ok(p);
  return { p, warnings: r.warnings };
}

function get(o: unknown, path: string): unknown {
  let v: unknown = o;
  for (const k of path.split('.')) v = (v as Record<string, unknown> | undefined)?.[k];
  return v;
}

describe('rows to grid', () => {
  it('places panels by span and height and adds row panels, collapsed rows holding theirs', () => {
    const r = migrateGrafanaDashboard({
      title: 'old',
      schemaVersion: 14,
      rows: [
        {
          title: 'A',
          showTitle: true,
          height: '300px',
          panels: [
            { type: 'graph', id: 1, span: 6 },
            { type: 'graph', id: 2, span: 6 },
            { type: 'text', id: 3, span: 12, height: 100 },
          ],
        },
        { title: 'B', collapse: true, height: 250, panels: [{ type: 'graph', id: 4, span: 4 }] },
      ],
    });
    const panels = r.dashboard['panels'] as JsonObject[];
    assert.deepEqual(
      panels.map((p) => [p['type'], p['gridPos']]),
      [
        ['row', { x: 0, y: 0, w: 24, h: 1 }],
        ['timeseries', { x: 0, y: 1, w: 12, h: 8 }],
        ['timeseries', { x: 12, y: 1, w: 12, h: 8 }],
        ['text', { x: 0, y: 9, w: 24, h: 3 }],
        ['row', { x: 0, y: 12, w: 24, h: 1 }],
      ],
    );
    const collapsed = panels[4];
    assert.equal(collapsed?.['collapsed'], true);
    assert.deepEqual(
      (collapsed['panels'] as JsonObject[]).map((p) => [p['id'], p['gridPos']]),
      [[4, { x: 0, y: 13, w: 8, h: 7 }]],
    );
    assert.equal(r.dashboard['rows'], undefined);
    assert.equal(r.dashboard['schemaVersion'], 39);
    validateDashboard(r.dashboard);
  });

  it('does not add a row panel for a single untitled row', () => {
    const r = migrateGrafanaDashboard({
      title: 'x',
      rows: [{ panels: [{ type: 'graph', span: 12 }] }],
    });
    assert.deepEqual(
      (r.dashboard['panels'] as JsonObject[]).map((p) => p['type']),
      ['timeseries'],
    );
  });

  it('gives every panel a unique id', () => {
    const { panels } = migratePanels([
      { type: 'stat', id: 2 },
      { type: 'stat', id: 2 },
      { type: 'stat' },
    ]);
    assert.deepEqual(
      panels.map((p) => p['id']),
      [2, 1, 3],
    );
  });
});

describe('graph to timeseries', () => {
  it('maps draw style, axes, legend, tooltip, overrides and thresholds', () => {
    const { p, warnings } = one({
      type: 'graph',
      title: 'G',
      bars: false,
      lines: true,
      linewidth: 2,
      fill: 3,
      points: true,
      pointradius: 2,
      stack: true,
      percentage: false,
      steppedLine: true,
      nullPointMode: 'connected',
      yaxes: [
        { format: 'bytes', min: 0, max: null, logBase: 2, label: 'mem', show: true },
        { format: 'percentunit', min: 0, max: 1, show: true },
      ],
      legend: {
        show: true,
        alignAsTable: true,
        rightSide: true,
        avg: true,
        current: true,
        max: false,
      },
      tooltip: { shared: false, sort: 2 },
      aliasColors: { errors: 'red' },
      seriesOverrides: [{ alias: '/ratio/', yaxis: 2, fill: 0, bogus: 1 }],
      thresholds: [{ value: 80, colorMode: 'critical', op: 'gt', fill: true }],
      xaxis: { mode: 'time' },
      timeRegions: [],
    });
    assert.equal(p['type'], 'timeseries');
    assert.equal(get(p, 'fieldConfig.defaults.unit'), 'bytes');
    assert.equal(get(p, 'fieldConfig.defaults.min'), 0);
    assert.equal(get(p, 'fieldConfig.defaults.max'), undefined);
    const c = get(p, 'fieldConfig.defaults.custom') as JsonObject;
    assert.equal(c['drawStyle'], 'line');
    assert.equal(c['lineWidth'], 2);
    assert.equal(c['fillOpacity'], 30);
    assert.equal(c['showPoints'], 'always');
    assert.deepEqual(c['stacking'], { mode: 'normal', group: 'A' });
    assert.equal(c['lineInterpolation'], 'stepAfter');
    assert.equal(c['spanNulls'], true);
    assert.deepEqual(c['scaleDistribution'], { type: 'log', log: 2 });
    assert.equal(c['axisLabel'], 'mem');
    assert.deepEqual(c['thresholdsStyle'], { mode: 'line+area' });
    assert.deepEqual(get(p, 'options.legend'), {
      showLegend: true,
      displayMode: 'table',
      placement: 'right',
      calcs: ['mean', 'lastNotNull'],
    });
    assert.deepEqual(get(p, 'options.tooltip'), { mode: 'single', sort: 'desc' });
    const overrides = get(p, 'fieldConfig.overrides') as JsonObject[];
    assert.deepEqual(overrides[0], {
      matcher: { id: 'byName', options: 'errors' },
      properties: [{ id: 'color', value: { mode: 'fixed', fixedColor: 'red' } }],
    });
    assert.deepEqual(overrides[1]?.['matcher'], { id: 'byRegexp', options: 'ratio' });
    assert.deepEqual(overrides[1]['properties'], [
      { id: 'custom.axisPlacement', value: 'right' },
      { id: 'unit', value: 'percentunit' },
      { id: 'min', value: 0 },
      { id: 'max', value: 1 },
      { id: 'custom.fillOpacity', value: 0 },
    ]);
    assert.deepEqual(get(p, 'fieldConfig.defaults.thresholds'), {
      mode: 'absolute',
      steps: [
        { color: 'transparent', value: null },
        { color: 'red', value: 80 },
      ],
    });
    for (const k of ['yaxes', 'legend', 'seriesOverrides', 'aliasColors', 'bars'])
      assert.equal(p[k], undefined, k);
    assert.deepEqual(warnings, [
      'panels[0].seriesOverrides[0].bogus: series override property "bogus" is not supported',
    ]);
  });

  it('maps bars and percent stacking and reports a series x axis and panel alerts', () => {
    const { p, warnings } = one({
      type: 'graph',
      bars: true,
      lines: false,
      stack: true,
      percentage: true,
      xaxis: { mode: 'series' },
      alert: { name: 'x' },
    });
    assert.equal(get(p, 'fieldConfig.defaults.custom.drawStyle'), 'bars');
    assert.equal(get(p, 'fieldConfig.defaults.custom.stacking.mode'), 'percent');
    assert.equal(p['alert'], undefined);
    assert.equal(warnings.length, 2);
    assert.match(warnings[0] ?? '', /x axis mode "series"/);
    assert.match(warnings[1] ?? '', /legacy panel alert/);
  });
});

describe('singlestat', () => {
  it('becomes stat with reducer, unit, thresholds, colours, maps and sparkline', () => {
    const { p, warnings } = one({
      type: 'singlestat',
      valueName: 'current',
      format: 'short',
      postfix: ' req',
      decimals: 1,
      thresholds: '50,80',
      colors: ['green', 'orange', 'red'],
      colorBackground: true,
      sparkline: { show: true },
      mappingType: 1,
      valueMaps: [
        { value: '0', op: '=', text: 'down' },
        { value: 'null', op: '=', text: 'N/A' },
      ],
      rangeMaps: [{ from: 'null', to: 'null', text: 'N/A' }],
    });
    assert.equal(p['type'], 'stat');
    assert.deepEqual(get(p, 'options.reduceOptions.calcs'), ['lastNotNull']);
    assert.equal(get(p, 'fieldConfig.defaults.unit'), 'suffix: req');
    assert.equal(get(p, 'fieldConfig.defaults.decimals'), 1);
    assert.deepEqual(get(p, 'fieldConfig.defaults.thresholds.steps'), [
      { color: 'green', value: null },
      { color: 'orange', value: 50 },
      { color: 'red', value: 80 },
    ]);
    assert.equal(get(p, 'options.colorMode'), 'background');
    assert.equal(get(p, 'options.graphMode'), 'area');
    assert.deepEqual(get(p, 'fieldConfig.defaults.mappings'), [
      { type: 'value', options: { '0': { text: 'down', index: 0 } } },
      { type: 'special', options: { match: 'null', result: { text: 'N/A' } } },
    ]);
    assert.deepEqual(warnings, []);
  });

  it('becomes gauge with min, max and range maps; reports prefix with a unit', () => {
    const { p, warnings } = one({
      type: 'singlestat',
      gauge: {
        show: true,
        minValue: 0,
        maxValue: 1,
        thresholdMarkers: true,
        thresholdLabels: true,
      },
      format: 'percentunit',
      prefix: '~',
      valueName: 'name',
      mappingType: 2,
      rangeMaps: [{ from: '0', to: '10', text: 'low' }],
    });
    assert.equal(p['type'], 'gauge');
    assert.equal(get(p, 'fieldConfig.defaults.max'), 1);
    assert.equal(get(p, 'options.showThresholdLabels'), true);
    assert.deepEqual(get(p, 'fieldConfig.defaults.mappings'), [
      { type: 'range', options: { from: 0, to: 10, result: { text: 'low', index: 0 } } },
    ]);
    assert.equal(warnings.length, 2);
    assert.match(warnings.join('\n'), /value "name" is not supported/);
    assert.match(warnings.join('\n'), /prefix "~"/);
  });
});

describe('other panels', () => {
  it('table-old styles become defaults and overrides', () => {
    const { p, warnings } = one({
      type: 'table-old',
      transform: 'timeseries_to_rows',
      styles: [
        { pattern: 'Time', type: 'date', dateFormat: 'YYYY-MM-DD' },
        { pattern: '/.*/', type: 'number', unit: 'bytes', decimals: 2 },
        { pattern: 'instance', type: 'hidden' },
        {
          pattern: 'Value',
          type: 'number',
          alias: 'Free',
          colorMode: 'cell',
          thresholds: ['10'],
          colors: ['red', 'green'],
        },
      ],
    });
    assert.equal(p['type'], 'table');
    assert.equal(get(p, 'fieldConfig.defaults.unit'), 'bytes');
    const overrides = get(p, 'fieldConfig.overrides') as JsonObject[];
    assert.deepEqual(
      overrides.map((o) => get(o, 'matcher.options')),
      ['Time', 'instance', 'Value'],
    );
    assert.deepEqual(overrides[1]?.['properties'], [{ id: 'custom.hidden', value: true }]);
    assert.match(warnings.join('\n'), /timeseries_to_rows/);
  });

  it('piechart plugin, text, old heatmap and Grafana 6 fieldOptions', () => {
    const pie = one({
      type: 'grafana-piechart-panel',
      pieType: 'donut',
      legend: { show: true, values: true, percentage: true },
      legendType: 'Right side',
      format: 'bytes',
      valueName: 'total',
    }).p;
    assert.equal(pie['type'], 'piechart');
    assert.deepEqual(get(pie, 'options.legend.values'), ['value', 'percent']);
    assert.deepEqual(get(pie, 'options.reduceOptions.calcs'), ['sum']);
    const text = one({ type: 'text', mode: 'html', content: '<b>x</b>' }).p;
    assert.deepEqual(text['options'], { content: '<b>x</b>', mode: 'html' });
    const hm = one({
      type: 'heatmap',
      dataFormat: 'tsbuckets',
      color: { mode: 'spectrum', colorScheme: 'interpolateSpectral' },
      yAxis: { format: 's', decimals: 1 },
      hideZeroBuckets: true,
    });
    assert.equal(get(hm.p, 'options.calculate'), false);
    assert.equal(get(hm.p, 'options.color.scheme'), 'Spectral');
    assert.equal(get(hm.p, 'options.yAxis.unit'), 's');
    assert.deepEqual(hm.warnings, []);
    assert.match(
      one({ type: 'heatmap', dataFormat: 'timeseries' }).warnings.join(''),
      /histogram buckets/,
    );
    const g = one({
      type: 'gauge',
      options: {
        fieldOptions: {
          calcs: ['max'],
          defaults: {
            unit: 'ms',
            min: 0,
            max: 10,
            thresholds: [
              { color: 'green', value: null },
              { color: 'red', value: 5 },
            ],
          },
        },
        orientation: 'auto',
      },
    }).p;
    assert.equal(get(g, 'fieldConfig.defaults.unit'), 'ms');
    assert.deepEqual(get(g, 'options.reduceOptions.calcs'), ['max']);
    assert.equal(get(g, 'options.fieldOptions'), undefined);
    assert.equal(get(g, 'options.orientation'), 'auto');
  });

  it('discrete plugin becomes state-timeline with coloured value maps', () => {
    const { p, warnings } = one({
      type: 'natel-discrete-panel',
      units: 'short',
      valueMaps: [
        { op: '=', value: '1', text: 'PRIMARY' },
        { op: '=', value: 'null', text: 'N/A' },
      ],
      colorMaps: [
        { text: 'PRIMARY', color: 'green' },
        { text: 'null', color: '#CCC' },
      ],
      rangeMaps: [{ from: 'null', to: 'null', text: 'N/A' }],
      showLegend: true,
    });
    assert.equal(p['type'], 'state-timeline');
    assert.deepEqual(get(p, 'fieldConfig.defaults.mappings'), [
      { type: 'value', options: { '1': { text: 'PRIMARY', color: 'green', index: 0 } } },
      { type: 'special', options: { match: 'null', result: { text: 'N/A', index: 1 } } },
    ]);
    assert.equal(get(p, 'fieldConfig.defaults.unit'), 'short');
    assert.equal(p['colorMaps'], undefined);
    assert.match(warnings.join(''), /colours for texts without a value map \(null\)/);
  });

  it('reports unsupported panel types and keeps them', () => {
    const { p, warnings } = one({ type: 'grafana-worldmap-panel', title: 'Map' });
    assert.equal(p['type'], 'grafana-worldmap-panel');
    assert.deepEqual(warnings, [
      'panels[0].type: panel type "grafana-worldmap-panel" is not supported by Kansoku; the panel is kept and shown as unsupported',
    ]);
  });
});

describe('datasources', () => {
  const inputs = {
    __inputs: [
      { name: 'DS_PROM', type: 'datasource', pluginId: 'prometheus' },
      { name: 'DS_LOKI', type: 'datasource', pluginId: 'loki' },
    ],
  };

  it('points Prometheus references at Kansoku and reports the others per target', () => {
    const { panels, warnings } = migratePanels(
      [
        {
          type: 'timeseries',
          title: 'a',
          datasource: '${DS_PROM}',
          targets: [{ expr: 'up', refId: 'A', step: 30, intervalFactor: 2 }],
        },
        {
          type: 'timeseries',
          title: 'b',
          datasource: { type: 'prometheus', uid: 'abc' },
          targets: [{ expr: 'up' }],
        },
        {
          type: 'timeseries',
          title: 'c',
          datasource: { uid: '-- Mixed --' },
          targets: [
            { expr: 'up', datasource: 'Prometheus' },
            { expr: '{job="x"}', datasource: { type: 'loki', uid: 'l' } },
          ],
        },
        { type: 'logs', title: 'd', datasource: '${DS_LOKI}', targets: [{ expr: '{job="x"}' }] },
        { type: 'timeseries', title: 'e', datasource: '-- Grafana --', targets: [{ refId: 'A' }] },
        { type: 'timeseries', title: 'f', datasource: '$ds', targets: [{ expr: 'up' }] },
      ],
      {
        ...inputs,
        templating: { list: [{ type: 'datasource', name: 'ds', query: 'prometheus' }] },
      },
    );
    const kansoku = { type: 'prometheus', uid: 'kansoku' };
    assert.deepEqual(panels[0]?.['datasource'], kansoku);
    assert.deepEqual(panels[0]['targets'], [
      { expr: 'up', refId: 'A', datasource: kansoku, interval: '30s', intervalFactor: 2 },
    ]);
    assert.deepEqual(panels[1]?.['datasource'], kansoku);
    assert.deepEqual(get(panels[2], 'targets'), [
      { expr: 'up', refId: 'A', datasource: kansoku },
      { expr: '{job="x"}', datasource: { type: 'loki', uid: 'l' } },
    ]);
    assert.deepEqual(panels[5]?.['datasource'], kansoku);
    assert.deepEqual(warnings, [
      'panels[2].targets[1].datasource: query 1 uses datasource "loki", which is not Prometheus; it cannot run in Kansoku',
      'panels[3].type: panel type "logs" is not supported by Kansoku; the panel is kept and shown as unsupported',
      'panels[3].datasource: datasource "loki" is not Prometheus; its queries cannot run in Kansoku',
      "panels[4].datasource: the Grafana datasource (built-in test data or another panel's results) is not available in Kansoku",
    ]);
  });
});

describe('templating', () => {
  it('normalizes query variables and reports ad hoc filters', () => {
    const r = migrateGrafanaDashboard({
      title: 'v',
      templating: {
        list: [
          { type: 'query', name: 'a', query: 'label_values(up, job)', refresh: true },
          { type: 'query', name: 'b', query: { query: 'label_names()', refId: 'X' } },
          {
            type: 'query',
            name: 'c',
            query: {
              qryType: 1,
              label: 'instance',
              metric: 'up',
              labelFilters: [{ label: 'job', op: '=~', value: '$a' }],
            },
          },
          { type: 'query', name: 'd', definition: 'query_result(topk(3, up))', query: '' },
          { type: 'custom', name: 'e', query: 'x,y' },
          { type: 'interval', name: 'f', query: '1m,5m' },
          { type: 'adhoc', name: 'g' },
          {
            type: 'query',
            name: 'h',
            datasource: { type: 'loki', uid: 'x' },
            query: 'label_values(job)',
          },
        ],
      },
    });
    const list = get(r.dashboard, 'templating.list') as JsonObject[];
    assert.deepEqual(
      list.map((v) => v['name']),
      ['a', 'b', 'c', 'd', 'e', 'f', 'h'],
    );
    assert.deepEqual(
      list.slice(0, 4).map((v) => v['definition']),
      [
        'label_values(up, job)',
        'label_names()',
        'label_values(up{job=~"$a"}, instance)',
        'query_result(topk(3, up))',
      ],
    );
    assert.equal(list[0]?.['refresh'], 1);
    assert.equal(r.warnings.length, 2);
  });

  it('parses query variable definitions', () => {
    assert.deepEqual(parseVariableQuery('label_values(up{a=",", b="x"}, job)'), {
      kind: 'label_values',
      selector: 'up{a=",", b="x"}',
      label: 'job',
    });
    assert.deepEqual(parseVariableQuery('label_values(job)'), {
      kind: 'label_values',
      label: 'job',
    });
    assert.deepEqual(parseVariableQuery('label_names()'), { kind: 'label_names' });
    assert.deepEqual(parseVariableQuery('metrics(node_.*)'), { kind: 'metrics', regex: 'node_.*' });
    assert.deepEqual(parseVariableQuery('query_result(sum(up))'), {
      kind: 'query_result',
      expr: 'sum(up)',
    });
    assert.deepEqual(parseVariableQuery('up{job="a"}'), { kind: 'series', expr: 'up{job="a"}' });
    assert.equal(variableQueryText({ qryType: 0, metric: 'up' }), 'label_names(up)');
    assert.equal(variableQueryText({ qryType: 2, metric: 'node_.*' }), 'metrics(node_.*)');
  });
});

describe('annotations, links and export', () => {
  it('keeps the built-in and Prometheus annotations and reports the rest', () => {
    const r = migrateGrafanaDashboard({
      title: 'a',
      annotations: {
        list: [
          { builtIn: 1, datasource: '-- Grafana --', name: 'Annotations & Alerts', enable: true },
          {
            name: 'deploys',
            datasource: 'Prometheus',
            expr: 'changes(build_info[1m]) > 0',
            step: 60,
            enable: true,
          },
          { name: 'loki', datasource: { type: 'loki', uid: 'l' }, enable: true, expr: '{app="x"}' },
        ],
      },
      links: [{ type: 'dashboards', tags: ['a'] }, 'bad'],
    });
    const list = get(r.dashboard, 'annotations.list') as JsonObject[];
    assert.deepEqual(
      list.map((a) => a['name']),
      ['Annotations & Alerts', 'deploys'],
    );
    assert.equal(list[1]?.['step'], '60s');
    assert.equal(r.warnings.length, 2);
    assert.equal((r.dashboard['links'] as unknown[]).length, 1);
  });

  it('exports with a ${DS_PROMETHEUS} input that imports back to the same dashboard', () => {
    const imported = migrateGrafanaDashboard({
      uid: 'x1',
      title: 'E',
      panels: [
        {
          type: 'timeseries',
          gridPos: { x: 0, y: 0, w: 24, h: 8 },
          targets: [{ expr: 'up', refId: 'A' }],
        },
      ],
      templating: { list: [{ type: 'query', name: 'job', query: 'label_values(up, job)' }] },
    }).dashboard;
    const d = validateDashboard(imported);
    const out = exportGrafanaDashboard(d);
    const json = JSON.stringify(out);
    assert.ok(!json.includes('"kansoku"'));
    assert.equal(get((out['panels'] as JsonObject[])[0], 'datasource.uid'), '${DS_PROMETHEUS}');
    assert.deepEqual(
      (out['__requires'] as JsonObject[]).map((r) => r['id']),
      ['grafana', 'prometheus', 'timeseries'],
    );
    const again = migrateGrafanaDashboard(out);
    assert.deepEqual(again.warnings, []);
    assert.deepEqual(again.dashboard['panels'], imported['panels']);
    assert.deepEqual(again.dashboard['templating'], imported['templating']);
  });

  it('repairs what old exports got wrong: refresh flags, fractional grids, duplicate variables', () => {
    const r = migrateGrafanaDashboard({
      title: 'r',
      refresh: false,
      time: { from: 1, to: 2 },
      panels: [{ type: 'stat', title: null, gridPos: { x: 20, y: 1.5, w: 30, h: 0 } }],
      templating: {
        list: [
          { type: 'custom', name: 'a', query: 'x' },
          { type: 'custom', name: 'a', query: 'y' },
          { type: 'custom', name: 'b-c' },
        ],
      },
    });
    const d = validateDashboard(r.dashboard);
    assert.equal(d.refresh, '');
    assert.deepEqual(d.time, { from: 'now-6h', to: 'now' });
    assert.deepEqual(d.panels[0]?.gridPos, { x: 0, y: 2, w: 24, h: 1 });
    assert.equal(d.panels[0].title, '');
    assert.deepEqual(
      d.templating.list.map((v) => v.query),
      ['x'],
    );
    assert.deepEqual(
      r.warnings.map((w) => w.path),
      ['templating.list[1].name', 'templating.list[2].name', 'time'],
    );
  });

  it('reports queries that do not parse as PromQL, with their path', () => {
    const r = migrateGrafanaDashboard({
      title: 'q',
      panels: [
        {
          type: 'timeseries',
          title: 'P',
          gridPos: { x: 0, y: 0, w: 24, h: 8 },
          targets: [{ expr: 'rate(x[$__rate_interval])' }, { expr: 'sum(' }],
        },
      ],
      templating: { list: [{ type: 'query', name: 'v', query: 'query_result(topk(3,)' }] },
    });
    assert.deepEqual(
      r.warnings.map((w) => [w.path, w.panel]),
      [
        ['panels[0].targets[1].expr', 'P'],
        ['templating.list[0].query', undefined],
      ],
    );
    assert.match(r.warnings[0]?.message ?? '', /^query does not parse as PromQL: /);
  });

  it('drops the editor state of old Grafana ($$hashKey)', () => {
    const { p, warnings } = one({
      type: 'graph',
      seriesOverrides: [{ alias: 'a', $$hashKey: 'object:1', fill: 0 }],
      targets: [{ expr: 'up', $$hashKey: 'x' }],
    });
    assert.deepEqual(warnings, []);
    assert.ok(!JSON.stringify(p).includes('hashKey'));
  });

  it('accepts an API envelope and rejects what is not a dashboard', () => {
    const r = migrateGrafanaDashboard({ dashboard: { title: 'env', panels: [] }, meta: {} });
    assert.equal(r.dashboard['title'], 'env');
    assert.throws(() => migrateGrafanaDashboard([1]), /must be a Grafana dashboard JSON object/);
  });
});
