import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { STALE_NAN } from '../../model/index.js';
import { readInBatches, readOneByOne } from './batchcheck.js';
import { XorEncoder, XorIterator } from './index.js';

function chunk(n: number, t0: number, staleEvery: number): Uint8Array {
  const e = new XorEncoder();
  for (let i = 0; i < n; i++) {
    const t = t0 + i * 15_000 + (i % 7) * 3;
    let v = i % 5 === 0 ? Math.sin(i) * 1e3 : i * 0.25;
    if (staleEvery > 0 && i % staleEvery === staleEvery - 1) v = STALE_NAN;
    e.append(t, v);
  }
  return e.bytes();
}

describe('XorIterator.readBatch', () => {
  const data = chunk(240, 1_000_000, 17);
  const whole = readOneByOne(new XorIterator().reset(data));

  it('yields the same samples bit for bit as next(), staleness markers included', () => {
    assert.equal(whole.ts.length, 240);
    for (const max of [1, 2, 7, 64, 500]) {
      for (const stepT of [1_000, 15_000, 200_000]) {
        assert.deepEqual(readInBatches(new XorIterator().reset(data), max, stepT), whole);
      }
    }
    const staleBits = readOneByOne(new XorIterator().reset(chunk(3, 0, 1)));
    const f = new Float64Array(1);
    f[0] = STALE_NAN;
    assert.equal(staleBits.bits[0], new BigUint64Array(f.buffer)[0]);
  });

  it('continues after a seek', () => {
    for (const seekT of [0, 1_000_000, 1_500_001, 3_000_000, 1e12]) {
      const a = readOneByOne(new XorIterator().reset(data), seekT);
      assert.deepEqual(readInBatches(new XorIterator().reset(data), 5, 30_000, seekT), a);
    }
  });

  it('copies nothing when the current sample is after maxT or the iterator is not positioned', () => {
    const it = new XorIterator().reset(data);
    const ts = new Float64Array(4);
    const vs = new Float64Array(4);
    assert.equal(it.readBatch(1e12, ts, vs, 0, 4), -1);
    it.next();
    assert.equal(it.readBatch(0, ts, vs, 0, 4), 0);
    assert.equal(it.atT(), 1_000_000);
    assert.equal(it.readBatch(1e12, ts, vs, 0, 0), 0);
    assert.equal(it.readBatch(1_015_003, ts, vs, 0, 4), 2);
    assert.deepEqual([...ts.subarray(0, 2)], [1_000_000, 1_015_003]);
    assert.equal(it.atT(), 1_030_006);
  });
});
