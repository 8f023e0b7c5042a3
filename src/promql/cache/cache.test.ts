import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { Labels, Matcher } from '../../model/index.js';
import { Engine } from '../engine/engine.js';
import { resultToPromJSON } from '../engine/format.js';
import type { QueryResult } from '../engine/types.js';
import { QueryResultCache, type CacheOutcome, type QueryCacheOptions } from './cache.js';
import { TrackedMemStorage } from './testkit.js';

const MIN = 60_000;
const T0 = 1_700_000_040_000; // a multiple of a minute
const engine = new Engine();

let now = T0;
let db: TrackedMemStorage;

async function fill(from: number, to: number, series: string[], every = 15_000): Promise<void> {
  const app = db.appender();
  for (const a of series) {
    const l = Labels.fromRecord({ __name__: 'x', a });
    for (let t = from; t <= to; t += every) app.append(0, l, t, (t / 1000) % 97);
  }
  await app.commit();
}

function cacheWith(opts: Partial<QueryCacheOptions> = {}): QueryResultCache {
  return new QueryResultCache(db, { now: () => now, ...opts });
}

interface Run {
  json: string;
  outcome: CacheOutcome;
  result: QueryResult;
}

async function run(
  c: QueryResultCache,
  query: string,
  start: number,
  end: number,
  step: number,
  scope = '',
): Promise<Run> {
  const a = await c.rangeQuery(
    { query, start, end, step, lookbackDeltaMs: engine.opts.lookbackDeltaMs, scope },
    (s, e) => engine.rangeQuery(db, query, s, e, step),
  );
  return {
    json: resultToPromJSON(a.result.value, 'open-text'),
    outcome: a.outcome,
    result: a.result,
  };
}

async function fresh(query: string, start: number, end: number, step: number): Promise<string> {
  return resultToPromJSON(
    (await engine.rangeQuery(db, query, start, end, step)).value,
    'open-text',
  );
}

describe('QueryResultCache', () => {
  beforeEach(async () => {
    now = T0;
    db = new TrackedMemStorage(() => now);
    await fill(T0 - 3 * 60 * MIN, T0, ['1', '2']);
  });

  it('misses, then hits with the same answer', async () => {
    const c = cacheWith();
    const q = 'sum by (a) (avg_over_time(x[5m]))';
    const a = await run(c, q, T0 - 60 * MIN, T0 - 10 * MIN, MIN);
    assert.equal(a.outcome, 'miss');
    const b = await run(c, q, T0 - 60 * MIN, T0 - 10 * MIN, MIN);
    assert.equal(b.outcome, 'hit');
    assert.equal(b.json, a.json);
    assert.equal(b.json, await fresh(q, T0 - 60 * MIN, T0 - 10 * MIN, MIN));
    assert.deepEqual(
      { hits: c.stats().hits, misses: c.stats().misses, entries: c.stats().entries },
      { hits: 1, misses: 1, entries: 1 },
    );
  });

  it('never caches the recent steps: a range ending now is a partial hit', async () => {
    const c = cacheWith();
    const q = 'x';
    await run(c, q, T0 - 60 * MIN, T0, MIN);
    const b = await run(c, q, T0 - 60 * MIN, T0, MIN);
    assert.equal(b.outcome, 'partial');
    assert.equal(b.json, await fresh(q, T0 - 60 * MIN, T0, MIN));
  });

  it('a sliding dashboard window reuses the cached middle', async () => {
    const c = cacheWith();
    const q = 'delta(x[2m])';
    await run(c, q, T0 - 60 * MIN, T0 - 20 * MIN, MIN);
    // Later and wider on both sides.
    now = T0 + 2 * MIN;
    await fill(T0 + 15_000, now, ['1', '2']);
    const b = await run(c, q, T0 - 70 * MIN, now, MIN);
    assert.equal(b.outcome, 'partial');
    assert.equal(b.json, await fresh(q, T0 - 70 * MIN, now, MIN));
  });

  it('series that appear or disappear across parts are merged, empty ones dropped', async () => {
    await fill(T0 - 50 * MIN, T0 - 40 * MIN, ['early']);
    await fill(T0 - 15 * MIN, T0, ['late']);
    const c = cacheWith();
    const q = 'x';
    await run(c, q, T0 - 45 * MIN, T0 - 30 * MIN, MIN);
    for (const [s, e] of [
      [T0 - 60 * MIN, T0 - 35 * MIN],
      [T0 - 38 * MIN, T0],
      [T0 - 32 * MIN, T0 - 31 * MIN],
    ] as const) {
      const r = await run(c, q, s, e, MIN);
      assert.equal(r.json, await fresh(q, s, e, MIN), `range ${s}..${e}`);
    }
    // A window where the cached "early" series has no point is left out of the answer.
    const r = await run(c, q, T0 - 30 * MIN, T0 - 20 * MIN, MIN);
    assert.ok(!r.json.includes('"early"'));
  });

  it('a different step alignment is a separate entry, filled on its second miss', async () => {
    const c = cacheWith();
    await run(c, 'x', T0 - 60 * MIN, T0 - 10 * MIN, MIN);
    const s = T0 - 60 * MIN + 1000;
    const b = await run(c, 'x', s, T0 - 10 * MIN, MIN);
    assert.equal(b.outcome, 'miss');
    assert.equal(b.json, await fresh('x', s, T0 - 10 * MIN, MIN));
    // An unaligned window seen once is not stored (it would mostly never be read again)…
    assert.equal(c.stats().entries, 1);
    assert.equal((await run(c, 'x', s, T0 - 10 * MIN, MIN)).outcome, 'miss');
    // … but one that comes back is.
    assert.equal(c.stats().entries, 2);
    const d = await run(c, 'x', s, T0 - 10 * MIN, MIN);
    assert.equal(d.outcome, 'hit');
    assert.equal(d.json, b.json);
  });

  it('scopes (read restrictions) never share entries', async () => {
    const c = cacheWith();
    await run(c, 'x', T0 - 60 * MIN, T0 - 10 * MIN, MIN, '');
    const b = await run(c, 'x', T0 - 60 * MIN, T0 - 10 * MIN, MIN, '{a="1"}');
    assert.equal(b.outcome, 'miss');
  });

  it('a late write drops the cached steps from its timestamp on', async () => {
    const c = cacheWith();
    const q = 'sum(x)';
    const s = T0 - 60 * MIN;
    const e = T0 - 10 * MIN;
    await run(c, q, s, e, MIN);
    // Backfill a new series into the middle of the cached range.
    const app = db.appender();
    app.append(0, Labels.fromRecord({ __name__: 'x', a: '3' }), T0 - 30 * MIN, 1000);
    await app.commit();
    const b = await run(c, q, s, e, MIN);
    assert.equal(b.outcome, 'partial');
    assert.equal(b.json, await fresh(q, s, e, MIN));
    assert.equal(c.stats().invalidations, 1);
  });

  it('a deletion drops the cached steps from its start on', async () => {
    const c = cacheWith();
    const s = T0 - 60 * MIN;
    const e = T0 - 10 * MIN;
    const before = await run(c, 'x', s, e, MIN);
    await db.deleteSeries(T0 - 40 * MIN, T0 - 35 * MIN, [new Matcher('=', 'a', '1')]);
    const after = await run(c, 'x', s, e, MIN);
    assert.notEqual(after.json, before.json);
    assert.equal(after.json, await fresh('x', s, e, MIN));
  });

  it('a write committed while a request evaluates is not cached as if absent', async () => {
    const c = cacheWith();
    const q = 'sum(x)';
    const s = T0 - 60 * MIN;
    const e = T0 - 10 * MIN;
    await c.rangeQuery(
      { query: q, start: s, end: e, step: MIN, lookbackDeltaMs: 5 * MIN, scope: '' },
      async (a, b) => {
        const r = await engine.rangeQuery(db, q, a, b, MIN);
        const app = db.appender();
        app.append(0, Labels.fromRecord({ __name__: 'x', a: '9' }), T0 - 50 * MIN, 5);
        await app.commit();
        // Another request meanwhile: the cache has now seen the change's generation.
        await run(c, 'count(x)', s, e, MIN);
        return r;
      },
    );
    const b = await run(c, q, s, e, MIN);
    assert.equal(b.json, await fresh(q, s, e, MIN));
  });

  it('queries that are not cacheable bypass it', async () => {
    const c = cacheWith();
    const q = 'x @ ' + String((T0 - 30 * MIN) / 1000);
    const a = await run(c, q, T0 - 60 * MIN, T0 - 10 * MIN, MIN);
    const b = await run(c, q, T0 - 60 * MIN, T0 - 10 * MIN, MIN);
    assert.deepEqual([a.outcome, b.outcome], ['bypass', 'bypass']);
    assert.equal(
      (await run(c, 'x{', 0, 1000, 1000).catch((e: unknown) => e)) instanceof Error,
      true,
    );
    assert.equal(c.stats().entries, 0);
  });

  it('answers with annotations are not cached', async () => {
    const c = cacheWith();
    const q = 'rate(x[5m])'; // x is not named like a counter: an info annotation
    const a = await run(c, q, T0 - 60 * MIN, T0 - 10 * MIN, MIN);
    assert.ok(a.result.infos.length > 0);
    const b = await run(c, q, T0 - 60 * MIN, T0 - 10 * MIN, MIN);
    assert.equal(b.outcome, 'miss');
    assert.deepEqual(b.result.infos, a.result.infos);
    assert.equal(c.stats().entries, 0);
  });

  it('size 0 disables it', async () => {
    const c = cacheWith({ maxBytes: 0 });
    assert.equal(c.enabled, false);
    await run(c, 'x', T0 - 60 * MIN, T0 - 10 * MIN, MIN);
    assert.equal((await run(c, 'x', T0 - 60 * MIN, T0 - 10 * MIN, MIN)).outcome, 'bypass');
  });

  it('evicts the least recently used entries to stay within its size', async () => {
    const probe = cacheWith();
    await run(probe, 'x', T0 - 120 * MIN, T0 - 10 * MIN, MIN);
    const max = Math.floor(probe.stats().bytes * 4.5);
    const c = cacheWith({ maxBytes: max });
    const queries = ['x', 'x * 2', 'x * 3', 'x * 4', 'x * 5', 'x * 6'];
    for (const q of queries) await run(c, q, T0 - 120 * MIN, T0 - 10 * MIN, MIN);
    const st = c.stats();
    assert.ok(st.bytes <= max, `bytes ${st.bytes}`);
    assert.ok(st.evictedBytes > 0);
    assert.ok(st.entries < queries.length);
    // The newest survives, the oldest is gone.
    assert.equal((await run(c, 'x * 6', T0 - 120 * MIN, T0 - 10 * MIN, MIN)).outcome, 'hit');
    assert.equal((await run(c, 'x', T0 - 120 * MIN, T0 - 10 * MIN, MIN)).outcome, 'miss');
  });

  it('shrink and clear give memory back', async () => {
    const c = cacheWith();
    for (const q of ['x', 'x * 2', 'x * 3', 'x * 4'])
      await run(c, q, T0 - 60 * MIN, T0 - 10 * MIN, MIN);
    const full = c.stats().bytes;
    const freed = c.shrink();
    assert.ok(freed > 0 && c.stats().bytes <= full / 2);
    assert.equal(c.clear() + freed, full);
    assert.deepEqual([c.stats().bytes, c.stats().entries], [0, 0]);
    assert.equal(c.stats().evictedBytes, full);
  });
});

describe('QueryResultCache: identical requests in flight', () => {
  beforeEach(() => {
    now = T0;
    db = new TrackedMemStorage(() => now);
  });

  it('evaluates once for identical concurrent requests and gives each the same answer', async () => {
    await fill(T0 - 60 * MIN, T0, ['a', 'b']);
    const c = cacheWith();
    const q = 'sum by (a) (x)';
    const start = T0 - 30 * MIN;
    let calls = 0;
    const ask = (): ReturnType<QueryResultCache['rangeQuery']> =>
      c.rangeQuery(
        {
          query: q,
          start,
          end: T0,
          step: MIN,
          lookbackDeltaMs: engine.opts.lookbackDeltaMs,
          scope: '',
        },
        (s, e) => {
          calls++;
          return engine.rangeQuery(db, q, s, e, MIN);
        },
      );
    const [a, b, d] = await Promise.all([ask(), ask(), ask()]);
    assert.equal(calls, 1);
    assert.equal(a.outcome, 'miss');
    assert.equal(b.outcome, 'hit');
    assert.equal(d.outcome, 'hit');
    const want = await fresh(q, start, T0, MIN);
    for (const r of [a, b, d]) assert.equal(resultToPromJSON(r.result.value, 'open-text'), want);
    // Once answered, the next request is served by the cache again (cached head, evaluated tail).
    const later = await ask();
    assert.equal(later.outcome, 'partial');
    assert.equal(calls, 2);
  });

  it('does not join requests of another scope or range', async () => {
    await fill(T0 - 60 * MIN, T0, ['a']);
    const c = cacheWith();
    let calls = 0;
    const ask = (start: number, scope: string): ReturnType<QueryResultCache['rangeQuery']> =>
      c.rangeQuery(
        {
          query: 'x',
          start,
          end: T0,
          step: MIN,
          lookbackDeltaMs: engine.opts.lookbackDeltaMs,
          scope,
        },
        (s, e) => {
          calls++;
          return engine.rangeQuery(db, 'x', s, e, MIN);
        },
      );
    await Promise.all([
      ask(T0 - 30 * MIN, ''),
      ask(T0 - 30 * MIN, 'team-a'),
      ask(T0 - 20 * MIN, ''),
    ]);
    assert.equal(calls, 3);
  });

  it('passes an evaluation error to every joined request', async () => {
    const c = cacheWith();
    let calls = 0;
    const ask = (): ReturnType<QueryResultCache['rangeQuery']> =>
      c.rangeQuery(
        {
          query: 'x',
          start: T0 - 10 * MIN,
          end: T0,
          step: MIN,
          lookbackDeltaMs: 300_000,
          scope: '',
        },
        () => {
          calls++;
          return Promise.reject(new Error('cannot evaluate query: test'));
        },
      );
    const rs = await Promise.allSettled([ask(), ask()]);
    assert.equal(calls, 1);
    for (const r of rs) assert.equal(r.status, 'rejected');
  });
});
