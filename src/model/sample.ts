/**
 * Sample values and timestamps.
 *
 * Timestamps are integer milliseconds since the Unix epoch held in a JavaScript number (exact up
 * to 2^53 ms, far beyond any real date). Values are IEEE-754 float64.
 */

/** The bit pattern Prometheus uses for a staleness marker (a signalling NaN). */
export const STALE_NAN_BITS_HI = 0x7ff00000;
/** Low 32 bits of the staleness marker. */
export const STALE_NAN_BITS_LO = 0x00000002;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LITTLE_ENDIAN ? 1 : 0;
const LO = LITTLE_ENDIAN ? 0 : 1;

/**
 * The staleness marker value: written when a series disappears, never returned by queries.
 *
 * Keep sample values in `Float64Array`s (or `DataView`s), never in plain `number[]` arrays: V8
 * canonicalises NaNs stored in double-element arrays, which turns this marker into a plain NaN.
 */
export const STALE_NAN: number = (() => {
  u32[HI] = STALE_NAN_BITS_HI;
  u32[LO] = STALE_NAN_BITS_LO;
  return f64[0]!;
})();

/**
 * Whether a value is the staleness marker. V8 keeps NaN payloads of values that come out of
 * typed arrays, so the marker survives storage round trips through Float64Array / DataView.
 */
export function isStaleNaN(v: number): boolean {
  if (v === v) return false; // not NaN
  f64[0] = v;
  return u32[HI] === STALE_NAN_BITS_HI && u32[LO] === STALE_NAN_BITS_LO;
}

/** Whether two float values are the same bit pattern (NaN payloads included). */
export function sameFloatBits(a: number, b: number): boolean {
  if (a === b) return a !== 0 || 1 / a === 1 / b;
  if (a !== a && b !== b) {
    f64[0] = a;
    const ah = u32[HI];
    const al = u32[LO];
    f64[0] = b;
    return ah === u32[HI] && al === u32[LO];
  }
  return false;
}

/** Minimum representable timestamp used for open-ended ranges. */
export const MIN_TIME = -9007199254740991;
/** Maximum representable timestamp used for open-ended ranges. */
export const MAX_TIME = 9007199254740991;
