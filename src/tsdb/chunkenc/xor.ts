/**
 * The `xor` chunk encoding: jitter-tolerant timestamp deltas and Gorilla-style XOR values with a
 * scaled-integer delta mode for values that are exact short decimals (integer counters, `12.5`). The bit layout is specified in
 * `docs/format/chunks.md`; keep both in step.
 */
import type { ValueType } from '../../storage/index.js';
import { BitReader, BitWriter } from './bstream.js';
import type { ChunkEncoder, ChunkIterator } from './chunk.js';
import {
  bitLength,
  ctz32,
  decimalScale,
  halves,
  joinFloat,
  NO_SCALE,
  POW10,
  shl64,
  shr64,
  splitFloat,
} from './floatbits.js';

/** Byte 0 of every `xor` chunk. */
export const XOR_ENCODING_ID = 1;
/** Header size: encoding id (1 byte) and sample count (uint16 big endian). */
export const XOR_HEADER_BYTES = 3;
/** The most samples one chunk can hold (the header's count is 16 bits). */
export const XOR_MAX_SAMPLES = 0xffff;

const TWO_32 = 0x100000000;
/** Integer deltas must stay below this so that the zig-zag form fits 53 bits exactly. */
const MAX_INT_DELTA = 2 ** 52;
/** Scaled integers must stay within the exactly representable integers. */
const MAX_SCALED = 2 ** 53;
/** No XOR window yet. */
const NO_WINDOW = 0xff;

/** Thrown (or reported by `err()`) when chunk bytes are malformed. */
export class ChunkFormatError extends Error {
  override readonly name = 'ChunkFormatError';
}

/**
 * The reference interval a timestamp delta is compared with. Scrape intervals are nearly always
 * whole seconds, so a delta within 50 ms of a whole second snaps to it: jitter then costs only
 * the difference from the grid, not the difference of two jitters.
 */
export function referenceDelta(d: number): number {
  if (d < 1000) return d;
  const r = Math.round(d / 1000) * 1000;
  return Math.abs(d - r) <= 50 ? r : d;
}

/**
 * Encodes samples into an `xor` chunk. See `ChunkEncoder`. It is its own bit writer (one object
 * per open chunk instead of two: the head keeps one per series); do not call the inherited
 * write methods from outside.
 */
export class XorEncoder extends BitWriter implements ChunkEncoder {
  private n = 0;
  private firstT = 0;
  private lastT = 0;
  private tRef = 0;
  /** Bits of the previous value as signed 32-bit halves (small integers are stored unboxed). */
  private vHi = 0;
  private vLo = 0;
  /** Decimal scale of the previous value, or NO_SCALE. */
  private vScale = NO_SCALE;
  /** The previous value times 10^vScale (an integer) when vScale is set. */
  private vM = 0;
  private lead = NO_WINDOW;
  private trail = 0;
  private intBits = 0;

  constructor(initialBytes = 32) {
    super(XOR_HEADER_BYTES, initialBytes);
    this.buf[0] = XOR_ENCODING_ID;
  }

  get numSamples(): number {
    return this.n;
  }

  get minT(): number {
    return this.firstT;
  }

  get maxT(): number {
    return this.lastT;
  }

  byteSize(): number {
    return this.byteLength();
  }

  /** The value of the last sample, bit for bit (undefined behaviour when empty). */
  lastValue(): number {
    return joinFloat(this.vHi, this.vLo);
  }

  bytes(): Uint8Array {
    return this.buf.slice(0, this.byteLength());
  }

  /**
   * Returns the encoded bytes without copying. The view stays valid (and unchanged in what it
   * shows: its header count is a snapshot) until the encoder is discarded, because bits once
   * written never change and growth copies into a new buffer.
   */
  view(): Uint8Array {
    return this.buf.subarray(0, this.byteLength());
  }

  append(t: number, v: number): void {
    const n = this.n;
    if (n >= XOR_MAX_SAMPLES)
      throw new Error(`BUG: xor chunk is full (${XOR_MAX_SAMPLES} samples)`);
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- short name for the bit writer
    const w: BitWriter = this;
    splitFloat(v);
    const hi = halves.hi;
    const lo = halves.lo;
    if (n === 0) {
      this.writeSigned(t);
      w.writeBits(hi, 32);
      w.writeBits(lo, 32);
      this.firstT = t;
      this.setValue(v, hi, lo);
    } else {
      const d = t - this.lastT;
      if (n === 1) {
        this.writeSigned(d);
        this.tRef = referenceDelta(d);
      } else {
        this.writeDelta(d);
      }
      this.writeValue(v, hi, lo);
    }
    this.lastT = t;
    this.n = n + 1;
    w.buf[1] = (n + 1) >>> 8;
    w.buf[2] = (n + 1) & 0xff;
  }

  private writeDelta(d: number): void {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- short name for the bit writer
    const w: BitWriter = this;
    const r = d - this.tRef;
    if (r === 0) {
      w.writeBit(0);
      return;
    }
    if (r >= -8 && r <= 7) {
      w.writeBits(0b10, 2);
      w.writeBits(r, 4);
      return;
    }
    if (r >= -64 && r <= 63) {
      w.writeBits(0b110, 3);
      w.writeBits(r, 7);
    } else if (r >= -4096 && r <= 4095) {
      w.writeBits(0b1110, 4);
      w.writeBits(r, 13);
    } else if (r >= -524288 && r <= 524287) {
      w.writeBits(0b11110, 5);
      w.writeBits(r, 20);
    } else {
      w.writeBits(0b11111, 5);
      this.writeSigned(r);
    }
    this.tRef = referenceDelta(d);
  }

  /** Sign bit, 6-bit length, then the magnitude's significant bits. */
  private writeSigned(x: number): void {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- short name for the bit writer
    const w: BitWriter = this;
    const mag = Math.abs(x);
    const nb = bitLength(mag);
    w.writeBit(x < 0 ? 1 : 0);
    w.writeBits(nb, 6);
    w.writeBits64(Math.floor(mag / TWO_32), mag >>> 0, nb);
  }

  private writeValue(v: number, hi: number, lo: number): void {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- short name for the bit writer
    const w: BitWriter = this;
    const xh = (hi ^ this.vHi) >>> 0;
    const xl = (lo ^ this.vLo) >>> 0;
    if (xh === 0 && xl === 0) {
      w.writeBit(0);
      return;
    }
    const s = this.vScale;
    if (s !== NO_SCALE) {
      const p = POW10[s]!;
      const m = Math.round(v * p);
      const d = m - this.vM;
      if (
        m / p === v &&
        (v !== 0 || 1 / v > 0) &&
        Math.abs(m) <= MAX_SCALED &&
        Math.abs(d) < MAX_INT_DELTA
      ) {
        w.writeBits(0b10, 2);
        this.writeIntDelta(d);
        this.vHi = hi | 0;
        this.vLo = lo | 0;
        this.vM = m;
        return;
      }
      w.writeBits(0b11, 2);
    } else {
      w.writeBit(1);
    }
    this.writeXor(xh, xl);
    this.setValue(v, hi, lo);
  }

  private setValue(v: number, hi: number, lo: number): void {
    this.vHi = hi | 0;
    this.vLo = lo | 0;
    const s = decimalScale(v);
    this.vScale = s;
    this.vM = s === NO_SCALE ? 0 : Math.round(v * POW10[s]!);
  }

  private writeIntDelta(d: number): void {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- short name for the bit writer
    const w: BitWriter = this;
    const z = d >= 0 ? d * 2 : -d * 2 - 1;
    const zh = Math.floor(z / TWO_32);
    const zl = z >>> 0;
    const nb = bitLength(z);
    const wb = this.intBits;
    if (wb > 0 && nb <= wb && wb <= nb + 6) {
      w.writeBit(0);
      w.writeBits64(zh, zl, wb);
    } else {
      w.writeBit(1);
      w.writeBits(nb, 6);
      w.writeBits64(zh, zl, nb);
      this.intBits = nb;
    }
  }

  private writeXor(xh: number, xl: number): void {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- short name for the bit writer
    const w: BitWriter = this;
    let lead = xh !== 0 ? Math.clz32(xh) : 32 + Math.clz32(xl);
    const trail = xl !== 0 ? ctz32(xl) : 32 + ctz32(xh);
    if (lead > 31) lead = 31;
    const sigNew = 64 - lead - trail;
    if (this.lead !== NO_WINDOW && lead >= this.lead && trail >= this.trail) {
      const sigOld = 64 - this.lead - this.trail;
      // Reusing the window costs its width; a new window costs 11 header bits plus its width.
      if (sigOld <= sigNew + 11) {
        w.writeBit(0);
        shr64(xh, xl, this.trail);
        w.writeBits64(halves.hi, halves.lo, sigOld);
        return;
      }
    }
    w.writeBit(1);
    w.writeBits(lead, 5);
    w.writeBits(sigNew & 63, 6);
    shr64(xh, xl, trail);
    w.writeBits64(halves.hi, halves.lo, sigNew);
    this.lead = lead;
    this.trail = trail;
  }
}

/** Iterates the samples of an `xor` chunk. See `ChunkIterator`. */
export class XorIterator implements ChunkIterator {
  private readonly r = new BitReader();
  private total = 0;
  private i = 0;
  private done = true;
  private error: Error | undefined = undefined;
  private t = 0;
  private v = 0;
  private tRef = 0;
  private vHi = 0;
  private vLo = 0;
  /** Whether `vHi`/`vLo` lag behind `v` (set by integer deltas, split only when a xor needs them). */
  private bitsStale = false;
  private vScale = NO_SCALE;
  private vM = 0;
  private lead = 0;
  private trail = 0;
  private intBits = 0;

  reset(data: Uint8Array): this {
    this.i = 0;
    this.error = undefined;
    this.lead = 0;
    this.trail = 0;
    this.intBits = 0;
    this.bitsStale = false;
    this.done = false;
    if (data.length < XOR_HEADER_BYTES || data[0] !== XOR_ENCODING_ID) {
      this.total = 0;
      this.done = true;
      this.error = new ChunkFormatError(
        `cannot read chunk: expected xor encoding id ${XOR_ENCODING_ID} and ${XOR_HEADER_BYTES} header bytes, got ${data.length} bytes starting with ${data[0] ?? 'nothing'}`,
      );
      return this;
    }
    this.total = (data[1]! << 8) | data[2]!;
    this.r.reset(data, XOR_HEADER_BYTES);
    return this;
  }

  next(): ValueType {
    if (this.done) return 'none';
    const i = this.i;
    if (i >= this.total) {
      this.done = true;
      return 'none';
    }
    const r = this.r;
    if (i === 0) {
      this.t = this.readSigned();
      this.vHi = r.readBits(32);
      this.vLo = r.readBits(32);
      this.setValue(joinFloat(this.vHi, this.vLo));
    } else {
      let d: number;
      if (i === 1) {
        d = this.readSigned();
        this.tRef = referenceDelta(d);
      } else {
        d = this.readDelta();
      }
      this.t += d;
      this.readValue();
    }
    if (r.overflow) {
      this.done = true;
      this.error = new ChunkFormatError(
        `cannot read chunk: data ends before sample ${i + 1} of ${this.total}`,
      );
      return 'none';
    }
    this.i = i + 1;
    return 'float';
  }

  seek(t: number): ValueType {
    if (this.done) return 'none';
    if (this.i > 0 && this.t >= t) return 'float';
    while (this.next() !== 'none') {
      if (this.t >= t) return 'float';
    }
    return 'none';
  }

  atT(): number {
    return this.t;
  }

  atF(): number {
    return this.v;
  }

  err(): Error | undefined {
    return this.error;
  }

  /** Decodes many samples at once; see `SampleIterator.readBatch`. */
  readBatch(maxT: number, ts: Float64Array, vs: Float64Array, off: number, max: number): number {
    if (this.done || this.i === 0) return -1;
    let n = 0;
    while (n < max && this.t <= maxT) {
      ts[off + n] = this.t;
      vs[off + n] = this.v;
      n++;
      if (this.next() === 'none') return -n - 1;
    }
    return n;
  }

  private readDelta(): number {
    const r = this.r;
    let x: number;
    switch (r.readUnary(5)) {
      case 0:
        return this.tRef;
      case 1:
        x = r.readBits(4);
        return this.tRef + (x >= 8 ? x - 16 : x);
      case 2:
        x = r.readBits(7);
        x = x >= 64 ? x - 128 : x;
        break;
      case 3:
        x = r.readBits(13);
        x = x >= 4096 ? x - 8192 : x;
        break;
      case 4:
        x = r.readBits(20);
        x = x >= 524288 ? x - 1048576 : x;
        break;
      default:
        x = this.readSigned();
    }
    const d = this.tRef + x;
    this.tRef = referenceDelta(d);
    return d;
  }

  private readSigned(): number {
    const r = this.r;
    const neg = r.readBit();
    const nb = r.readBits(6);
    const mag = nb > 32 ? r.readBits(nb - 32) * TWO_32 + r.readBits(32) : r.readBits(nb);
    return neg === 1 ? -mag : mag;
  }

  private readValue(): void {
    const r = this.r;
    if (r.readBit() === 0) return;
    if (this.vScale !== NO_SCALE) {
      if (r.readBit() === 0) {
        this.readIntDelta();
        return;
      }
    }
    if (r.readBit() === 1) {
      this.lead = r.readBits(5);
      let sig = r.readBits(6);
      if (sig === 0) sig = 64;
      this.trail = 64 - this.lead - sig;
      if (this.trail < 0) {
        this.trail = 0;
        r.overflow = true;
        return;
      }
    }
    const sig = 64 - this.lead - this.trail;
    const xh = sig > 32 ? r.readBits(sig - 32) : 0;
    const xl = r.readBits(sig > 32 ? 32 : sig);
    if (this.bitsStale) {
      splitFloat(this.v);
      this.vHi = halves.hi;
      this.vLo = halves.lo;
      this.bitsStale = false;
    }
    shl64(xh, xl, this.trail);
    this.vHi = (this.vHi ^ halves.hi) >>> 0;
    this.vLo = (this.vLo ^ halves.lo) >>> 0;
    this.setValue(joinFloat(this.vHi, this.vLo));
  }

  private setValue(v: number): void {
    this.v = v;
    const s = decimalScale(v);
    this.vScale = s;
    this.vM = s === NO_SCALE ? 0 : Math.round(v * POW10[s]!);
  }

  private readIntDelta(): void {
    const r = this.r;
    let nb = this.intBits;
    if (r.readBit() === 1) {
      nb = r.readBits(6);
      this.intBits = nb;
    }
    const z = nb > 32 ? r.readBits(nb - 32) * TWO_32 + r.readBits(32) : r.readBits(nb);
    const d = z % 2 === 0 ? z / 2 : -(z + 1) / 2;
    this.vM += d;
    this.v = this.vM / POW10[this.vScale]!;
    this.bitsStale = true;
  }
}
