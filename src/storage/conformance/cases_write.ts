/**
 * Conformance cases about writing: batch visibility, duplicates, out-of-order samples, special
 * values, concurrent appenders, and scale.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  DuplicateSampleError,
  Labels,
  MAX_TIME,
  MIN_TIME,
  Matcher,
  STALE_NAN,
  isStaleNaN,
} from '../../model/index.js';
import type { Storage } from '../interface.js';
import {
  T0,
  appendAll,
  collectSeriesSet,
  formatValue,
  selectDump,
  type SeriesDump,
  type TestSample,
} from './helpers.js';
import { withStorage, type ConformanceFactory } from './harness.js';

const L = (rec: Record<string, string>): Labels => Labels.fromRecord(rec);
const byName = (n: string): Matcher[] => [new Matcher('=', '__name__', n)];

/** Sizes of the scale cases. */
export interface ScaleOptions {
  /** Number of series in the many-series case. */
  readonly manySeries: number;
  /** Number of samples in the long-series case. */
  readonly longSeries: number;
}

/** Reads one metric over all time as `[t, formatted value]` pairs per series. */
async function read(db: Storage, name: string): Promise<SeriesDump[]> {
  return selectDump(db, MIN_TIME, MAX_TIME, byName(name));
}

/** A quiet NaN with a payload other than the staleness marker's. */
function payloadNaN(): number {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setUint32(0, 0x7ff80000);
  dv.setUint32(4, 0x00000123);
  return dv.getFloat64(0);
}

/** Registers the write cases. */
export function registerWriteCases(factory: ConformanceFactory, scale: ScaleOptions): void {
  void it('makes a batch visible at commit and discards it at rollback', async () => {
    await withStorage(factory, async ({ db }) => {
      const A = L({ __name__: 'vis', s: 'a' });
      const app = db.appender();
      const ref = app.append(0, A, T0, 1);
      app.append(ref, A, T0 + 1, 2);
      app.append(0, L({ __name__: 'vis', s: 'b' }), T0, 3);
      assert.deepEqual(await read(db, 'vis'), [], 'nothing visible before commit');
      await app.commit();
      assert.deepEqual(await read(db, 'vis'), [
        {
          labels: A.toString(),
          samples: [
            [T0, '1'],
            [T0 + 1, '2'],
          ],
        },
        { labels: L({ __name__: 'vis', s: 'b' }).toString(), samples: [[T0, '3']] },
      ]);
      const rb = db.appender();
      rb.append(ref, A, T0 + 2, 4);
      rb.append(0, L({ __name__: 'vis', s: 'c' }), T0, 5);
      await rb.rollback();
      assert.equal((await read(db, 'vis')).length, 2, 'rolled back series stays invisible');
      assert.equal((await read(db, 'vis'))[0]?.samples.length, 2);
      const again = db.appender();
      assert.equal(again.append(ref, A, T0 + 3, 6) !== 0, true, 'cached ref is accepted');
      await again.commit();
      assert.deepEqual((await read(db, 'vis'))[0]?.samples.at(-1), [T0 + 3, '6']);
    });
  });

  void it('rejects an empty label set', async () => {
    await withStorage(factory, async ({ db }) => {
      const app = db.appender();
      assert.throws(() => app.append(0, Labels.EMPTY, T0, 1));
      await app.rollback();
    });
  });

  void it('ignores identical duplicates and rejects conflicting ones by bit pattern', async () => {
    await withStorage(factory, async ({ db }) => {
      const A = L({ __name__: 'dup' });
      await appendAll(db, [
        [A, T0, 1],
        [A, T0 + 1, STALE_NAN],
        [A, T0 + 2, 0],
      ]);
      const app = db.appender();
      app.append(0, A, T0, 1); // identical: ignored
      app.append(0, A, T0 + 1, STALE_NAN); // identical NaN bits: ignored
      assert.throws(() => app.append(0, A, T0, 2), DuplicateSampleError);
      assert.throws(
        () => app.append(0, A, T0 + 1, Number.NaN),
        DuplicateSampleError,
        'NaN payload',
      );
      assert.throws(() => app.append(0, A, T0 + 2, -0), DuplicateSampleError, '-0 is not 0');
      app.append(0, A, T0 + 3, 7);
      app.append(0, A, T0 + 3, 7); // identical within the batch: ignored
      assert.throws(() => app.append(0, A, T0 + 3, 8), DuplicateSampleError, 'within the batch');
      await app.commit(); // the appender stays usable after rejected samples
      assert.deepEqual(await read(db, 'dup'), [
        {
          labels: A.toString(),
          samples: [
            [T0, '1'],
            [T0 + 1, formatValue(STALE_NAN)],
            [T0 + 2, '0'],
            [T0 + 3, '7'],
          ],
        },
      ]);
    });
  });

  void it('accepts out-of-order samples within and across batches', async () => {
    await withStorage(factory, async ({ db }) => {
      const A = L({ __name__: 'ooo' });
      await appendAll(db, [
        [A, T0 + 50_000, 5],
        [A, T0 + 10_000, 1],
        [A, T0 + 30_000, 3],
      ]);
      await appendAll(db, [
        [A, T0 + 20_000, 2],
        [A, T0 + 60_000, 6],
        [A, T0, 0],
      ]);
      await appendAll(db, [[A, T0 + 40_000, 4]]);
      const got = (await read(db, 'ooo'))[0]?.samples;
      assert.deepEqual(
        got,
        [0, 1, 2, 3, 4, 5, 6].map((i) => [T0 + i * 10_000, String(i)]),
      );
    });
  });

  void it('round-trips staleness markers, NaN payloads, infinities and -0 bit-exactly', async () => {
    await withStorage(factory, async ({ db }) => {
      const A = L({ __name__: 'values' });
      // A typed array: V8 canonicalizes NaN payloads stored in plain arrays of numbers.
      const values = Float64Array.of(
        0,
        -0,
        1,
        -1,
        1.5,
        0.1,
        1e-300,
        Number.MIN_VALUE,
        Number.MAX_VALUE,
        -Number.MAX_VALUE,
        Number.MAX_SAFE_INTEGER,
        Infinity,
        -Infinity,
        Number.NaN,
        STALE_NAN,
        payloadNaN(),
      );
      await appendAll(
        db,
        Array.from(values, (v, i): TestSample => [A, T0 + i * 1000, v]),
      );
      const q = await db.querier(MIN_TIME, MAX_TIME);
      const set = await q.select(true, undefined, byName('values'));
      assert.ok(set.next());
      const it = set.at().iterator();
      const got: string[] = [];
      const stale: boolean[] = [];
      while (it.next() !== 'none') {
        got.push(formatValue(it.atF()));
        stale.push(isStaleNaN(it.atF()));
      }
      q.close();
      assert.deepEqual(got, Array.from(values, formatValue));
      assert.deepEqual(
        stale,
        Array.from(values, (v) => isStaleNaN(v)),
      );
      assert.equal(stale.filter(Boolean).length, 1);
    });
  });

  void it('handles two appenders committing interleaved', async () => {
    await withStorage(factory, async ({ db }) => {
      const [A, B, C, D] = ['a', 'b', 'c', 'd'].map((s) => L({ __name__: 'conc', s }));
      const a1 = db.appender();
      const a2 = db.appender();
      a1.append(0, A!, T0, 1);
      a2.append(0, A!, T0 + 1, 2);
      a1.append(0, B!, T0, 3);
      a2.append(0, C!, T0, 4);
      a1.append(0, A!, T0 + 2, 5);
      await a2.commit();
      assert.deepEqual(await read(db, 'conc'), [
        { labels: A!.toString(), samples: [[T0 + 1, '2']] },
        { labels: C!.toString(), samples: [[T0, '4']] },
      ]);
      await a1.commit();
      assert.deepEqual(await read(db, 'conc'), [
        {
          labels: A!.toString(),
          samples: [
            [T0, '1'],
            [T0 + 1, '2'],
            [T0 + 2, '5'],
          ],
        },
        { labels: B!.toString(), samples: [[T0, '3']] },
        { labels: C!.toString(), samples: [[T0, '4']] },
      ]);
      // Commits running at the same time.
      const a3 = db.appender();
      const a4 = db.appender();
      a3.append(0, D!, T0 + 10, 10);
      a4.append(0, D!, T0 + 11, 11);
      await Promise.all([a3.commit(), a4.commit()]);
      assert.deepEqual((await read(db, 'conc'))[3]?.samples, [
        [T0 + 10, '10'],
        [T0 + 11, '11'],
      ]);
      // A conflict only visible at commit: the first committed value stays. The later commit
      // may drop the sample (Prometheus) or reject with DuplicateSampleError.
      const a5 = db.appender();
      const a6 = db.appender();
      a5.append(0, D!, T0 + 20, 1);
      a6.append(0, D!, T0 + 20, 2);
      await a5.commit();
      await a6.commit().catch((err: unknown) => {
        assert.ok(err instanceof DuplicateSampleError, String(err));
      });
      assert.deepEqual((await read(db, 'conc'))[3]?.samples.at(-1), [T0 + 20, '1']);
    });
  });

  void it(`holds many series (${scale.manySeries})`, async () => {
    await withStorage(factory, async ({ db }) => {
      const n = scale.manySeries;
      const batch = 1000;
      for (let start = 0; start < n; start += batch) {
        const app = db.appender();
        for (let i = start; i < Math.min(n, start + batch); i++) {
          const l = L({ __name__: 'many', i: String(i), mod: String(i % 10) });
          app.append(0, l, T0 + (i % 100) * 1000, i);
        }
        await app.commit();
      }
      const q = await db.querier(MIN_TIME, MAX_TIME);
      try {
        let count = 0;
        const all = await q.select(false, undefined, byName('many'));
        while (all.next()) count++;
        assert.equal(count, n);
        const mod3 = collectSeriesSet(
          await q.select(true, undefined, [...byName('many'), new Matcher('=', 'mod', '3')]),
        );
        assert.equal(mod3.length, Math.floor(n / 10) + (n % 10 > 3 ? 1 : 0));
        for (const d of mod3) assert.equal(Number(d.samples[0]?.[1]) % 10, 3);
        assert.equal((await q.labelValues('i', byName('many'))).length, n);
      } finally {
        q.close();
      }
      const early = await selectDump(db, T0, T0 + 9000, byName('many'));
      assert.equal(
        early.length,
        Array.from({ length: n }, (_, i) => i % 100 < 10).filter(Boolean).length,
      );
    });
  });

  void it(`holds a long series (${scale.longSeries} samples)`, async () => {
    await withStorage(factory, async ({ db }) => {
      const n = scale.longSeries;
      const A = L({ __name__: 'long' });
      let ref = 0;
      for (let start = 0; start < n; start += 10_000) {
        const app = db.appender();
        for (let j = start; j < Math.min(n, start + 10_000); j++) {
          ref = app.append(ref, A, T0 + j * 1000, j * 0.5);
        }
        await app.commit();
      }
      const q = await db.querier(MIN_TIME, MAX_TIME);
      const set = await q.select(true, undefined, byName('long'));
      assert.ok(set.next());
      const series = set.at();
      let it = series.iterator();
      let j = 0;
      while (it.next() !== 'none') {
        if (it.atT() !== T0 + j * 1000 || it.atF() !== j * 0.5) {
          assert.fail(`sample ${j}: got ${it.atT()}=${it.atF()}`);
        }
        j++;
      }
      assert.equal(it.err(), undefined);
      assert.equal(j, n);
      const mid = Math.floor(n / 2);
      it = series.iterator();
      assert.equal(it.seek(T0 + mid * 1000 + 500), 'float');
      assert.equal(it.atF(), (mid + 1) * 0.5);
      q.close();
      const part = await selectDump(db, T0 + 1000 * 1000, T0 + 2000 * 1000, byName('long'));
      assert.equal(part[0]?.samples.length ?? 0, Math.max(0, Math.min(n - 1000, 1001)));
    });
  });
}
