import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Labels } from '../../model/index.js';
import { formatPromFloat, resultToPromJSON } from './format.js';
import { formatOpenMetricsFloat, goF, goG } from './gofmt.js';

describe('formatPromFloat', () => {
  it('prints like Prometheus JSON', () => {
    const cases: [number, string][] = [
      [0, '0'],
      [-0, '-0'],
      [1, '1'],
      [0.1, '0.1'],
      [1e6, '1000000'],
      [123456789.125, '123456789.125'],
      [1e-6, '0.000001'],
      [1e-7, '1e-07'],
      [-2.5e-10, '-2.5e-10'],
      [1e21, '1e+21'],
      [1.5e300, '1.5e+300'],
      [NaN, 'NaN'],
      [Infinity, '+Inf'],
      [-Infinity, '-Inf'],
    ];
    for (const [v, s] of cases) assert.equal(formatPromFloat(v), s, String(v));
  });
});

describe('resultToPromJSON', () => {
  it('shapes vectors, matrices and scalars', () => {
    const l = Labels.fromRecord({ __name__: 'up', job: 'a' });
    assert.deepEqual(resultToPromJSON({ type: 'vector', series: [{ labels: l, t: 1500, v: 1 }] }), {
      resultType: 'vector',
      result: [{ metric: { __name__: 'up', job: 'a' }, value: [1.5, '1'] }],
    });
    assert.deepEqual(
      resultToPromJSON({
        type: 'matrix',
        series: [{ labels: l, ts: Float64Array.of(0, 1000), vs: Float64Array.of(1, NaN) }],
      }),
      {
        resultType: 'matrix',
        result: [
          {
            metric: { __name__: 'up', job: 'a' },
            values: [
              [0, '1'],
              [1, 'NaN'],
            ],
          },
        ],
      },
    );
    assert.deepEqual(resultToPromJSON({ type: 'scalar', t: 2000, v: 3 }), {
      resultType: 'scalar',
      result: [2, '3'],
    });
    assert.deepEqual(resultToPromJSON({ type: 'string', t: 2000, v: 'x' }), {
      resultType: 'string',
      result: [2, 'x'],
    });
  });
});

describe('Go float formatting', () => {
  it('matches strconv g, f and OpenMetrics forms', () => {
    assert.equal(goG(1.1), '1.1');
    assert.equal(goG(-1.1), '-1.1');
    assert.equal(goG(123456), '123456');
    assert.equal(goG(1234567), '1.234567e+06');
    assert.equal(goG(0.0001), '0.0001');
    assert.equal(goG(0.00001), '1e-05');
    assert.equal(goG(NaN), 'NaN');
    assert.equal(goF(1e21), '1000000000000000000000');
    assert.equal(goF(1.5e-7), '0.00000015');
    assert.equal(goF(-2), '-2');
    assert.equal(formatOpenMetricsFloat(0), '0.0');
    assert.equal(formatOpenMetricsFloat(0.25), '0.25');
    assert.equal(formatOpenMetricsFloat(2), '2.0');
    assert.equal(formatOpenMetricsFloat(1e6), '1e+06');
  });
});
