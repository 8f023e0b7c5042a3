import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DuplicateSampleError,
  Labels,
  Matcher,
  OutOfBoundsError,
  STALE_NAN,
  isStaleNaN,
} from '../../model/index.js';
import type { SeriesSet } from '../../storage/index.js';
import { Head, HeadQuerier } from './index.js';

const L = (rec: Record<string, string>): Labels => Labels.fromRecord(rec);
const eq = (n: string, v: string): Matcher => new Matcher('=', n, v);

async function dump(
  head: Head,
  matchers: Matcher[],
  mint = -Infinity,
  maxt = Infinity,
): Promise<Record<string, [number, number][]>> {
  const q = new HeadQuerier(head, mint, maxt);
  const ss: SeriesSet = await q.select(true, undefined, matchers);
  const out: Record<string, [number, number][]> = {};
  while (ss.next()) {
    const s = ss.at();
    const it = s.iterator();
    const samples: [number, number][] = [];
    while (it.next() !== 'none') samples.push([it.atT(), it.atF()]);
    assert.equal(it.err(), undefined);
    out[s.labels.toString()] = samples;
  }
  assert.equal(ss.err(), undefined);
  return out;
}

async function appendAll(head: Head, labels: Labels, samples: [number, number][]): Promise<void> {
  const app = head.appender();
  for (const [t, v] of samples) app.append(0, labels, t, v);
  await app.commit();
}

describe('head', () => {
  it('appends, commits and reads back with exact ranges', async () => {
    const head = new Head({ maxSamplesPerChunk: 10 });
    const a = L({ __name__: 'up', job: 'a' });
    const samples: [number, number][] = [];
    for (let i = 0; i < 95; i++) samples.push([i * 1000, i % 7]);
    await appendAll(head, a, samples);
    const all = await dump(head, [eq('__name__', 'up')]);
    assert.deepEqual(all['up{job="a"}'], samples);
    const part = await dump(head, [eq('job', 'a')], 10500, 20000);
    assert.deepEqual(part['up{job="a"}'], samples.slice(11, 21));
    assert.deepEqual(await dump(head, [eq('job', 'a')], 10500, 10900), {});
    assert.equal(head.minTime(), 0);
    assert.equal(head.maxTime(), 94000);
  });

  it('makes samples visible only at commit and drops them on rollback', async () => {
    const head = new Head();
    const a = L({ __name__: 'x' });
    const app = head.appender();
    app.append(0, a, 1, 1);
    assert.deepEqual(await dump(head, [eq('__name__', 'x')]), {});
    await app.rollback();
    assert.deepEqual(await dump(head, [eq('__name__', 'x')]), {});
    const q = new HeadQuerier(head, -Infinity, Infinity);
    assert.deepEqual(await q.labelValues('__name__', []), []);
    await appendAll(head, a, [[1, 2]]);
    assert.deepEqual(await q.labelValues('__name__', []), ['x']);
  });

  it('handles duplicates like Prometheus', async () => {
    const head = new Head();
    const a = L({ __name__: 'x' });
    // Plain arrays would canonicalize the staleness marker's NaN payload, so append directly.
    const first = head.appender();
    first.append(0, a, 10, 1);
    first.append(0, a, 20, STALE_NAN);
    await first.commit();
    const app = head.appender();
    app.append(0, a, 10, 1); // same value: ignored
    app.append(0, a, 20, STALE_NAN); // same bits: ignored
    assert.throws(() => app.append(0, a, 10, 2), DuplicateSampleError);
    assert.throws(() => app.append(0, a, 20, NaN), DuplicateSampleError);
    app.append(0, a, 30, 3);
    app.append(0, a, 30, 3);
    assert.throws(() => app.append(0, a, 30, 4), DuplicateSampleError);
    await app.commit();
    const got = (await dump(head, [eq('__name__', 'x')]))['x']!;
    assert.deepEqual(
      got.map(([t]) => t),
      [10, 20, 30],
    );
    const q = await new HeadQuerier(head, 20, 20).select(false, undefined, [eq('__name__', 'x')]);
    assert.ok(q.next());
    const it = q.at().iterator();
    assert.equal(it.next(), 'float');
    assert.ok(isStaleNaN(it.atF()));
  });

  it('accepts out-of-order samples and merges them at read', async () => {
    const head = new Head({ oooCapacity: 4 });
    const a = L({ __name__: 'x' });
    await appendAll(head, a, [
      [100, 1],
      [200, 2],
    ]);
    const old: [number, number][] = [];
    for (let i = 0; i < 11; i++) old.push([155 - i * 10, i]);
    old.push([250, 9], [50, 50]);
    await appendAll(head, a, old);
    const want = new Map<number, number>([
      [100, 1],
      [200, 2],
    ]);
    for (const [t, v] of old) if (!want.has(t)) want.set(t, v);
    const sorted = [...want.entries()].sort((x, y) => x[0] - y[0]);
    assert.deepEqual((await dump(head, [eq('__name__', 'x')]))['x'], sorted);
    assert.deepEqual(
      (await dump(head, [eq('__name__', 'x')], 60, 130))['x'],
      sorted.filter(([t]) => t >= 60 && t <= 130),
    );
    const app = head.appender();
    assert.throws(() => app.append(0, a, 125, 99), DuplicateSampleError);
    assert.throws(() => app.append(0, a, 100, 99), DuplicateSampleError);
    await app.rollback();
  });

  it('evaluates matchers through postings', async () => {
    const head = new Head();
    const app = head.appender();
    const series = [
      { __name__: 'm', job: 'a', inst: '1' },
      { __name__: 'm', job: 'b', inst: '2' },
      { __name__: 'm', job: 'c' },
      { __name__: 'n', job: 'a', inst: '3' },
    ];
    for (const r of series) app.append(0, L(r), 1, 1);
    await app.commit();
    const names = async (ms: Matcher[]): Promise<string[]> =>
      Object.keys(await dump(head, ms)).sort();
    assert.deepEqual(await names([eq('job', 'a')]), [
      'm{inst="1", job="a"}',
      'n{inst="3", job="a"}',
    ]);
    assert.deepEqual(await names([eq('__name__', 'm'), new Matcher('!=', 'job', 'a')]), [
      'm{inst="2", job="b"}',
      'm{job="c"}',
    ]);
    assert.deepEqual(await names([eq('__name__', 'm'), new Matcher('=~', 'job', 'a|c')]), [
      'm{inst="1", job="a"}',
      'm{job="c"}',
    ]);
    assert.deepEqual(await names([eq('__name__', 'm'), new Matcher('!~', 'job', 'a|c')]), [
      'm{inst="2", job="b"}',
    ]);
    assert.deepEqual(await names([eq('__name__', 'm'), new Matcher('=~', 'inst', '.+')]), [
      'm{inst="1", job="a"}',
      'm{inst="2", job="b"}',
    ]);
    assert.deepEqual(await names([eq('__name__', 'm'), eq('inst', '')]), ['m{job="c"}']);
    assert.deepEqual(await names([eq('__name__', 'm'), new Matcher('=~', 'inst', '|1')]), [
      'm{inst="1", job="a"}',
      'm{job="c"}',
    ]);
    assert.deepEqual(
      await names([new Matcher('=~', 'job', '[ab]'), new Matcher('!~', 'inst', '1|3')]),
      ['m{inst="2", job="b"}'],
    );
    assert.deepEqual(await names([]), []);
    const q = new HeadQuerier(head, 0, 10);
    assert.deepEqual(await q.labelValues('job', [eq('__name__', 'm')]), ['a', 'b', 'c']);
    assert.deepEqual(await q.labelNames([eq('job', 'c')]), ['__name__', 'job']);
    assert.deepEqual(await q.labelNames([]), ['__name__', 'inst', 'job']);
    assert.deepEqual(await new HeadQuerier(head, 2, 10).labelNames([]), []);
  });

  it('tells colliding hashes apart', async () => {
    const head = new Head();
    const a = L({ __name__: 'a' });
    const b = L({ __name__: 'b' });
    // Force a collision through the cached hash.
    (a as unknown as { cachedHash: number }).cachedHash = 42;
    (b as unknown as { cachedHash: number }).cachedHash = 42;
    const app = head.appender();
    const ra = app.append(0, a, 1, 1);
    const rb = app.append(0, b, 1, 2);
    assert.notEqual(ra, rb);
    await app.commit();
    assert.equal(head.getByLabels(a)?.ref, ra);
    assert.equal(head.getByLabels(b)?.ref, rb);
    assert.deepEqual(await dump(head, [eq('__name__', 'b')]), { b: [[1, 2]] });
  });

  it('deletes with tombstones', async () => {
    const head = new Head();
    const a = L({ __name__: 'x' });
    const samples: [number, number][] = [];
    for (let i = 0; i < 50; i++) samples.push([i, i]);
    await appendAll(head, a, samples);
    head.deleteSeries(10, 19, [eq('__name__', 'x')]);
    head.deleteSeries(30, 39, [eq('__name__', 'x')]);
    const got = (await dump(head, [eq('__name__', 'x')]))['x']!;
    assert.deepEqual(
      got.map(([t]) => t),
      samples.map(([t]) => t).filter((t) => t < 10 || (t > 19 && t < 30) || t > 39),
    );
    assert.deepEqual(await dump(head, [eq('__name__', 'x')], 12, 18), {});
  });

  it('truncates persisted data and removes empty series', async () => {
    const head = new Head({ chunkRangeMs: 100, coldCacheBytes: 0 });
    const a = L({ __name__: 'a' });
    const b = L({ __name__: 'b' });
    await appendAll(head, a, [
      [10, 1],
      [150, 2],
    ]);
    await appendAll(head, b, [[20, 1]]);
    head.truncate(100);
    assert.equal(head.numSeries, 1);
    assert.deepEqual(await dump(head, [new Matcher('=~', '__name__', '.+')]), { a: [[150, 2]] });
    assert.equal(head.minTime(), 150);
    // An old sample now goes to the out-of-order part.
    await appendAll(head, b, [[30, 3]]);
    assert.deepEqual(await dump(head, [eq('__name__', 'b')]), { b: [[30, 3]] });
  });

  it('keeps persisted chunks to detect late duplicates, within a budget', async () => {
    const head = new Head({ chunkRangeMs: 100, coldCacheBytes: 1000 });
    const a = L({ __name__: 'a' });
    await appendAll(head, a, [
      [10, 1],
      [20, 2],
      [150, 3],
    ]);
    head.truncate(100);
    assert.ok(head.coldBytes > 0);
    assert.deepEqual(await dump(head, [eq('__name__', 'a')]), { a: [[150, 3]] });
    const app = head.appender();
    assert.throws(() => app.append(0, a, 20, 9), DuplicateSampleError);
    app.append(0, a, 20, 2); // the persisted value: ignored at commit
    app.append(0, a, 30, 4);
    await app.commit();
    assert.deepEqual(await dump(head, [eq('__name__', 'a')]), {
      a: [
        [30, 4],
        [150, 3],
      ],
    });
    // A series with only persisted chunks stays (invisible to queries) until they are evicted.
    const b = L({ __name__: 'b' });
    await appendAll(head, b, [[40, 1]]);
    const tiny = new Head({ chunkRangeMs: 100, coldCacheBytes: 1 });
    await appendAll(tiny, b, [[40, 1]]);
    tiny.truncate(100);
    assert.equal(tiny.numSeries, 0);
    assert.equal(tiny.coldBytes, 0);
  });

  it('splits out-of-order chunks at the persistence boundary', async () => {
    const head = new Head({ chunkRangeMs: 100, oooCapacity: 8, coldCacheBytes: 0 });
    const a = L({ __name__: 'a' });
    await appendAll(head, a, [[500, 1]]);
    await appendAll(head, a, [
      [90, 1],
      [95, 2],
      [105, 3],
      [110, 4],
    ]);
    const persisted = head.prepareTruncate(100);
    head.truncate(100, persisted);
    assert.equal(head.minTime(), 105);
    assert.deepEqual((await dump(head, [eq('__name__', 'a')]))['a'], [
      [105, 3],
      [110, 4],
      [500, 1],
    ]);
  });

  it('rejects samples older than the allowed age', async () => {
    const head = new Head({ maxSampleAgeMs: 1000 });
    const a = L({ __name__: 'a' });
    await appendAll(head, a, [[5000, 1]]);
    const app = head.appender();
    assert.throws(() => app.append(0, a, 3999, 1), OutOfBoundsError);
    app.append(0, a, 4000, 1);
    await app.commit();
  });

  it('seeks across chunks', async () => {
    const head = new Head({ maxSamplesPerChunk: 5 });
    const a = L({ __name__: 'a' });
    const samples: [number, number][] = [];
    for (let i = 0; i < 40; i++) samples.push([i * 10, i]);
    await appendAll(head, a, samples);
    const ss = await new HeadQuerier(head, 0, 1000).select(false, undefined, [eq('__name__', 'a')]);
    assert.ok(ss.next());
    const it = ss.at().iterator();
    assert.equal(it.seek(123), 'float');
    assert.equal(it.atT(), 130);
    assert.equal(it.seek(100), 'float');
    assert.equal(it.atT(), 130);
    assert.equal(it.next(), 'float');
    assert.equal(it.atT(), 140);
    assert.equal(it.seek(390), 'float');
    assert.equal(it.seek(391), 'none');
  });

  it('keeps the label set it was given, its strings interned', async () => {
    const head = new Head();
    const a = L({ __name__: 'up', job: 'node' });
    await appendAll(head, a, [[1, 1]]);
    assert.equal(head.getByLabels(a)?.labels, a);
    const fresh = Labels.fromSortedFlat(['__name__', 'u'.concat('p'), 'job', 'n'.concat('ode2')]);
    const hash = fresh.hash();
    await appendAll(head, fresh, [[1, 2]]);
    assert.equal(head.getByLabels(fresh)?.labels, fresh);
    assert.deepEqual(fresh.flat, ['__name__', 'up', 'job', 'node2']);
    assert.equal(fresh.hash(), hash);
    // A frozen flat array is left alone: the head keeps a copy.
    const frozen = Labels.fromSortedFlat(Object.freeze(['__name__', 'up', 'job', 'node3']));
    await appendAll(head, frozen, [[1, 3]]);
    const kept = head.getByLabels(frozen)?.labels;
    assert.ok(kept !== undefined && kept !== frozen && kept.equals(frozen));
    assert.deepEqual(Object.keys(await dump(head, [eq('__name__', 'up')])).sort(), [
      'up{job="node"}',
      'up{job="node2"}',
      'up{job="node3"}',
    ]);
  });

  it('sizes chunks from their predecessors across cuts and range boundaries', async () => {
    const head = new Head({ chunkRangeMs: 1000 * 15_000, maxSamplesPerChunk: 120 });
    const a = L({ __name__: 'a' });
    const b = L({ __name__: 'b' });
    const sa: [number, number][] = [];
    const sb: [number, number][] = [];
    let v = 0;
    for (let i = 0; i < 2600; i++) {
      v += i % 7 === 0 ? 0.37 : 1;
      sa.push([i * 15_000 + (i % 3), v]);
      // Values that do not compress: chunks of b outgrow what a constant series would need.
      sb.push([i * 15_000, i < 1300 ? 1 : Math.sin(i) * 1e6]);
    }
    await appendAll(head, a, sa);
    await appendAll(head, b, sb);
    const got = await dump(head, [new Matcher('=~', '__name__', 'a|b')]);
    assert.deepEqual(got.a, sa);
    assert.deepEqual(got.b, sb);
    const s = head.getByLabels(a)!;
    // 2,600 samples in chunks of at most 120, cut at the range boundaries (every 1,000).
    assert.ok(s.chunks !== undefined && s.chunks.length >= 22);
  });
});
