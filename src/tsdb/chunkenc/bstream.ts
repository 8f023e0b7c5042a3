/**
 * Bit-granular writer and reader over a `Uint8Array`, most significant bit first.
 *
 * Both work on at most 32 bits per call; 64-bit quantities are written as two halves. Neither
 * allocates per call: the writer grows its buffer by doubling, the reader only moves a cursor.
 */

/** Masks of the low n bits for n in 0..32 (index 32 is all ones). */
const LOW_MASK = new Uint32Array(33);
for (let i = 0; i < 32; i++) LOW_MASK[i] = (2 ** i - 1) >>> 0;
LOW_MASK[32] = 0xffffffff;

/** Returns the unsigned 32-bit mask of the low `n` bits (n in 0..32). */
export function lowMask(n: number): number {
  return LOW_MASK[n]!;
}

/**
 * Appends bits to a growable byte buffer. The buffer's first `headerBytes` bytes are reserved for
 * the owner (for example a chunk header) and are not touched by bit writes.
 */
export class BitWriter {
  /** The backing buffer; only the first `byteLength()` bytes are meaningful. Replaced on growth. */
  buf: Uint8Array;
  /** Number of bits written, including the reserved header bytes. */
  bitPos: number;

  constructor(headerBytes: number, initialBytes = 32) {
    this.buf = new Uint8Array(Math.max(initialBytes, headerBytes + 1));
    this.bitPos = headerBytes * 8;
  }

  /** Number of bytes holding written bits (the last one may be partly filled). */
  byteLength(): number {
    return (this.bitPos + 7) >>> 3;
  }

  /** Writes one bit (0 or 1). */
  writeBit(bit: number): void {
    const pos = this.bitPos;
    const i = pos >>> 3;
    if (i >= this.buf.length) this.grow();
    if (bit !== 0) this.buf[i]! |= 0x80 >>> (pos & 7);
    this.bitPos = pos + 1;
  }

  /** Writes the low `n` bits of `value` (n in 0..32), most significant first. */
  writeBits(value: number, n: number): void {
    if (n === 0) return;
    const pos = this.bitPos;
    if ((pos + n + 7) >>> 3 > this.buf.length) this.grow();
    const buf = this.buf;
    const v = (value & LOW_MASK[n]!) >>> 0;
    let i = pos >>> 3;
    const free = 8 - (pos & 7);
    this.bitPos = pos + n;
    if (n <= free) {
      buf[i]! |= v << (free - n);
      return;
    }
    // Top bits into the partly filled byte, then whole bytes, then the rest (bytes past the
    // write position are still zero).
    let left = n - free;
    buf[i++]! |= v >>> left;
    while (left >= 8) {
      left -= 8;
      buf[i++] = v >>> left;
    }
    if (left > 0) buf[i] = v << (8 - left);
  }

  /** Writes the low `n` bits (n in 0..64) of the 64-bit number `hi:lo`. */
  writeBits64(hi: number, lo: number, n: number): void {
    if (n > 32) {
      this.writeBits(hi, n - 32);
      this.writeBits(lo, 32);
    } else {
      this.writeBits(lo, n);
    }
  }

  // Growth by half keeps the unused tail of an open chunk (the head holds one per series) at a
  // quarter on average instead of a half; each append writes at most 13 bytes, so one step
  // always makes room.
  private grow(): void {
    const next = new Uint8Array(this.buf.length + (this.buf.length >> 1) + 16);
    next.set(this.buf);
    this.buf = next;
  }
}

/**
 * Reads bits from a byte array. Reading past `limitBits` sets `overflow` and yields zeros, so a
 * truncated or corrupt input cannot loop forever; callers check `overflow` after decoding.
 */
export class BitReader {
  private buf: Uint8Array = new Uint8Array(0);
  /** The current bit position. */
  bitPos = 0;
  private limitBits = 0;
  /** Set when a read went past the end of the data. */
  overflow = false;

  /** Points the reader at `buf`, starting at byte `startByte`. */
  reset(buf: Uint8Array, startByte: number): void {
    this.buf = buf;
    this.bitPos = startByte * 8;
    this.limitBits = buf.length * 8;
    this.overflow = false;
  }

  /** Reads one bit. */
  readBit(): number {
    const pos = this.bitPos;
    if (pos >= this.limitBits) {
      this.overflow = true;
      return 0;
    }
    this.bitPos = pos + 1;
    return (this.buf[pos >>> 3]! >>> (7 - (pos & 7))) & 1;
  }

  /** Reads `n` bits (0..32) as an unsigned number. */
  readBits(n: number): number {
    let pos = this.bitPos;
    if (pos + n > this.limitBits) {
      this.overflow = true;
      this.bitPos = this.limitBits;
      return 0;
    }
    const buf = this.buf;
    let out = 0;
    let left = n;
    while (left > 0) {
      const used = pos & 7;
      const avail = 8 - used;
      const b = buf[pos >>> 3]! & (0xff >>> used);
      if (left >= avail) {
        out = out * (1 << avail) + b;
        left -= avail;
        pos += avail;
      } else {
        out = out * (1 << left) + (b >>> (avail - left));
        pos += left;
        left = 0;
      }
    }
    this.bitPos = pos;
    return out;
  }

  /**
   * Reads up to `max` bits (max ≤ 8) while they are 1, stopping after the first 0; returns the
   * number of 1 bits read. Used for unary bucket prefixes.
   */
  readUnary(max: number): number {
    let k = 0;
    while (k < max && this.readBit() === 1) k++;
    return k;
  }
}
