import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeReducerId, reduce, reducerName } from '../../ui/src/panels/reducers.js';

const ts = Float64Array.of(0, 1000, 2000, 3000, 4000);
const vs = Float64Array.of(1, 5, NaN, 3, NaN);

describe('reducers', () => {
  const cases: [string, number | null][] = [
    ['last', null],
    ['lastNotNull', 3],
    ['first', 1],
    ['firstNotNull', 1],
    ['mean', 3],
    ['max', 5],
    ['min', 1],
    ['sum', 9],
    ['count', 5],
    ['range', 4],
    ['diff', 2],
    ['step', 1000],
    ['median', 3],
    ['changeCount', 2],
    ['distinctCount', 3],
    ['allIsNull', 0],
    ['allIsZero', 0],
    ['current', 3],
    ['avg', 3],
    ['total', 9],
    ['nonsense', null],
  ];
  for (const [calc, want] of cases) {
    it(`${calc} → ${want}`, () => {
      assert.equal(reduce(vs, ts, calc), want);
    });
  }
  it('delta restarts after a counter reset', () => {
    assert.equal(reduce(Float64Array.of(10, 15, 3, 7), ts, 'delta'), 5 + 3 + 4);
  });
  it('percentiles interpolate between ranks', () => {
    assert.equal(reduce(Float64Array.of(1, 2, 3, 4, 5), ts, 'p50'), 3);
    assert.equal(reduce(Float64Array.of(1, 2, 3, 4, 5), ts, 'p75'), 4);
  });
  it('stdDev and variance of a known set', () => {
    const xs = Float64Array.of(2, 4, 4, 4, 5, 5, 7, 9);
    assert.equal(reduce(xs, new Float64Array(8), 'variance'), 4);
    assert.equal(reduce(xs, new Float64Array(8), 'stdDev'), 2);
  });
  it('empty series give null except count and sum', () => {
    const e = new Float64Array(0);
    assert.equal(reduce(e, e, 'lastNotNull'), null);
    assert.equal(reduce(e, e, 'mean'), null);
    assert.equal(reduce(e, e, 'count'), 0);
    assert.equal(reduce(e, e, 'sum'), 0);
  });
  it('maps legacy names and shows display names', () => {
    assert.equal(normalizeReducerId('current'), 'lastNotNull');
    assert.equal(reducerName('sum'), 'Total');
    assert.equal(reducerName('lastNotNull'), 'Last *');
  });
});
