/**
 * Prometheus' XOR chunk format (as sent in remote read's `STREAMED_XOR_CHUNKS` responses):
 * a 2-byte big-endian sample count, then a bit stream — the first timestamp as a signed varint
 * and the first value as 64 raw bits; the second timestamp as an unsigned varint delta; then
 * delta-of-delta timestamps in 1/14/17/20/64-bit buckets and Gorilla XOR values with leading
 * zero counts capped at 31.
 */

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LE ? 1 : 0;
const LO = LE ? 0 : 1;

class BitWriter {
  buf = new Uint8Array(256);
  /** Number of bits written. */
  bits = 0;

  private ensure(nbits: number): void {
    const need = (this.bits + nbits + 7) >> 3;
    if (need <= this.buf.length) return;
    const b = new Uint8Array(Math.max(need, this.buf.length * 2));
    b.set(this.buf);
    this.buf = b;
  }

  bit(b: number): void {
    this.ensure(1);
    if (b !== 0) this.buf[this.bits >> 3]! |= 0x80 >> (this.bits & 7);
    this.bits++;
  }

  /** Writes the low `n` bits (n <= 32) of `v`, most significant first. */
  bits32(v: number, n: number): void {
    this.ensure(n);
    for (let i = n - 1; i >= 0; i--) this.bit((v >>> i) & 1);
  }

  /** Writes the low `n` bits (n <= 64) of the 64-bit value hi:lo. */
  bits64(hi: number, lo: number, n: number): void {
    if (n > 32) {
      this.bits32(hi, n - 32);
      this.bits32(lo, 32);
    } else this.bits32(lo, n);
  }

  byte(b: number): void {
    this.bits32(b & 0xff, 8);
  }
}

function clz64(hi: number, lo: number): number {
  return hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(lo);
}

function ctz32(x: number): number {
  return x === 0 ? 32 : 31 - Math.clz32(x & -x);
}

function ctz64(hi: number, lo: number): number {
  return lo !== 0 ? ctz32(lo) : 32 + ctz32(hi);
}

/** Shifts the 64-bit value hi:lo right by n (0..63). */
function shr64(hi: number, lo: number, n: number): [number, number] {
  if (n === 0) return [hi >>> 0, lo >>> 0];
  if (n >= 32) return [0, hi >>> (n - 32)];
  return [hi >>> n, ((lo >>> n) | (hi << (32 - n))) >>> 0];
}

/** Encodes samples (timestamps strictly increasing) into one Prometheus XOR chunk. */
export function encodeXORChunk(
  ts: ArrayLike<number>,
  vs: ArrayLike<number>,
  from: number,
  to: number,
): Uint8Array {
  const w = new BitWriter();
  const n = to - from;
  w.byte(n >> 8);
  w.byte(n);
  let prevT = 0;
  let prevDelta = 0;
  let prevHi = 0;
  let prevLo = 0;
  let leading = 0xff;
  let trailing = 0;
  for (let i = from; i < to; i++) {
    const t = ts[i]!;
    f64[0] = vs[i]!;
    const hi = u32[HI]!;
    const lo = u32[LO]!;
    const k = i - from;
    if (k === 0) {
      writeVarint(w, t);
      w.bits32(hi, 32);
      w.bits32(lo, 32);
    } else if (k === 1) {
      prevDelta = t - prevT;
      writeUvarint(w, prevDelta);
      writeXOR();
    } else {
      const delta = t - prevT;
      const dod = delta - prevDelta;
      if (dod === 0) w.bit(0);
      else if (dod >= -8191 && dod <= 8192) {
        w.bits32(0b10, 2);
        w.bits32(dod & 0x3fff, 14);
      } else if (dod >= -65535 && dod <= 65536) {
        w.bits32(0b110, 3);
        w.bits32(dod & 0x1ffff, 17);
      } else if (dod >= -524287 && dod <= 524288) {
        w.bits32(0b1110, 4);
        w.bits32(dod & 0xfffff, 20);
      } else {
        w.bits32(0b1111, 4);
        const [h, l] = int64Parts(dod);
        w.bits64(h, l, 64);
      }
      prevDelta = delta;
      writeXOR();
    }
    prevT = t;
    prevHi = hi;
    prevLo = lo;

    function writeXOR(): void {
      const dh = (hi ^ prevHi) >>> 0;
      const dl = (lo ^ prevLo) >>> 0;
      if (dh === 0 && dl === 0) {
        w.bit(0);
        return;
      }
      w.bit(1);
      let newLeading = clz64(dh, dl);
      const newTrailing = ctz64(dh, dl);
      if (newLeading >= 32) newLeading = 31;
      if (leading !== 0xff && newLeading >= leading && newTrailing >= trailing) {
        w.bit(0);
        const [h, l] = shr64(dh, dl, trailing);
        w.bits64(h, l, 64 - leading - trailing);
        return;
      }
      leading = newLeading;
      trailing = newTrailing;
      w.bit(1);
      w.bits32(newLeading, 5);
      const sig = 64 - newLeading - newTrailing;
      w.bits32(sig & 0x3f, 6);
      const [h, l] = shr64(dh, dl, newTrailing);
      w.bits64(h, l, sig);
    }
  }
  return w.buf.slice(0, (w.bits + 7) >> 3);
}

function int64Parts(v: number): [number, number] {
  const big = BigInt.asUintN(64, BigInt(v));
  return [Number(big >> 32n) >>> 0, Number(big & 0xffffffffn) >>> 0];
}

function writeUvarint(w: BitWriter, v: number): void {
  let x = BigInt(v);
  while (x >= 0x80n) {
    w.byte(Number(x & 0x7fn) | 0x80);
    x >>= 7n;
  }
  w.byte(Number(x));
}

function writeVarint(w: BitWriter, v: number): void {
  const big = BigInt(v);
  const zz = big >= 0n ? big << 1n : (-big << 1n) - 1n;
  writeUvarint(w, Number(zz));
}

class BitReader {
  pos = 0;
  constructor(private readonly buf: Uint8Array) {}

  bit(): number {
    const byte = this.buf[this.pos >> 3];
    if (byte === undefined) throw new Error('XOR chunk ends early');
    const b = (byte >> (7 - (this.pos & 7))) & 1;
    this.pos++;
    return b;
  }

  bits32(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) v = ((v << 1) | this.bit()) >>> 0;
    return v;
  }

  bits64(n: number): [number, number] {
    if (n > 32) {
      const hi = this.bits32(n - 32);
      return [hi, this.bits32(32)];
    }
    return [0, this.bits32(n)];
  }

  uvarint(): bigint {
    let x = 0n;
    let s = 0n;
    for (;;) {
      const b = this.bits32(8);
      x |= BigInt(b & 0x7f) << s;
      if (b < 0x80) return x;
      s += 7n;
    }
  }
}

/** Decodes a Prometheus XOR chunk into timestamps and values (typed arrays keep NaN bits). */
export function decodeXORChunk(data: Uint8Array): { ts: Float64Array; vs: Float64Array } {
  const r = new BitReader(data);
  const n = r.bits32(16);
  const ts = new Float64Array(n);
  const vs = new Float64Array(n);
  let t = 0;
  let delta = 0;
  let hi = 0;
  let lo = 0;
  let leading = 0;
  let trailing = 0;
  for (let i = 0; i < n; i++) {
    if (i === 0) {
      const zz = r.uvarint();
      t = Number((zz & 1n) === 0n ? zz >> 1n : -((zz + 1n) >> 1n));
      hi = r.bits32(32);
      lo = r.bits32(32);
    } else {
      if (i === 1) delta = Number(r.uvarint());
      else {
        // Count the leading 1 bits (at most 4) to find the bucket: 0, 14, 17, 20 or 64 bits.
        let ones = 0;
        while (ones < 4 && r.bit() === 1) ones++;
        let dod = 0;
        if (ones === 1) dod = signExtend(r.bits32(14), 14);
        else if (ones === 2) dod = signExtend(r.bits32(17), 17);
        else if (ones === 3) dod = signExtend(r.bits32(20), 20);
        else if (ones === 4) {
          const [h, l] = r.bits64(64);
          dod = Number(BigInt.asIntN(64, (BigInt(h) << 32n) | BigInt(l)));
        }
        delta += dod;
      }
      t += delta;
      if (r.bit() === 1) {
        if (r.bit() === 1) {
          leading = r.bits32(5);
          let sig = r.bits32(6);
          if (sig === 0) sig = 64;
          trailing = 64 - leading - sig;
        }
        const sig = 64 - leading - trailing;
        const [h, l] = r.bits64(sig);
        // Shift left by `trailing` and XOR into the previous value.
        const big = ((BigInt(h) << 32n) | BigInt(l)) << BigInt(trailing);
        hi = (hi ^ Number((big >> 32n) & 0xffffffffn)) >>> 0;
        lo = (lo ^ Number(big & 0xffffffffn)) >>> 0;
      }
    }
    ts[i] = t;
    u32[HI] = hi;
    u32[LO] = lo;
    vs[i] = f64[0]!;
  }
  return { ts, vs };
}

function signExtend(v: number, bits: number): number {
  return v > 1 << (bits - 1) ? v - (1 << bits) : v;
}
