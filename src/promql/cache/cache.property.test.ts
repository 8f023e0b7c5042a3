/**
 * Property: whatever the history of queries, late writes, deletions and clock ticks, an answer
 * served through the cache is byte for byte the answer of a fresh evaluation at that moment.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Labels, Matcher } from '../../model/index.js';
import { Engine } from '../engine/engine.js';
import { resultToPromJSON } from '../engine/format.js';
import { QueryResultCache } from './cache.js';
import { TrackedMemStorage } from './testkit.js';

const SEC = 1000;
const MIN = 60 * SEC;
const T0 = 1_700_000_000_000;
const SERIES = ['a', 'b', 'c'];
const QUERIES = [
  'x',
  'sum(x)',
  'count by (a) (x)',
  'avg_over_time(x[3m])',
  'sum by (a) (delta(x[5m]))',
  // rate() of `x` (not a counter name) gives answers with an info annotation.
  'rate(x[2m])',
  'sum(rate(x[2m])) by (a)',
  'max_over_time(sum(x)[5m:1m])',
  'x offset 2m',
  'timestamp(x)',
  'time() - 1',
  'x > 50',
  'absent(x{a="z"})',
  'absent_over_time(x{a="c"}[2m])',
  'topk(2, x)',
  'count_values("v", round(x / 10))',
  'label_replace(x, "b", "$1", "a", "(.*)")',
  'x{a="a"} or on(a) x{a="b"} * 2',
  'x unless on(a) x{a="b"}',
  'quantile_over_time(0.5, x[4m])',
  'changes(x[3m]) + resets(x[3m])',
  'deriv(x[5m])',
  'max_over_time(deriv(x[2m])[6m:30s] offset 1m)',
  'stddev_over_time(x[5m])',
];

type Op =
  | { kind: 'query'; q: number; start: number; steps: number; step: number }
  | { kind: 'write'; series: number; ago: number; v: number }
  | { kind: 'delete'; series: number; ago: number; len: number }
  | { kind: 'tick'; ms: number }
  | { kind: 'repeat' }
  | { kind: 'shrink' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('query' as const),
      q: fc.nat(QUERIES.length - 1),
      // Start in 5 s units from 70 minutes before the initial clock: alignments vary and
      // windows overlap often; most starts are multiples of 15 s (aligned for the 15 s step,
      // as dashboards send them), the rest anywhere.
      start: fc.oneof(
        { weight: 3, arbitrary: fc.integer({ min: 0, max: 70 * 4 }).map((i) => i * 3) },
        { weight: 1, arbitrary: fc.integer({ min: 0, max: 70 * 12 }) },
      ),
      steps: fc.integer({ min: 1, max: 40 }),
      step: fc.constantFrom(15 * SEC, 30 * SEC, MIN),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('write' as const),
      series: fc.nat(SERIES.length),
      ago: fc.integer({ min: 0, max: 70 * 60 }),
      v: fc.integer({ min: 0, max: 100 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('delete' as const),
      series: fc.nat(SERIES.length - 1),
      ago: fc.integer({ min: 0, max: 70 * 60 }),
      len: fc.integer({ min: 0, max: 20 * 60 }),
    }),
  },
  { weight: 3, arbitrary: fc.constant({ kind: 'repeat' as const }) },
  // Memory pressure: a budget watcher halves the cache.
  { weight: 1, arbitrary: fc.constant({ kind: 'shrink' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('tick' as const),
      ms: fc.integer({ min: 1, max: 3 * MIN }),
    }),
  },
);

const seriesLabels = (i: number): Labels =>
  Labels.fromRecord({ __name__: 'x', a: SERIES[i] ?? 'new' });

async function scenario(ops: Op[], offsetMs: number, maxBytes: number): Promise<void> {
  let now = T0;
  const db = new TrackedMemStorage(() => now);
  const engine = new Engine();
  const cache = new QueryResultCache(db, {
    now: () => now,
    timestampOffsetMs: offsetMs,
    maxBytes,
  });
  const init = db.appender();
  for (let i = 0; i < SERIES.length; i++)
    for (let t = T0 - 60 * MIN; t <= T0; t += 15 * SEC)
      if ((t / 15 / SEC + i) % 7 !== 0) init.append(0, seriesLabels(i), t, (t / SEC) % (13 + i));
  await init.commit();
  let last: Extract<Op, { kind: 'query' }> | undefined;
  for (const o of ops) {
    const op = o.kind === 'repeat' ? (last ?? o) : o;
    switch (op.kind) {
      case 'repeat':
        break;
      case 'shrink':
        cache.shrink();
        break;
      case 'tick':
        now += op.ms;
        break;
      case 'write': {
        const app = db.appender();
        try {
          // Whole seconds, so some land exactly on existing samples (then skipped).
          app.append(0, seriesLabels(op.series), now - op.ago * SEC, op.v);
          await app.commit();
        } catch {
          await app.rollback();
        }
        break;
      }
      case 'delete':
        await db.deleteSeries(now - op.ago * SEC, now - op.ago * SEC + op.len * SEC, [
          new Matcher('=', 'a', SERIES[op.series]!),
        ]);
        break;
      case 'query': {
        last = op;
        const q = QUERIES[op.q]!;
        const start = T0 - 70 * MIN + op.start * 5 * SEC;
        const end = start + (op.steps - 1) * op.step;
        const got = await cache.rangeQuery(
          { query: q, start, end, step: op.step, lookbackDeltaMs: 5 * MIN, scope: '' },
          (s, e) => engine.rangeQuery(db, q, s, e, op.step),
        );
        const want = await engine.rangeQuery(db, q, start, end, op.step);
        const where = `${q} [${start - T0}, ${end - T0}] step ${op.step} (${got.outcome})`;
        assert.equal(
          resultToPromJSON(got.result.value, 'open-text'),
          resultToPromJSON(want.value, 'open-text'),
          where,
        );
        assert.deepEqual([got.result.warnings, got.result.infos], [want.warnings, want.infos]);
        break;
      }
    }
  }
  const st = cache.stats();
  assert.ok(st.bytes <= maxBytes);
  totals.hits += st.hits;
  totals.partialHits += st.partialHits;
  totals.invalidations += st.invalidations;
  totals.evictedBytes += st.evictedBytes;
}

/** Outcomes over all runs, to check that the property exercised every path. */
const totals = { hits: 0, partialHits: 0, invalidations: 0, evictedBytes: 0 };

describe('QueryResultCache property', () => {
  it('cached answers equal fresh evaluations under late writes and deletions', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArb, { minLength: 5, maxLength: 30 }),
        fc.constantFrom(0, 30 * SEC, 2 * MIN, 5 * MIN),
        fc.constantFrom(64 * 1024 * 1024, 12_000, 4_000),
        async (ops, offset, maxBytes) => {
          await scenario(ops, offset, maxBytes);
        },
      ),
      { numRuns: 150, seed: 20261122 },
    );
    for (const [k, v] of Object.entries(totals)) assert.ok(v > 0, `no ${k} in any run`);
  });
});
