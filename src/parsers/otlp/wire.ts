import { OTLPDecodeError } from './types.js';

const TWO_POW_32 = 4294967296;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Protobuf wire types. */
export const WIRE_VARINT = 0;
/** 8-byte little-endian field. */
export const WIRE_I64 = 1;
/** Length-delimited field. */
export const WIRE_LEN = 2;
/** 4-byte little-endian field. */
export const WIRE_I32 = 5;

/**
 * Protobuf wire primitives over one input with a field-path stack for error messages. Every read
 * is bounded by the end of the enclosing message; a problem throws `OTLPDecodeError` naming the
 * field path and the byte offset. The path is kept as two parallel stacks (names, indexes) so
 * that nothing is allocated for it unless an error is thrown.
 */
export class WireReader {
  pos = 0;
  private bytes: Uint8Array = new Uint8Array(0);
  private buf: Buffer = Buffer.alloc(0);
  private view: DataView = new DataView(new ArrayBuffer(0));
  private readonly names: string[] = [];
  private readonly idx: number[] = [];

  /** Starts reading `input` from its first byte. */
  reset(input: Uint8Array): void {
    this.bytes = input;
    this.buf = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    this.view = new DataView(input.buffer, input.byteOffset, input.byteLength);
    this.pos = 0;
    this.names.length = 0;
    this.idx.length = 0;
  }

  /** The input length. */
  get length(): number {
    return this.bytes.length;
  }

  /** Enters a field (`index` ≥ 0 for an element of a repeated field). */
  enter(name: string, index = -1): void {
    this.names.push(name);
    this.idx.push(index);
  }

  /** Leaves the innermost field. */
  leave(): void {
    this.names.pop();
    this.idx.pop();
  }

  /** The current field path, e.g. `resourceMetrics[0].resource`. */
  path(): string {
    let s = '';
    for (let i = 0; i < this.names.length; i++) {
      s += (i === 0 ? '' : '.') + this.names[i]!;
      const n = this.idx[i]!;
      if (n >= 0) s += `[${n}]`;
    }
    return s;
  }

  /** Builds the error for a problem at `offset`. */
  fail(offset: number, reason: string): OTLPDecodeError {
    return new OTLPDecodeError(this.path(), offset, reason);
  }

  /** Reads a field tag; returns `field << 3 | wire`. */
  tag(end: number): number {
    const at = this.pos;
    const v = this.uint32(end);
    if (v >>> 3 === 0) throw this.fail(at, 'invalid field number 0');
    return v;
  }

  /** Throws unless the field's wire type is `want`. */
  expect(wire: number, want: number, at: number, field: string): void {
    if (wire !== want) {
      throw this.fail(at, `field ${field} has wire type ${wire}, want ${want}`);
    }
  }

  /** Reads a varint that must fit in 32 bits unsigned. */
  uint32(end: number): number {
    const start = this.pos;
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      const p = start + i;
      if (p >= end) throw this.fail(start, 'truncated varint');
      const b = this.bytes[p]!;
      v += (b & 0x7f) * mul;
      mul *= 128;
      if (b < 0x80) {
        if (v >= TWO_POW_32) throw this.fail(start, `varint ${v} does not fit in 32 bits`);
        this.pos = p + 1;
        return v;
      }
    }
    throw this.fail(start, 'varint longer than 10 bytes');
  }

  /** Reads a 64-bit varint as an unsigned bigint. */
  uint64(end: number): bigint {
    const start = this.pos;
    let v = 0n;
    for (let i = 0; i < 10; i++) {
      const p = start + i;
      if (p >= end) throw this.fail(start, 'truncated varint');
      const b = this.bytes[p]!;
      v |= BigInt(b & 0x7f) << BigInt(7 * i);
      if (b < 0x80) {
        if (i === 9 && b > 1) throw this.fail(start, 'varint overflows 64 bits');
        this.pos = p + 1;
        return v;
      }
    }
    throw this.fail(start, 'varint longer than 10 bytes');
  }

  /** Reads an `int64` varint (two's complement) exactly. */
  int64(end: number): bigint {
    return BigInt.asIntN(64, this.uint64(end));
  }

  /** Reads a `sint32` (zigzag) varint. */
  sint32(end: number): number {
    const at = this.pos;
    const u = this.uint64(end);
    if (u >= 1n << 32n) throw this.fail(at, 'sint32 out of range');
    const n = Number(u);
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }

  /** Reads a `uint64` varint as a number (exact up to 2^53). */
  uint64Number(end: number): number {
    return Number(this.uint64(end));
  }

  /** Reads a bool varint. */
  bool(end: number): boolean {
    return this.uint64(end) !== 0n;
  }

  private need(end: number, n: number): number {
    const p = this.pos;
    if (end - p < n) throw this.fail(p, `truncated ${n}-byte field (${end - p} bytes left)`);
    this.pos = p + n;
    return p;
  }

  /** Reads a `fixed64` as an unsigned bigint (nanosecond timestamps). */
  fixed64(end: number): bigint {
    return this.view.getBigUint64(this.need(end, 8), true);
  }

  /** Reads a `fixed64` as a number (counts; exact up to 2^53). */
  fixed64Number(end: number): number {
    const p = this.need(end, 8);
    return this.view.getUint32(p + 4, true) * TWO_POW_32 + this.view.getUint32(p, true);
  }

  /** Reads an `sfixed64` as a number (rounded to float64 like a Go conversion). */
  sfixed64Number(end: number): number {
    return Number(this.view.getBigInt64(this.need(end, 8), true));
  }

  /** Reads a little-endian double. */
  double(end: number): number {
    return this.view.getFloat64(this.need(end, 8), true);
  }

  /** Reads a length prefix and returns the end of the payload. */
  len(end: number): number {
    const at = this.pos;
    const n = this.uint32(end);
    if (n > end - this.pos) {
      throw this.fail(at, `length ${n} runs past the end of the enclosing message`);
    }
    return this.pos + n;
  }

  /** Reads a length-delimited UTF-8 string. */
  string(end: number): string {
    const at = this.pos;
    const e = this.len(end);
    const b = this.bytes;
    const start = this.pos;
    let ascii = true;
    for (let i = start; i < e; i++) {
      if (b[i]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    let s: string;
    if (ascii) s = this.buf.toString('latin1', start, e);
    else {
      try {
        s = utf8.decode(b.subarray(start, e));
      } catch {
        throw this.fail(at, 'invalid UTF-8 in string');
      }
    }
    this.pos = e;
    return s;
  }

  /** Reads a length-delimited byte string (copied). */
  bytesField(end: number): Uint8Array {
    const e = this.len(end);
    const out = new Uint8Array(this.bytes.subarray(this.pos, e));
    this.pos = e;
    return out;
  }

  /**
   * Reads one element (wire `I64`) or a packed run (wire `LEN`) of a repeated double or fixed64
   * field, appending to `into`.
   */
  repeated64(wire: number, end: number, kind: 'double' | 'fixed64', into: F64List): void {
    if (wire === WIRE_I64) {
      into.push(kind === 'double' ? this.double(end) : this.fixed64Number(end));
      return;
    }
    const at = this.pos;
    const e = this.len(end);
    if ((e - this.pos) % 8 !== 0)
      throw this.fail(at, 'packed 8-byte field length not a multiple of 8');
    while (this.pos < e) into.push(kind === 'double' ? this.double(e) : this.fixed64Number(e));
  }

  /** Like `repeated64` for a repeated uint64 varint field. */
  repeatedVarint(wire: number, end: number, into: F64List): void {
    if (wire === WIRE_VARINT) {
      into.push(this.uint64Number(end));
      return;
    }
    const e = this.len(end);
    while (this.pos < e) into.push(this.uint64Number(e));
  }

  /** Skips a field's payload; groups and unknown wire types are errors. */
  skip(wire: number, at: number, end: number): void {
    switch (wire) {
      case WIRE_VARINT:
        this.uint64(end);
        return;
      case WIRE_I64:
        this.need(end, 8);
        return;
      case WIRE_I32:
        this.need(end, 4);
        return;
      case WIRE_LEN:
        this.pos = this.len(end);
        return;
      default:
        throw this.fail(at, `unsupported wire type ${wire}`);
    }
  }
}

/**
 * A growable list of float64 values, reused: `reset()` empties it, `take()` copies the values
 * out at their exact length.
 */
export class F64List {
  n = 0;
  private buf = new Float64Array(16);

  /** Empties the list (keeps its buffer) and returns it. */
  reset(): this {
    this.n = 0;
    return this;
  }

  /** Appends a value. */
  push(v: number): void {
    if (this.n === this.buf.length) {
      const b = new Float64Array(this.buf.length * 2);
      b.set(this.buf);
      this.buf = b;
    }
    this.buf[this.n++] = v;
  }

  /** A copy of the values. */
  take(): Float64Array {
    return this.n === 0 ? new Float64Array(0) : this.buf.slice(0, this.n);
  }
}
