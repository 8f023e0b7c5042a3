import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Labels, Matcher, STALE_NAN } from '../../model/index.js';
import { MemStorage } from '../../storage/index.js';
import {
  getFunction,
  type AggregateOp,
  type BinaryOp,
  type Expr,
  type VectorMatching,
  type VectorSelector,
} from '../parser/index.js';
import {
  BadQueryError,
  Engine,
  QueryCanceledError,
  QueryExecutionError,
  QueryTimeoutError,
  TooManySamplesError,
} from '../index.js';
import type { Queryable } from '../../storage/index.js';

const P = { start: 0, end: 1 };
const MIN = 60_000;

function sel(name: string, extra: Record<string, string> = {}, offset = 0): VectorSelector {
  const matchers = [
    new Matcher('=', '__name__', name),
    ...Object.entries(extra).map(([k, v]) => new Matcher('=', k, v)),
  ];
  return { type: 'VectorSelector', name, matchers, offset, posRange: P };
}
const mat = (vs: VectorSelector, range: number): Expr => ({
  type: 'MatrixSelector',
  vectorSelector: vs,
  range,
  posRange: P,
});
const call = (f: string, ...args: Expr[]): Expr => ({
  type: 'Call',
  func: getFunction(f)!,
  args,
  posRange: P,
});
const num = (value: number): Expr => ({ type: 'NumberLiteral', value, posRange: P });
const bin = (
  op: BinaryOp,
  lhs: Expr,
  rhs: Expr,
  matching?: VectorMatching,
  returnBool = false,
): Expr => ({
  type: 'BinaryExpr',
  op,
  lhs,
  rhs,
  returnBool,
  ...(matching ? { matching } : {}),
  posRange: P,
});
const agg = (op: AggregateOp, expr: Expr, grouping: string[] = [], param?: Expr): Expr => ({
  type: 'AggregateExpr',
  op,
  expr,
  grouping,
  without: false,
  ...(param ? { param } : {}),
  posRange: P,
});
const oneToOne: VectorMatching = { card: 'one-to-one', on: false, labels: [], include: [] };

async function storage(
  series: [Record<string, string>, number, (number | 'stale' | undefined)[]][],
): Promise<MemStorage> {
  const st = new MemStorage();
  const app = st.appender();
  for (const [labels, step, values] of series) {
    values.forEach((v, i) => {
      // Plain arrays may canonicalise NaN payloads, so staleness markers are spelled 'stale'.
      if (v !== undefined)
        app.append(0, Labels.fromRecord(labels), i * step, v === 'stale' ? STALE_NAN : v);
    });
  }
  await app.commit();
  return st;
}

function vec(r: Awaited<ReturnType<Engine['instantQuery']>>): [string, number][] {
  if (r.value.type !== 'vector') assert.fail(`expected a vector, got ${r.value.type}`);
  return r.value.series.map((s) => [s.labels.toString(), s.v]);
}

describe('engine', () => {
  const engine = new Engine();

  it('extrapolates rate like Prometheus', async () => {
    // Samples every minute from 1m to 5m; a 10m window at 10m extrapolates by half an interval.
    const st = await storage([[{ __name__: 'c_total' }, MIN, [undefined, 10, 20, 30, 40, 50]]]);
    const inc = vec(
      await engine.instantQuery(st, call('increase', mat(sel('c_total'), 10 * MIN)), 10 * MIN),
    );
    // 40 over 4m sampled; extrapolate 30s at the end, start limited by the zero point (1m).
    assert.deepEqual(inc, [['{}', 40 * ((240 + 60 + 30) / 240)]]);
    const rate = vec(
      await engine.instantQuery(st, call('rate', mat(sel('c_total'), 5 * MIN)), 5 * MIN),
    );
    // Window (0, 5m]: 10..50, sampled 4m; start 60s>=66s? no, so extrapolate to zero (60s); end 0.
    assert.equal(rate.length, 1);
    assert.ok(Math.abs(rate[0]![1] - (40 * (300 / 240)) / 300) < 1e-12);
  });

  it('handles counter resets in increase', async () => {
    const st = await storage([[{ __name__: 'c_total' }, MIN, [5, 10, 2, 6]]]);
    const r = vec(
      await engine.instantQuery(st, call('increase', mat(sel('c_total'), 3 * MIN)), 3 * MIN),
    );
    // Window (0, 3m] holds 10, 2, 6: increase 6 - 10 + 10 = 6 over 2m, extrapolated by 1m at the start.
    assert.deepEqual(r, [['{}', 6 * (180 / 120)]]);
  });

  it('respects lookback and staleness markers', async () => {
    const st = await storage([[{ __name__: 'g' }, MIN, [1, 2, 'stale']]]);
    assert.deepEqual(vec(await engine.instantQuery(st, sel('g'), MIN + 30_000)), [['g', 2]]);
    assert.deepEqual(vec(await engine.instantQuery(st, sel('g'), 2 * MIN)), []);
    assert.deepEqual(vec(await engine.instantQuery(st, sel('g'), 0 + 5 * MIN)), []);
    const fresh = await storage([[{ __name__: 'h' }, MIN, [1]]]);
    assert.deepEqual(vec(await engine.instantQuery(fresh, sel('h'), 5 * MIN - 1)), [['h', 1]]);
    assert.deepEqual(vec(await engine.instantQuery(fresh, sel('h'), 5 * MIN)), []);
  });

  it('reports many-to-many matching with Prometheus wording', async () => {
    const st = await storage([
      [{ __name__: 'a', job: 'x', i: '1' }, MIN, [1]],
      [{ __name__: 'b', job: 'x', i: '1' }, MIN, [1]],
      [{ __name__: 'b', job: 'x', i: '2' }, MIN, [2]],
    ]);
    const on: VectorMatching = { card: 'one-to-one', on: true, labels: ['job'], include: [] };
    await assert.rejects(
      engine.instantQuery(st, bin('+', sel('a'), sel('b'), on), 0),
      (err: unknown) =>
        err instanceof QueryExecutionError &&
        err.message ===
          'found duplicate series for the match group {job="x"} on the right hand-side of the operation: [{__name__="b", i="1", job="x"}, {__name__="b", i="2", job="x"}];many-to-many matching not allowed: matching labels must be unique on one side',
    );
    const left: VectorMatching = { card: 'one-to-one', on: true, labels: ['job'], include: [] };
    await assert.rejects(
      engine.instantQuery(st, bin('+', sel('b'), sel('a'), left), 0),
      /multiple matches for labels: many-to-one matching must be explicit/,
    );
    const groupLeft: VectorMatching = {
      card: 'many-to-one',
      on: true,
      labels: ['job'],
      include: [],
    };
    assert.deepEqual(
      vec(await engine.instantQuery(st, bin('+', sel('b'), sel('a'), groupLeft), 0)),
      [
        ['{i="1", job="x"}', 2],
        ['{i="2", job="x"}', 3],
      ],
    );
  });

  it('aggregates, drops names and sorts results', async () => {
    const st = await storage([
      [{ __name__: 'm', job: 'b' }, MIN, [3]],
      [{ __name__: 'm', job: 'a' }, MIN, [1]],
      [{ __name__: 'm', job: 'c' }, MIN, [2]],
    ]);
    assert.deepEqual(vec(await engine.instantQuery(st, agg('sum', sel('m')), 0)), [['{}', 6]]);
    assert.deepEqual(vec(await engine.instantQuery(st, bin('*', sel('m'), num(2)), 0)), [
      ['{job="a"}', 2],
      ['{job="b"}', 6],
      ['{job="c"}', 4],
    ]);
    assert.deepEqual(vec(await engine.instantQuery(st, agg('topk', sel('m'), [], num(2)), 0)), [
      ['m{job="b"}', 3],
      ['m{job="c"}', 2],
    ]);
    assert.deepEqual(
      vec(await engine.instantQuery(st, bin('>', sel('m'), num(1), undefined, true), 0)),
      [
        ['{job="a"}', 0],
        ['{job="b"}', 1],
        ['{job="c"}', 1],
      ],
    );
    // Order-preserving operations keep the order of sort_desc; others are sorted by labels.
    assert.deepEqual(vec(await engine.instantQuery(st, 'abs(sort_desc(m)) * 2', 0)), [
      ['{job="b"}', 6],
      ['{job="c"}', 4],
      ['{job="a"}', 2],
    ]);
    const r = await engine.rangeQuery(st, agg('count', sel('m')), 0, 2 * MIN, MIN);
    if (r.value.type !== 'matrix') assert.fail('expected a matrix');
    assert.deepEqual([...r.value.series[0]!.vs], [3, 3, 3]);
    assert.deepEqual(
      vec(await engine.instantQuery(st, bin('-', sel('m'), sel('m'), oneToOne), 0)).length,
      3,
    );
  });

  it('enforces the sample limit and cancellation', async () => {
    const st = await storage([[{ __name__: 'x' }, 1000, Array.from({ length: 100 }, (_, i) => i)]]);
    const small = new Engine({ maxSamples: 10 });
    await assert.rejects(small.rangeQuery(st, sel('x'), 0, 99_000, 1000), TooManySamplesError);
    await assert.rejects(
      small.instantQuery(st, 'max_over_time(x[1y:1ms])', 99_000),
      TooManySamplesError,
    );
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(
      engine.instantQuery(st, sel('x'), 0, { signal: ac.signal }),
      QueryCanceledError,
    );
  });

  it('times out slow queries and queued ones', async () => {
    const st = await storage([
      [{ __name__: 'x' }, 1000, Array.from({ length: 1000 }, (_, i) => i)],
    ]);
    const slowStorage: Queryable = {
      querier: async (mint, maxt) => {
        await new Promise((r) => setTimeout(r, 50));
        return st.querier(mint, maxt);
      },
    };
    const quick = new Engine({ timeoutMs: 10, maxConcurrent: 1 });
    await assert.rejects(
      quick.instantQuery(slowStorage, sel('x'), 1000),
      (err: unknown) =>
        err instanceof QueryTimeoutError &&
        err.errorType === 'timeout' &&
        err.message.includes('--query.timeout'),
    );
    const blocked = quick.instantQuery(slowStorage, sel('x'), 1000);
    const queued = quick.instantQuery(st, sel('x'), 1000);
    await Promise.all([
      assert.rejects(queued, QueryTimeoutError),
      assert.rejects(blocked, QueryTimeoutError),
    ]);
  });

  it('reports an abort with a TimeoutError reason as a timeout', async () => {
    const st = await storage([[{ __name__: 'x' }, 1000, [1]]]);
    const signal = AbortSignal.abort(new DOMException('request timeout 5ms', 'TimeoutError'));
    await assert.rejects(
      engine.instantQuery(st, sel('x'), 0, { signal }),
      (err: unknown) => err instanceof QueryTimeoutError && err.errorType === 'timeout',
    );
  });

  it('rejects bad range parameters as bad_data', async () => {
    const st = await storage([]);
    await assert.rejects(
      engine.rangeQuery(st, sel('x'), 0, 1000, 0),
      (err: unknown) => err instanceof BadQueryError && err.errorType === 'bad_data',
    );
    await assert.rejects(
      engine.rangeQuery(st, 'x[5m]', 0, 1000, 10),
      /invalid expression type "range vector" for range query/,
    );
    await assert.rejects(engine.instantQuery(st, 'sum(', 0), BadQueryError);
  });

  it('selects each distinct selector once per query with pushed-down hints', async () => {
    const st = await storage([
      [{ __name__: 'x_total' }, MIN, Array.from({ length: 120 }, (_, i) => i)],
    ]);
    const calls: { matchers: string; start: number; end: number; step?: number; func?: string }[] =
      [];
    const counting: Queryable = {
      querier: async (mint, maxt) => {
        const q = await st.querier(mint, maxt);
        return {
          select: (sorted, hints, matchers, signal) => {
            calls.push({
              matchers: matchers.map((m) => m.toString()).join(','),
              start: hints?.start ?? NaN,
              end: hints?.end ?? NaN,
              ...(hints?.step !== undefined ? { step: hints.step } : {}),
              ...(hints?.func !== undefined ? { func: hints.func } : {}),
            });
            return q.select(sorted, hints, matchers, signal);
          },
          labelValues: (n, m, h) => q.labelValues(n, m, h),
          labelNames: (m, h) => q.labelNames(m, h),
          close: () => {
            q.close();
          },
        };
      },
    };
    const r = await engine.rangeQuery(
      counting,
      'rate(x_total[5m]) / rate(x_total[1h]) + x_total',
      60 * MIN,
      90 * MIN,
      MIN,
    );
    assert.equal(r.value.type, 'matrix');
    assert.equal(calls.length, 1);
    assert.equal(calls[0]!.start, 60 * MIN - 60 * MIN + 1);
    assert.equal(calls[0]!.end, 90 * MIN);
    assert.equal(calls[0]!.step, MIN);
    assert.equal(calls[0]!.func, 'rate');
  });

  it('fails a range function whose outputs collide once the names are dropped', async () => {
    const st = await storage([
      [{ __name__: 'a_total', job: 'x' }, MIN, [1, 2, 3]],
      [{ __name__: 'b_total', job: 'x' }, MIN, [1, 2, 3]],
      [{ __name__: 'a_total', job: 'y' }, MIN, [1, 2, 3]],
    ]);
    const both: VectorSelector = {
      type: 'VectorSelector',
      name: '',
      matchers: [new Matcher('=~', '__name__', 'a_total|b_total')],
      offset: 0,
      posRange: P,
    };
    await assert.rejects(
      engine.instantQuery(st, call('rate', mat(both, 5 * MIN)), 2 * MIN),
      /vector cannot contain metrics with the same labelset/,
    );
    const one: VectorSelector = { ...both, matchers: [new Matcher('=', '__name__', 'a_total')] };
    assert.deepEqual(
      vec(await engine.instantQuery(st, call('rate', mat(one, 5 * MIN)), 2 * MIN)).map(([l]) => l),
      ['{job="x"}', '{job="y"}'],
    );
  });

  it('queues queries beyond maxConcurrent', async () => {
    const st = await storage([[{ __name__: 'x' }, 1000, [1, 2, 3]]]);
    const one = new Engine({ maxConcurrent: 1 });
    const results = await Promise.all(
      [1, 2, 3].map((t) => one.instantQuery(st, sel('x'), t * 1000)),
    );
    assert.deepEqual(
      results.map((r) => vec(r)[0]![1]),
      [2, 3, 3],
    );
  });
});
