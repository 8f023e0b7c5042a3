/**
 * Fast non-cryptographic string hashing for label sets and symbols.
 *
 * The hash is two independent 32-bit FNV-1a style mixes over UTF-16 code units, combined into
 * one safe integer (53 bits), so it can be used as a `Map` key without allocation.
 */

const FNV_OFFSET_A = 0x811c9dc5;
const FNV_OFFSET_B = 0x01000193 ^ 0x5bd1e995;
const FNV_PRIME = 0x01000193;

/** Mutable hashing state; `reset()` and reuse it on hot paths. */
export class Hasher {
  private a = FNV_OFFSET_A;
  private b = FNV_OFFSET_B;

  /** Starts a new hash. */
  reset(): this {
    this.a = FNV_OFFSET_A;
    this.b = FNV_OFFSET_B;
    return this;
  }

  /** Adds a string followed by a separator code unit that cannot occur in valid UTF-8 text. */
  addString(s: string): this {
    let a = this.a;
    let b = this.b;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      a = Math.imul(a ^ c, FNV_PRIME);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 15;
    }
    a = Math.imul(a ^ 0xffff, FNV_PRIME);
    b = Math.imul(b ^ 0xffff, 0x5bd1e995);
    this.a = a;
    this.b = b ^ (b >>> 13);
    return this;
  }

  /** Returns the hash as a non-negative safe integer (53 bits). */
  digest(): number {
    return (this.a >>> 0) * 0x200000 + ((this.b >>> 0) & 0x1fffff);
  }
}

const shared = new Hasher();

/** Hashes a flat list of strings (for example label names and values) into a safe integer. */
export function hashStrings(parts: readonly string[]): number {
  shared.reset();
  for (const p of parts) shared.addString(p);
  return shared.digest();
}
