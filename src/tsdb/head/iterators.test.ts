import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { STALE_NAN } from '../../model/index.js';
import { XorEncoder, XorIterator } from '../chunkenc/index.js';
import { readInBatches, readOneByOne } from '../chunkenc/batchcheck.js';
import { BoundedIterator, ChunkSeqIterator, MergeIterator } from './iterators.js';

/** Three chunks of 100 samples 10 s apart, a staleness marker every 13th sample. */
function chunks(): { data: Uint8Array[]; maxTs: number[] } {
  const data: Uint8Array[] = [];
  const maxTs: number[] = [];
  for (let c = 0; c < 3; c++) {
    const e = new XorEncoder();
    for (let i = 0; i < 100; i++) {
      const k = c * 100 + i;
      e.append(k * 10_000, k % 13 === 12 ? STALE_NAN : k * 1.5 + (k % 4));
    }
    data.push(e.bytes());
    maxTs.push(e.maxT);
  }
  return { data, maxTs };
}

const { data, maxTs } = chunks();
const seq = (): ChunkSeqIterator => new ChunkSeqIterator(data, maxTs);

describe('head iterators readBatch', () => {
  it('ChunkSeqIterator reads across chunk boundaries and after seeks like next()', () => {
    const whole = readOneByOne(seq());
    assert.equal(whole.ts.length, 300);
    for (const max of [1, 3, 99, 100, 101, 1000]) {
      assert.deepEqual(readInBatches(seq(), max, 25_000), whole);
    }
    for (const seekT of [0, 995_000, 1_000_000, 1_990_001, 2_990_000, 3_000_000]) {
      assert.deepEqual(readInBatches(seq(), 7, 40_000, seekT), readOneByOne(seq(), seekT));
    }
  });

  it('BoundedIterator honours its range, deletion intervals and non-batching inputs', () => {
    const cases: [number, number, number[] | undefined][] = [
      [0, 5_000_000, undefined],
      [150_000, 2_505_000, undefined],
      [150_000, 2_505_000, [400_000, 1_200_000, 2_000_000, 2_010_000]],
    ];
    for (const [mint, maxt, del] of cases) {
      const whole = readOneByOne(new BoundedIterator(seq(), mint, maxt, del));
      for (const max of [1, 4, 64, 500]) {
        const b = readInBatches(new BoundedIterator(seq(), mint, maxt, del), max, 33_000);
        assert.deepEqual(b, whole);
      }
      const seekT = 1_234_567;
      assert.deepEqual(
        readInBatches(new BoundedIterator(seq(), mint, maxt, del), 9, 33_000, seekT),
        readOneByOne(new BoundedIterator(seq(), mint, maxt, del), seekT),
      );
    }
    const merged = (): BoundedIterator =>
      new BoundedIterator(
        new MergeIterator([seq(), new XorIterator().reset(data[1]!)]),
        100_000,
        2_000_000,
        undefined,
      );
    const whole = readOneByOne(merged());
    assert.equal(whole.ts.length, 191);
    assert.deepEqual(readInBatches(merged(), 6, 20_000), whole);
  });
});
