import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DurationError,
  evalDurationSeconds,
  exprToString,
  parseExpr,
  resolveDurations,
  usesQueryTiming,
  type Expr,
} from './index.js';

const OPTS = { durationExpressions: true, experimentalFunctions: true };

function matrix(e: Expr): Expr & { type: 'MatrixSelector' } {
  const m = e.type === 'Call' ? e.args[0] : e;
  assert.ok(m?.type === 'MatrixSelector');
  return m;
}

describe('duration expressions', () => {
  it('computes constant ranges at parse time', () => {
    const cases: [string, number][] = [
      ['changes(x[26m+4m])', 1_800_000],
      ['changes(x[60*30])', 1_800_000],
      ['changes(x[2m*(10+5)])', 1_800_000],
      ['changes(x[24m+((1.5*2m)+2m)])', 1_740_000],
      ['changes(x[-5m+35m])', 1_800_000],
      ['changes(x[1h/2])', 1_800_000],
      ['changes(x[1h30m % 1h])', 1_800_000],
      ['changes(x[2 ^ 3 ^ 2])', 512_000],
      ['changes(x[-2 ^ 2 + 5])', 1_000],
    ];
    for (const [q, ms] of cases) assert.equal(matrix(parseExpr(q, OPTS)).range, ms, q);
  });

  it('leaves step() and range() to the query', () => {
    const e = parseExpr(
      'count_over_time(x[1+(STep()-5)*2]) + (y offset -min_of(step(), 1s))',
      OPTS,
    );
    assert.ok(e.type === 'BinaryExpr');
    const m = matrix(e.lhs);
    assert.equal(m.range, 0);
    assert.ok(m.rangeExpr !== undefined && usesQueryTiming(m.rangeExpr));
    const r = resolveDurations(e, { stepMs: 10_000, rangeMs: 60_000 });
    assert.ok(r.type === 'BinaryExpr');
    assert.equal(matrix(r.lhs).range, 11_000);
    assert.ok(r.rhs.type === 'ParenExpr' && r.rhs.expr.type === 'VectorSelector');
    assert.equal(r.rhs.expr.offset, -1_000);
    assert.equal(exprToString(r), exprToString(e), 'resolving keeps the printed form');
  });

  it('returns the same tree when nothing depends on the query', () => {
    const e = parseExpr('sum(rate(x[5m])) / y offset 1h', OPTS);
    assert.equal(resolveDurations(e, { stepMs: 1, rangeMs: 1 }), e);
  });

  it('evaluates range() as the query range', () => {
    const e = parseExpr('x[5m:step()] offset range()', OPTS);
    assert.ok(e.type === 'SubqueryExpr');
    const r = resolveDurations(e, { stepMs: 15_000, rangeMs: 3_600_000 });
    assert.ok(r.type === 'SubqueryExpr');
    assert.deepEqual([r.range, r.step, r.offset], [300_000, 15_000, 3_600_000]);
  });

  it('rejects invalid values when resolving', () => {
    const bad: [string, string][] = [
      ['x[5m - 10m]', 'duration must be greater than 0'],
      ['x[step()]', 'duration must be greater than 0'],
      ['x[5m / (step() - step())]', 'division by zero'],
      ['x[5m % (step() - step())]', 'modulo by zero'],
      ['x[10 ^ 100]', 'duration is out of range'],
    ];
    for (const [q, msg] of bad) {
      const e = parseExpr(q, OPTS);
      assert.throws(
        () => resolveDurations(e, { stepMs: 0, rangeMs: 0 }),
        (err: unknown) => err instanceof DurationError && err.detail === msg,
        q,
      );
    }
  });

  it('evaluates min_of and max_of', () => {
    const e = parseExpr('x[max_of(min_of(step()+1,1h),1ms)]', OPTS);
    const d = matrix(e).rangeExpr;
    assert.ok(d !== undefined);
    assert.equal(evalDurationSeconds(d, { stepMs: 5_000, rangeMs: 0 }), 6);
  });
});
