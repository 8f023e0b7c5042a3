import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PanelModel } from '../../ui/src/panels/types.js';
import {
  addPanel,
  compact,
  duplicatePanel,
  gridRect,
  placePanel,
  toggleRow,
} from '../../ui/src/dashboards/layout.js';
import { normalizeDashboard } from '../../ui/src/dashboards/model.js';
import { expandRepeats, panelScope } from '../../ui/src/dashboards/repeat.js';
import {
  ALL_VALUE,
  customOptions,
  dependents,
  optionsFromValues,
  parseVariableQuery,
  refreshOrder,
  selectValues,
  variableValue,
  autoInterval,
} from '../../ui/src/dashboards/variables.js';

const p = (
  id: number,
  x: number,
  y: number,
  w: number,
  h: number,
  type = 'timeseries',
): PanelModel => ({
  id,
  type,
  gridPos: { x, y, w, h },
});
const pos = (ps: PanelModel[]): string =>
  ps
    .map((q) => `${q.id}:${q.gridPos?.x},${q.gridPos?.y},${q.gridPos?.w},${q.gridPos?.h}`)
    .sort()
    .join(' ');

describe('dashboard model', () => {
  it('rejects non-objects and fills defaults', () => {
    assert.throws(() => normalizeDashboard([]), /cannot read dashboard/);
    const d = normalizeDashboard({
      title: 'x',
      panels: [{ type: 'graph' }, { type: 'stat', id: 1 }],
    });
    assert.deepEqual(d.time, { from: 'now-6h', to: 'now' });
    assert.deepEqual(d.templating.list, []);
    assert.deepEqual(
      d.panels.map((q) => q.id),
      [2, 1],
    );
  });

  it('converts the old rows layout', () => {
    const d = normalizeDashboard({
      rows: [
        {
          title: 'A',
          height: '250px',
          panels: [
            { type: 'graph', span: 6 },
            { type: 'graph', span: 6 },
          ],
        },
        { title: 'B', collapse: true, panels: [{ type: 'singlestat', span: 12 }] },
      ],
    });
    assert.equal(d.panels.length, 4);
    assert.equal(d.panels[0]?.type, 'row');
    assert.deepEqual(d.panels[1]?.gridPos, { x: 0, y: 1, w: 12, h: 7 });
    assert.deepEqual(d.panels[2]?.gridPos, { x: 12, y: 1, w: 12, h: 7 });
    const row = d.panels[3];
    assert.ok(row);
    assert.equal(row.collapsed, true);
    assert.equal(row.panels?.length, 1);
  });
});

describe('grid layout', () => {
  it('maps grid units to pixels', () => {
    assert.deepEqual(gridRect({ x: 0, y: 0, w: 24, h: 8 }, 1176), {
      left: 0,
      top: 0,
      width: 1176,
      height: 296,
    });
    assert.deepEqual(gridRect({ x: 12, y: 1, w: 12, h: 1 }, 1176), {
      left: 592,
      top: 38,
      width: 584,
      height: 30,
    });
  });

  it('compacts, places with push-down, adds and duplicates', () => {
    assert.equal(pos(compact([p(1, 0, 5, 12, 4), p(2, 0, 20, 12, 4)])), '1:0,0,12,4 2:0,4,12,4');
    const moved = placePanel([p(1, 0, 0, 12, 4), p(2, 12, 0, 12, 4)], 2, {
      x: 0,
      y: 0,
      w: 12,
      h: 4,
    });
    assert.equal(pos(moved), '1:0,4,12,4 2:0,0,12,4');
    assert.equal(pos(addPanel([p(1, 0, 0, 24, 4)], p(7, 0, 0, 12, 8))), '1:0,8,24,4 7:0,0,12,8');
    assert.equal(pos(duplicatePanel([p(1, 0, 0, 12, 4)], 1)), '1:0,0,12,4 2:12,0,12,4');
  });

  it('collapses and expands rows as Grafana stores them', () => {
    const ps = [
      p(1, 0, 0, 24, 1, 'row'),
      p(2, 0, 1, 12, 8),
      p(3, 12, 1, 12, 8),
      p(4, 0, 9, 24, 1, 'row'),
      p(5, 0, 10, 24, 4),
    ];
    const collapsed = toggleRow(ps, 1);
    assert.equal(pos(collapsed), '1:0,0,24,1 4:0,1,24,1 5:0,2,24,4');
    assert.equal(collapsed.find((q) => q.id === 1)?.panels?.length, 2);
    const expanded = toggleRow(collapsed, 1);
    assert.equal(pos(expanded), '1:0,0,24,1 2:0,1,12,8 3:12,1,12,8 4:0,9,24,1 5:0,10,24,4');
  });
});

describe('variables', () => {
  it('parses variable queries', () => {
    assert.deepEqual(parseVariableQuery('label_values(up{job="x"}, instance)'), {
      kind: 'label_values',
      label: 'instance',
      match: 'up{job="x"}',
    });
    assert.deepEqual(parseVariableQuery('label_values(job)'), {
      kind: 'label_values',
      label: 'job',
    });
    assert.deepEqual(parseVariableQuery('label_names()'), { kind: 'label_names' });
    assert.deepEqual(parseVariableQuery('metrics(node_.*)'), { kind: 'metrics', regex: 'node_.*' });
    assert.deepEqual(parseVariableQuery('query_result(topk(3, up))'), {
      kind: 'query_result',
      expr: 'topk(3, up)',
    });
    assert.deepEqual(parseVariableQuery('up'), { kind: 'series', match: 'up' });
  });

  it('extracts with regex and sorts', () => {
    const lines = ['up{instance="b:1"} 1 1000', 'up{instance="a:1"} 1 1000', 'x 1'];
    assert.deepEqual(
      optionsFromValues(lines, '/instance="([^"]+)"/', 1).map((o) => o.value),
      ['a:1', 'b:1'],
    );
    assert.deepEqual(
      optionsFromValues(['10', '9', '100'], '', 4).map((o) => o.value),
      ['100', '10', '9'],
    );
    assert.deepEqual(optionsFromValues(['x-1', 'y-2'], '/(?<text>[a-z])-(?<value>\\d)/', 0), [
      { text: 'x', value: '1' },
      { text: 'y', value: '2' },
    ]);
    assert.deepEqual(customOptions('a, b\\,c, Name : v'), [
      { text: 'a', value: 'a' },
      { text: 'b,c', value: 'b,c' },
      { text: 'Name', value: 'v' },
    ]);
  });

  it('selects from the URL, the saved value or the first option', () => {
    const opts = [
      { text: 'All', value: ALL_VALUE },
      { text: 'a', value: 'a' },
      { text: 'b', value: 'b' },
    ];
    const v = {
      type: 'query',
      name: 'x',
      multi: true,
      includeAll: true,
      current: { value: ['b'] },
    };
    assert.deepEqual(selectValues(v, opts, ['a', 'zz']), ['a']);
    assert.deepEqual(selectValues(v, opts, undefined), ['b']);
    assert.deepEqual(selectValues({ ...v, current: {} }, opts, undefined), [ALL_VALUE]);
    assert.deepEqual(selectValues({ type: 'textbox', name: 't', query: 'hi' }, [], undefined), [
      'hi',
    ]);
    const val = variableValue(v, opts, [ALL_VALUE], 3600_000);
    assert.equal(val.isAll, true);
    assert.deepEqual(val.values, ['a', 'b']);
    assert.equal(
      autoInterval({ type: 'interval', name: 'i', auto_count: 30, auto_min: '10s' }, 3600_000),
      '2m',
    );
  });

  it('orders chained variables', () => {
    const vars = [
      { type: 'query', name: 'instance', query: 'label_values(up{job="$job"}, instance)' },
      { type: 'query', name: 'job', query: 'label_values(up{env="$env"}, job)' },
      { type: 'custom', name: 'env', query: 'prod,dev' },
    ];
    assert.deepEqual(
      refreshOrder(vars).map((v) => v.name),
      ['env', 'job', 'instance'],
    );
    assert.deepEqual(
      dependents(vars, 'env').map((v) => v.name),
      ['job', 'instance'],
    );
  });
});

describe('repeated panels', () => {
  it('repeats a panel per value side by side and pushes the rest down', () => {
    const scope = new Map([['host', { values: ['a', 'b', 'c'], multi: true }]]);
    const panels: PanelModel[] = [
      { id: 1, type: 'stat', repeat: 'host', gridPos: { x: 0, y: 0, w: 24, h: 4 } },
      { id: 2, type: 'timeseries', gridPos: { x: 0, y: 4, w: 24, h: 8 } },
    ];
    const out = expandRepeats(panels, scope);
    assert.equal(out.length, 4);
    assert.deepEqual(
      out
        .filter((l) => l.repeat)
        .map((l) => [l.repeat?.value, l.panel.gridPos?.x, l.panel.gridPos?.w]),
      [
        ['a', 0, 8],
        ['b', 8, 8],
        ['c', 16, 8],
      ],
    );
    assert.deepEqual(out.find((l) => l.panel.id === 2)?.panel.gridPos, { x: 0, y: 4, w: 24, h: 8 });
    const copy = out.find((l) => l.repeat?.value === 'b');
    assert.ok(copy);
    assert.deepEqual(panelScope(scope, copy).get('host')?.values, ['b']);
  });

  it('stacks vertical repeats and leaves unrepeated panels alone', () => {
    const scope = new Map([['host', { values: ['a', 'b'], multi: true }]]);
    const panels: PanelModel[] = [
      {
        id: 1,
        type: 'stat',
        repeat: 'host',
        repeatDirection: 'v',
        gridPos: { x: 0, y: 0, w: 12, h: 4 },
      },
      { id: 2, type: 'stat', gridPos: { x: 0, y: 4, w: 12, h: 4 } },
    ];
    const out = expandRepeats(panels, scope);
    assert.equal(
      pos(out.map((l) => l.panel)),
      '1001001:0,4,12,4 1:0,0,12,4 2:0,8,12,4'.split(' ').sort().join(' '),
    );
    assert.equal(expandRepeats(panels, new Map()).length, 2);
  });
});
