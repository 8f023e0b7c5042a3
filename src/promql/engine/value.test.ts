import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Labels } from '../../model/index.js';
import { METADATA_LABELS, StepSlab, dropMetadata, sameMetadata } from './value.js';

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

describe('metadata labels', () => {
  it('drops them like Labels.without and keeps label sets without them as they are', () => {
    const cases = [
      { __name__: 'up', job: 'a', instance: 'x' },
      { __name__: 'up', __type__: 'counter', __unit__: 'seconds', A: '1', zz: '2' },
      { __type__: 'gauge', job: 'a' },
      { __name__: 'only' },
      { job: 'a', B: 'b' },
    ];
    for (const rec of cases) {
      const l = Labels.fromRecord(rec);
      const got = dropMetadata(l);
      assert.deepEqual(got.flat, l.without(...METADATA_LABELS).flat);
      if (!('__name__' in rec) && !('__type__' in rec)) assert.equal(got, l);
    }
    assert.equal(dropMetadata(Labels.fromRecord({ __name__: 'x' })), Labels.EMPTY);
  });

  it('compares the metadata values only', () => {
    const a = Labels.fromRecord({ __name__: 'up', job: 'a' });
    assert.ok(sameMetadata(a, Labels.fromRecord({ __name__: 'up', job: 'b' })));
    assert.ok(!sameMetadata(a, Labels.fromRecord({ __name__: 'down', job: 'a' })));
    assert.ok(!sameMetadata(a, Labels.fromRecord({ __name__: 'up', __type__: 'gauge', job: 'a' })));
  });
});
