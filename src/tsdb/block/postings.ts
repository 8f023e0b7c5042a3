/**
 * Postings lists: sorted series references (index file offsets of series entries), stored as
 * `count uvarint | first uvarint | delta uvarint … | crc32`, and the set operations that
 * combine them in memory.
 */
import { ByteReader, ByteWriter, type ByteSource } from './encbuf.js';
import { checksum } from './fileio.js';

/** An empty postings list. */
export const EMPTY_POSTINGS = new Float64Array(0);

/** Appends an encoded postings list of strictly increasing references to `w`. */
export function encodePostings(refs: ArrayLike<number>, w: ByteWriter): void {
  const start = w.len;
  w.putUvarint(refs.length);
  let prev = 0;
  for (let i = 0; i < refs.length; i++) {
    const r = refs[i]!;
    if (i > 0 && r <= prev) throw new Error(`BUG: postings not strictly increasing at ${i}`);
    w.putUvarint(i === 0 ? r : r - prev);
    prev = r;
  }
  w.putU32(checksum(w.bytes().subarray(start)));
}

/** Decodes one postings list that fills `buf` exactly; `base` is the file offset of `buf[0]`. */
export function decodePostings(buf: Buffer, base: number, src: ByteSource): Float64Array {
  const r = new ByteReader(buf, base, src, 0, buf.length - 4);
  if (buf.length < 5) r.fail('postings list too short');
  if (checksum(buf.subarray(0, buf.length - 4)) !== buf.readUInt32BE(buf.length - 4)) {
    r.fail('postings checksum mismatch');
  }
  const n = r.uvarint();
  if (n > r.remaining()) r.fail(`postings count ${n} exceeds list size`);
  const out = new Float64Array(n);
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const d = r.uvarint();
    if (i > 0 && d === 0) r.fail('postings not strictly increasing');
    prev = i === 0 ? d : prev + d;
    out[i] = prev;
  }
  if (r.remaining() !== 0) r.fail('trailing bytes in postings list');
  return out;
}

/** The references present in both sorted lists. */
export function intersect(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(Math.min(a.length, b.length));
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      out[n++] = x;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return out.subarray(0, n);
}

/** The references of `a` that are not in `b`. */
export function subtract(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  let j = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    while (j < b.length && b[j]! < x) j++;
    if (j < b.length && b[j] === x) continue;
    out[n++] = x;
  }
  return out.subarray(0, n);
}

/** The sorted union of any number of sorted lists. */
export function union(lists: readonly Float64Array[]): Float64Array {
  if (lists.length === 0) return EMPTY_POSTINGS;
  if (lists.length === 1) return lists[0]!;
  let total = 0;
  for (const l of lists) total += l.length;
  const all = new Float64Array(total);
  let at = 0;
  for (const l of lists) {
    all.set(l, at);
    at += l.length;
  }
  all.sort();
  let n = 0;
  for (let i = 0; i < all.length; i++) {
    if (n === 0 || all[i] !== all[n - 1]) all[n++] = all[i]!;
  }
  return all.subarray(0, n);
}
