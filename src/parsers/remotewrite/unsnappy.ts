import { DecodedBodyTooLargeError, SnappyDecodeError } from './errors.js';

/** Decoded bodies up to this size are decompressed into the decoder's reused buffer. */
export const REUSED_BUFFER_MAX_BYTES = 8 * 1024 * 1024;

/** Copies and literals shorter than this are moved byte by byte (cheaper than a native call). */
const SHORT_MOVE = 16;

/**
 * A snappy block decompressor (the format of remote write's `Content-Encoding: snappy`) that
 * writes into one buffer it keeps and reuses, so decompressing a request allocates nothing.
 * Every request body used to become a new native buffer of its decoded size (about 68 KB for
 * 500 samples); freed only by a later garbage collection, they kept tens of megabytes
 * resident and fragmented the native heap. Bodies that decode to more than
 * `REUSED_BUFFER_MAX_BYTES` get a buffer of their own, so one large request does not pin
 * memory.
 *
 * The result is a view of the reused buffer: it is valid until the next `decode` call, so the
 * caller must finish with it synchronously. Not safe for overlapping use.
 *
 * Every offset and length is checked against the input and the announced size: corrupt input
 * throws `SnappyDecodeError`, never reads or writes out of bounds.
 */
export class SnappyBlockDecoder {
  private buf = new Uint8Array(0);

  /**
   * Decompresses `src`, refusing before any work a body announcing more than `maxDecodedBytes`
   * (`DecodedBodyTooLargeError` naming `setting`).
   */
  decode(src: Uint8Array, maxDecodedBytes: number, setting: string): Uint8Array {
    let n = 0;
    let mul = 1;
    let s = 0;
    for (;;) {
      if (s >= src.length || s >= 5) {
        throw new SnappyDecodeError(
          s >= 5
            ? 'cannot decompress request body: snappy length header is too large'
            : 'cannot decompress request body: truncated snappy length header',
        );
      }
      const b = src[s++]!;
      n += (b & 0x7f) * mul;
      if (b < 0x80) break;
      mul *= 128;
    }
    if (n > 0xffffffff) {
      throw new SnappyDecodeError(
        'cannot decompress request body: snappy length header is too large',
      );
    }
    if (n > maxDecodedBytes) throw new DecodedBodyTooLargeError(n, maxDecodedBytes, setting);
    let out: Uint8Array;
    if (n > REUSED_BUFFER_MAX_BYTES) {
      out = new Uint8Array(n);
    } else {
      if (this.buf.length < n) this.buf = new Uint8Array(Math.max(n, this.buf.length * 2, 4096));
      out = this.buf;
    }
    const end = src.length;
    let d = 0;
    while (s < end) {
      const tag = src[s++]!;
      const kind = tag & 3;
      if (kind === 0) {
        let len = tag >>> 2;
        if (len >= 60) {
          const bytes = len - 59;
          if (s + bytes > end) throw corrupt('literal length past the end of the input', s);
          len = src[s]!;
          if (bytes > 1) len |= src[s + 1]! << 8;
          if (bytes > 2) len |= src[s + 2]! << 16;
          if (bytes > 3) len = (len | (src[s + 3]! << 24)) >>> 0;
          s += bytes;
        }
        len += 1;
        if (len > end - s) throw corrupt('literal past the end of the input', s);
        if (len > n - d) throw corrupt('literal past the announced length', s);
        if (len < SHORT_MOVE) {
          for (let i = 0; i < len; i++) out[d + i] = src[s + i]!;
        } else {
          out.set(src.subarray(s, s + len), d);
        }
        s += len;
        d += len;
        continue;
      }
      let len: number;
      let off: number;
      if (kind === 1) {
        if (s >= end) throw corrupt('copy past the end of the input', s);
        len = ((tag >>> 2) & 7) + 4;
        off = ((tag >>> 5) << 8) | src[s++]!;
      } else if (kind === 2) {
        if (s + 2 > end) throw corrupt('copy past the end of the input', s);
        len = (tag >>> 2) + 1;
        off = src[s]! | (src[s + 1]! << 8);
        s += 2;
      } else {
        if (s + 4 > end) throw corrupt('copy past the end of the input', s);
        len = (tag >>> 2) + 1;
        off = (src[s]! | (src[s + 1]! << 8) | (src[s + 2]! << 16) | (src[s + 3]! << 24)) >>> 0;
        s += 4;
      }
      if (off === 0 || off > d) throw corrupt(`copy offset ${off} out of range`, s);
      if (len > n - d) throw corrupt('copy past the announced length', s);
      const from = d - off;
      if (off >= len && len >= SHORT_MOVE) {
        out.copyWithin(d, from, from + len);
      } else {
        // Overlapping copies repeat the last `off` bytes; byte order matters.
        for (let i = 0; i < len; i++) out[d + i] = out[from + i]!;
      }
      d += len;
    }
    if (d !== n) throw corrupt(`decoded ${d} bytes, the header announced ${n}`, s);
    return out.subarray(0, n);
  }

  /** Drops the reused buffer (it is allocated again on the next call). */
  release(): void {
    this.buf = new Uint8Array(0);
  }

  /** Bytes held by the reused buffer. */
  get retainedBytes(): number {
    return this.buf.length;
  }
}

function corrupt(what: string, at: number): SnappyDecodeError {
  return new SnappyDecodeError(`cannot decompress request body: ${what} (at byte ${at})`);
}
