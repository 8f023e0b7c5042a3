import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Labels } from '../../model/index.js';
import { StepSlab } from './value.js';

describe('StepSlab', () => {
  it('gives kept series their own slots and reuses a slot that was not kept', () => {
    const slab = new StepSlab(4, 3, 2);
    const a = slab.take(Labels.EMPTY, false);
    a.vs[1] = 5;
    a.has[1] = 1;
    slab.keep();
    const empty = slab.take(Labels.EMPTY, true);
    const b = slab.take(Labels.EMPTY, false);
    assert.equal(empty.dropName, true);
    assert.equal(b.vs.byteOffset, empty.vs.byteOffset);
    b.vs[0] = 7;
    b.has[0] = 1;
    slab.keep();
    // The third series needs a new slab (two slots each).
    const c = slab.take(Labels.EMPTY, false);
    assert.deepEqual([...c.has], [0, 0, 0, 0]);
    assert.deepEqual([...c.vs], [0, 0, 0, 0]);
    assert.deepEqual([...a.has], [0, 1, 0, 0]);
    assert.deepEqual([...b.has], [1, 0, 0, 0]);
    assert.equal(a.vs[1], 5);
    assert.equal(b.vs[0], 7);
    assert.equal(a.vs.length, 4);
  });
});
