/**
 * Pull cursors over one series' samples for step-wise evaluation. They read storage iterators
 * forward only, keep just the samples of the current window in reused typed arrays, and never
 * allocate per sample, so long range queries do not hold whole series in memory.
 */
import { isStaleNaN } from '../../model/index.js';
import type { SampleIterator, ValueType } from '../../storage/index.js';
import { QueryExecutionError } from './errors.js';

/** Receives the number of samples read from storage. */
export interface SampleCounter {
  samplesLoaded: number;
}

/** A window (start, end] over a series, moved forward step by step; staleness markers removed. */
export interface WindowCursor {
  /** Moves the window to (start, end]; bounds never decrease between calls. */
  advance(start: number, end: number): void;
  /** Timestamps (ms) and values; the window is `[lo, hi)`. Buffers may change on `advance`. */
  readonly ts: Float64Array;
  readonly vs: Float64Array;
  readonly lo: number;
  readonly hi: number;
  /**
   * Index in `vs` of the latest sample lower than the one before it (a counter reset), or
   * below `lo` when there is none in the window; `Infinity` when the cursor does not track it.
   */
  readonly lastReset: number;
  /** Throws when the underlying iterator failed. */
  check(): void;
}

/** A window cursor over samples already in memory (subquery results). */
export class ArrayCursor implements WindowCursor {
  lo = 0;
  hi = 0;
  readonly lastReset = Infinity;

  constructor(
    readonly ts: Float64Array,
    readonly vs: Float64Array,
  ) {}

  advance(start: number, end: number): void {
    const ts = this.ts;
    while (this.lo < ts.length && ts[this.lo]! <= start) this.lo++;
    if (this.hi < this.lo) this.hi = this.lo;
    while (this.hi < ts.length && ts[this.hi]! <= end) this.hi++;
  }

  check(): void {
    // Samples in memory cannot fail.
  }
}

/**
 * Buffers a caller lends to the window cursors it walks one after another, so each series does
 * not allocate its own. A cursor leaves grown buffers here; only one cursor may use it at a time.
 */
export interface CursorScratch {
  ts: Float64Array;
  vs: Float64Array;
}

/** A window cursor that streams a storage iterator into a sliding buffer. */
export class IteratorCursor implements WindowCursor {
  ts: Float64Array;
  vs: Float64Array;
  lo = 0;
  hi = 0;
  lastReset = -1;
  private vt: ValueType = 'none';
  private started = false;

  constructor(
    private readonly it: SampleIterator,
    private readonly counter: SampleCounter,
    private readonly scratch?: CursorScratch,
  ) {
    this.ts = scratch ? scratch.ts : new Float64Array(32);
    this.vs = scratch ? scratch.vs : new Float64Array(32);
  }

  advance(start: number, end: number): void {
    const it = this.it;
    while (this.lo < this.hi && this.ts[this.lo]! <= start) this.lo++;
    if (!this.started) {
      this.started = true;
      this.vt = it.seek(start + 1);
    } else if (this.vt !== 'none' && it.atT() <= start) {
      // Skip samples between non-overlapping windows without reading them.
      this.vt = it.seek(start + 1);
    }
    if (it.readBatch !== undefined) {
      this.readBatches(it, end);
      return;
    }
    let n = 0;
    while (this.vt !== 'none') {
      const t = it.atT();
      if (t > end) break;
      const v = it.atF();
      n++;
      if (!(v !== v && isStaleNaN(v))) this.push(t, v);
      this.vt = it.next();
    }
    this.counter.samplesLoaded += n;
  }

  /**
   * Decodes samples up to `end` straight into the free tail of the buffers, then drops
   * staleness markers and notes counter resets in place.
   */
  private readBatches(it: SampleIterator, end: number): void {
    let loaded = 0;
    while (this.vt !== 'none') {
      if (this.hi === this.ts.length) this.makeRoom();
      const ts = this.ts;
      const vs = this.vs;
      const from = this.hi;
      const room = ts.length - from;
      const r = it.readBatch!(end, ts, vs, from, room);
      const got = r < 0 ? -r - 1 : r;
      loaded += got;
      let w = from;
      let reset = this.lastReset;
      for (let i = from; i < from + got; i++) {
        const v = vs[i]!;
        if (v !== v && isStaleNaN(v)) continue;
        if (w > 0 && v < vs[w - 1]!) reset = w;
        if (w !== i) {
          ts[w] = ts[i]!;
          vs[w] = vs[i]!;
        }
        w++;
      }
      this.lastReset = reset;
      this.hi = w;
      if (r < 0) this.vt = 'none';
      else if (got < room) break;
    }
    this.counter.samplesLoaded += loaded;
  }

  /** Frees room at the end of the buffers by moving the window down or growing them. */
  private makeRoom(): void {
    const live = this.hi - this.lo;
    if (this.lo > 0 && live <= this.ts.length >> 1) {
      this.ts.copyWithin(0, this.lo, this.hi);
      this.vs.copyWithin(0, this.lo, this.hi);
    } else {
      const ts = new Float64Array(this.ts.length * 2);
      const vs = new Float64Array(this.ts.length * 2);
      ts.set(this.ts.subarray(this.lo, this.hi));
      vs.set(this.vs.subarray(this.lo, this.hi));
      this.ts = ts;
      this.vs = vs;
      if (this.scratch) {
        this.scratch.ts = ts;
        this.scratch.vs = vs;
      }
    }
    this.lastReset -= this.lo;
    this.lo = 0;
    this.hi = live;
  }

  private push(t: number, v: number): void {
    if (this.hi === this.ts.length) this.makeRoom();
    if (this.hi > 0 && v < this.vs[this.hi - 1]!) this.lastReset = this.hi;
    this.ts[this.hi] = t;
    this.vs[this.hi] = v;
    this.hi++;
  }

  check(): void {
    const err = this.it.err();
    if (err) throw new QueryExecutionError(`cannot read samples: ${err.message}`, { cause: err });
  }
}

/**
 * The latest sample at or before a reference time within the lookback delta, for instant
 * selectors. References must not decrease between calls.
 */
export class LookbackCursor {
  /** Timestamp and value of the sample found by the last `at`. */
  t = Number.NEGATIVE_INFINITY;
  v = Number.NaN;
  private vt: ValueType = 'none';
  private started = false;

  constructor(
    private readonly it: SampleIterator,
    private readonly counter: SampleCounter,
  ) {}

  /** Whether a non-stale sample lies in (ref - lookback, ref]; it is then in `t` and `v`. */
  at(ref: number, lookback: number): boolean {
    const it = this.it;
    const from = ref - lookback;
    if (!this.started) {
      this.started = true;
      this.vt = it.seek(from + 1);
    } else if (this.vt !== 'none' && it.atT() <= from) {
      this.vt = it.seek(from + 1);
      this.t = Number.NEGATIVE_INFINITY;
    }
    // One sample per reference at usual steps: reading in batches measured slower here.
    let n = 0;
    while (this.vt !== 'none') {
      const t = it.atT();
      if (t > ref) break;
      this.t = t;
      this.v = it.atF();
      n++;
      this.vt = it.next();
    }
    this.counter.samplesLoaded += n;
    const v = this.v;
    return this.t > from && !(v !== v && isStaleNaN(v));
  }

  /** Throws when the underlying iterator failed. */
  check(): void {
    const err = this.it.err();
    if (err) throw new QueryExecutionError(`cannot read samples: ${err.message}`, { cause: err });
  }
}
