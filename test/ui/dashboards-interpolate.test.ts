import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  interpolate,
  referencedVariables,
  single,
  type VariableValue,
} from '../../ui/src/dashboards/interpolate.js';
import { formatLegend, seriesLabelsName } from '../../ui/src/dashboards/legend.js';

const scope = new Map<string, VariableValue>([
  ['job', single('node')],
  ['inst', { values: ['a:9100', 'b:9100'], multi: true }],
  ['one', { values: ['x.y'], multi: true }],
  ['env', { values: ['prod', 'dev'], isAll: true, multi: true }],
  ['envc', { values: ['prod', 'dev'], isAll: true, multi: true, allValue: 'p.+' }],
  ['__interval', single('30s')],
  ['__interval_ms', single('30000')],
  ['__rate_interval', single('2m')],
]);

describe('interpolate', () => {
  const cases: [string, string][] = [
    ['up{job="$job"}', 'up{job="node"}'],
    ['up{job="${job}"}', 'up{job="node"}'],
    ['up{job="[[job]]"}', 'up{job="node"}'],
    ['up{instance=~"$inst"}', 'up{instance=~"(a:9100|b:9100)"}'],
    ['up{instance=~"$one"}', 'up{instance=~"x\\\\.y"}'],
    ['up{i=~"${inst:regex}"}', 'up{i=~"(a:9100|b:9100)"}'],
    ['up{i=~"${inst:pipe}"}', 'up{i=~"a:9100|b:9100"}'],
    ['${inst:csv}', 'a:9100,b:9100'],
    ['${inst:json}', '["a:9100","b:9100"]'],
    ['[[inst:pipe]]', 'a:9100|b:9100'],
    ['up{env=~"$env"}', 'up{env=~".*"}'],
    ['up{env=~"$envc"}', 'up{env=~"p.+"}'],
    ['${env:pipe}', 'prod|dev'],
    ['rate(x[$__rate_interval])', 'rate(x[2m])'],
    ['rate(x[$__interval]) / $__interval_ms', 'rate(x[30s]) / 30000'],
    ['up{a="$missing"}', 'up{a="$missing"}'],
  ];
  for (const [input, want] of cases) {
    it(input, () => {
      assert.equal(interpolate(input, scope), want);
    });
  }

  it('lists referenced variables once each', () => {
    assert.deepEqual(referencedVariables('a{x="$job",y=~"${inst:pipe}"} [[job]] $__interval'), [
      'job',
      'inst',
      '__interval',
    ]);
  });
});

describe('legend', () => {
  const labels = { __name__: 'up', job: 'node', instance: 'a:9100' };
  it('formats placeholders', () => {
    assert.equal(formatLegend('{{job}} - {{ instance }}', labels), 'node - a:9100');
    assert.equal(formatLegend('{{missing}}x', labels), 'x');
  });
  it('uses the series labels when empty', () => {
    assert.equal(formatLegend('', labels), 'up{job="node", instance="a:9100"}');
    assert.equal(formatLegend('__auto', { job: 'x' }), '{job="x"}');
    assert.equal(formatLegend(undefined, { __name__: 'up' }), 'up');
    assert.equal(seriesLabelsName({}), '{}');
  });
});
