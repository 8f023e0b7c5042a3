/**
 * Sample iterators the head composes for reads: over a sequence of time-ordered chunks, over
 * several overlapping sources merged by time, and a filter that applies the querier's time range
 * and deletion intervals. All are pull cursors without allocation per sample.
 */
import type { SampleIterator, ValueType } from '../../storage/index.js';
import { XorIterator } from '../chunkenc/index.js';

/** Iterates chunks whose time ranges do not overlap, in the order given (oldest first). */
export class ChunkSeqIterator implements SampleIterator {
  private readonly it = new XorIterator();
  private idx = -1;
  /** Whether the chunk iterator is positioned on a sample. */
  private on = false;
  private done = false;
  private error: Error | undefined;

  constructor(
    private readonly chunks: readonly Uint8Array[],
    /** Max timestamp of each chunk, to skip whole chunks on seek. */
    private readonly maxTs: readonly number[],
  ) {}

  next(): ValueType {
    if (this.done) return 'none';
    for (;;) {
      if (this.idx >= 0 && this.it.next() !== 'none') {
        this.on = true;
        return 'float';
      }
      if (!this.advanceChunk()) return 'none';
    }
  }

  seek(t: number): ValueType {
    if (this.done) return 'none';
    if (this.on && this.it.atT() >= t) return 'float';
    if (this.idx < 0 || this.maxTs[this.idx]! < t) {
      do {
        if (!this.advanceChunk()) return 'none';
      } while (this.maxTs[this.idx]! < t);
    }
    if (this.it.seek(t) !== 'none') {
      this.on = true;
      return 'float';
    }
    return this.next();
  }

  private advanceChunk(): boolean {
    this.on = false;
    const err = this.idx >= 0 ? this.it.err() : undefined;
    if (err !== undefined) {
      this.error = err;
      this.done = true;
      return false;
    }
    this.idx++;
    if (this.idx >= this.chunks.length) {
      this.done = true;
      return false;
    }
    this.it.reset(this.chunks[this.idx]!);
    return true;
  }

  /** Decodes many samples at once, across chunks; see `SampleIterator.readBatch`. */
  readBatch(maxT: number, ts: Float64Array, vs: Float64Array, off: number, max: number): number {
    if (this.done || !this.on) return -1;
    let n = 0;
    for (;;) {
      const r = this.it.readBatch(maxT, ts, vs, off + n, max - n);
      if (r >= 0) return n + r;
      n += -r - 1;
      this.on = false;
      do {
        if (!this.advanceChunk()) return -n - 1;
      } while (this.it.next() === 'none');
      this.on = true;
      if (n >= max || this.it.atT() > maxT) return n;
    }
  }

  atT(): number {
    return this.it.atT();
  }

  atF(): number {
    return this.it.atF();
  }

  err(): Error | undefined {
    return this.error;
  }
}

/**
 * Merges iterators of one series by timestamp. On equal timestamps the earliest input wins and
 * the others are skipped. Inputs are few (in-order data plus a handful of out-of-order chunks),
 * so the minimum is found by a linear scan.
 */
export class MergeIterator implements SampleIterator {
  /** Per input: 1 when positioned on a sample, 0 when exhausted. */
  private readonly live: Uint8Array;
  private cur = -1;
  private started = false;
  private error: Error | undefined;

  constructor(private readonly its: readonly SampleIterator[]) {
    this.live = new Uint8Array(its.length);
  }

  next(): ValueType {
    if (!this.started) {
      this.started = true;
      for (let i = 0; i < this.its.length; i++)
        this.live[i] = this.its[i]!.next() === 'none' ? 0 : 1;
    } else if (this.cur >= 0) {
      const t = this.its[this.cur]!.atT();
      for (let i = 0; i < this.its.length; i++) {
        if (this.live[i] === 1 && this.its[i]!.atT() === t) {
          this.live[i] = this.its[i]!.next() === 'none' ? 0 : 1;
        }
      }
    } else {
      return 'none';
    }
    return this.pick();
  }

  seek(t: number): ValueType {
    const its = this.its;
    if (!this.started) {
      this.started = true;
      for (let i = 0; i < its.length; i++) this.live[i] = its[i]!.seek(t) === 'none' ? 0 : 1;
      return this.pick();
    }
    if (this.cur < 0) return 'none';
    if (its[this.cur]!.atT() >= t) return 'float';
    for (let i = 0; i < its.length; i++) {
      if (this.live[i] === 1) this.live[i] = its[i]!.seek(t) === 'none' ? 0 : 1;
    }
    return this.pick();
  }

  private pick(): ValueType {
    let best = -1;
    let bestT = 0;
    for (let i = 0; i < this.its.length; i++) {
      if (this.live[i] === 0) continue;
      const t = this.its[i]!.atT();
      if (best < 0 || t < bestT) {
        best = i;
        bestT = t;
      }
    }
    this.cur = best;
    if (best < 0) {
      for (const it of this.its) {
        const e = it.err();
        if (e !== undefined) this.error = e;
      }
      return 'none';
    }
    return 'float';
  }

  atT(): number {
    return this.its[this.cur]!.atT();
  }

  atF(): number {
    return this.its[this.cur]!.atF();
  }

  err(): Error | undefined {
    return this.error;
  }
}

/**
 * Restricts an iterator to [mint, maxt] and skips samples inside deletion intervals (a flat
 * sorted list `[start0, end0, start1, end1, …]`, inclusive).
 */
export class BoundedIterator implements SampleIterator {
  private k = 0;
  private done = false;
  /**
   * Set by `prime`: positioned on its first sample, which the next `next()` returns without
   * moving (so that a probe's decoding is not repeated by the reader that gets the iterator).
   */
  private primed = false;

  constructor(
    private readonly it: SampleIterator,
    private readonly mint: number,
    private readonly maxt: number,
    private readonly deleted: readonly number[] | undefined,
  ) {}

  /**
   * Moves to the first sample and keeps it for the next `next()`; returns false when there is
   * none. Callers use it to test for data and then hand the iterator on as if it were new.
   */
  prime(): boolean {
    if (this.next() === 'none') return false;
    this.primed = true;
    return true;
  }

  next(): ValueType {
    if (this.done) return 'none';
    if (this.primed) {
      this.primed = false;
      return 'float';
    }
    if (this.it.next() === 'none') return this.end();
    return this.settle();
  }

  seek(t: number): ValueType {
    if (this.done) return 'none';
    if (this.primed) {
      this.primed = false;
      if (this.it.atT() >= t) return 'float';
    }
    if (this.it.seek(t < this.mint ? this.mint : t) === 'none') return this.end();
    return this.settle();
  }

  /**
   * Decodes many samples at once; see `SampleIterator.readBatch`. Batches go straight through to
   * the inner iterator when no deletion interval applies; otherwise samples are read one by one.
   */
  readBatch(maxT: number, ts: Float64Array, vs: Float64Array, off: number, max: number): number {
    if (this.done) return -1;
    this.primed = false;
    const it = this.it;
    const lim = maxT < this.maxt ? maxT : this.maxt;
    if (it.readBatch === undefined || (this.deleted !== undefined && this.deleted.length > 0)) {
      let n = 0;
      while (n < max && it.atT() <= lim) {
        ts[off + n] = it.atT();
        vs[off + n] = it.atF();
        n++;
        if (this.next() === 'none') return -n - 1;
      }
      return n;
    }
    const r = it.readBatch(lim, ts, vs, off, max);
    if (r < 0) {
      this.end();
      return r;
    }
    if (it.atT() > this.maxt) {
      this.end();
      return -r - 1;
    }
    return r;
  }

  /** Moves forward past samples before mint or deleted; stops after maxt. */
  private settle(): ValueType {
    const it = this.it;
    const del = this.deleted;
    for (;;) {
      const t = it.atT();
      if (t > this.maxt) return this.end();
      if (t < this.mint) {
        if (it.seek(this.mint) === 'none') return this.end();
        continue;
      }
      if (del !== undefined) {
        while (this.k < del.length && del[this.k + 1]! < t) this.k += 2;
        if (this.k < del.length && del[this.k]! <= t) {
          if (it.seek(del[this.k + 1]! + 1) === 'none') return this.end();
          continue;
        }
      }
      return 'float';
    }
  }

  private end(): ValueType {
    this.done = true;
    return 'none';
  }

  atT(): number {
    return this.it.atT();
  }

  atF(): number {
    return this.it.atF();
  }

  err(): Error | undefined {
    return this.it.err();
  }
}
