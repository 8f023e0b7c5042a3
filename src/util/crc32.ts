/**
 * CRC-32 (IEEE 802.3 polynomial, reflected, as used by zlib, gzip and PNG) for WAL records and
 * the remote-write queue.
 *
 * Node ships `zlib.crc32` from 20.15 and 22.2 on; it runs in native code with hardware help and
 * is used when present. Older Node 20 releases fall back to `crc32Table`, a slicing-by-8
 * table-driven implementation in JavaScript. Both give identical results (tested).
 */
import zlib from 'node:zlib';

/** Continues a CRC-32 over `buf[start, end)`; pass 0 as `crc` to start a new checksum. */
export type Crc32Fn = (buf: Uint8Array, start: number, end: number, crc: number) => number;

/** The reflected IEEE polynomial. */
const POLY = 0xedb88320;

/** 8 tables of 256 entries: T[k][b] is the CRC of byte b followed by k zero bytes. */
const TABLES: Uint32Array = (() => {
  const t = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? POLY ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n]!;
    for (let k = 1; k < 8; k++) {
      c = t[c & 0xff]! ^ (c >>> 8);
      t[k * 256 + n] = c >>> 0;
    }
  }
  return t;
})();

/** Table-driven CRC-32 (slicing-by-8) over `buf[start, end)`, continuing from `crc`. */
export function crc32Table(buf: Uint8Array, start: number, end: number, crc: number): number {
  const t = TABLES;
  let c = ~crc;
  let i = start;
  for (; i + 8 <= end; i += 8) {
    const lo = c ^ (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24));
    c =
      t[1792 + (lo & 0xff)]! ^
      t[1536 + ((lo >>> 8) & 0xff)]! ^
      t[1280 + ((lo >>> 16) & 0xff)]! ^
      t[1024 + (lo >>> 24)]! ^
      t[768 + buf[i + 4]!]! ^
      t[512 + buf[i + 5]!]! ^
      t[256 + buf[i + 6]!]! ^
      t[buf[i + 7]!]!;
  }
  for (; i < end; i++) c = t[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

type NativeCrc32 = (data: Uint8Array, value?: number) => number;
const native: NativeCrc32 | undefined = (zlib as { crc32?: NativeCrc32 }).crc32;

/** Native CRC-32 through `zlib.crc32` (same results as `crc32Table`). */
function crc32Native(buf: Uint8Array, start: number, end: number, crc: number): number {
  // Short inputs: the call into native code costs more than the table loop.
  if (end - start < 64 || native === undefined) return crc32Table(buf, start, end, crc);
  return native(buf.subarray(start, end), crc);
}

/** Whether this Node version has the native `zlib.crc32`. */
export const HAS_NATIVE_CRC32 = native !== undefined;

/** The fastest CRC-32 available on this Node version. */
export const crc32: Crc32Fn = HAS_NATIVE_CRC32 ? crc32Native : crc32Table;
