import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MutablePostings, intersectPostings, subtractPostings, unionPostings } from './index.js';

const sortedSet = fc
  .uniqueArray(fc.integer({ min: 1, max: 300 }), { maxLength: 80 })
  .map((a) => Uint32Array.from(a.sort((x, y) => x - y)));

const list = (p: ArrayLike<number>): number[] => Array.from(p);

describe('postings', () => {
  it('intersects, unions and subtracts like sets', () => {
    fc.assert(
      fc.property(fc.array(sortedSet, { minLength: 1, maxLength: 12 }), (lists) => {
        const sets = lists.map((l) => new Set(l));
        const inter = [...sets[0]!].filter((x) => sets.every((s) => s.has(x)));
        assert.deepEqual(list(intersectPostings(lists)), inter);
        const uni = [...new Set(lists.flatMap((l) => list(l)))].sort((a, b) => a - b);
        assert.deepEqual(list(unionPostings(lists)), uni);
        const sub = list(lists[0]!).filter((x) => !(lists[1] ?? new Uint32Array()).includes(x));
        assert.deepEqual(list(subtractPostings(lists[0]!, lists[1] ?? new Uint32Array())), sub);
      }),
      { numRuns: 300 },
    );
    assert.deepEqual(list(intersectPostings([])), []);
  });

  it('keeps a mutable list sorted and removes entries', () => {
    const p = new MutablePostings(5);
    for (const r of [7, 9, 6, 1, 9, 100]) p.add(r);
    assert.deepEqual(list(p.view()), [1, 5, 6, 7, 9, 100]);
    assert.equal(
      p.removeIf((r) => r % 2 === 1),
      2,
    );
    assert.deepEqual(list(p.snapshot()), [6, 100]);
  });
});
