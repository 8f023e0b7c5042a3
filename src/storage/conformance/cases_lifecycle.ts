/**
 * Conformance cases about the storage's life: start time, deletion, persistence across reopen,
 * and identical answers before and after compaction.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  Labels,
  MAX_TIME,
  MIN_TIME,
  Matcher,
  STALE_NAN,
  DuplicateSampleError,
} from '../../model/index.js';
import { Mirror, type QuerySpec } from './compare.js';
import { withStorage, type ConformanceFactory, type StorageHandle } from './harness.js';
import { T0, appendAll, isDeleter, selectDump, type TestSample } from './helpers.js';

const L = (rec: Record<string, string>): Labels => Labels.fromRecord(rec);
const HOUR = 3_600_000;
const JOBS = ['a', 'b', 'c'];
const name = new Matcher('=', '__name__', 'rich');

/** Queries compared around reopen and compaction: whole range, parts, block-edge ranges. */
const QUERIES: readonly QuerySpec[] = [
  { mint: MIN_TIME, maxt: MAX_TIME, matchers: [name] },
  { mint: T0 + HOUR, maxt: T0 + 3 * HOUR, matchers: [name, new Matcher('=~', 'job', 'a|c')] },
  { mint: T0 + 2 * HOUR - 1, maxt: T0 + 2 * HOUR, matchers: [name] },
  { mint: T0 + 8 * HOUR - 60_000, maxt: MAX_TIME, matchers: [new Matcher('!=', 'job', 'b'), name] },
  { mint: T0 - HOUR, maxt: T0 - 1, matchers: [name] },
];
const VALUE_NAMES = ['job', 'i', '__name__'];

/**
 * Eight hours of 15 s samples for six series (a few staleness markers, in-order), followed by
 * every seventh sample of the first series appended later, out of order.
 */
async function writeRich(m: Mirror): Promise<void> {
  const late: TestSample[] = [];
  const series = Array.from({ length: 6 }, (_, i) =>
    L({ __name__: 'rich', job: JOBS[i % 3]!, i: String(i) }),
  );
  for (let part = 0; part < 8; part++) {
    const batch: TestSample[] = [];
    for (let k = 0; k < 240; k++) {
      const t = T0 + part * HOUR + k * 15_000;
      series.forEach((l, i) => {
        const v = k % 97 === 50 ? STALE_NAN : i * 1000 + part * 240 + k + 0.25;
        if (i === 0 && k % 7 === 0) late.push([l, t, v]);
        else batch.push([l, t, v]);
      });
    }
    await m.append(batch);
  }
  await m.append(late.reverse());
}

/** Runs `fn` with a mirror of the handle's backend. */
async function withMirror(
  factory: ConformanceFactory,
  fn: (h: StorageHandle, m: Mirror) => Promise<void>,
): Promise<void> {
  await withStorage(factory, async (h) => {
    const m = new Mirror(() => h.db);
    try {
      await fn(h, m);
    } finally {
      await m.close();
    }
  });
}

/** Registers the lifecycle cases; `deletes` says whether the backend must be a `Deleter`. */
export function registerLifecycleCases(factory: ConformanceFactory, deletes: boolean): void {
  void it('reports its start time', async () => {
    await withStorage(factory, async ({ db }) => {
      assert.equal(db.startTime(), undefined, 'empty storage');
      await appendAll(db, [
        [L({ __name__: 'st', s: 'a' }), T0 + 5, 1],
        [L({ __name__: 'st', s: 'b' }), T0 + 1, 1],
      ]);
      assert.equal(db.startTime(), T0 + 1);
    });
  });

  if (deletes) {
    void it('deletes samples in a range of matching series (Deleter)', async () => {
      await withMirror(factory, async (h, m) => {
        assert.ok(isDeleter(h.db), 'the backend must implement Deleter (or set deletes: false)');
        const A = L({ __name__: 'del', job: 'a' });
        const B = L({ __name__: 'del', job: 'b' });
        const data: TestSample[] = [];
        for (let i = 0; i < 10; i++) data.push([A, T0 + i * 1000, i], [B, T0 + i * 1000, i]);
        await m.append(data);
        const sel = [new Matcher('=', '__name__', 'del')];
        await m.delete(T0 + 2000, T0 + 4000, [new Matcher('=', 'job', 'a')]);
        const got = await selectDump(h.db, MIN_TIME, MAX_TIME, sel);
        assert.deepEqual(
          got[0]?.samples.map((s) => s[0] - T0),
          [0, 1000, 5000, 6000, 7000, 8000, 9000],
        );
        assert.equal(got[1]?.samples.length, 10, 'other series untouched');
        await m.delete(MIN_TIME, MAX_TIME, [new Matcher('=', 'job', 'b')]);
        const q = [{ mint: MIN_TIME, maxt: MAX_TIME, matchers: sel }];
        await m.check(q, ['job'], 'after deletes');
        assert.equal((await selectDump(h.db, MIN_TIME, MAX_TIME, sel)).length, 1);
        if (isDeleter(h.db)) await h.db.cleanTombstones();
        await m.check(q, ['job'], 'after cleanTombstones');
        // Appending outside the deleted ranges works as usual. (Appending into a deleted range
        // is left unspecified: Prometheus' tombstones keep hiding such samples.)
        await m.append([[A, T0 + 10_000, 10]]);
        await m.check(q, ['job'], 'after appending beyond deleted ranges');
      });
    });
  }

  if (factory.reopen !== undefined) {
    void it('keeps committed data, and only that, across reopen', async () => {
      await withMirror(factory, async (h, m) => {
        await writeRich(m);
        await m.append([[L({ __name__: 'rich', job: 'x', i: 'rolled' }), T0, 1]], false);
        if (deletes) await m.delete(T0 + HOUR, T0 + 2 * HOUR, [new Matcher('=', 'i', '1')]);
        await m.check(QUERIES, VALUE_NAMES, 'before reopen');
        await h.reopen();
        await m.check(QUERIES, VALUE_NAMES, 'after reopen');
        const A = L({ __name__: 'rich', job: 'a', i: '0' });
        const app = h.db.appender();
        app.append(0, A, T0, 0.25); // identical to what is stored: ignored
        assert.throws(() => app.append(0, A, T0, 1), DuplicateSampleError);
        await app.rollback();
        await m.append([[A, T0 + 9 * HOUR, 9]]);
        await m.check(QUERIES, VALUE_NAMES, 'appending after reopen');
        await h.reopen();
        await m.check(QUERIES, VALUE_NAMES, 'after second reopen');
      });
    });
  }

  if (factory.compact !== undefined) {
    void it('answers identically before and after compaction', async () => {
      await withMirror(factory, async (h, m) => {
        await writeRich(m);
        await m.check(QUERIES, VALUE_NAMES, 'before compaction', true);
        await h.compact();
        await m.check(QUERIES, VALUE_NAMES, 'after compaction', true);
        // Out-of-order samples into the compacted range, and new ones after it.
        const A = L({ __name__: 'rich', job: 'b', i: '1' });
        await m.append([
          [A, T0 + HOUR + 7, 1.5],
          [A, T0 + 3 * HOUR + 7, STALE_NAN],
          [A, T0 + 10 * HOUR, 10],
        ]);
        await m.check(QUERIES, VALUE_NAMES, 'after appending into the compacted range');
        if (deletes) {
          await m.delete(T0 + HOUR, T0 + 9 * HOUR, [new Matcher('=', 'job', 'c')]);
          await m.check(QUERIES, VALUE_NAMES, 'after a delete across compacted data');
        }
        await h.compact();
        await m.check(QUERIES, VALUE_NAMES, 'after the second compaction');
        if (h.canReopen) {
          await h.reopen();
          await m.check(QUERIES, VALUE_NAMES, 'after compaction and reopen');
        }
      });
    });
  }
}
