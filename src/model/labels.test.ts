import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Labels, LabelsBuilder, compareLabels } from './index.js';

describe('Labels', () => {
  it('sorts, drops empty values, and keeps the last duplicate', () => {
    const l = Labels.fromFlatUnsorted(['b', '2', 'a', '1', 'c', '', 'b', '3']);
    assert.deepEqual(l.flat, ['a', '1', 'b', '3']);
    assert.equal(l.size, 2);
    assert.equal(l.get('b'), '3');
    assert.equal(l.get('c'), '');
    assert.equal(l.has('a'), true);
  });

  it('formats like Prometheus', () => {
    assert.equal(Labels.fromRecord({ __name__: 'up', job: 'x' }).toString(), 'up{job="x"}');
    assert.equal(Labels.fromRecord({ __name__: 'up' }).toString(), 'up');
    assert.equal(Labels.fromRecord({ a: 'q"uote' }).toString(), '{a="q\\"uote"}');
    assert.equal(Labels.EMPTY.toString(), '{}');
    assert.equal(
      Labels.fromRecord({ __name__: 'my.metric', 'a.b': 'v' }).toString(),
      '{__name__="my.metric", "a.b"="v"}',
    );
  });

  it('hashes equal sets equally and different sets differently', () => {
    const a = Labels.fromRecord({ x: '1', y: '2' });
    const b = Labels.fromRecord({ y: '2', x: '1' });
    const c = Labels.fromRecord({ x: '12' });
    assert.equal(a.hash(), b.hash());
    assert.notEqual(a.hash(), c.hash());
    // Separator handling: ["ab","c"] must differ from ["a","bc"].
    assert.notEqual(
      Labels.fromSortedFlat(['ab', 'c']).hash(),
      Labels.fromSortedFlat(['a', 'bc']).hash(),
    );
    assert.ok(Number.isSafeInteger(a.hash()) && a.hash() >= 0);
  });

  it('compares like labels.Compare', () => {
    const a = Labels.fromRecord({ a: '1' });
    const b = Labels.fromRecord({ a: '1', b: '1' });
    const c = Labels.fromRecord({ a: '2' });
    assert.ok(compareLabels(a, b) < 0);
    assert.ok(compareLabels(b, c) < 0);
    assert.equal(compareLabels(a, Labels.fromRecord({ a: '1' })), 0);
  });

  it('builds, edits and filters', () => {
    const l = Labels.fromRecord({ __name__: 'm', job: 'j', instance: 'i' });
    assert.equal(l.without('job').toString(), 'm{instance="i"}');
    assert.equal(l.with('zone', 'z').get('zone'), 'z');
    assert.equal(l.with('job', '').has('job'), false);
    assert.deepEqual(l.keepOnly(new Set(['job'])).toRecord(), { job: 'j' });
    const b = new LabelsBuilder(l).set('a', 'x').del('__name__');
    assert.equal(b.get('a'), 'x');
    assert.deepEqual(b.labels().flat, ['a', 'x', 'instance', 'i', 'job', 'j']);
    assert.notEqual(l.hashFor(new Set(['job']), true), l.hashFor(new Set(['job']), false));
  });

  it('keeps its invariants for arbitrary input (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string(), fc.string()), { maxLength: 20 }), (pairs) => {
        const l = Labels.fromFlatUnsorted(pairs.flat());
        for (let i = 1; i < l.size; i++) assert.ok(l.nameAt(i - 1) < l.nameAt(i));
        for (let i = 0; i < l.size; i++) assert.notEqual(l.valueAt(i), '');
        const again = Labels.fromRecord(l.toRecord());
        assert.ok(again.equals(l));
        assert.equal(again.hash(), l.hash());
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips the label name __proto__ through records', () => {
    const l = Labels.fromFlatUnsorted(['__proto__', 'x', 'a', 'b']);
    assert.ok(Labels.fromRecord(l.toRecord()).equals(l));
  });
});
