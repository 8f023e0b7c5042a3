import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseExpr } from '../parser/index.js';
import { normalisedQuery, uncacheableReason } from './cacheable.js';

const experimental = {
  experimentalFunctions: true,
  durationExpressions: true,
  extendedRangeSelectors: true,
};

describe('uncacheableReason', () => {
  const cases: [string, ReturnType<typeof uncacheableReason>][] = [
    ['up', undefined],
    ['rate(x[5m])', undefined],
    ['sum by (job) (rate(x[5m] offset 1h))', undefined],
    ['time() - timestamp(up)', undefined],
    ['max_over_time(rate(x[1m])[30m:1m])', undefined],
    ['max_over_time(rate(x[1m])[30m:])', undefined],
    ['x @ 100', 'at-modifier'],
    ['x @ end()', 'at-modifier'],
    ['rate(x[5m] @ start())', 'at-modifier'],
    ['max_over_time(x[5m:1m] @ 1000)', 'at-modifier'],
    ['x offset -5m', 'negative-offset'],
    ['rate(x[5m] offset -1m)', 'negative-offset'],
    ['max_over_time(x[5m:1m] offset -1m)', 'negative-offset'],
    ['sum(x) + on() group_left sum(y offset -1s)', 'negative-offset'],
    ['rate(x[step()*5])', 'duration-expression'],
    ['x offset (step())', 'duration-expression'],
    ['x smoothed', 'extended-range-selector'],
    ['rate(x[5m] anchored)', 'extended-range-selector'],
  ];
  for (const [q, want] of cases) {
    it(`${q} → ${String(want)}`, () => {
      assert.equal(uncacheableReason(parseExpr(q, experimental)), want);
    });
  }
});

describe('normalisedQuery', () => {
  it('spacing and comments do not matter', () => {
    assert.equal(
      normalisedQuery(parseExpr('sum  by(job)(rate( x{a="b"} [5m])) # total')),
      normalisedQuery(parseExpr('sum by (job) (rate(x{a="b"}[5m]))')),
    );
  });

  it('different queries differ', () => {
    assert.notEqual(
      normalisedQuery(parseExpr('rate(x[5m])')),
      normalisedQuery(parseExpr('rate(x[6m])')),
    );
  });
});
