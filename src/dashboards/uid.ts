/** Short random identifiers for dashboards and folders, like Grafana's. */
import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Length of generated uids: 14 characters of 62 give about 83 bits. */
const UID_LENGTH = 14;

/** A new random uid of letters and digits. */
export function newUid(): string {
  const bytes = randomBytes(UID_LENGTH);
  let out = '';
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length] ?? 'a';
  return out;
}

/**
 * A uid derived from a text (a file path, a folder path): a readable slug when it fits in 40
 * characters, otherwise a slug prefix and a hash, so the same text always gives the same uid.
 */
export function uidFromText(text: string): string {
  const slug = text
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (slug !== '' && slug.length <= 40) return slug;
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 12);
  return `${slug.slice(0, 27)}-${hash}`.replace(/^-+/, '');
}
