/**
 * Storage for the bytes of head chunks, and exact-size list helpers for the per-series chunk
 * lists. A chunk in its own `ArrayBuffer` costs about 200 bytes of buffer objects and allocator
 * bookkeeping besides its few hundred bytes of data, and buffers freed in a different order
 * than they were allocated leave the native heap fragmented (resident memory that holds
 * nothing). Full chunks are instead copied into shared slabs and kept as views. Chunks of all
 * series are cut at about the same times and dropped together when the head is truncated, so a
 * slab rarely outlives most of its chunks; persisted chunks cached for duplicate checks live
 * in slabs of their own, as they are evicted on their own schedule.
 */

/** Size of one slab in bytes (below the native allocator's threshold for separate mappings). */
const SLAB_BYTES = 16 * 1024;
/** Chunks larger than this get a buffer of their own. */
const MAX_SLAB_CHUNK = 4 * 1024;

/** A bump allocator of chunk byte regions over shared slabs. Regions are never reused. */
export class ChunkSlabs {
  private slab: Uint8Array;
  private used = 0;
  /** Slabs handed out so far (for tests and statistics). */
  slabsAllocated = 1;

  constructor(private readonly slabBytes = SLAB_BYTES) {
    this.slab = new Uint8Array(slabBytes);
  }

  /** A zero-filled region of `n` bytes (a view into a slab when small). */
  reserve(n: number): Uint8Array {
    if (n > MAX_SLAB_CHUNK || n > this.slabBytes) return new Uint8Array(n);
    if (this.used + n > this.slabBytes) {
      this.slab = new Uint8Array(this.slabBytes);
      this.used = 0;
      this.slabsAllocated++;
    }
    const out = this.slab.subarray(this.used, this.used + n);
    // Keep regions 8-byte aligned so that neighbours never share a word.
    this.used = (this.used + n + 7) & ~7;
    return out;
  }

  /** Returns an immutable copy of `src` (a view into a shared slab when small). */
  copy(src: Uint8Array): Uint8Array {
    const out = this.reserve(src.length);
    out.set(src);
    return out;
  }

  /** Whether `buf` is a region of one of this allocator's slabs. */
  owns(buf: Uint8Array): boolean {
    return buf.buffer.byteLength === this.slabBytes && buf.byteLength < this.slabBytes;
  }
}

/** Slabs of in-order head chunks (open and full). */
export const headSlabs = new ChunkSlabs();
/** Slabs of persisted chunks cached for duplicate checks (they are evicted on their own). */
export const coldSlabs = new ChunkSlabs();

/** Returns an immutable copy of `src` in the head's slabs. */
export function copyChunk(src: Uint8Array): Uint8Array {
  return headSlabs.copy(src);
}

/**
 * Returns a new array holding `list` (when given) and then `x`, with no spare capacity (a JS
 * array grown by push reserves room for about 17 elements).
 */
export function appendExact<T>(list: readonly T[] | undefined, x: T): T[] {
  const n = list === undefined ? 0 : list.length;
  const out = new Array<T>(n + 1);
  for (let i = 0; i < n; i++) out[i] = list![i]!;
  out[n] = x;
  return out;
}

/** Like `appendExact` for a flat `[minT, maxT, …]` list: appends the pair `a`, `b`. */
export function appendPairExact(
  list: readonly number[] | undefined,
  a: number,
  b: number,
): number[] {
  const n = list === undefined ? 0 : list.length;
  const out = new Array<number>(n + 2);
  for (let i = 0; i < n; i++) out[i] = list![i]!;
  out[n] = a;
  out[n + 1] = b;
  return out;
}
