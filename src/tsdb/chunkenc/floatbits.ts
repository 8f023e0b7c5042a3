/**
 * Helpers to move float64 values to and from their two 32-bit halves, and 64-bit shifts and bit
 * counts over such halves. They use one shared scratch buffer: callers read the result right after
 * the call, before anything else can run.
 */

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LITTLE_ENDIAN ? 1 : 0;
const LO = LITTLE_ENDIAN ? 0 : 1;

/** Scratch cell holding the two 32-bit halves produced by `splitFloat` and the shifts. */
export const halves = { hi: 0, lo: 0 };

/** Splits `v` into its high and low 32-bit halves (into `halves`), NaN payloads included. */
export function splitFloat(v: number): void {
  f64[0] = v;
  halves.hi = u32[HI]!;
  halves.lo = u32[LO]!;
}

/** Builds the float64 whose bit pattern is `hi:lo`. */
export function joinFloat(hi: number, lo: number): number {
  u32[HI] = hi;
  u32[LO] = lo;
  return f64[0]!;
}

/** Shifts `hi:lo` right by `s` bits (0..63) into `halves`. */
export function shr64(hi: number, lo: number, s: number): void {
  if (s === 0) {
    halves.hi = hi >>> 0;
    halves.lo = lo >>> 0;
  } else if (s < 32) {
    halves.lo = ((lo >>> s) | (hi << (32 - s))) >>> 0;
    halves.hi = hi >>> s;
  } else {
    halves.lo = hi >>> (s - 32);
    halves.hi = 0;
  }
}

/** Shifts `hi:lo` left by `s` bits (0..63) into `halves`. */
export function shl64(hi: number, lo: number, s: number): void {
  if (s === 0) {
    halves.hi = hi >>> 0;
    halves.lo = lo >>> 0;
  } else if (s < 32) {
    halves.hi = ((hi << s) | (lo >>> (32 - s))) >>> 0;
    halves.lo = (lo << s) >>> 0;
  } else {
    halves.hi = (lo << (s - 32)) >>> 0;
    halves.lo = 0;
  }
}

/** Number of trailing zero bits of a 32-bit value (32 for zero). */
export function ctz32(x: number): number {
  return x === 0 ? 32 : 31 - Math.clz32(x & -x);
}

/** Number of significant bits of a non-negative integer below 2^64 (0 for zero). */
export function bitLength(x: number): number {
  if (x < 0x100000000) return 32 - Math.clz32(x);
  return 64 - Math.clz32(Math.floor(x / 0x100000000));
}

/** Powers of ten used as decimal scales; index = number of decimal digits. */
export const POW10: readonly number[] = [1, 10, 100, 1000, 10000, 100000, 1000000];
/** Sentinel scale: the value has no exact decimal form. */
export const NO_SCALE = -1;

/**
 * Returns the smallest decimal scale k (0..6) such that `Math.round(v * 10^k) / 10^k` is exactly
 * `v` with the scaled integer below 2^53 in magnitude, or `NO_SCALE`. Values that came from text
 * such as `12.5` or `0.37`, and integer counters, have a scale; NaN, ±Inf and -0 do not.
 */
export function decimalScale(v: number): number {
  if (v === 0) return 1 / v > 0 ? 0 : NO_SCALE;
  if (!Number.isFinite(v)) return NO_SCALE;
  // A value with k ≤ 6 decimals also has 6: both divisions round the same rational m/10^k.
  // So one test at 10^6 rejects most floats (for |v| small enough that v·10^6 stays exact).
  if (Math.abs(v) < 9e9) {
    const m6 = Math.round(v * 1e6);
    if (m6 / 1e6 !== v) return NO_SCALE;
  }
  for (let k = 0; k < POW10.length; k++) {
    const p = POW10[k]!;
    const m = Math.round(v * p);
    if (m / p === v) return Math.abs(m) <= 9007199254740992 ? k : NO_SCALE;
  }
  return NO_SCALE;
}
