/** Random secrets, their hashes and constant-time comparison. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A random URL-safe string of `bytes` random bytes (32 bytes: 256 bits). */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** A random identifier: 16 hex characters (64 bits), for store keys that are not secret. */
export function randomId(): string {
  return randomBytes(8).toString('hex');
}

/** The SHA-256 of a high-entropy secret, hex. (Passwords use `hashPassword` instead.) */
export function sha256Hex(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

/** Compares two strings in time that depends only on their lengths. */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  if (x.length !== y.length) {
    // Compare anyway so a length mismatch costs about as much as a content mismatch.
    timingSafeEqual(x, x);
    return false;
  }
  return timingSafeEqual(x, y);
}
