/** A growable byte buffer that WAL records are encoded into, plus varint helpers. */

/** Largest integer a varint may carry: 2^53 - 1 (the largest exact JavaScript integer). */
const MAX_VARINT = Number.MAX_SAFE_INTEGER;

/**
 * A growable byte buffer. `len` bytes of `buf` are in use; `reserve(n)` makes room for `n` more
 * and may replace `buf` (so re-read `buf` after every `reserve`). Reused with `reset()`.
 */
export class ByteBuf {
  /** The backing storage; only `buf[0, len)` is meaningful. */
  buf: Buffer;
  /** A DataView over `buf` (replaced together with it). */
  dv: DataView;
  /** Bytes in use. */
  len = 0;

  constructor(initialCapacity = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initialCapacity);
    this.dv = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  /** Makes room for at least `n` more bytes after `len`. */
  reserve(n: number): void {
    const need = this.len + n;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const nb = Buffer.allocUnsafe(cap);
    this.buf.copy(nb, 0, 0, this.len);
    this.buf = nb;
    this.dv = new DataView(nb.buffer, nb.byteOffset, nb.byteLength);
  }

  /** Appends `src[start, end)`. */
  append(src: Uint8Array, start: number, end: number): void {
    this.reserve(end - start);
    this.buf.set(src.subarray(start, end), this.len);
    this.len += end - start;
  }

  /** Forgets the contents, keeping the capacity (shrinking it when it grew very large). */
  reset(maxKeep = 16 * 1024 * 1024): void {
    this.len = 0;
    if (this.buf.length > maxKeep) {
      this.buf = Buffer.allocUnsafe(maxKeep);
      this.dv = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    }
  }
}

/** Writes `v` (an integer in [0, 2^53)) as an unsigned LEB128 varint; returns the new position. */
export function putUvarint(buf: Uint8Array, pos: number, v: number): number {
  if (v < 0x80000000) {
    while (v >= 0x80) {
      buf[pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[pos++] = v;
    return pos;
  }
  while (v >= 0x80) {
    buf[pos++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  buf[pos++] = v;
  return pos;
}

/** The number of bytes `putUvarint` writes for `v`. */
export function uvarintSize(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

/** Writes a signed integer in [-2^52, 2^52] zig-zag encoded; returns the new position. */
export function putSvarint(buf: Uint8Array, pos: number, v: number): number {
  return putUvarint(buf, pos, v >= 0 ? v * 2 : -v * 2 - 1);
}

/** Maximum encoded size of one varint in bytes. */
export const MAX_VARINT_BYTES = 8;

/** Thrown by `Cursor` when a payload is shorter than its contents claim or malformed. */
export class DecodeError extends Error {
  override readonly name = 'DecodeError';
}

/** Reads varints and fixed-size values from `buf[pos, end)`, checking bounds. */
export class Cursor {
  buf: Buffer = Buffer.alloc(0);
  dv: DataView = new DataView(new ArrayBuffer(0));
  pos = 0;
  end = 0;

  /** Points the cursor at `buf[start, end)`; `dv` must view the same memory as `buf`. */
  reset(buf: Buffer, dv: DataView, start: number, end: number): this {
    this.buf = buf;
    this.dv = dv;
    this.pos = start;
    this.end = end;
    return this;
  }

  /** Reads an unsigned varint. */
  uvarint(): number {
    const b = this.buf;
    let p = this.pos;
    if (p >= this.end) throw new DecodeError('varint runs past the end of the record');
    let x = b[p++]!;
    if (x < 0x80) {
      this.pos = p;
      return x;
    }
    let v = x & 0x7f;
    let mul = 128;
    for (;;) {
      if (p >= this.end) throw new DecodeError('varint runs past the end of the record');
      x = b[p++]!;
      v += (x & 0x7f) * mul;
      if (x < 0x80) break;
      mul *= 128;
      if (mul > MAX_VARINT) throw new DecodeError('varint is too long');
    }
    this.pos = p;
    return v;
  }

  /** Reads a zig-zag encoded signed varint. */
  svarint(): number {
    const z = this.uvarint();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }

  /** Reads a little-endian float64. */
  f64(): number {
    this.need(8);
    const v = this.dv.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** Reads a byte. */
  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  /** Reads `n` bytes as UTF-8 text. */
  utf8(n: number): string {
    this.need(n);
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  /** Throws unless `n` more bytes are available. */
  need(n: number): void {
    if (this.pos + n > this.end) throw new DecodeError('record is shorter than its contents');
  }
}
