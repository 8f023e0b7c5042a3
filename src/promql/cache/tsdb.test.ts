/**
 * The cache over the embedded TSDB: its history-change feed (late writes, deletions, tombstone
 * cleaning) and cached answers that stay equal to fresh evaluations through them.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Labels, Matcher } from '../../model/index.js';
import { openDB, type DB } from '../../tsdb/index.js';
import { Logger } from '../../util/index.js';
import { Engine } from '../engine/engine.js';
import { resultToPromJSON } from '../engine/format.js';
import { QueryResultCache, type CacheOutcome } from './cache.js';

const MIN = 60_000;
const NOW = Math.floor(Date.now() / MIN) * MIN;
const engine = new Engine();

describe('result cache over the TSDB', () => {
  let dir = '';
  let db: DB;

  async function append(name: string, inst: string, t: number, v: number): Promise<void> {
    const app = db.appender();
    app.append(0, Labels.fromRecord({ __name__: name, inst }), t, v);
    await app.commit();
  }

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'kansoku-qcache-'));
    db = await openDB(dir, { retentionMs: 0, fsync: 'never', logger: Logger.nop() });
    const app = db.appender();
    for (const inst of ['a', 'b'])
      for (let t = NOW - 120 * MIN; t <= NOW; t += 15_000)
        app.append(0, Labels.fromRecord({ __name__: 'm', inst }), t, (t / 1000) % 31);
    await app.commit();
  });
  after(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('reports late writes, deletions and tombstone cleaning, not fresh writes', async () => {
    const g0 = db.changesSince(0).generation;
    await append('fresh', 'x', Date.now(), 1);
    assert.deepEqual(db.changesSince(g0), { generation: g0, minT: Infinity, marginMs: 60_000 });
    await append('late', 'x', NOW - 30 * MIN, 1);
    const g1 = db.changesSince(g0);
    assert.deepEqual([g1.generation, g1.minT], [g0 + 1, NOW - 30 * MIN]);
    await db.deleteSeries(NOW - 50 * MIN, NOW - 40 * MIN, [new Matcher('=', '__name__', 'late')]);
    assert.equal(db.changesSince(g0).minT, NOW - 50 * MIN);
    assert.equal(db.changesSince(g1.generation).minT, NOW - 50 * MIN);
    // Many more late writes than the log keeps: old changes are merged (which may over-report),
    // never forgotten.
    for (let i = 0; i < 100; i++) await append('late', 'y', NOW - 20 * MIN + i * 1000, i);
    assert.ok(db.changesSince(g0).minT <= NOW - 50 * MIN);
    const g3 = db.changesSince(0).generation;
    await append('late', 'z', NOW - 10 * MIN, 1);
    assert.equal(db.changesSince(g3).minT, NOW - 10 * MIN);
    const g2 = db.changesSince(0).generation;
    await db.cleanTombstones();
    assert.equal(db.changesSince(g2).minT, -Infinity);
    // A generation this database never gave out means "anything".
    assert.equal(db.changesSince(g2 + 1000).minT, -Infinity);
  });

  it('cached answers follow backfills and deletions', async () => {
    const cache = new QueryResultCache(db);
    const q = 'sum by (inst) (avg_over_time(m[5m]))';
    const s = NOW - 90 * MIN;
    const e = NOW - 20 * MIN;
    const run = async (): Promise<{ json: string; outcome: CacheOutcome }> => {
      const a = await cache.rangeQuery(
        { query: q, start: s, end: e, step: MIN, lookbackDeltaMs: 5 * MIN, scope: '' },
        (x, y) => engine.rangeQuery(db, q, x, y, MIN),
      );
      const fresh = await engine.rangeQuery(db, q, s, e, MIN);
      const json = resultToPromJSON(a.result.value, 'open-text');
      assert.equal(json, resultToPromJSON(fresh.value, 'open-text'), a.outcome);
      return { json, outcome: a.outcome };
    };
    assert.equal((await run()).outcome, 'miss');
    const first = await run();
    assert.equal(first.outcome, 'hit');
    await append('m', 'c', NOW - 60 * MIN, 1000);
    const backfilled = await run();
    assert.equal(backfilled.outcome, 'partial');
    assert.notEqual(backfilled.json, first.json);
    assert.equal((await run()).outcome, 'hit');
    await db.deleteSeries(NOW - 70 * MIN, NOW - 65 * MIN, [new Matcher('=', 'inst', 'a')]);
    const deleted = await run();
    assert.notEqual(deleted.json, backfilled.json);
    // Persisting the head into a block changes no answer and needs no invalidation.
    await db.compact(true);
    assert.equal((await run()).outcome, 'hit');
  });
});
