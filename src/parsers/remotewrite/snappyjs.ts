/**
 * A snappy block compressor in plain JavaScript: greedy matching of 4-byte sequences through a
 * hash table, literals and copies with 1- or 2-byte offsets (matches are looked for within the
 * last 64 KiB). Its output is a valid snappy block that any decoder reads; it compresses a little
 * less tightly and more slowly than the native library, which is why the server keeps the native
 * one. The agent uses this one: it sends a few hundred kilobytes a second at most, and not
 * loading the native module keeps several megabytes out of its resident set.
 */

const HASH_BITS = 14;
const MAX_OFFSET = 65535;
const MIN_MATCH = 4;

/** Largest possible compressed size of `n` bytes (the snappy bound). */
export function maxCompressedLength(n: number): number {
  return 32 + n + Math.floor(n / 6);
}

/** Compresses `src` into a snappy block. */
export function compressSnappyJs(src: Uint8Array): Uint8Array {
  const n = src.length;
  const out = new Uint8Array(maxCompressedLength(n));
  let o = 0;
  // Uncompressed length, varint.
  let v = n;
  while (v >= 0x80) {
    out[o++] = (v & 0x7f) | 0x80;
    v = Math.floor(v / 128);
  }
  out[o++] = v;
  if (n === 0) return out.subarray(0, o);
  // Positions + 1 (0 = empty) of the last 4-byte sequence with each hash.
  const table = new Int32Array(1 << HASH_BITS);
  let lit = 0;
  let i = 0;
  const last = n - MIN_MATCH;
  let misses = 0;
  while (i <= last) {
    const seq = (src[i]! | (src[i + 1]! << 8) | (src[i + 2]! << 16) | (src[i + 3]! << 24)) >>> 0;
    const h = Math.imul(seq, 0x1e35a7bd) >>> (32 - HASH_BITS);
    const cand = table[h]! - 1;
    table[h] = i + 1;
    if (
      cand >= 0 &&
      i - cand <= MAX_OFFSET &&
      src[cand] === src[i] &&
      src[cand + 1] === src[i + 1] &&
      src[cand + 2] === src[i + 2] &&
      src[cand + 3] === src[i + 3]
    ) {
      if (lit < i) o = emitLiteral(src, lit, i, out, o);
      let len = MIN_MATCH;
      while (i + len < n && src[cand + len] === src[i + len]) len++;
      o = emitCopy(i - cand, len, out, o);
      i += len;
      lit = i;
      misses = 0;
      continue;
    }
    // Skip ahead faster through data that does not compress (as the reference compressor does).
    i += 1 + (misses++ >>> 5);
  }
  if (lit < n) o = emitLiteral(src, lit, n, out, o);
  return out.subarray(0, o);
}

function emitLiteral(
  src: Uint8Array,
  from: number,
  to: number,
  out: Uint8Array,
  o: number,
): number {
  const len = to - from;
  const m = len - 1;
  if (m < 60) {
    out[o++] = m << 2;
  } else if (m < 0x100) {
    out[o++] = 60 << 2;
    out[o++] = m;
  } else if (m < 0x10000) {
    out[o++] = 61 << 2;
    out[o++] = m & 0xff;
    out[o++] = m >>> 8;
  } else if (m < 0x1000000) {
    out[o++] = 62 << 2;
    out[o++] = m & 0xff;
    out[o++] = (m >>> 8) & 0xff;
    out[o++] = m >>> 16;
  } else {
    out[o++] = 63 << 2;
    out[o++] = m & 0xff;
    out[o++] = (m >>> 8) & 0xff;
    out[o++] = (m >>> 16) & 0xff;
    out[o++] = m >>> 24;
  }
  if (len < 16) {
    for (let k = 0; k < len; k++) out[o + k] = src[from + k]!;
  } else {
    out.set(src.subarray(from, to), o);
  }
  return o + len;
}

function emitCopy(offset: number, len: number, out: Uint8Array, o: number): number {
  // Copies of 2-byte offset hold at most 64 bytes; keep at least 4 for the last one.
  while (len >= 68) {
    o = copy2(offset, 64, out, o);
    len -= 64;
  }
  if (len > 64) {
    o = copy2(offset, 60, out, o);
    len -= 60;
  }
  if (len <= 11 && offset < 2048) {
    out[o++] = 1 | ((len - 4) << 2) | ((offset >>> 8) << 5);
    out[o++] = offset & 0xff;
    return o;
  }
  return copy2(offset, len, out, o);
}

function copy2(offset: number, len: number, out: Uint8Array, o: number): number {
  out[o++] = 2 | ((len - 1) << 2);
  out[o++] = offset & 0xff;
  out[o++] = offset >>> 8;
  return o;
}
