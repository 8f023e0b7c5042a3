import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChunkSlabs, appendExact, appendPairExact } from './chunkslab.js';

describe('chunk slabs', () => {
  it('copies small chunks into shared, aligned, non-overlapping regions', () => {
    const slabs = new ChunkSlabs(1024);
    const a = slabs.copy(new Uint8Array([1, 2, 3]));
    const b = slabs.copy(new Uint8Array([4, 5, 6, 7, 8, 9, 10, 11, 12]));
    assert.deepEqual([...a], [1, 2, 3]);
    assert.deepEqual([...b], [4, 5, 6, 7, 8, 9, 10, 11, 12]);
    assert.equal(a.buffer, b.buffer);
    assert.equal(b.byteOffset % 8, 0);
    assert.ok(b.byteOffset >= a.byteOffset + a.length);
    assert.ok(slabs.owns(a) && slabs.owns(b));
    // A copy never aliases its source.
    const src = new Uint8Array([7, 7]);
    const c = slabs.copy(src);
    src[0] = 0;
    assert.equal(c[0], 7);
  });

  it('starts a new slab when one is full and gives large chunks a buffer of their own', () => {
    const slabs = new ChunkSlabs(64);
    const first = slabs.reserve(40);
    const second = slabs.reserve(40);
    assert.notEqual(first.buffer, second.buffer);
    assert.equal(slabs.slabsAllocated, 2);
    assert.ok(second.every((x) => x === 0));
    const big = slabs.reserve(100);
    assert.equal(big.byteLength, 100);
    assert.equal(big.buffer.byteLength, 100);
    assert.equal(slabs.owns(big), false);
    assert.equal(slabs.owns(new Uint8Array(64)), false);
  });

  it('appends to lists without spare capacity', () => {
    assert.deepEqual(appendExact(undefined, 1), [1]);
    assert.deepEqual(appendExact([1, 2], 3), [1, 2, 3]);
    assert.deepEqual(appendPairExact(undefined, 1, 2), [1, 2]);
    assert.deepEqual(appendPairExact([1, 2], 3, 4), [1, 2, 3, 4]);
  });
});
