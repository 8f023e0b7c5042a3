/**
 * Postings: sorted lists of series references, and the set operations matchers need.
 *
 * A list is a `Uint32Array` window `[0, length)` in ascending order without duplicates. The
 * functions return new arrays sized to their result and never mutate their inputs.
 */

/** A sorted, duplicate-free list of series references. */
export type PostingsList = Uint32Array;

/** The empty list (shared; never mutate). */
export const EMPTY_POSTINGS: PostingsList = new Uint32Array(0);

/** Intersects sorted lists; the smallest drives, others are galloped through. */
export function intersectPostings(lists: readonly PostingsList[]): PostingsList {
  if (lists.length === 0) return EMPTY_POSTINGS;
  const sorted = [...lists].sort((a, b) => a.length - b.length);
  let acc = sorted[0]!;
  for (let k = 1; k < sorted.length && acc.length > 0; k++) acc = intersect2(acc, sorted[k]!);
  return acc;
}

function intersect2(small: PostingsList, big: PostingsList): PostingsList {
  const out = new Uint32Array(small.length);
  let n = 0;
  let j = 0;
  for (let i = 0; i < small.length && j < big.length; i++) {
    const x = small[i]!;
    if (big[j]! < x) j = gallop(big, j, x);
    if (j < big.length && big[j] === x) out[n++] = x;
  }
  return out.subarray(0, n);
}

/** First index >= from with list[index] >= x (exponential then binary search). */
function gallop(list: PostingsList, from: number, x: number): number {
  let step = 1;
  let lo = from;
  let hi = from + 1;
  while (hi < list.length && list[hi]! < x) {
    lo = hi;
    step *= 2;
    hi = from + step;
  }
  if (hi > list.length) hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Unions sorted lists (k-way, by repeated pairwise merge of the two smallest). */
export function unionPostings(lists: readonly PostingsList[]): PostingsList {
  const live = lists.filter((l) => l.length > 0);
  if (live.length === 0) return EMPTY_POSTINGS;
  if (live.length === 1) return live[0]!;
  // Many lists (a regex over a high-cardinality label): concatenate, sort, dedupe.
  if (live.length > 8) {
    let total = 0;
    for (const l of live) total += l.length;
    const all = new Uint32Array(total);
    let off = 0;
    for (const l of live) {
      all.set(l, off);
      off += l.length;
    }
    all.sort();
    let n = 0;
    for (let i = 0; i < all.length; i++) if (n === 0 || all[n - 1] !== all[i]) all[n++] = all[i]!;
    return all.subarray(0, n);
  }
  let acc = live[0]!;
  for (let k = 1; k < live.length; k++) acc = union2(acc, live[k]!);
  return acc;
}

function union2(a: PostingsList, b: PostingsList): PostingsList {
  const out = new Uint32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x < y) {
      out[n++] = x;
      i++;
    } else if (y < x) {
      out[n++] = y;
      j++;
    } else {
      out[n++] = x;
      i++;
      j++;
    }
  }
  while (i < a.length) out[n++] = a[i++]!;
  while (j < b.length) out[n++] = b[j++]!;
  return out.subarray(0, n);
}

/** Returns the elements of `a` that are not in `b`. */
export function subtractPostings(a: PostingsList, b: PostingsList): PostingsList {
  if (b.length === 0 || a.length === 0) return a;
  const out = new Uint32Array(a.length);
  let n = 0;
  let j = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    if (j < b.length && b[j]! < x) j = gallop(b, j, x);
    if (j < b.length && b[j] === x) continue;
    out[n++] = x;
  }
  return out.subarray(0, n);
}

/**
 * A growable sorted list of references, appended to in ascending order (the head assigns
 * references in increasing order) and compacted when series are removed.
 */
export class MutablePostings {
  private buf: Uint32Array;
  private len = 0;

  constructor(first: number) {
    this.buf = new Uint32Array(2);
    this.buf[0] = first;
    this.len = 1;
  }

  /** Number of references. */
  get length(): number {
    return this.len;
  }

  /** Adds a reference; it must be larger than every reference already held. */
  add(ref: number): void {
    if (this.len > 0 && this.buf[this.len - 1]! >= ref) {
      this.insertSorted(ref);
      return;
    }
    if (this.len === this.buf.length) this.grow();
    this.buf[this.len++] = ref;
  }

  private insertSorted(ref: number): void {
    let lo = 0;
    let hi = this.len;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.buf[mid]! < ref) lo = mid + 1;
      else hi = mid;
    }
    if (this.buf[lo] === ref) return;
    if (this.len === this.buf.length) this.grow();
    this.buf.copyWithin(lo + 1, lo, this.len);
    this.buf[lo] = ref;
    this.len++;
  }

  private grow(): void {
    const next = new Uint32Array(
      this.buf.length < 64 ? this.buf.length * 2 : this.buf.length * 1.5,
    );
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /** Removes every reference for which `dead` returns true; returns the new length. */
  removeIf(dead: (ref: number) => boolean): number {
    let n = 0;
    for (let i = 0; i < this.len; i++) {
      const r = this.buf[i]!;
      if (!dead(r)) this.buf[n++] = r;
    }
    this.len = n;
    return n;
  }

  /**
   * A view of the current references. Later `add`s never change the viewed elements unless a
   * removal happens, so queries copy when they must outlive a `removeIf` (see `snapshot`).
   */
  view(): PostingsList {
    return this.buf.subarray(0, this.len);
  }

  /** A copy of the current references. */
  snapshot(): PostingsList {
    return this.buf.slice(0, this.len);
  }
}
