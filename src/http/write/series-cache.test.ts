import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Labels } from '../../model/index.js';
import { SeriesCache } from './series-cache.js';

const L = Labels.fromRecord({ __name__: 'x' });

function put(c: SeriesCache, raw: string[], ref: number): number {
  const key = c.hash(raw, 0, raw.length / 2);
  c.set(key, { raw, labels: L, ref });
  return key;
}

function lookup(c: SeriesCache, raw: string[]): number | undefined {
  return c.get(c.hash(raw, 0, raw.length / 2), raw, 0, raw.length / 2)?.ref;
}

describe('SeriesCache', () => {
  it('finds series by their raw labels', () => {
    const c = new SeriesCache(100);
    put(c, ['__name__', 'a', 'job', 'x'], 1);
    put(c, ['__name__', 'a', 'job', 'y'], 2);
    assert.equal(lookup(c, ['__name__', 'a', 'job', 'x']), 1);
    assert.equal(lookup(c, ['__name__', 'a', 'job', 'y']), 2);
    assert.equal(lookup(c, ['job', 'x', '__name__', 'a']), undefined);
    assert.equal(lookup(c, ['__name__', 'a']), undefined);
  });

  it('looks up a range of a larger array', () => {
    const c = new SeriesCache(100);
    put(c, ['__name__', 'a'], 7);
    const flat = ['job', 'z', '__name__', 'a', 'k', 'v'];
    assert.equal(c.get(c.hash(flat, 1, 2), flat, 1, 2)?.ref, 7);
  });

  it('treats a hash collision as a miss', () => {
    const c = new SeriesCache(100);
    const key = put(c, ['__name__', 'a'], 1);
    // Same key, different raw labels: verification fails.
    assert.equal(c.get(key, ['__name__', 'b'], 0, 1), undefined);
  });

  it('keeps recent entries within capacity', () => {
    const c = new SeriesCache(4);
    for (let i = 0; i < 10; i++) put(c, ['__name__', `k${i}`], i + 1);
    assert.ok(c.size <= 4);
    assert.equal(lookup(c, ['__name__', 'k9']), 10);
    assert.equal(lookup(c, ['__name__', 'k8']), 9);
    assert.equal(lookup(c, ['__name__', 'k0']), undefined);
  });

  it('promotes hits from the previous generation', () => {
    const c = new SeriesCache(4);
    put(c, ['__name__', 'a'], 1);
    put(c, ['__name__', 'b'], 2);
    put(c, ['__name__', 'c'], 3); // rotates: a, b are the previous generation
    assert.equal(lookup(c, ['__name__', 'a']), 1); // promoted
    put(c, ['__name__', 'd'], 4); // rotates again: b is dropped, a survives
    assert.equal(lookup(c, ['__name__', 'a']), 1);
    assert.equal(lookup(c, ['__name__', 'b']), undefined);
    c.clear();
    assert.equal(c.size, 0);
  });
});
