import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DuplicateSampleError,
  Labels,
  MAX_TIME,
  MIN_TIME,
  Matcher,
  StorageUnavailableError,
} from '../model/index.js';
import {
  T0,
  appendAll,
  collectSeriesSet,
  runRandomizedDifferential,
  runStorageConformance,
  selectDump,
  type ConformanceFactory,
} from './conformance/index.js';
import { MemStorage, type Querier, type SeriesSet, type Storage } from './index.js';

const L = (rec: Record<string, string>): Labels => Labels.fromRecord(rec);
const byName = (n: string): Matcher[] => [new Matcher('=', '__name__', n)];

// MemStorage keeps nothing on disk; "reopen" hands back the same instance and "compact" does
// nothing, which runs the suite's reopen and compaction cases as plain consistency checks.
const factory: ConformanceFactory = {
  open: () => Promise.resolve(new MemStorage()),
  reopen: (db) => Promise.resolve(db),
  compact: () => Promise.resolve(),
};

runStorageConformance('MemStorage', factory);

describe('randomized differential', () => {
  it('finds no difference between MemStorage and itself', async () => {
    const r = await runRandomizedDifferential({ factory, seed: 7 });
    assert.equal(r.phases, 4);
    assert.ok(r.samples > 1000, `samples ${r.samples}`);
    assert.ok(r.duplicatesRejected > 10, `duplicates ${r.duplicatesRejected}`);
    assert.ok(r.rolledBack > 0 && r.deletes > 0 && r.compactions === 4 && r.reopens === 2);
  });

  it('is deterministic for a seed', async () => {
    const opts = { factory, seed: 3, phases: 1, opsPerPhase: 20 };
    assert.deepEqual(await runRandomizedDifferential(opts), await runRandomizedDifferential(opts));
  });

  it('catches a backend that drops the last sample of long series', async () => {
    await assert.rejects(
      runRandomizedDifferential({ factory: brokenFactory(), seed: 11, phases: 1 }),
      /differential seed=11 phase=0/,
    );
  });

  it('catches a backend that accepts conflicting duplicates', async () => {
    const lax: ConformanceFactory = {
      open: () => {
        const db = new MemStorage();
        return Promise.resolve(
          Object.assign(Object.create(db) as MemStorage, {
            appender: () => {
              const app = db.appender();
              return {
                append: (ref: number, l: Labels, t: number, v: number) => {
                  try {
                    return app.append(ref, l, t, v);
                  } catch {
                    return 1;
                  }
                },
                commit: () => app.commit(),
                rollback: () => app.rollback(),
              };
            },
          }),
        );
      },
    };
    await assert.rejects(
      runRandomizedDifferential({ factory: lax, seed: 5, phases: 1 }),
      /want DuplicateSampleError/,
    );
  });
});

/** A MemStorage whose selects lose the last sample of every series with more than 3. */
function brokenFactory(): ConformanceFactory {
  return {
    open: () => {
      const db = new MemStorage();
      const broken: Storage = {
        appender: () => db.appender(),
        startTime: () => db.startTime(),
        close: () => db.close(),
        querier: async (mint, maxt) => {
          const q = await db.querier(mint, maxt);
          const wrapped: Querier = {
            select: async (sorted, hints, ms) => truncate(await q.select(sorted, hints, ms)),
            labelNames: (ms) => q.labelNames(ms),
            labelValues: (n, ms) => q.labelValues(n, ms),
            close: () => {
              q.close();
            },
          };
          return wrapped;
        },
      };
      return Promise.resolve(broken);
    },
  };
}

function truncate(set: SeriesSet): SeriesSet {
  return {
    next: () => set.next(),
    at: () => {
      const s = set.at();
      return {
        labels: s.labels,
        iterator: () => {
          const it = s.iterator();
          let n = 0;
          const count = (() => {
            const c = s.iterator();
            let k = 0;
            while (c.next() !== 'none') k++;
            return k;
          })();
          return {
            next: () => (count > 3 && n >= count - 1 ? 'none' : (n++, it.next())),
            seek: (t: number) => it.seek(t),
            atT: () => it.atT(),
            atF: () => it.atF(),
            err: () => it.err(),
          };
        },
      };
    },
    err: () => set.err(),
    warnings: () => set.warnings(),
  };
}

describe('MemStorage specifics', () => {
  it('drops a sample that conflicts only at commit; the first committed value wins', async () => {
    const db = new MemStorage();
    const a = db.appender();
    const b = db.appender();
    a.append(0, L({ __name__: 'c' }), T0, 1);
    b.append(0, L({ __name__: 'c' }), T0, 2);
    b.append(0, L({ __name__: 'c' }), T0 + 1, 3);
    await a.commit();
    await b.commit();
    const got = await selectDump(db, MIN_TIME, MAX_TIME, byName('c'));
    assert.deepEqual(got[0]?.samples, [
      [T0, '1'],
      [T0 + 1, '3'],
    ]);
  });

  it('looks a series up by labels when a reference does not match them', async () => {
    const db = new MemStorage();
    const app = db.appender();
    const ra = app.append(0, L({ __name__: 'a' }), T0, 1);
    const rb = app.append(ra, L({ __name__: 'b' }), T0, 2);
    assert.notEqual(ra, rb);
    assert.equal(app.append(12345, L({ __name__: 'a' }), T0 + 1, 1), ra);
    await app.commit();
    assert.equal((await selectDump(db, MIN_TIME, MAX_TIME, byName('a')))[0]?.samples.length, 2);
  });

  it('narrows by hints, applies limits, and snapshots selects', async () => {
    const db = new MemStorage();
    await appendAll(db, [
      [L({ __name__: 'h', i: '1' }), T0, 1],
      [L({ __name__: 'h', i: '1' }), T0 + 10, 2],
      [L({ __name__: 'h', i: '2' }), T0, 3],
      [L({ __name__: 'h', i: '3' }), T0, 4],
    ]);
    const q = await db.querier(MIN_TIME, MAX_TIME);
    const hinted = collectSeriesSet(
      await q.select(true, { start: T0 + 5, end: T0 + 20 }, byName('h')),
    );
    assert.deepEqual(hinted, [{ labels: 'h{i="1"}', samples: [[T0 + 10, '2']] }]);
    const limited = collectSeriesSet(
      await q.select(true, { start: MIN_TIME, end: MAX_TIME, limit: 2 }, byName('h')),
    );
    assert.equal(limited.length, 2);
    assert.deepEqual(await q.labelValues('i', [], { limit: 2 }), ['1', '2']);
    const set = await q.select(true, undefined, byName('h'));
    await db.deleteSeries(MIN_TIME, MAX_TIME, byName('h'));
    assert.equal(collectSeriesSet(set).length, 3, 'a selected set is a snapshot');
    assert.equal((await selectDump(db, MIN_TIME, MAX_TIME, byName('h'))).length, 0);
    assert.equal(db.startTime(), undefined);
    await db.deleteSeries(MIN_TIME, MAX_TIME, []); // no matchers: deletes nothing, no error
  });

  it('refuses use after close and after commit', async () => {
    const db = new MemStorage();
    const app = db.appender();
    app.append(0, L({ __name__: 'x' }), T0, 1);
    await app.commit();
    assert.throws(() => app.append(0, L({ __name__: 'x' }), T0 + 1, 1), /already committed/);
    await assert.rejects(app.rollback(), /already committed/);
    const q = await db.querier(MIN_TIME, MAX_TIME);
    q.close();
    await assert.rejects(q.select(true, undefined, byName('x')), /querier is closed/);
    await db.close();
    assert.throws(() => db.appender(), StorageUnavailableError);
    await assert.rejects(db.querier(0, 1), /storage is closed/);
  });

  it('reports duplicates with a Prometheus-like message', () => {
    const db = new MemStorage();
    const app = db.appender();
    app.append(0, L({ __name__: 'd' }), T0, 1);
    assert.throws(
      () => app.append(0, L({ __name__: 'd' }), T0, 2),
      (err: unknown) =>
        err instanceof DuplicateSampleError &&
        /^cannot append sample for d: duplicate sample for timestamp 1700000000000$/.test(
          err.message,
        ),
    );
  });
});
