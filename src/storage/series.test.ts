import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Labels, Matcher } from '../model/index.js';
import {
  ArraySampleIterator,
  ListSeries,
  ListSeriesSet,
  emptySeriesSet,
  errorSeriesSet,
  seriesMatches,
  type SeriesSet,
} from './index.js';

const L = (rec: Record<string, string>): Labels => Labels.fromRecord(rec);

function drain(set: SeriesSet): { labels: string; samples: [number, number][] }[] {
  const out: { labels: string; samples: [number, number][] }[] = [];
  while (set.next()) {
    const s = set.at();
    const it = s.iterator();
    const samples: [number, number][] = [];
    while (it.next() !== 'none') samples.push([it.atT(), it.atF()]);
    assert.equal(it.err(), undefined);
    out.push({ labels: s.labels.toString(), samples });
  }
  assert.equal(set.err(), undefined);
  return out;
}

describe('ArraySampleIterator', () => {
  const ts = new Float64Array([10, 20, 30, 40]);
  const vs = new Float64Array([1, 2, 3, 4]);

  it('iterates in order and stays exhausted', () => {
    const it = new ArraySampleIterator(ts, vs);
    const got: number[] = [];
    while (it.next() === 'float') got.push(it.atT());
    assert.deepEqual(got, [10, 20, 30, 40]);
    assert.equal(it.next(), 'none');
    assert.equal(it.seek(0), 'none');
  });

  it('seeks forward only and stays put when already there', () => {
    const it = new ArraySampleIterator(ts, vs);
    assert.equal(it.seek(15), 'float');
    assert.equal(it.atT(), 20);
    assert.equal(it.seek(5), 'float');
    assert.equal(it.atT(), 20, 'seek never moves backwards');
    assert.equal(it.seek(20), 'float');
    assert.equal(it.atT(), 20);
    assert.equal(it.next(), 'float');
    assert.equal(it.atT(), 30);
    assert.equal(it.seek(40), 'float');
    assert.equal(it.atF(), 4);
    assert.equal(it.seek(41), 'none');
    assert.equal(it.next(), 'none');
  });

  it('seek before the first next lands on the first sample >= t', () => {
    const it = new ArraySampleIterator(ts, vs);
    assert.equal(it.seek(-100), 'float');
    assert.equal(it.atT(), 10);
  });

  it('respects a window and can be reset', () => {
    const it = new ArraySampleIterator(ts, vs, 1, 3);
    assert.equal(it.seek(0), 'float');
    assert.equal(it.atT(), 20);
    assert.equal(it.seek(35), 'none');
    it.reset(ts, vs);
    assert.equal(it.next(), 'float');
    assert.equal(it.atT(), 10);
  });
});

describe('series helpers', () => {
  it('ListSeriesSet yields the list and its warnings', () => {
    const a = ListSeries.of(L({ a: '1' }), [[1, 1]]);
    const set = new ListSeriesSet([a], ['w']);
    assert.deepEqual(drain(set), [{ labels: '{a="1"}', samples: [[1, 1]] }]);
    assert.deepEqual(set.warnings(), ['w']);
    assert.equal(set.next(), false);
  });

  it('emptySeriesSet and errorSeriesSet', () => {
    assert.equal(emptySeriesSet().next(), false);
    const err = new Error('boom');
    const set = errorSeriesSet(err, ['x']);
    assert.equal(set.next(), false);
    assert.equal(set.err(), err);
    assert.deepEqual(set.warnings(), ['x']);
    assert.throws(() => set.at(), /BUG/);
  });

  it('seriesMatches treats missing labels as empty', () => {
    const l = L({ __name__: 'up', job: 'api' });
    assert.ok(seriesMatches(l, [new Matcher('=', 'job', 'api')]));
    assert.ok(seriesMatches(l, [new Matcher('=', 'instance', '')]));
    assert.ok(!seriesMatches(l, [new Matcher('!=', 'instance', '')]));
    assert.ok(!seriesMatches(l, [new Matcher('=~', 'job', 'a')]));
    assert.ok(seriesMatches(l, [new Matcher('=~', 'job', 'a.*'), new Matcher('!~', 'x', '.+')]));
  });

  it('ListSeries rejects arrays of different length', () => {
    assert.throws(() => new ListSeries(L({ a: '1' }), new Float64Array(2), new Float64Array(1)));
  });
});
