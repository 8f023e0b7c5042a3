import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Labels } from '../../model/index.js';
import { prometheusLabelsHash, ratioOffset, xxhash64 } from './xxhash.js';

describe('xxhash64', () => {
  it('matches the reference vectors', () => {
    const e = new TextEncoder();
    assert.equal(xxhash64(e.encode('')), 0xef46db3751d8e999n);
    assert.equal(xxhash64(e.encode('a')), 0xd24ec4f1a98c6e5bn);
    assert.equal(xxhash64(e.encode('abc')), 0x44bc2cf5ad770999n);
    assert.equal(
      xxhash64(e.encode('Nobody inspects the spammish repetition')),
      0xfbcea83c8a378bf1n,
    );
  });

  it('hashes label sets with 0xff separators and maps them into [0, 1]', () => {
    const l = Labels.fromRecord({ __name__: 'up', job: 'a' });
    const bytes = new TextEncoder().encode('__name__\xffup\xffjob\xffa\xff'.replace(/\xff/g, '|'));
    const expect = xxhash64(Uint8Array.from(bytes, (b) => (b === 0x7c ? 0xff : b)));
    assert.equal(prometheusLabelsHash(l), expect);
    const o = ratioOffset(l);
    assert.ok(o >= 0 && o <= 1);
  });
});
