/**
 * One series in the head: its full in-order chunks, the open chunk being appended to, and an
 * out-of-order part (a small sorted buffer, cut into out-of-order chunks when full).
 */
import type { Labels } from '../../model/index.js';
import { sameFloatBits } from '../../model/index.js';
import { XorEncoder, XorIterator } from '../chunkenc/index.js';
import { appendExact, appendPairExact, coldSlabs, headSlabs } from './chunkslab.js';

/** Limits that decide when chunks are cut. */
export interface ChunkCutOptions {
  /** Samples per in-order chunk before a new one is started. */
  readonly maxSamples: number;
  /** Encoded bytes per in-order chunk before a new one is started. */
  readonly maxBytes: number;
  /** Chunks never span a multiple of this (the block range), so blocks cut cleanly. */
  readonly rangeMs: number;
  /** Samples in the out-of-order buffer before it is cut into a chunk. */
  readonly oooCap: number;
}

/** Outcome of applying one sample to a series. */
export type ApplyResult = 'appended' | 'ooo' | 'same' | 'duplicate';

/** Scratch result of `HeadSeries.truncateBefore` (read right after the call). */
export const truncateResult = { dropped: 0, coldBytes: 0 };

/** Scratch result of `HeadSeries.lookup` (read right after the call). */
export const lookupResult = { v: 0 };

const scratchIt = new XorIterator();

/** Out-of-order part of a series. */
export class OooPart {
  ts = new Float64Array(4);
  vs = new Float64Array(4);
  n = 0;
  /** Cut out-of-order chunks (they may overlap each other and the in-order data). */
  readonly chunks: Uint8Array[] = [];
  /** Flat `[minT, maxT, …]` of `chunks`. */
  readonly times: number[] = [];

  /** Inserts in timestamp order; returns the index of an equal timestamp, or -1 when inserted. */
  insert(t: number, v: number, cap: number): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ts[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    if (lo < this.n && this.ts[lo] === t) return lo;
    if (this.n === this.ts.length) {
      const size = this.ts.length * 2;
      const ts = new Float64Array(size);
      const vs = new Float64Array(size);
      ts.set(this.ts);
      vs.set(this.vs);
      this.ts = ts;
      this.vs = vs;
    }
    this.ts.copyWithin(lo + 1, lo, this.n);
    this.vs.copyWithin(lo + 1, lo, this.n);
    this.ts[lo] = t;
    this.vs[lo] = v;
    this.n++;
    if (this.n >= cap) this.cut();
    return -1;
  }

  /** Encodes the buffer into an out-of-order chunk and empties it. */
  cut(): void {
    if (this.n === 0) return;
    const e = new XorEncoder(this.n * 2 + 16);
    for (let i = 0; i < this.n; i++) e.append(this.ts[i]!, this.vs[i]!);
    this.chunks.push(e.bytes());
    this.times.push(e.minT, e.maxT);
    this.n = 0;
  }

  /**
   * Cuts the buffer into a chunk and splits every chunk that spans `boundary` in two, so that
   * persisting the data before `boundary` can drop whole chunks.
   */
  cutAndSplit(boundary: number): void {
    this.cut();
    for (let k = this.chunks.length - 1; k >= 0; k--) {
      if (!(this.times[k * 2]! < boundary && this.times[k * 2 + 1]! >= boundary)) continue;
      const lo = new XorEncoder(64);
      const hi = new XorEncoder(64);
      const it = scratchIt.reset(this.chunks[k]!);
      while (it.next() !== 'none') (it.atT() < boundary ? lo : hi).append(it.atT(), it.atF());
      this.chunks.splice(k, 1, lo.bytes(), hi.bytes());
      this.times.splice(k * 2, 2, lo.minT, lo.maxT, hi.minT, hi.maxT);
    }
  }

  /** Number of samples held (buffer and chunks). */
  numSamples(): number {
    let n = this.n;
    for (const c of this.chunks) n += (c[1]! << 8) | c[2]!;
    return n;
  }
}

/** A series of the head. Owned by the head; not safe to mutate from readers. */
export class HeadSeries {
  /** Full in-order chunks, oldest first; undefined until the first cut. */
  chunks: Uint8Array[] | undefined = undefined;
  /** Flat `[minT, maxT, …]` of `chunks`. */
  times: number[] | undefined = undefined;
  /** The open in-order chunk. */
  enc: XorEncoder | undefined = undefined;
  /** Out-of-order data, created on the first out-of-order sample. */
  ooo: OooPart | undefined = undefined;
  /**
   * Persisted chunks kept only to detect duplicates of late samples (never read by queries):
   * flat `[minT, maxT, …]` in `coldTimes`. Bounded by the head's cold cache budget.
   */
  cold: Uint8Array[] | undefined = undefined;
  coldTimes: number[] | undefined = undefined;
  /** Set when the head dropped the series; appenders holding it re-create it. */
  dead = false;
  /** Id of the appender that last buffered a sample for this series (0 = none). */
  pendingOwner = 0;
  /** Largest timestamp that appender buffered for this series. */
  pendingMaxT = 0;

  constructor(
    /** The series reference (unique within the head's lifetime). */
    readonly ref: number,
    /** The series' labels (strings interned by the head). */
    readonly labels: Labels,
  ) {}

  /** Largest in-order timestamp, or -Infinity when there is no in-order data. */
  maxInOrderT(): number {
    if (this.enc !== undefined) return this.enc.maxT;
    const tm = this.times;
    return tm !== undefined && tm.length > 0 ? tm[tm.length - 1]! : -Infinity;
  }

  /** Smallest timestamp held, or Infinity when empty. */
  minTime(): number {
    let m = Infinity;
    if (this.times !== undefined && this.times.length > 0) m = this.times[0]!;
    else if (this.enc !== undefined) m = this.enc.minT;
    const o = this.ooo;
    if (o !== undefined) {
      if (o.n > 0 && o.ts[0]! < m) m = o.ts[0]!;
      for (let i = 0; i < o.times.length; i += 2) if (o.times[i]! < m) m = o.times[i]!;
    }
    return m;
  }

  /** Largest timestamp held, or -Infinity when empty. */
  maxTime(): number {
    let m = this.maxInOrderT();
    const o = this.ooo;
    if (o !== undefined) {
      if (o.n > 0 && o.ts[o.n - 1]! > m) m = o.ts[o.n - 1]!;
      for (let i = 1; i < o.times.length; i += 2) if (o.times[i]! > m) m = o.times[i]!;
    }
    return m;
  }

  /** Whether the series holds no samples. */
  isEmpty(): boolean {
    return (
      this.enc === undefined &&
      (this.chunks === undefined || this.chunks.length === 0) &&
      (this.ooo === undefined || (this.ooo.n === 0 && this.ooo.chunks.length === 0))
    );
  }

  /**
   * Applies a committed sample. Samples after the last in-order one are appended in order;
   * earlier ones (and all below `minValidT`, the start of the head's in-order range) go to the
   * out-of-order part unless a sample with that timestamp exists.
   */
  apply(t: number, v: number, minValidT: number, o: ChunkCutOptions): ApplyResult {
    const last = this.maxInOrderT();
    if (t > last && t >= minValidT) {
      this.appendInOrder(t, v, o);
      return 'appended';
    }
    if (this.lookup(t, true)) return sameFloatBits(lookupResult.v, v) ? 'same' : 'duplicate';
    this.ooo ??= new OooPart();
    this.ooo.insert(t, v, o.oooCap);
    return 'ooo';
  }

  private appendInOrder(t: number, v: number, o: ChunkCutOptions): void {
    let e = this.enc;
    if (
      e === undefined ||
      e.numSamples >= o.maxSamples ||
      e.byteSize() >= o.maxBytes ||
      Math.floor(t / o.rangeMs) !== Math.floor(e.minT / o.rangeMs)
    ) {
      let hint = 32;
      if (e !== undefined) {
        hint = e.byteSize();
        this.cutOpen();
      }
      e = new XorEncoder(hint);
      this.enc = e;
    }
    e.append(t, v);
  }

  /** Moves the open chunk (if any) to the full chunks. */
  cutOpen(): void {
    const e = this.enc;
    if (e === undefined) return;
    this.enc = undefined;
    if (e.numSamples === 0) return;
    this.chunks = appendExact(this.chunks, headSlabs.copy(e.view()));
    this.times = appendPairExact(this.times, e.minT, e.maxT);
  }

  /**
   * Finds the sample at `t` in the series' data (and, with `withCold`, in its persisted chunks
   * kept for duplicate checks); on success its value is in `lookupResult.v`.
   */
  lookup(t: number, withCold = false): boolean {
    const e = this.enc;
    if (e !== undefined && t >= e.minT && t <= e.maxT) {
      if (t === e.maxT) {
        lookupResult.v = e.lastValue();
        return true;
      }
      if (findIn(e.view(), t)) return true;
    }
    const tm = this.times;
    if (tm !== undefined && this.chunks !== undefined) {
      // Binary search for the chunk whose maxT is the first >= t.
      let lo = 0;
      let hi = tm.length >> 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (tm[mid * 2 + 1]! < t) lo = mid + 1;
        else hi = mid;
      }
      if (lo < tm.length >> 1 && tm[lo * 2]! <= t && findIn(this.chunks[lo]!, t)) return true;
    }
    const o = this.ooo;
    if (o !== undefined) {
      for (let i = 0; i < o.n; i++) {
        if (o.ts[i] === t) {
          lookupResult.v = o.vs[i]!;
          return true;
        }
      }
      for (let i = o.chunks.length - 1; i >= 0; i--) {
        if (o.times[i * 2]! <= t && o.times[i * 2 + 1]! >= t && findIn(o.chunks[i]!, t)) {
          return true;
        }
      }
    }
    if (withCold && this.cold !== undefined) {
      const ct = this.coldTimes!;
      for (let i = this.cold.length - 1; i >= 0; i--) {
        if (ct[i * 2]! <= t && ct[i * 2 + 1]! >= t && findIn(this.cold[i]!, t)) return true;
      }
    }
    return false;
  }

  /** Keeps a persisted chunk for duplicate checks. Returns its size in bytes. */
  addCold(data: Uint8Array, minT: number, maxT: number): number {
    this.cold = appendExact(this.cold, data);
    this.coldTimes = appendPairExact(this.coldTimes, minT, maxT);
    return data.length;
  }

  /** Drops persisted chunks that end before `cutoff`; returns the bytes freed. */
  evictCold(cutoff: number): number {
    const c = this.cold;
    const ct = this.coldTimes;
    if (c === undefined || ct === undefined) return 0;
    let freed = 0;
    let n = 0;
    for (let i = 0; i < c.length; i++) {
      if (ct[i * 2 + 1]! < cutoff) {
        freed += c[i]!.length;
        continue;
      }
      c[n] = c[i]!;
      ct[n * 2] = ct[i * 2]!;
      ct[n * 2 + 1] = ct[i * 2 + 1]!;
      n++;
    }
    if (n === 0) {
      this.cold = undefined;
      this.coldTimes = undefined;
    } else {
      c.length = n;
      ct.length = n * 2;
    }
    return freed;
  }

  /**
   * Drops in-order chunks that end before `mint` (they were persisted), and those of the first
   * `oooPersisted` out-of-order chunks that end before it. Buffered out-of-order samples are
   * kept: they arrived after the data was persisted. With `keepCold`, dropped chunks move to the
   * persisted-chunk cache. Returns the number of chunks dropped and the bytes moved to the cache
   * (through `truncateResult`).
   */
  truncateBefore(mint: number, oooPersisted = Infinity, keepCold = false): void {
    let dropped = 0;
    let coldBytes = 0;
    const move = (data: Uint8Array, minT: number, maxT: number): void => {
      dropped++;
      if (!keepCold) return;
      // A view into the head's slabs would keep a whole slab alive: copy into the cache's.
      coldBytes += this.addCold(coldSlabs.copy(data), minT, maxT);
    };
    const tm = this.times;
    if (tm !== undefined && this.chunks !== undefined) {
      let k = 0;
      while (k < this.chunks.length && tm[k * 2 + 1]! < mint) {
        move(this.chunks[k]!, tm[k * 2]!, tm[k * 2 + 1]!);
        k++;
      }
      if (k > 0) {
        this.chunks.splice(0, k);
        tm.splice(0, k * 2);
      }
    }
    const e = this.enc;
    if (e !== undefined && e.maxT < mint) {
      this.enc = undefined;
      if (e.numSamples > 0) move(e.bytes(), e.minT, e.maxT);
    }
    const o = this.ooo;
    if (o !== undefined) {
      for (let i = Math.min(oooPersisted, o.chunks.length) - 1; i >= 0; i--) {
        if (o.times[i * 2 + 1]! < mint) {
          move(o.chunks[i]!, o.times[i * 2]!, o.times[i * 2 + 1]!);
          o.chunks.splice(i, 1);
          o.times.splice(i * 2, 2);
        }
      }
      if (o.n === 0 && o.chunks.length === 0) this.ooo = undefined;
    }
    truncateResult.dropped = dropped;
    truncateResult.coldBytes = coldBytes;
  }
}

function findIn(chunk: Uint8Array, t: number): boolean {
  const it = scratchIt.reset(chunk);
  if (it.seek(t) !== 'none' && it.atT() === t) {
    lookupResult.v = it.atF();
    return true;
  }
  return false;
}
