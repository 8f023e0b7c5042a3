import type { ProtoDecodeError } from './errors.js';

const EMPTY = Buffer.alloc(0);
const TWO_POW_32 = 4294967296;
/** Largest field number protobuf allows. */
const MAX_FIELD = 0x1fffffff;

/**
 * Protobuf wire-format primitives over one input buffer: varints, lengths, doubles and skipping.
 * Every read is bounded by the end of the enclosing message and throws the error made by
 * `fail()` (which knows the field path) instead of reading past it.
 */
export abstract class VarintReader {
  /** The input as a Buffer view (no copy). */
  protected buf: Buffer = EMPTY;
  /** The next byte to read. */
  protected pos = 0;
  private bytes: Uint8Array = EMPTY;
  /** A DataView over the input. */
  protected view: DataView = new DataView(EMPTY.buffer, EMPTY.byteOffset, 0);

  /** Builds the error for a problem at `offset`. */
  protected abstract fail(offset: number, reason: string, setting?: string): ProtoDecodeError;

  /** Starts reading `input` from its first byte. */
  protected setInput(input: Uint8Array): void {
    this.buf = Buffer.isBuffer(input)
      ? input
      : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    this.bytes = this.buf;
    this.view = new DataView(input.buffer, input.byteOffset, input.byteLength);
    this.pos = 0;
  }

  /** Reads a field tag and checks its field number. */
  protected readTag(end: number): number {
    const pos = this.pos;
    if (pos < end) {
      const b = this.bytes[pos]!;
      if (b < 0x80) {
        if (b < 8) throw this.fail(pos, 'invalid field number 0');
        this.pos = pos + 1;
        return b;
      }
    }
    const v = this.readUint32(end);
    if (v >>> 3 === 0 || v >>> 3 > MAX_FIELD)
      throw this.fail(pos, `invalid field number ${v >>> 3}`);
    return v;
  }

  /** Reads the length of a length-delimited field and checks that it fits before `end`. */
  protected readLength(end: number): number {
    const at = this.pos;
    let len: number;
    const b = at < end ? this.bytes[at]! : 0x80;
    if (b < 0x80) {
      this.pos = at + 1;
      len = b;
    } else {
      len = this.readUint32(end);
    }
    if (len > end - this.pos) {
      throw this.fail(
        at,
        `length ${len} runs past the end of the enclosing message (${end - this.pos} bytes left)`,
      );
    }
    return len;
  }

  /** Reads a varint that must fit in 32 bits unsigned (tags, lengths). */
  protected readUint32(end: number): number {
    const start = this.pos;
    const buf = this.bytes;
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      const pos = start + i;
      if (pos >= end) throw this.fail(start, 'truncated varint');
      const b = buf[pos]!;
      v += (b & 0x7f) * mul;
      mul *= 128;
      if (b < 0x80) {
        if (v >= TWO_POW_32) throw this.fail(start, `varint ${v} does not fit in 32 bits`);
        this.pos = pos + 1;
        return v;
      }
    }
    throw this.fail(start, 'varint longer than 10 bytes');
  }

  /**
   * Reads an int64 varint (two's complement for negatives) as a number; fails when the value is
   * not a safe integer (|v| > 2^53), which no real timestamp or enum reaches.
   */
  protected readInt64(end: number): number {
    let pos = this.pos;
    if (end - pos >= 10) {
      // Fast path: up to 7 bytes (49 bits) are exact in a double; timestamps take 6.
      const buf = this.bytes;
      let b = buf[pos++]!;
      let v = b & 0x7f;
      if (b < 0x80) {
        this.pos = pos;
        return v;
      }
      let mul = 128;
      for (let i = 1; i < 7; i++) {
        b = buf[pos++]!;
        v += (b & 0x7f) * mul;
        if (b < 0x80) {
          this.pos = pos;
          return v;
        }
        mul *= 128;
      }
    }
    return this.readInt64Slow(end);
  }

  private readInt64Slow(end: number): number {
    const start = this.pos;
    const buf = this.bytes;
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      const pos = start + i;
      if (pos >= end) throw this.fail(start, 'truncated varint');
      const b = buf[pos]!;
      const bits = b & 0x7f;
      if (i < 4) lo |= bits << (7 * i);
      else if (i === 4) {
        lo |= (bits & 0x0f) << 28;
        hi |= bits >>> 4;
      } else hi |= bits << (7 * i - 32);
      if (b < 0x80) {
        if (i === 9 && b > 1) throw this.fail(start, 'varint overflows 64 bits');
        this.pos = pos + 1;
        return this.compose(lo >>> 0, hi >>> 0, start);
      }
    }
    throw this.fail(start, 'varint longer than 10 bytes');
  }

  private compose(lo: number, hi: number, at: number): number {
    let v: number;
    if (hi < 0x80000000) {
      v = hi * TWO_POW_32 + lo;
    } else {
      const nlo = (~lo + 1) >>> 0;
      const nhi = (~hi + (nlo === 0 ? 1 : 0)) >>> 0;
      v = -(nhi * TWO_POW_32 + nlo);
    }
    if (!Number.isSafeInteger(v)) throw this.fail(at, `integer ${v} is beyond ±2^53`);
    return v;
  }

  /**
   * Reads a little-endian double into `out[index]`. A DataView read stored straight into a
   * Float64Array keeps NaN payloads (staleness markers), unlike a store into a plain array.
   */
  protected readDoubleInto(end: number, out: Float64Array, index: number): void {
    const pos = this.pos;
    if (end - pos < 8) throw this.fail(pos, `truncated double (${end - pos} of 8 bytes)`);
    out[index] = this.view.getFloat64(pos, true);
    this.pos = pos + 8;
  }

  private skipVarint(end: number): void {
    const start = this.pos;
    for (let i = 0; i < 10; i++) {
      const pos = start + i;
      if (pos >= end) throw this.fail(start, 'truncated varint');
      if (this.bytes[pos]! < 0x80) {
        this.pos = pos + 1;
        return;
      }
    }
    throw this.fail(start, 'varint longer than 10 bytes');
  }

  /** Skips a field's payload of the given wire type; groups (3, 4) and types 6, 7 are errors. */
  protected skip(wire: number, at: number, end: number): void {
    switch (wire) {
      case 0:
        this.skipVarint(end);
        return;
      case 1:
      case 5: {
        const n = wire === 1 ? 8 : 4;
        if (end - this.pos < n) throw this.fail(this.pos, `truncated ${n}-byte field`);
        this.pos += n;
        return;
      }
      case 2: {
        const len = this.readLength(end);
        this.pos += len;
        return;
      }
      default:
        throw this.fail(at, `unsupported wire type ${wire}`);
    }
  }
}
