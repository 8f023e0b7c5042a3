import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DuplicateSampleError, Labels, MAX_TIME, MIN_TIME, Matcher } from '../model/index.js';
import { selectDump } from './conformance/index.js';
import { FanoutStorage, MemStorage, type Appender, type Storage } from './index.js';

const L = (rec: Record<string, string>): Labels => Labels.fromRecord(rec);
const sel = [new Matcher('=~', 'n', '.+')];
const dump = (db: Storage) => selectDump(db, MIN_TIME, MAX_TIME, sel);

/** A storage whose appender fails on demand; everything else is a MemStorage. */
function faulty(
  inner: MemStorage,
  fail: { append?: boolean; commit?: boolean; querier?: boolean },
  rolledBack: string[],
): Storage {
  return {
    startTime: () => inner.startTime(),
    close: () => inner.close(),
    querier: (mint, maxt) =>
      fail.querier === true ? Promise.reject(new Error('no querier')) : inner.querier(mint, maxt),
    appender: (): Appender => {
      const app = inner.appender();
      return {
        append: (ref, l, t, v) => {
          if (fail.append === true) throw new Error('append failed');
          return app.append(ref, l, t, v);
        },
        commit: () =>
          fail.commit === true ? Promise.reject(new Error('commit failed')) : app.commit(),
        rollback: () => {
          rolledBack.push('rollback');
          return app.rollback();
        },
      };
    },
  };
}

describe('FanoutStorage', () => {
  it('writes to all storages and reads them merged, the primary winning ties', async () => {
    const p = new MemStorage();
    const s = new MemStorage();
    const pre = s.appender();
    pre.append(0, L({ n: 'a' }), 2, 99);
    pre.append(0, L({ n: 'a' }), 3, 3);
    await pre.commit();
    const logged: string[] = [];
    const f = new FanoutStorage(p, [s], { warn: (m) => logged.push(m) });
    const app = f.appender();
    const ref = app.append(0, L({ n: 'a' }), 1, 1);
    app.append(ref, L({ n: 'a' }), 2, 2); // conflicts in the secondary only: logged
    await app.commit();
    assert.equal(logged.length, 1);
    assert.deepEqual(await dump(p), [
      {
        labels: '{n="a"}',
        samples: [
          [1, '1'],
          [2, '2'],
        ],
      },
    ]);
    assert.deepEqual(await dump(f), [
      {
        labels: '{n="a"}',
        samples: [
          [1, '1'],
          [2, '2'],
          [3, '3'],
        ],
      },
    ]);
    assert.equal(f.startTime(), 1);
    await f.close();
    assert.throws(() => s.appender(), /closed/);
  });

  it('propagates primary append errors without writing secondaries', async () => {
    const p = new MemStorage();
    const s = new MemStorage();
    const f = new FanoutStorage(p, [s]);
    const a = f.appender();
    a.append(0, L({ n: 'a' }), 1, 1);
    await a.commit();
    const b = f.appender();
    assert.throws(() => b.append(0, L({ n: 'a' }), 1, 2), DuplicateSampleError);
    b.append(0, L({ n: 'a' }), 5, 5);
    await b.commit();
    assert.deepEqual(await dump(s), [
      {
        labels: '{n="a"}',
        samples: [
          [1, '1'],
          [5, '5'],
        ],
      },
    ]);
  });

  it('logs and ignores a failing secondary', async () => {
    const logged: string[] = [];
    const rolled: string[] = [];
    const p = new MemStorage();
    const s = faulty(new MemStorage(), { append: true, querier: true }, rolled);
    const f = new FanoutStorage(p, [s], { warn: (m) => logged.push(m) });
    const a = f.appender();
    a.append(0, L({ n: 'a' }), 1, 1);
    a.append(0, L({ n: 'a' }), 2, 2);
    await a.commit();
    assert.equal((await dump(f))[0]?.samples.length, 2, 'primary data readable');
    assert.deepEqual(rolled, ['rollback'], 'the failed secondary is rolled back once');
    assert.deepEqual(logged, [
      'cannot append to secondary storage; dropping it from this batch',
      'cannot open querier on secondary storage',
    ]);
    const c = faulty(new MemStorage(), { commit: true }, rolled);
    const f2 = new FanoutStorage(new MemStorage(), [c], { warn: (m) => logged.push(m) });
    const a2 = f2.appender();
    a2.append(0, L({ n: 'a' }), 1, 1);
    await a2.commit();
    assert.equal(logged.at(-1), 'cannot commit secondary storage');
  });

  it('rolls secondaries back when the primary commit fails', async () => {
    const rolled: string[] = [];
    const s = new MemStorage();
    const f = new FanoutStorage(faulty(new MemStorage(), { commit: true }, rolled), [s]);
    const a = f.appender();
    a.append(0, L({ n: 'a' }), 1, 1);
    await assert.rejects(a.commit(), /commit failed/);
    assert.deepEqual(await dump(s), []);
    const b = f.appender();
    b.append(0, L({ n: 'a' }), 1, 1);
    await b.rollback();
    assert.deepEqual(rolled, ['rollback']);
    assert.deepEqual(await dump(s), []);
  });

  it('hands out the primary directly without secondaries', async () => {
    const p = new MemStorage();
    const f = new FanoutStorage(p);
    const a = f.appender();
    a.append(0, L({ n: 'a' }), 1, 1);
    await a.commit();
    assert.equal((await dump(f)).length, 1);
    assert.equal(f.startTime(), 1);
  });
});

describe('FanoutStorage with a closed secondary', () => {
  it('logs the secondary it cannot append to and keeps writing the primary', async () => {
    const logged: string[] = [];
    const s = new MemStorage();
    await s.close();
    const f = new FanoutStorage(new MemStorage(), [s], { warn: (m) => logged.push(m) });
    const a = f.appender();
    a.append(0, L({ n: 'a' }), 1, 1);
    await a.commit();
    assert.deepEqual(logged, ['cannot create appender on secondary storage']);
  });
});
