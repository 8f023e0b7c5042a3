/**
 * Password hashing with scrypt, a memory-hard KDF from `node:crypto` (see
 * docs/decisions/0008-password-kdf.md). Stored form: `scrypt$<N>$<r>$<p>$<salt>$<hash>` with
 * base64url salt and hash, so parameters can be raised later without breaking old hashes.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** scrypt cost parameters. */
export interface ScryptParams {
  /** CPU/memory cost, a power of two. Memory is 128·N·r bytes. */
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/**
 * Defaults: N=2^15, r=8 (32 MiB and roughly 50–100 ms per hash on a small machine), above the
 * OWASP minimum for scrypt (N=2^17 with r=8 costs 128 MiB, too much for a 1 GB machine that
 * hashes several logins at once).
 */
export const DEFAULT_SCRYPT: ScryptParams = { N: 1 << 15, r: 8, p: 1 };

const KEY_LEN = 32;
const SALT_LEN = 16;
/** Passwords longer than this are refused (hashing cost grows with length only slightly, but
 * unbounded input is never needed). */
export const MAX_PASSWORD_LENGTH = 1024;
/** The shortest password accepted. */
export const MIN_PASSWORD_LENGTH = 10;

/** Returns the message of a password that is not acceptable, or undefined when it is. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH)
    return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH)
    return `must be at most ${MAX_PASSWORD_LENGTH} characters`;
  return undefined;
}

/**
 * Hashes and verifies passwords, at most `maxConcurrent` at once so that a burst of logins cannot
 * exhaust memory (each hash holds 128·N·r bytes while it runs). Safe to share between requests.
 */
export class PasswordHasher {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly params: ScryptParams = DEFAULT_SCRYPT,
    private readonly maxConcurrent = 2,
  ) {}

  /** Hashes a password with a fresh random salt. */
  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_LEN);
    const key = await this.derive(password, salt, this.params);
    const p = this.params;
    return ['scrypt', p.N, p.r, p.p, salt.toString('base64url'), key.toString('base64url')].join(
      '$',
    );
  }

  /** Whether `password` matches a stored hash; false for malformed hashes. Constant-time compare. */
  async verify(password: string, stored: string): Promise<boolean> {
    if (password.length > MAX_PASSWORD_LENGTH) return false;
    const parts = stored.split('$');
    if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
    const N = Number(parts[1]);
    const r = Number(parts[2]);
    const p = Number(parts[3]);
    if (![N, r, p].every((x) => Number.isInteger(x) && x > 0) || N > 1 << 20 || r > 32 || p > 16)
      return false;
    const salt = Buffer.from(parts[4] ?? '', 'base64url');
    const want = Buffer.from(parts[5] ?? '', 'base64url');
    if (want.length !== KEY_LEN) return false;
    const got = await this.derive(password, salt, { N, r, p });
    return timingSafeEqual(got, want);
  }

  private async derive(password: string, salt: Buffer, p: ScryptParams): Promise<Buffer> {
    while (this.running >= this.maxConcurrent)
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await new Promise<Buffer>((resolve, reject) => {
        scrypt(
          password.normalize('NFC'),
          salt,
          KEY_LEN,
          { N: p.N, r: p.r, p: p.p, maxmem: 256 * p.N * p.r + (1 << 20) },
          (err, key) => {
            if (err) reject(err);
            else resolve(key);
          },
        );
      });
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}
