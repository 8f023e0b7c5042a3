/**
 * Storage for the bytes of full head chunks, and exact-size list helpers for the per-series
 * chunk lists. A full chunk copied into its own `ArrayBuffer` costs about 200 bytes of buffer
 * objects and allocator bookkeeping besides its few hundred bytes of data; the head holds a few
 * per series. Full chunks are instead copied into shared slabs and kept as views. Chunks of all
 * series are cut at about the same times and dropped together when the head is truncated, so a
 * slab rarely outlives most of its chunks.
 */

/** Size of one slab in bytes. */
const SLAB_BYTES = 16 * 1024;
/** Chunks larger than this get a buffer of their own. */
const MAX_SLAB_CHUNK = SLAB_BYTES / 4;

let slab = new Uint8Array(SLAB_BYTES);
let used = 0;

/** Returns an immutable copy of `src` (a view into a shared slab when small). */
export function copyChunk(src: Uint8Array): Uint8Array {
  const n = src.length;
  if (n > MAX_SLAB_CHUNK) return src.slice();
  if (used + n > SLAB_BYTES) {
    slab = new Uint8Array(SLAB_BYTES);
    used = 0;
  }
  const out = slab.subarray(used, used + n);
  out.set(src);
  // Keep views 8-byte aligned so that neighbours never share a word.
  used = (used + n + 7) & ~7;
  return out;
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
