import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dashboardExprs, MetricUsage, substituteVariables } from './exprs.js';

describe('substituteVariables', () => {
  it('replaces variables by placeholders that keep PromQL valid', () => {
    const cases: [string, string][] = [
      ['rate(x{job="$job"}[$__rate_interval])', 'rate(x{job="placeholder"}[5m])'],
      ['sum by ($label) (x)', 'sum by (placeholder) (x)'],
      ['${metric}{a="b"}', 'placeholder_metric{a="b"}'],
      ['x > $threshold', 'x > 1'],
      ['increase(x[$__range]) offset $off', 'increase(x[5m]) offset 5m'],
      ['x{instance=~"[[instance]]"}', 'x{instance=~"placeholder"}'],
      ['rate(x[$win])', 'rate(x[5m])'],
      ['x * $__interval_ms', 'x * 300000'],
      ['${job:regex}_up', 'placeholder_metric_up'],
    ];
    for (const [input, want] of cases) assert.equal(substituteVariables(input), want, input);
    assert.equal(
      substituteVariables('avg_over_time(x[$i:])', new Set(['i'])),
      'avg_over_time(x[5m:])',
    );
  });
});

describe('MetricUsage', () => {
  it('collects names, __name__ matchers and regex matchers', () => {
    const u = new MetricUsage();
    assert.equal(u.add('sum(rate(a_total[5m])) / on() b + {__name__="c"}'), undefined);
    assert.equal(u.add('{__name__=~"node_cpu_.*"}'), undefined);
    assert.match(u.add('sum(') ?? '', /.+/);
    assert.deepEqual([...u.names].sort(), ['a_total', 'b', 'c']);
    assert.ok(u.uses('node_cpu_seconds_total'));
    assert.ok(!u.uses('node_memory_bytes'));
  });
});

describe('dashboardExprs', () => {
  it('finds targets inside rows and variable queries', () => {
    const exprs = dashboardExprs({
      panels: [
        { type: 'row', panels: [{ type: 'stat', title: 'S', targets: [{ expr: 'up' }] }] },
        { type: 'timeseries', targets: [{ expr: '' }, { expr: 'b' }] },
      ],
      templating: {
        list: [
          { type: 'query', name: 'j', query: 'label_values(up{x="1"}, job)' },
          { type: 'query', name: 'k', query: 'label_values(job)' },
          { type: 'query', name: 'l', definition: 'query_result(topk(1, c))' },
        ],
      },
    });
    assert.deepEqual(
      exprs.map((e) => [e.path, e.expr]),
      [
        ['panels[0].panels[0].targets[0].expr', 'up'],
        ['panels[1].targets[1].expr', 'b'],
        ['templating.list[0].query', 'up{x="1"}'],
        ['templating.list[2].query', 'topk(1, c)'],
      ],
    );
  });

  it('adds the Prometheus annotation queries when asked', () => {
    const d = {
      panels: [{ type: 'stat', targets: [{ expr: 'up' }] }],
      annotations: {
        list: [
          { builtIn: 1, datasource: '-- Grafana --', name: 'Annotations & Alerts', enable: true },
          { name: 'deploys', datasource: { type: 'prometheus', uid: 'p' }, expr: 'changes(v[5m])' },
          { name: 'empty', expr: ' ' },
          { name: 'other', datasource: { type: 'loki', uid: 'l' }, expr: '{app="x"}' },
        ],
      },
    };
    assert.deepEqual(
      dashboardExprs(d).map((e) => e.expr),
      ['up'],
    );
    assert.deepEqual(
      dashboardExprs(d, { annotations: true }).map((e) => [e.path, e.expr]),
      [
        ['panels[0].targets[0].expr', 'up'],
        ['annotations.list[1].expr', 'changes(v[5m])'],
      ],
    );
  });
});
