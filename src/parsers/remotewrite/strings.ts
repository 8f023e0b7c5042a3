import { isUtf8 } from 'node:buffer';

/** Options of a `WireStrings` reader. */
export interface WireStringsOptions {
  /**
   * Slots of the direct-mapped cache from byte sequence to string (a power of two; 0 turns
   * interning off). Label names and most label values repeat from series to series, so a hit
   * returns the same string without decoding and without allocating.
   */
  internSlots: number;
  /** Longer strings are never interned: they rarely repeat and comparing them costs more. */
  internMaxBytes: number;
}

/** Default options: 4096 slots (about 32 KiB of references), strings up to 64 bytes. */
export function defaultWireStringsOptions(): WireStringsOptions {
  return { internSlots: 4096, internMaxBytes: 64 };
}

/** FNV-1a 32-bit offset basis and prime. */
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/**
 * Turns UTF-8 byte ranges of a buffer into strings, validating the UTF-8 and interning short
 * ASCII strings in a small direct-mapped cache (byte sequence → string).
 *
 * The cache survives across requests, which is where most of its hits come from. One instance
 * per decoder; not safe for concurrent use (it never is in one isolate).
 */
export class WireStrings {
  private readonly slots: (string | undefined)[];
  private readonly mask: number;
  private readonly maxBytes: number;
  /** Cache statistics, for benchmarks. */
  hits = 0;
  /** Cache misses (strings decoded and stored). */
  misses = 0;

  constructor(options: WireStringsOptions = defaultWireStringsOptions()) {
    const n = options.internSlots;
    if (n !== 0 && (n & (n - 1)) !== 0) {
      throw new RangeError(`internSlots must be a power of two or 0, got ${n}`);
    }
    this.slots = new Array<string | undefined>(n).fill(undefined);
    this.mask = n - 1;
    this.maxBytes = n === 0 ? -1 : options.internMaxBytes;
  }

  /**
   * Returns the string for `buf[start, end)`, or `undefined` when the bytes are not valid UTF-8.
   * `buf` must be a `Buffer` (a view over the request bytes) for the native slicing calls.
   */
  read(buf: Buffer, start: number, end: number): string | undefined {
    const len = end - start;
    if (len === 0) return '';
    if (len > this.maxBytes) return decodeUncached(buf, start, end);
    // Hash the length and a few sampled bytes only: a hit is verified byte by byte anyway (which
    // also proves the bytes are ASCII), so the hash just has to spread typical label strings.
    const last = end - 1;
    let h = Math.imul(FNV_OFFSET ^ len, FNV_PRIME);
    h = Math.imul(h ^ buf[start]!, FNV_PRIME);
    h = Math.imul(h ^ buf[last]!, FNV_PRIME);
    h = Math.imul(h ^ buf[start + (len >> 1)]!, FNV_PRIME);
    if (len > 3) {
      h = Math.imul(h ^ buf[last - 1]!, FNV_PRIME);
      h = Math.imul(h ^ buf[last - 2]!, FNV_PRIME);
      h = Math.imul(h ^ buf[last - 3]!, FNV_PRIME);
      h = Math.imul(h ^ buf[start + (len >> 2)]!, FNV_PRIME);
    }
    const slot = (h ^ (h >>> 15)) & this.mask;
    const cached = this.slots[slot];
    if (cached?.length === len && sameAscii(cached, buf, start)) {
      this.hits++;
      return cached;
    }
    let high = 0;
    for (let i = start; i < end; i++) high |= buf[i]!;
    if (high >= 0x80) return decodeNonAscii(buf, start, end);
    this.misses++;
    const s = latin1(buf, start, end);
    this.slots[slot] = s;
    return s;
  }
}

function sameAscii(s: string, buf: Buffer, start: number): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) !== buf[start + i]) return false;
  return true;
}

function decodeUncached(buf: Buffer, start: number, end: number): string | undefined {
  let high = 0;
  for (let i = start; i < end; i++) high |= buf[i]!;
  return high < 0x80 ? latin1(buf, start, end) : decodeNonAscii(buf, start, end);
}

function decodeNonAscii(buf: Buffer, start: number, end: number): string | undefined {
  return isUtf8(buf.subarray(start, end)) ? utf8(buf, start, end) : undefined;
}

/**
 * Node's Buffer has undocumented `latin1Slice`/`utf8Slice` methods that skip the encoding-name
 * handling of `toString` (about 30% faster for short strings); use them when present.
 */
interface NativeSlices {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}
const proto: Partial<NativeSlices> = Buffer.prototype as Partial<NativeSlices>;
const HAS_NATIVE_SLICES =
  typeof proto.latin1Slice === 'function' && typeof proto.utf8Slice === 'function';

function latin1(buf: Buffer, start: number, end: number): string {
  return HAS_NATIVE_SLICES
    ? (buf as unknown as NativeSlices).latin1Slice(start, end)
    : buf.toString('latin1', start, end);
}

function utf8(buf: Buffer, start: number, end: number): string {
  return HAS_NATIVE_SLICES
    ? (buf as unknown as NativeSlices).utf8Slice(start, end)
    : buf.toString('utf8', start, end);
}
