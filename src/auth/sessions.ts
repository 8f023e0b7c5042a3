/**
 * Sessions of signed-in users. The cookie holds a random 256-bit secret; the store keys the
 * session by the secret's SHA-256, so a copy of the store cannot be replayed as cookies. Sessions
 * end at an absolute expiry, after an idle timeout, at logout, or all at once ("log out
 * everywhere", password change, user deletion).
 */
import type { MetaStore } from '../meta/index.js';
import { SESSIONS, sessionDoc, type SessionDoc } from './records.js';
import { randomSecret, sha256Hex } from './secrets.js';

/** Lifetimes of sessions. */
export interface SessionOptions {
  /** Absolute lifetime, in ms. */
  readonly ttlMs: number;
  /** Ends a session unused for this long, in ms. */
  readonly idleMs: number;
  /** `lastSeenAt` is written at most this often per session, in ms. */
  readonly touchIntervalMs: number;
}

/** Defaults: 7 days absolute, 24 hours idle, last-seen written once a minute. */
export function defaultSessionOptions(): SessionOptions {
  return { ttlMs: 7 * 86_400_000, idleMs: 86_400_000, touchIntervalMs: 60_000 };
}

/** A live session. */
export interface LiveSession {
  /** The store key (hash of the secret). */
  readonly key: string;
  readonly doc: SessionDoc;
}

/** The sessions collection. */
export class Sessions {
  constructor(
    private readonly meta: MetaStore,
    readonly opts: SessionOptions,
    private readonly now: () => number,
  ) {}

  /** Starts a new session for `user`; returns the cookie secret (shown once) and the session. */
  async create(user: string): Promise<{ secret: string; session: LiveSession }> {
    const secret = randomSecret();
    const now = this.now();
    const doc: SessionDoc = {
      user,
      csrf: randomSecret(),
      createdAt: now,
      lastSeenAt: now,
      expiresAt: now + this.opts.ttlMs,
    };
    const key = sha256Hex(secret);
    await this.meta.put(SESSIONS, key, doc, { expectedVersion: 0 });
    return { secret, session: { key, doc } };
  }

  /** The live session of a cookie secret; expired or idle sessions are deleted and undefined. */
  async find(secret: string): Promise<LiveSession | undefined> {
    const key = sha256Hex(secret);
    const r = await this.meta.get(SESSIONS, key);
    if (!r) return undefined;
    const doc = sessionDoc(r.value);
    const now = this.now();
    if (!doc || now >= doc.expiresAt || now - doc.lastSeenAt >= this.opts.idleMs) {
      await this.meta.delete(SESSIONS, key).catch(() => false);
      return undefined;
    }
    if (now - doc.lastSeenAt >= this.opts.touchIntervalMs) {
      // Best effort: a concurrent touch of the same session wins, which is just as good.
      await this.meta
        .put(SESSIONS, key, { ...doc, lastSeenAt: now }, { expectedVersion: r.version })
        .catch(() => undefined);
    }
    return { key, doc };
  }

  /** Ends one session. */
  async end(key: string): Promise<void> {
    await this.meta.delete(SESSIONS, key);
  }

  /** Ends every session of `user` except `keep` (a key); returns how many ended. */
  async endAll(user: string, keep?: string): Promise<number> {
    let n = 0;
    for (const r of await this.meta.list(SESSIONS)) {
      const doc = sessionDoc(r.value);
      if ((doc === undefined || doc.user === user) && r.id !== keep) {
        if (await this.meta.delete(SESSIONS, r.id).catch(() => false)) n++;
      }
    }
    return n;
  }

  /** Deletes expired and idle sessions; returns how many. */
  async sweep(): Promise<number> {
    let n = 0;
    const now = this.now();
    for (const r of await this.meta.list(SESSIONS)) {
      const doc = sessionDoc(r.value);
      if (!doc || now >= doc.expiresAt || now - doc.lastSeenAt >= this.opts.idleMs) {
        if (await this.meta.delete(SESSIONS, r.id).catch(() => false)) n++;
      }
    }
    return n;
  }
}
