/**
 * The sample iterator of a block series: walks the series' chunks in time order and yields only
 * samples inside the querier's range that no tombstone deletes.
 */
import type { SampleIterator, ValueType } from '../../storage/index.js';
import { newChunkIterator, type ChunkIterator } from '../chunkenc/index.js';
import type { Intervals } from './tombstones.js';

/** Iterator over the samples of one series' chunks within [mint, maxt] minus deleted intervals. */
export class BlockSeriesIterator implements SampleIterator {
  private readonly ci: ChunkIterator = newChunkIterator();
  private k = -1;
  private ivPos = 0;
  private t = 0;
  private v = 0;
  private valid = false;
  private done = false;
  private error: Error | undefined;

  constructor(
    /** Chunk bytes in time order. */
    private readonly chunks: readonly Uint8Array[],
    /** Last timestamp of each chunk. */
    private readonly chunkMaxT: ArrayLike<number>,
    private readonly mint: number,
    private readonly maxt: number,
    private readonly deleted: Intervals,
  ) {}

  private stop(): ValueType {
    this.done = true;
    this.valid = false;
    return 'none';
  }

  private chunkFailed(): boolean {
    const e = this.ci.err();
    if (e) this.error = e;
    return e !== undefined;
  }

  /** Moves to the next raw sample across chunks. */
  private advance(): boolean {
    while (true) {
      if (this.k >= 0) {
        if (this.ci.next() !== 'none') return true;
        if (this.chunkFailed()) return false;
      }
      this.k++;
      if (this.k >= this.chunks.length) return false;
      this.ci.reset(this.chunks[this.k]!);
    }
  }

  /** Moves to the first raw sample with timestamp >= t. */
  private seekRaw(t: number): boolean {
    if (this.k < 0) {
      this.k = 0;
      if (this.chunks.length === 0) return false;
      this.ci.reset(this.chunks[0]!);
    }
    while (true) {
      if (this.chunkMaxT[this.k]! >= t) {
        if (this.ci.seek(t) !== 'none') return true;
        if (this.chunkFailed()) return false;
      }
      this.k++;
      if (this.k >= this.chunks.length) return false;
      this.ci.reset(this.chunks[this.k]!);
    }
  }

  /** From the current raw sample, skips to the first one in range and not deleted. */
  private accept(): ValueType {
    const iv = this.deleted;
    while (true) {
      const t = this.ci.atT();
      if (t >= this.mint && t <= this.maxt && iv.length === 0) {
        this.t = t;
        this.v = this.ci.atF();
        this.valid = true;
        return 'float';
      }
      if (t < this.mint) {
        if (!this.seekRaw(this.mint)) return this.stop();
        continue;
      }
      if (t > this.maxt) return this.stop();
      while (this.ivPos < iv.length && iv[this.ivPos + 1]! < t) this.ivPos += 2;
      if (this.ivPos < iv.length && iv[this.ivPos]! <= t) {
        if (!this.seekRaw(iv[this.ivPos + 1]! + 1)) return this.stop();
        continue;
      }
      this.t = t;
      this.v = this.ci.atF();
      this.valid = true;
      return 'float';
    }
  }

  next(): ValueType {
    if (this.done) return 'none';
    if (!this.advance()) return this.stop();
    return this.accept();
  }

  seek(t: number): ValueType {
    if (this.done) return 'none';
    if (this.valid && this.t >= t) return 'float';
    if (!this.seekRaw(Math.max(t, this.mint))) return this.stop();
    return this.accept();
  }

  /**
   * Decodes many samples at once, across chunks; see `SampleIterator.readBatch`. Samples are
   * read one by one when deletion intervals apply.
   */
  readBatch(maxT: number, ts: Float64Array, vs: Float64Array, off: number, max: number): number {
    if (!this.valid) return -1;
    const lim = maxT < this.maxt ? maxT : this.maxt;
    const ci = this.ci;
    let n = 0;
    if (this.deleted.length > 0 || ci.readBatch === undefined) {
      while (n < max && this.t <= lim) {
        ts[off + n] = this.t;
        vs[off + n] = this.v;
        n++;
        if (this.next() === 'none') return -n - 1;
      }
      return n;
    }
    for (;;) {
      const r = ci.readBatch(lim, ts, vs, off + n, max - n);
      if (r >= 0) {
        n += r;
        break;
      }
      n += -r - 1;
      if (this.chunkFailed() || !this.advance()) {
        this.stop();
        return -n - 1;
      }
      if (n >= max || ci.atT() > lim) break;
    }
    const t = ci.atT();
    if (t > this.maxt) {
      this.stop();
      return -n - 1;
    }
    this.t = t;
    this.v = ci.atF();
    return n;
  }

  atT(): number {
    return this.t;
  }

  atF(): number {
    return this.v;
  }

  err(): Error | undefined {
    return this.error;
  }
}
