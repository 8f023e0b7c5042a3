import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { STALE_NAN } from '../../model/index.js';
import { XorEncoder } from '../chunkenc/index.js';
import { readInBatches, readOneByOne } from '../chunkenc/batchcheck.js';
import { BlockSeriesIterator } from './iterator.js';

const data: Uint8Array[] = [];
const maxTs: number[] = [];
for (let c = 0; c < 4; c++) {
  const e = new XorEncoder();
  for (let i = 0; i < 120; i++) {
    const k = c * 120 + i;
    e.append(k * 15_000 + (k % 3), k % 11 === 10 ? STALE_NAN : Math.round(k * 7.3) / 10);
  }
  data.push(e.bytes());
  maxTs.push(e.maxT);
}

describe('BlockSeriesIterator.readBatch', () => {
  it('equals next() across chunks, with ranges, seeks and tombstones', () => {
    const cases: [number, number, number[]][] = [
      [0, 1e12, []],
      [100_000, 6_000_000, []],
      [100_000, 6_000_000, [1_800_000, 1_900_000, 3_000_000, 4_000_000]],
    ];
    for (const [mint, maxt, del] of cases) {
      const mk = (): BlockSeriesIterator => new BlockSeriesIterator(data, maxTs, mint, maxt, del);
      const whole = readOneByOne(mk());
      assert.ok(whole.ts.length > 100);
      for (const max of [1, 5, 119, 120, 121, 2000]) {
        assert.deepEqual(readInBatches(mk(), max, 50_000), whole);
      }
      for (const seekT of [0, 1_799_999, 3_500_000, 7_100_000]) {
        assert.deepEqual(readInBatches(mk(), 8, 50_000, seekT), readOneByOne(mk(), seekT));
      }
    }
  });
});
