import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Labels, MAX_TIME, MIN_TIME, Matcher, compareLabels } from '../model/index.js';
import { collectSeriesSet, type SeriesDump } from './conformance/index.js';
import {
  ArraySampleIterator,
  ChainSampleIterator,
  ListSeries,
  ListSeriesSet,
  MemStorage,
  MergeQuerier,
  errorSeriesSet,
  mergeSeriesSets,
  type Querier,
  type SeriesSet,
} from './index.js';

const L = (rec: Record<string, string>): Labels => Labels.fromRecord(rec);
const S = (l: Labels, samples: [number, number][]): ListSeries => ListSeries.of(l, samples);
const names = ['a', 'b', 'c', 'd', 'e'];

describe('mergeSeriesSets', () => {
  it('merges sorted sets into one sorted set; the first input wins on equal timestamps', () => {
    const a = L({ n: 'a' });
    const b = L({ n: 'b' });
    const c = L({ n: 'c' });
    const merged = mergeSeriesSets([
      new ListSeriesSet([
        S(a, [
          [1, 10],
          [3, 30],
        ]),
        S(c, [[1, 1]]),
      ]),
      new ListSeriesSet(
        [
          S(a, [
            [2, 20],
            [3, 99],
          ]),
          S(b, [[5, 5]]),
        ],
        ['w1'],
      ),
      new ListSeriesSet(
        [
          S(c, [
            [0, 0],
            [1, 77],
          ]),
        ],
        ['w2'],
      ),
    ]);
    assert.deepEqual(collectSeriesSet(merged), [
      {
        labels: a.toString(),
        samples: [
          [1, '10'],
          [2, '20'],
          [3, '30'],
        ],
      },
      { labels: b.toString(), samples: [[5, '5']] },
      {
        labels: c.toString(),
        samples: [
          [0, '0'],
          [1, '1'],
        ],
      },
    ]);
    assert.deepEqual(merged.warnings(), ['w1', 'w2']);
  });

  it('passes a single set through and returns an empty set for none', () => {
    const one = new ListSeriesSet([]);
    assert.equal(mergeSeriesSets([one]), one);
    assert.equal(mergeSeriesSets([]).next(), false);
  });

  it('reports the error of any input', () => {
    const err = new Error('boom');
    const merged = mergeSeriesSets([
      new ListSeriesSet([S(L({ n: 'a' }), [[1, 1]])]),
      errorSeriesSet(err),
    ]);
    assert.ok(merged.next());
    assert.equal(merged.next(), false);
    assert.equal(merged.err(), err);
  });

  it('equals a naive merge for random inputs, also under random seeks', () => {
    const input = fc.array(
      fc.uniqueArray(
        fc.record({
          name: fc.constantFrom(...names),
          ts: fc.uniqueArray(fc.integer({ min: 0, max: 60 }), { maxLength: 12 }),
        }),
        { selector: (s) => s.name, maxLength: 5 },
      ),
      { maxLength: 5 },
    );
    const seeks = fc.array(fc.integer({ min: -5, max: 70 }), { maxLength: 8 });
    fc.assert(
      fc.property(input, seeks, (sets, seekTs) => {
        // Value encodes (input index, timestamp) so the winner of a tie is visible.
        const built = sets.map(
          (set, k) =>
            new ListSeriesSet(
              set
                .map((s) => {
                  const ts = [...s.ts].sort((x, y) => x - y);
                  return S(
                    L({ n: s.name }),
                    ts.map((t) => [t, k * 1000 + t]),
                  );
                })
                .sort((x, y) => compareLabels(x.labels, y.labels)),
            ),
        );
        const want = new Map<string, Map<number, number>>();
        sets.forEach((set, k) => {
          for (const s of set) {
            const key = L({ n: s.name }).toString();
            const m = want.get(key) ?? new Map<number, number>();
            for (const t of s.ts) if (!m.has(t)) m.set(t, k * 1000 + t);
            want.set(key, m);
          }
        });
        const expected: SeriesDump[] = [...want.entries()]
          .sort(([x], [y]) => (x < y ? -1 : 1))
          .map(([labels, m]) => ({
            labels,
            samples: [...m.entries()].sort((x, y) => x[0] - y[0]).map(([t, v]) => [t, String(v)]),
          }));
        const merged = mergeSeriesSets(built);
        const series = [];
        while (merged.next()) series.push(merged.at());
        assert.deepEqual(collectSeriesSet(new ListSeriesSet(series)), expected);
        // Seeks on the merged iterator behave like seeks on the expected arrays.
        for (const [i, s] of series.entries()) {
          const exp = expected[i]!.samples;
          const ref = new ArraySampleIterator(
            Float64Array.from(exp, (x) => x[0]),
            Float64Array.from(exp, (x) => Number(x[1])),
          );
          const it = s.iterator();
          for (const [j, t] of seekTs.entries()) {
            const op = j % 3 === 2 ? 'next' : 'seek';
            const a = op === 'next' ? it.next() : it.seek(t);
            const b = op === 'next' ? ref.next() : ref.seek(t);
            assert.equal(a, b, `${op}(${t})`);
            if (b === 'none') break;
            assert.equal(it.atT(), ref.atT());
            assert.equal(it.atF(), ref.atF());
          }
        }
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});

describe('ChainSampleIterator', () => {
  const arr = (xs: number[]): Float64Array => Float64Array.from(xs);
  const chain = (): ChainSampleIterator =>
    new ChainSampleIterator([
      new ArraySampleIterator(arr([1, 4, 7]), arr([1, 4, 7])),
      new ArraySampleIterator(arr([2, 4, 8]), arr([2, 40, 8])),
    ]);

  it('seeks forward only and deduplicates', () => {
    const it = chain();
    assert.equal(it.seek(3), 'float');
    assert.equal(it.atT(), 4);
    assert.equal(it.atF(), 4, 'first input wins');
    assert.equal(it.seek(0), 'float');
    assert.equal(it.atT(), 4, 'never backwards');
    assert.equal(it.next(), 'float');
    assert.equal(it.atT(), 7);
    assert.equal(it.next(), 'float');
    assert.equal(it.atT(), 8);
    assert.equal(it.next(), 'none');
    assert.equal(it.seek(0), 'none');
    assert.equal(it.err(), undefined);
  });

  it('is empty without inputs', () => {
    assert.equal(new ChainSampleIterator([]).next(), 'none');
    assert.equal(new ChainSampleIterator([]).seek(1), 'none');
  });
});

describe('MergeQuerier', () => {
  const sel = [new Matcher('=~', 'n', '.+')];

  async function stores(): Promise<[MemStorage, MemStorage]> {
    const p = new MemStorage();
    const s = new MemStorage();
    const a = p.appender();
    a.append(0, L({ n: 'x', job: 'p' }), 1, 1);
    a.append(0, L({ n: 'shared' }), 1, 1);
    await a.commit();
    const b = s.appender();
    b.append(0, L({ n: 'y', zone: 'z' }), 2, 2);
    b.append(0, L({ n: 'shared' }), 1, 100);
    b.append(0, L({ n: 'shared' }), 2, 200);
    await b.commit();
    return [p, s];
  }

  it('merges selects and label lookups of all queriers', async () => {
    const [p, s] = await stores();
    const q = new MergeQuerier(
      [await p.querier(MIN_TIME, MAX_TIME)],
      [await s.querier(MIN_TIME, MAX_TIME)],
    );
    assert.deepEqual(collectSeriesSet(await q.select(false, undefined, sel)), [
      { labels: '{job="p", n="x"}', samples: [[1, '1']] },
      {
        labels: '{n="shared"}',
        samples: [
          [1, '1'],
          [2, '200'],
        ],
      },
      { labels: '{n="y", zone="z"}', samples: [[2, '2']] },
    ]);
    assert.deepEqual(await q.labelNames([]), ['job', 'n', 'zone']);
    assert.deepEqual(await q.labelValues('n', [], { limit: 2 }), ['shared', 'x']);
    assert.deepEqual(await q.labelValues('n', []), ['shared', 'x', 'y']);
    const limited = collectSeriesSet(await q.select(true, { start: 0, end: 9, limit: 1 }, sel));
    assert.equal(limited.length, 1);
    q.close();
    q.close();
  });

  it('turns secondary failures into warnings and fails on primary failures', async () => {
    const [p] = await stores();
    const failing: Querier = {
      select: () => Promise.reject(new Error('remote down')),
      labelNames: () => Promise.reject(new Error('remote down')),
      labelValues: () => Promise.reject(new Error('remote down')),
      close: () => undefined,
    };
    const midway: Querier = {
      ...failing,
      select: () => Promise.resolve(errorSeriesSet(new Error('stream cut'))),
    };
    const logged: string[] = [];
    const q = new MergeQuerier([await p.querier(MIN_TIME, MAX_TIME)], [failing, midway], {
      warn: (msg) => logged.push(msg),
    });
    const set: SeriesSet = await q.select(true, undefined, sel);
    assert.equal(collectSeriesSet(set).length, 2);
    assert.deepEqual(set.warnings(), [
      'cannot read secondary storage: stream cut',
      'cannot select from secondary storage: remote down',
    ]);
    assert.deepEqual(await q.labelNames([]), ['job', 'n']);
    assert.equal(logged.length, 2);
    const bad = new MergeQuerier([failing]);
    await assert.rejects(bad.select(true, undefined, sel), /remote down/);
    await assert.rejects(bad.labelValues('n', []), /remote down/);
  });

  it('closes every querier even when one throws', () => {
    const closed: string[] = [];
    const mk = (name: string, fail: boolean): Querier => ({
      select: () => Promise.resolve(new ListSeriesSet([])),
      labelNames: () => Promise.resolve([]),
      labelValues: () => Promise.resolve([]),
      close: () => {
        closed.push(name);
        if (fail) throw new Error(`close ${name}`);
      },
    });
    const q = new MergeQuerier([mk('a', true)], [mk('b', false)]);
    assert.throws(() => {
      q.close();
    }, /close a/);
    assert.deepEqual(closed, ['a', 'b']);
  });
});
