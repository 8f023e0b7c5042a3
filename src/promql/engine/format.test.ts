import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Labels } from '../../model/index.js';
import { formatPromFloat, resultToPromJSON } from './format.js';
import type { QueryValue } from './types.js';
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

describe('resultToPromJSON open text', () => {
  it('writes the same JSON as the data object, labels escaped and reused', () => {
    const odd = Labels.fromSortedFlat(['__name__', 'up', 'a"b', 'x\\y\n', 'job', 'ünï ☃ \u0001']);
    const vs = new Float64Array([1, -0, NaN, Infinity, -Infinity, 1e-7, 123.456, 1e21]);
    const ts = new Float64Array(vs.length);
    for (let i = 0; i < ts.length; i++) ts[i] = 1_700_000_000_000 + i * 15_001;
    const values: QueryValue[] = [
      { type: 'scalar', t: 1_700_000_000_123, v: -0 },
      { type: 'scalar', t: 0, v: NaN },
      { type: 'string', t: 5, v: 'a "quoted"\nline' },
      { type: 'vector', series: [] },
      {
        type: 'vector',
        series: [
          { labels: odd, t: 1_700_000_000_001, v: 2.5 },
          { labels: Labels.EMPTY, t: 1_700_000_000_001, v: -Infinity },
          { labels: odd, t: 1, v: 1e-300 },
        ],
      },
      { type: 'matrix', series: [] },
      {
        type: 'matrix',
        series: [
          { labels: odd, ts, vs },
          { labels: Labels.EMPTY, ts: new Float64Array(0), vs: new Float64Array(0) },
          { labels: Labels.fromSortedFlat(['a', '1']), ts: ts.subarray(2), vs: vs.subarray(2) },
        ],
      },
    ];
    for (const v of values) {
      const text = resultToPromJSON(v, 'open-text') + '}';
      assert.equal(text, JSON.stringify(resultToPromJSON(v)));
      assert.equal(resultToPromJSON(v, 'open-text') + '}', text);
    }
  });
});
