import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { STALE_NAN } from '../../model/index.js';
import { ArraySampleIterator } from '../../storage/index.js';
import { ArrayCursor, IteratorCursor, LookbackCursor } from './cursor.js';

function series(n: number, stepMs: number, staleAt = -1): ArraySampleIterator {
  const ts = new Float64Array(n);
  const vs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    ts[i] = i * stepMs;
    vs[i] = i === staleAt ? STALE_NAN : i;
  }
  return new ArraySampleIterator(ts, vs);
}

function window(c: { ts: Float64Array; vs: Float64Array; lo: number; hi: number }): number[] {
  return [...c.vs.subarray(c.lo, c.hi)];
}

describe('window cursors', () => {
  it('slide over overlapping windows, drop staleness markers and keep only the window', () => {
    const counter = { samplesLoaded: 0 };
    const c = new IteratorCursor(series(1000, 10, 5), counter);
    c.advance(0, 60);
    assert.deepEqual(window(c), [1, 2, 3, 4, 6]);
    c.advance(30, 90);
    assert.deepEqual(window(c), [4, 6, 7, 8, 9]);
    for (let t = 100; t <= 9000; t += 10) c.advance(t - 60, t);
    assert.deepEqual(window(c), [895, 896, 897, 898, 899, 900]);
    assert.ok(c.ts.length <= 64, 'the buffer holds about one window, not the series');
    c.check();
  });

  it('skip samples between non-overlapping windows without reading them', () => {
    const counter = { samplesLoaded: 0 };
    const c = new IteratorCursor(series(100_000, 10), counter);
    for (let t = 100_000; t <= 900_000; t += 100_000) c.advance(t - 50, t);
    assert.deepEqual(window(c), [89996, 89997, 89998, 89999, 90000]);
    assert.ok(counter.samplesLoaded < 100, `read ${counter.samplesLoaded} samples`);
  });

  it('track the latest counter reset across compaction, growth and shared scratch buffers', () => {
    // A sawtooth: the value drops every 37 samples; staleness markers in between are skipped.
    const n = 3000;
    const ts = new Float64Array(n);
    const vs = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      ts[i] = i * 10;
      vs[i] = i % 101 === 50 ? STALE_NAN : i % 37;
    }
    const scratch = { ts: new Float64Array(4), vs: new Float64Array(4) };
    for (const width of [30, 200, 700]) {
      const c = new IteratorCursor(new ArraySampleIterator(ts, vs), { samplesLoaded: 0 }, scratch);
      for (let t = 0; t <= n * 10; t += 40) {
        c.advance(t - width, t);
        let scanned = false;
        for (let i = c.lo + 1; i < c.hi; i++) if (c.vs[i]! < c.vs[i - 1]!) scanned = true;
        assert.equal(c.lastReset > c.lo, scanned, `width ${width} at ${t}`);
        if (scanned) assert.ok(c.vs[c.lastReset]! < c.vs[c.lastReset - 1]!);
      }
    }
  });

  it('window arrays in memory the same way', () => {
    const c = new ArrayCursor(Float64Array.of(0, 10, 20, 30), Float64Array.of(1, 2, 3, 4));
    c.advance(0, 20);
    assert.deepEqual(window(c), [2, 3]);
    c.advance(25, 100);
    assert.deepEqual(window(c), [4]);
  });

  it('find the latest sample within the lookback, ending at staleness markers', () => {
    const counter = { samplesLoaded: 0 };
    const c = new LookbackCursor(series(10, 1000, 3), counter);
    assert.equal(c.at(2500, 5000), true);
    assert.equal(c.v, 2);
    assert.equal(c.at(3000, 5000), false);
    assert.equal(c.at(4000, 5000), true);
    assert.equal(c.t, 4000);
    assert.equal(c.at(20_000, 5000), false);
  });
});
