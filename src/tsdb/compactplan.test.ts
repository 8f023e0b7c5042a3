import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  alignDown,
  headBoundary,
  mergeRanges,
  planMerge,
  planRetention,
  type BlockSpan,
} from './compactplan.js';

const H = 3_600_000;
const R = 2 * H;
const b = (minTime: number, maxTime: number, sizeBytes = 100): BlockSpan => ({
  minTime,
  maxTime,
  sizeBytes,
});

describe('compaction planning', () => {
  it('derives merge ranges and head boundaries', () => {
    assert.deepEqual(mergeRanges(R, 0), [3 * R, 9 * R, 27 * R]);
    assert.deepEqual(mergeRanges(R, 15 * 24 * H), [3 * R, 9 * R]);
    assert.equal(alignDown(-1, 10), -10);
    assert.equal(headBoundary(3 * R + H - 1, R, false), 2 * R);
    assert.equal(headBoundary(3 * R + H, R, false), 3 * R);
    assert.equal(headBoundary(3 * R + 1, R, true), 3 * R);
  });

  it('merges overlapping blocks first, then complete windows', () => {
    assert.deepEqual(planMerge([b(0, R), b(R, 2 * R), b(R / 2, R + 1)], []), [0, 2, 1]);
    const blocks = [b(0, R), b(R, 2 * R), b(2 * R, 3 * R), b(3 * R, 4 * R)];
    assert.deepEqual(planMerge(blocks, [3 * R]), [0, 1, 2]);
    assert.equal(planMerge(blocks.slice(0, 3), [3 * R]), undefined, 'window not complete');
    assert.equal(planMerge([b(0, 3 * R), b(3 * R, 4 * R)], [3 * R]), undefined);
  });

  it('picks blocks past retention time and over the byte budget, oldest first', () => {
    const blocks = [b(2 * R, 3 * R, 10), b(0, R, 10), b(R, 2 * R, 10)];
    assert.deepEqual(planRetention(blocks, 3 * R, R + 1, 0, 0).sort(), [1]);
    assert.deepEqual(planRetention(blocks, 3 * R, 0, 25, 0).sort(), [1]);
    assert.deepEqual(planRetention(blocks, 3 * R, 0, 25, 10).sort(), [1, 2]);
    assert.deepEqual(planRetention(blocks, 3 * R, 0, 0, 1e9), []);
  });
});
