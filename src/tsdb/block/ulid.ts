/** ULIDs name blocks: 48-bit millisecond time + 80 random bits, Crockford base32, 26 characters. */
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** Largest time a ULID can hold (2^48 - 1 ms). */
const MAX_ULID_TIME = 2 ** 48 - 1;

/**
 * Returns a new ULID for time `now` (ms, default `Date.now()`). ULIDs sort by time as strings,
 * so block directories list in creation order.
 */
export function newULID(now: number = Date.now()): string {
  if (!Number.isSafeInteger(now) || now < 0 || now > MAX_ULID_TIME) {
    throw new RangeError(`cannot create ULID: time ${now} outside [0, 2^48)`);
  }
  let out = '';
  let t = now;
  const timeChars: string[] = [];
  for (let i = 0; i < 10; i++) {
    timeChars.push(ALPHABET[t % 32]!);
    t = Math.floor(t / 32);
  }
  out = timeChars.reverse().join('');
  const rnd = randomBytes(10);
  // 80 bits → 16 characters of 5 bits each.
  let acc = 0;
  let bits = 0;
  for (const byte of rnd) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(acc >>> bits) & 31]!;
    }
    acc &= (1 << bits) - 1;
  }
  return out;
}

/** Whether `s` is syntactically a ULID. */
export function isULID(s: string): boolean {
  return /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/.test(s);
}
