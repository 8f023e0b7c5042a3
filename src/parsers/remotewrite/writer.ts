const TWO_POW_32 = 4294967296;

/**
 * An append-only protobuf writer into a growable buffer, reused across messages.
 *
 * Length-delimited fields are written without measuring first: `beginLength()` reserves one byte,
 * `endLength()` writes the real length and moves the payload when the length needs more bytes.
 * Output stays canonical (minimal varints). Not thread-safe; one owner.
 */
export class ProtoWriter {
  private buf: Buffer;
  private view: DataView;
  /** The number of bytes written. */
  pos = 0;

  constructor(initialBytes = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(Math.max(16, initialBytes));
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  /** Forgets everything written, keeping the buffer. */
  reset(): void {
    this.pos = 0;
  }

  /**
   * The bytes written so far, as a view into the writer's buffer: valid only until the next
   * write or `reset()`. Copy it (`.slice()`) to keep it.
   */
  written(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  /** A copy of the bytes written so far. */
  finish(): Uint8Array {
    return new Uint8Array(this.buf.subarray(0, this.pos));
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const b = Buffer.allocUnsafe(cap);
    this.buf.copy(b, 0, 0, this.pos);
    this.buf = b;
    this.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }

  /** Writes an unsigned varint below 2^32 (tags, lengths, enums). */
  uint32(v: number): void {
    this.ensure(5);
    let x = v >>> 0;
    while (x >= 0x80) {
      this.buf[this.pos++] = (x & 0x7f) | 0x80;
      x >>>= 7;
    }
    this.buf[this.pos++] = x;
  }

  /** Writes an int64 varint for an integer number (negatives as 10-byte two's complement). */
  int64(v: number): void {
    this.ensure(10);
    if (v >= 0 && v < TWO_POW_32) {
      this.uint32(v);
      return;
    }
    let lo: number;
    let hi: number;
    if (v >= 0) {
      lo = (v % TWO_POW_32) >>> 0;
      hi = Math.floor(v / TWO_POW_32) >>> 0;
    } else {
      const a = -v;
      const alo = (a % TWO_POW_32) >>> 0;
      const ahi = Math.floor(a / TWO_POW_32) >>> 0;
      lo = (~alo + 1) >>> 0;
      hi = (~ahi + (lo === 0 ? 1 : 0)) >>> 0;
    }
    while (hi !== 0 || lo >= 0x80) {
      this.buf[this.pos++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    this.buf[this.pos++] = lo;
  }

  /** Writes a little-endian double, keeping NaN payloads. */
  double(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  /** Writes raw bytes. */
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Writes a length-prefixed UTF-8 string (without its tag). */
  string(s: string): void {
    this.ensure(s.length * 3 + 5);
    const mark = this.beginLength();
    this.pos += this.buf.write(s, this.pos, 'utf8');
    this.endLength(mark);
  }

  /** Reserves the length prefix of a length-delimited field; returns a mark for `endLength`. */
  beginLength(): number {
    this.ensure(1);
    return this.pos++;
  }

  /** Writes the length of the field begun at `mark`, moving its payload if needed. */
  endLength(mark: number): void {
    const len = this.pos - mark - 1;
    if (len < 0x80) {
      this.buf[mark] = len;
      return;
    }
    let extra = 0;
    for (let x = len >>> 7; x !== 0; x >>>= 7) extra++;
    this.ensure(extra);
    this.buf.copyWithin(mark + 1 + extra, mark + 1, this.pos);
    this.pos += extra;
    let x = len;
    let p = mark;
    while (x >= 0x80) {
      this.buf[p++] = (x & 0x7f) | 0x80;
      x >>>= 7;
    }
    this.buf[p] = x;
  }
}
