/** Conformance cases about reading: matchers, time ranges, seek, ordering, label lookups. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  Labels,
  MAX_TIME,
  MIN_TIME,
  Matcher,
  compareLabels,
  type MatchType,
} from '../../model/index.js';
import {
  T0,
  appendAll,
  collectSeriesSet,
  selectDump,
  sortDumps,
  type TestSample,
} from './helpers.js';
import { withStorage, type ConformanceFactory } from './harness.js';

const L = (rec: Record<string, string>): Labels => Labels.fromRecord(rec);
const M = (type: MatchType, name: string, value: string): Matcher => new Matcher(type, name, value);

/** The label sets of the matcher cases. */
const S = {
  a: L({ __name__: 'm', job: 'a' }),
  ab: L({ __name__: 'm', job: 'ab' }),
  b: L({ __name__: 'm', job: 'b', env: 'prod' }),
  none: L({ __name__: 'm' }),
  upperA: L({ __name__: 'm', job: 'A' }),
  other: L({ __name__: 'other', job: 'a' }),
};
type Key = keyof typeof S;
const allM: Key[] = ['a', 'ab', 'b', 'none', 'upperA'];
const nameM = M('=', '__name__', 'm');

/** Matcher cases: the matchers and the keys of the series they select. */
const MATCHER_CASES: readonly (readonly [string, readonly Matcher[], readonly Key[]])[] = [
  ['equality on the name', [nameM], allM],
  ['=', [nameM, M('=', 'job', 'a')], ['a']],
  [
    '!= includes series without the label',
    [nameM, M('!=', 'job', 'a')],
    ['ab', 'b', 'none', 'upperA'],
  ],
  ['=~ is anchored', [nameM, M('=~', 'job', 'a')], ['a']],
  ['=~ prefix', [nameM, M('=~', 'job', 'a.*')], ['a', 'ab']],
  ['=~ suffix', [nameM, M('=~', 'job', '.*b')], ['ab', 'b']],
  ['=~ alternation of literals', [nameM, M('=~', 'job', 'a|b')], ['a', 'b']],
  ['=~ case-insensitive flag', [nameM, M('=~', 'job', '(?i)a')], ['a', 'upperA']],
  ['!~ includes series without the label', [nameM, M('!~', 'job', 'a.*')], ['b', 'none', 'upperA']],
  ['="" selects series without the label', [nameM, M('=', 'job', '')], ['none']],
  ['!="" selects series with the label', [nameM, M('!=', 'job', '')], ['a', 'ab', 'b', 'upperA']],
  ['=~"" selects series without the label', [nameM, M('=~', 'job', '')], ['none']],
  ['=~ with an empty alternative', [nameM, M('=~', 'job', 'a|')], ['a', 'none']],
  ['=~".*" selects all', [nameM, M('=~', 'job', '.*')], allM],
  ['=~".+" needs the label', [nameM, M('=~', 'job', '.+')], ['a', 'ab', 'b', 'upperA']],
  ['!~".+" selects series without the label', [nameM, M('!~', 'job', '.+')], ['none']],
  ['missing label ="" matches all', [nameM, M('=', 'nope', '')], allM],
  ['missing label !="" matches none', [nameM, M('!=', 'nope', '')], []],
  ['missing label =~"x|" matches all', [nameM, M('=~', 'nope', 'x|')], allM],
  ['without a name matcher', [M('=', 'job', 'a')], ['a', 'other']],
  ['regex on the name', [M('=~', '__name__', 'm|other'), M('=', 'job', 'a')], ['a', 'other']],
  ['two labels', [nameM, M('=~', 'job', 'b'), M('=', 'env', 'prod')], ['b']],
  [
    '!= on a label only some series have',
    [nameM, M('!=', 'env', 'prod')],
    ['a', 'ab', 'none', 'upperA'],
  ],
  ['contradictory matchers', [M('=~', 'job', 'a'), M('!=', 'job', 'a')], []],
  ['unknown name', [M('=', '__name__', 'nope')], []],
];

/** Registers the read cases. */
export function registerReadCases(factory: ConformanceFactory): void {
  void it('selects by every matcher type with Prometheus semantics', async () => {
    await withStorage(factory, async ({ db }) => {
      const data: TestSample[] = [];
      for (const l of Object.values(S)) data.push([l, T0, 1], [l, T0 + 1000, 2]);
      await appendAll(db, data);
      const q = await db.querier(T0, T0 + 1000);
      try {
        for (const [what, ms, keys] of MATCHER_CASES) {
          const got = collectSeriesSet(await q.select(true, undefined, ms)).map((d) => d.labels);
          const want = keys
            .map((k) => S[k])
            .sort(compareLabels)
            .map((l) => l.toString());
          assert.deepEqual(got, want, `${what}: {${ms.map((m) => m.toString()).join(', ')}}`);
        }
      } finally {
        q.close();
      }
    });
  });

  void it('selects nothing without matchers (as Prometheus)', async () => {
    await withStorage(factory, async ({ db }) => {
      await appendAll(db, [[S.a, T0, 1]]);
      assert.deepEqual(await selectDump(db, MIN_TIME, MAX_TIME, []), []);
    });
  });

  void it('pushes the time range down exactly (inclusive bounds, no sample outside)', async () => {
    // The seam contract is exact: a select returns only series with at least one sample in
    // [mint, maxt], and only those samples. Callers (PromQL) rely on it without filtering.
    await withStorage(factory, async ({ db }) => {
      const A = L({ __name__: 'r', s: 'a' });
      const B = L({ __name__: 'r', s: 'b' });
      const data: TestSample[] = [];
      for (let i = 0; i < 10; i++) data.push([A, T0 + i * 10_000, i]);
      data.push([B, T0 + 1_000_000, 100]);
      await appendAll(db, data);
      const sel = [M('=', '__name__', 'r')];
      const ts = async (mint: number, maxt: number): Promise<[string, number[]][]> =>
        (await selectDump(db, mint, maxt, sel)).map((d) => [d.labels, d.samples.map((s) => s[0])]);
      assert.deepEqual(await ts(T0 + 20_000, T0 + 50_000), [
        [A.toString(), [20_000, 30_000, 40_000, 50_000].map((d) => T0 + d)],
      ]);
      assert.deepEqual(await ts(T0 + 25_000, T0 + 25_000), [], 'no sample in range: no series');
      assert.deepEqual(await ts(T0 + 30_000, T0 + 30_000), [[A.toString(), [T0 + 30_000]]]);
      assert.deepEqual(await ts(T0 - 1000, T0 - 1), []);
      assert.deepEqual(await ts(T0 + 90_000, T0 + 1_000_000), [
        [A.toString(), [T0 + 90_000]],
        [B.toString(), [T0 + 1_000_000]],
      ]);
      assert.deepEqual(await ts(T0 + 50_000, T0 + 20_000), [], 'mint > maxt selects nothing');
    });
  });

  void it('seeks forward only, never past the querier range', async () => {
    await withStorage(factory, async ({ db }) => {
      const A = L({ __name__: 'seek' });
      const data: TestSample[] = [];
      for (let i = 0; i < 1000; i++) data.push([A, T0 + i * 10, i]);
      await appendAll(db, data);
      const q = await db.querier(MIN_TIME, MAX_TIME);
      const set = await q.select(true, undefined, [M('=', '__name__', 'seek')]);
      assert.ok(set.next());
      const s = set.at();
      let it = s.iterator();
      assert.equal(it.seek(T0 - 5), 'float');
      assert.equal(it.atT(), T0);
      assert.equal(it.seek(T0 + 15), 'float');
      assert.equal(it.atT(), T0 + 20);
      assert.equal(it.atF(), 2);
      assert.equal(it.seek(T0 + 3), 'float', 'seek backwards stays put');
      assert.equal(it.atT(), T0 + 20);
      assert.equal(it.next(), 'float');
      assert.equal(it.atT(), T0 + 30);
      assert.equal(it.seek(T0 + 30), 'float');
      assert.equal(it.atT(), T0 + 30);
      assert.equal(it.seek(T0 + 5000), 'float');
      assert.equal(it.atF(), 500);
      assert.equal(it.seek(T0 + 9990), 'float');
      assert.equal(it.atF(), 999);
      assert.equal(it.seek(T0 + 9991), 'none');
      assert.equal(it.next(), 'none');
      assert.equal(it.err(), undefined);
      it = s.iterator();
      assert.equal(it.seek(T0 + 7777), 'float');
      let n = 1;
      while (it.next() !== 'none') n++;
      assert.equal(n, 222, 'samples 778..999 after a seek into a later part');
      assert.equal(set.next(), false);
      q.close();

      const q2 = await db.querier(T0 + 100, T0 + 200);
      const set2 = await q2.select(true, undefined, [M('=', '__name__', 'seek')]);
      assert.ok(set2.next());
      const it2 = set2.at().iterator();
      assert.equal(it2.seek(T0), 'float');
      assert.equal(it2.atT(), T0 + 100, 'seek lands inside the range');
      assert.equal(it2.seek(T0 + 201), 'none', 'no sample past maxt');
      q2.close();
    });
  });

  void it('returns sorted series with unique label sets, and the same set unsorted', async () => {
    await withStorage(factory, async ({ db }) => {
      const labels: Labels[] = [];
      for (let i = 0; i < 200; i++) {
        const rec: Record<string, string> = { __name__: 'sort', a: String(i % 7), b: String(i) };
        if (i % 5 === 0) rec['c'] = 'x';
        if (i % 11 === 0) rec['__name__'] = 'sort_b';
        labels.push(L(rec));
      }
      // A fixed permutation: append in an order unrelated to label order, in several batches.
      const order = labels.map((_, i) => (i * 73) % labels.length);
      for (let part = 0; part < 4; part++) {
        const slice = order.slice(part * 50, part * 50 + 50);
        await appendAll(
          db,
          slice.map((i): TestSample => [labels[i]!, T0 + part, i]),
        );
      }
      const sel = [M('=~', '__name__', 'sort|sort_b')];
      const sorted = await selectDump(db, MIN_TIME, MAX_TIME, sel, true);
      assert.equal(sorted.length, 200);
      const want = [...labels].sort(compareLabels).map((l) => l.toString());
      assert.deepEqual(
        sorted.map((d) => d.labels),
        want,
      );
      const unsorted = await selectDump(db, MIN_TIME, MAX_TIME, sel, false);
      assert.deepEqual(sortDumps(unsorted), sortDumps(sorted));
    });
  });

  void it('looks up label names and values, with and without matchers', async () => {
    await withStorage(factory, async ({ db }) => {
      const late = L({ __name__: 'late', job: 'batch', zone: 'z1' });
      await appendAll(db, [
        [L({ __name__: 'up', job: 'api', instance: 'a' }), T0, 1],
        [L({ __name__: 'up', job: 'web', instance: 'b' }), T0, 1],
        [L({ __name__: 'up', job: 'api', instance: 'b' }), T0 + 1, 0],
        [L({ __name__: 'rate', job: 'api', path: '/x' }), T0, 2],
        [late, T0 + 3_600_000, 3],
      ]);
      const q = await db.querier(MIN_TIME, MAX_TIME);
      try {
        assert.deepEqual(await q.labelNames([]), ['__name__', 'instance', 'job', 'path', 'zone']);
        assert.deepEqual(await q.labelNames([M('=', 'job', 'web')]), [
          '__name__',
          'instance',
          'job',
        ]);
        assert.deepEqual(await q.labelNames([M('=', 'job', 'nope')]), []);
        assert.deepEqual(await q.labelValues('job', []), ['api', 'batch', 'web']);
        assert.deepEqual(await q.labelValues('__name__', []), ['late', 'rate', 'up']);
        assert.deepEqual(await q.labelValues('instance', [M('=', '__name__', 'up')]), ['a', 'b']);
        assert.deepEqual(await q.labelValues('instance', [M('=', '__name__', 'rate')]), []);
        assert.deepEqual(
          await q.labelValues('job', [M('=~', '__name__', 'up|rate'), M('!=', 'instance', '')]),
          ['api', 'web'],
        );
        assert.deepEqual(await q.labelValues('path', []), ['/x']);
        assert.deepEqual(await q.labelValues('nope', []), []);
      } finally {
        q.close();
      }
      // Over a partial range a backend must report every series with a sample in it and may
      // report others (Prometheus answers at block granularity), but only series it holds.
      const q2 = await db.querier(T0 + 3_600_000, T0 + 3_600_000);
      try {
        const names = await q2.labelNames([]);
        for (const n of ['__name__', 'job', 'zone']) assert.ok(names.includes(n), n);
        const jobs = await q2.labelValues('job', []);
        assert.ok(jobs.includes('batch'));
        for (const j of jobs) assert.ok(['api', 'batch', 'web'].includes(j), j);
        assert.deepEqual(await q2.labelValues('zone', [M('=', 'job', 'batch')]), ['z1']);
      } finally {
        q2.close();
      }
    });
  });

  void it('rejects a select with an aborted signal and closes queriers idempotently', async () => {
    await withStorage(factory, async ({ db }) => {
      await appendAll(db, [[S.a, T0, 1]]);
      const q = await db.querier(MIN_TIME, MAX_TIME);
      const ac = new AbortController();
      ac.abort(new Error('stop'));
      await assert.rejects(q.select(true, undefined, [nameM], ac.signal));
      q.close();
      q.close();
      const q2 = await db.querier(MIN_TIME, MAX_TIME);
      assert.equal(collectSeriesSet(await q2.select(true, undefined, [nameM])).length, 1);
      q2.close();
    });
  });
}
