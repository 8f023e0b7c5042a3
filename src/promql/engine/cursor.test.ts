import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { STALE_NAN } from '../../model/index.js';
import { ArraySampleIterator, type SampleIterator, type ValueType } from '../../storage/index.js';
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

/** An in-memory iterator that also reads in batches, like the storage iterators do. */
class BatchArrayIterator implements SampleIterator {
  private i = -1;
  constructor(
    private readonly ts: Float64Array,
    private readonly vs: Float64Array,
  ) {}
  next(): ValueType {
    this.i++;
    return this.i < this.ts.length ? 'float' : 'none';
  }
  seek(t: number): ValueType {
    if (this.i < 0) this.i = 0;
    while (this.i < this.ts.length && this.ts[this.i]! < t) this.i++;
    return this.i < this.ts.length ? 'float' : 'none';
  }
  atT(): number {
    return this.ts[this.i]!;
  }
  atF(): number {
    return this.vs[this.i]!;
  }
  err(): Error | undefined {
    return undefined;
  }
  readBatch(maxT: number, ts: Float64Array, vs: Float64Array, off: number, max: number): number {
    let n = 0;
    while (n < max && this.ts[this.i]! <= maxT) {
      ts[off + n] = this.ts[this.i]!;
      vs[off + n] = this.vs[this.i]!;
      n++;
      if (this.next() === 'none') return -n - 1;
    }
    return n;
  }
}

describe('cursors over batch-reading iterators', () => {
  const n = 700;
  const ts = new Float64Array(n);
  const vs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    ts[i] = i * 15_000 + (i % 5);
    vs[i] = i % 9 === 8 ? STALE_NAN : i % 97 === 50 ? 1 : i;
  }

  it('give the same windows, resets and sample counts as reading one sample at a time', () => {
    for (const [range, stepMs] of [
      [300_000, 15_000],
      [60_000, 60_000],
      [30_000, 120_000],
      [3_000_000, 30_000],
    ] as const) {
      const ca = { samplesLoaded: 0 };
      const cb = { samplesLoaded: 0 };
      const a = new IteratorCursor(new ArraySampleIterator(ts, vs), ca);
      const b = new IteratorCursor(new BatchArrayIterator(ts, vs), cb, {
        ts: new Float64Array(2),
        vs: new Float64Array(2),
      });
      for (let t = 0; t <= n * 15_000 + range; t += stepMs) {
        a.advance(t - range, t);
        b.advance(t - range, t);
        assert.deepEqual(window(b), window(a), `window ending ${t}`);
        assert.deepEqual([...b.ts.subarray(b.lo, b.hi)], [...a.ts.subarray(a.lo, a.hi)]);
        // Only resets after the window's first sample count (`lastReset > lo`).
        assert.equal(
          Math.max(b.lastReset - b.lo, 0),
          Math.max(a.lastReset - a.lo, 0),
          `reset in window ending ${t}`,
        );
      }
      assert.equal(cb.samplesLoaded, ca.samplesLoaded);
      assert.ok(window(a).every((v) => !Number.isNaN(v)));
    }
  });

  it('find the same lookback samples and honour staleness markers', () => {
    for (const stepMs of [15_000, 7_000, 600_000]) {
      const ca = { samplesLoaded: 0 };
      const cb = { samplesLoaded: 0 };
      const a = new LookbackCursor(new ArraySampleIterator(ts, vs), ca);
      const b = new LookbackCursor(new BatchArrayIterator(ts, vs), cb);
      let stale = 0;
      for (let t = 0; t <= n * 15_000 + 400_000; t += stepMs) {
        const fa = a.at(t, 300_000);
        assert.equal(b.at(t, 300_000), fa, `at ${t}`);
        if (fa) assert.deepEqual([b.t, b.v], [a.t, a.v]);
        else if (a.t > t - 300_000) stale++;
      }
      assert.equal(cb.samplesLoaded, ca.samplesLoaded);
      if (stepMs === 15_000) assert.ok(stale > 50);
    }
  });
});
