/**
 * Byte-level encoding helpers of the block formats: a growable writer and a bounds-checked
 * reader with unsigned/zigzag varints that cover the whole safe-integer range (53 bits), 32-bit
 * and 64-bit big-endian integers and length-prefixed UTF-8 strings.
 */
import { CorruptBlockError } from './errors.js';

/** 2^32, used to split safe integers into 32-bit halves. */
const TWO_32 = 0x1_0000_0000;
/** Largest magnitude that zigzag encoding can double without leaving the safe-integer range. */
const MAX_ZIGZAG = 2 ** 52 - 1;

/** Where the bytes under a reader come from; used to name the place of a corruption. */
export interface ByteSource {
  /** The block directory. */
  readonly dir: string;
  /** The file inside the block directory. */
  readonly file: string;
}

/** Zigzag-encodes a signed safe integer into an unsigned one (0, -1, 1, -2 → 0, 1, 2, 3). */
export function zigzag(v: number): number {
  if (v > MAX_ZIGZAG || v < -MAX_ZIGZAG) {
    throw new RangeError(`cannot encode ${v} as varint: magnitude above 2^52`);
  }
  return v >= 0 ? v * 2 : -v * 2 - 1;
}

/** Inverse of `zigzag`. */
export function unzigzag(u: number): number {
  return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
}

/** The number of bytes `putUvarint(n)` writes. */
export function uvarintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    size++;
  }
  return size;
}

/**
 * A growable byte buffer. `reset()` and reuse it; `bytes()` returns a view that stays valid only
 * until the next write or reset.
 */
export class ByteWriter {
  private buf: Buffer;
  /** Number of bytes written. */
  len = 0;

  constructor(initialSize = 4096) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  /** Forgets everything written. */
  reset(): this {
    this.len = 0;
    return this;
  }

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  /** Appends one byte. */
  putByte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }

  /** Appends an unsigned safe integer as a LEB128 varint. */
  putUvarint(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`cannot encode ${n} as uvarint`);
    this.ensure(8);
    const b = this.buf;
    let i = this.len;
    while (n >= 0x80) {
      b[i++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    b[i++] = n;
    this.len = i;
  }

  /** Appends a signed safe integer (|v| < 2^52) as a zigzag varint. */
  putVarint(v: number): void {
    this.putUvarint(zigzag(v));
  }

  /** Appends a big-endian unsigned 32-bit integer. */
  putU32(n: number): void {
    this.ensure(4);
    this.buf.writeUInt32BE(n >>> 0, this.len);
    this.len += 4;
  }

  /** Appends a big-endian unsigned 64-bit integer (a safe integer). */
  putU64(n: number): void {
    this.putU32(Math.floor(n / TWO_32));
    this.putU32(n % TWO_32);
  }

  /** Appends raw bytes. */
  putBytes(data: Uint8Array): void {
    this.ensure(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
  }

  /** Appends a UTF-8 string prefixed with its byte length as uvarint. */
  putString(s: string): void {
    const n = Buffer.byteLength(s, 'utf8');
    this.putUvarint(n);
    this.ensure(n);
    this.buf.write(s, this.len, n, 'utf8');
    this.len += n;
  }

  /** Overwrites a big-endian 32-bit integer at `at` (which must already be written). */
  setU32(at: number, n: number): void {
    this.buf.writeUInt32BE(n >>> 0, at);
  }

  /** A view of the bytes written so far (valid until the next write). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.len);
  }
}

/**
 * A bounds-checked cursor over bytes read from a file. Any read past the end throws
 * `CorruptBlockError` naming the file and the absolute file offset.
 */
export class ByteReader {
  /** Position inside `buf`. */
  pos: number;
  private end: number;

  constructor(
    private buf: Buffer,
    /** File offset of `buf[0]`. */
    private base: number,
    private readonly src: ByteSource,
    start = 0,
    end = buf.length,
  ) {
    this.pos = start;
    this.end = end;
  }

  /** Re-points the reader at other bytes. */
  reset(buf: Buffer, base: number, start = 0, end = buf.length): this {
    this.buf = buf;
    this.base = base;
    this.pos = start;
    this.end = end;
    return this;
  }

  /** The file offset of the cursor. */
  fileOffset(): number {
    return this.base + this.pos;
  }

  /** Bytes left before the end. */
  remaining(): number {
    return this.end - this.pos;
  }

  /** Throws a `CorruptBlockError` at the current position. */
  fail(reason: string): never {
    throw new CorruptBlockError(this.src.dir, this.src.file, this.base + this.pos, reason);
  }

  /** Throws a `CorruptBlockError` at file offset `fileOffset`. */
  failAt(fileOffset: number, reason: string): never {
    throw new CorruptBlockError(this.src.dir, this.src.file, fileOffset, reason);
  }

  private need(n: number): void {
    if (this.pos + n > this.end) this.fail(`unexpected end of data (need ${n} more bytes)`);
  }

  /** Reads one byte. */
  byte(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  /** Reads an unsigned LEB128 varint of at most 8 bytes (53 bits). */
  uvarint(): number {
    const b = this.buf;
    let i = this.pos;
    const end = this.end;
    if (i < end) {
      const c = b[i]!;
      if (c < 0x80) {
        this.pos = i + 1;
        return c;
      }
    }
    let result = 0;
    let mul = 1;
    for (let n = 0; n < 8; n++) {
      if (i >= end) this.fail('unexpected end of data in varint');
      const c = b[i++]!;
      result += (c & 0x7f) * mul;
      if (c < 0x80) {
        this.pos = i;
        return result;
      }
      mul *= 0x80;
    }
    return this.fail('varint longer than 8 bytes');
  }

  /** Reads a zigzag varint. */
  varint(): number {
    return unzigzag(this.uvarint());
  }

  /** Reads a big-endian unsigned 32-bit integer. */
  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** Reads a big-endian unsigned 64-bit integer; fails when above the safe-integer range. */
  u64(): number {
    const hi = this.u32();
    const lo = this.u32();
    if (hi >= 0x200000) this.fail('64-bit value above 2^53');
    return hi * TWO_32 + lo;
  }

  /** Returns a view of the next `n` bytes (no copy). */
  bytes(n: number): Buffer {
    this.need(n);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Reads a uvarint-length-prefixed UTF-8 string. */
  string(): string {
    const n = this.uvarint();
    this.need(n);
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  /** Skips a uvarint-length-prefixed string. */
  skipString(): void {
    const n = this.uvarint();
    this.need(n);
    this.pos += n;
  }
}
