/**
 * API tokens and share links: `kst_<id>_<secret>` and `ksh_<id>_<secret>` (id: 16 hex digits,
 * secret: 256 random bits). The store keeps the id, the SHA-256 of the secret and the metadata;
 * the full token is shown once, at creation. Lookups go by id and compare the hash in constant
 * time. A token made by another process (the offline CLI) is found by re-reading the store on a
 * miss, at most once per `reloadIntervalMs`.
 */
import type { MetaStore } from '../meta/index.js';
import { SHARES, TOKENS, shareDoc, tokenDoc, type ShareDoc, type TokenDoc } from './records.js';
import { constantTimeEqual, randomId, randomSecret, sha256Hex } from './secrets.js';
import type { Scope, ShareTarget } from './types.js';

/** Prefix of API tokens. */
export const TOKEN_PREFIX = 'kst_';
/** Prefix of share-link secrets. */
export const SHARE_PREFIX = 'ksh_';

const SECRET_RE = /^(kst|ksh)_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** A token split into its parts, or undefined when it does not look like one of ours. */
export function splitSecret(
  s: string,
): { kind: 'token' | 'share'; id: string; secret: string } | undefined {
  const m = SECRET_RE.exec(s);
  if (!m) return undefined;
  return { kind: m[1] === 'kst' ? 'token' : 'share', id: m[2] ?? '', secret: m[3] ?? '' };
}

/** A token as listings show it (never the secret). */
export interface TokenInfo {
  readonly id: string;
  readonly name: string;
  readonly user: string;
  readonly scopes: readonly Scope[];
  readonly matchers: readonly string[];
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly lastUsedAt: number;
}

/** A share link as listings show it (never the secret). */
export interface ShareInfo {
  readonly id: string;
  readonly user: string;
  readonly target: ShareTarget;
  readonly createdAt: number;
  readonly expiresAt: number;
}

/** What is needed to create a token. */
export interface NewToken {
  readonly name: string;
  readonly user: string;
  readonly scopes: readonly Scope[];
  readonly matchers: readonly string[];
  /** ms since the epoch, 0 for no expiry. */
  readonly expiresAt: number;
}

/** API tokens and share links in the metadata store. */
export class Tokens {
  private readonly lastUsedWritten = new Map<string, number>();
  private lastReload = -Infinity;

  constructor(
    private readonly meta: MetaStore,
    private readonly now: () => number,
    /** Opens a fresh view of the store (finds documents written by other processes). */
    private readonly reopen: (() => MetaStore) | undefined,
    private readonly lastUsedIntervalMs = 60_000,
    private readonly reloadIntervalMs = 1000,
  ) {}

  /** Creates a token; returns the full token text (shown once) and its info. */
  async create(t: NewToken): Promise<{ token: string; info: TokenInfo }> {
    const id = randomId();
    const secret = randomSecret();
    const doc: TokenDoc = {
      name: t.name,
      user: t.user,
      scopes: [...t.scopes],
      matchers: [...t.matchers],
      secretHash: sha256Hex(secret),
      createdAt: this.now(),
      expiresAt: t.expiresAt,
      lastUsedAt: 0,
    };
    await this.meta.put(TOKENS, id, doc, { expectedVersion: 0 });
    return { token: `${TOKEN_PREFIX}${id}_${secret}`, info: tokenInfo(id, doc) };
  }

  /** Every token (of `user` when given). */
  async list(user?: string): Promise<TokenInfo[]> {
    const out: TokenInfo[] = [];
    for (const r of await this.meta.list(TOKENS)) {
      const d = tokenDoc(r.value);
      if (d && (user === undefined || d.user === user)) out.push(tokenInfo(r.id, d));
    }
    return out;
  }

  /** One token's info. */
  async info(id: string): Promise<TokenInfo | undefined> {
    const r = await this.meta.get(TOKENS, id);
    const d = r ? tokenDoc(r.value) : undefined;
    return d ? tokenInfo(id, d) : undefined;
  }

  /** Revokes a token; false when there was none. */
  revoke(id: string): Promise<boolean> {
    return this.meta.delete(TOKENS, id);
  }

  /** The live token of a secret (checked hash, not expired), updating its last-used time. */
  async verify(id: string, secret: string): Promise<TokenInfo | undefined> {
    let r = await this.meta.get(TOKENS, id);
    if (!r) r = await this.reload(TOKENS, id);
    const d = r ? tokenDoc(r.value) : undefined;
    if (!d || !constantTimeEqual(d.secretHash, sha256Hex(secret))) return undefined;
    const now = this.now();
    if (d.expiresAt !== 0 && now >= d.expiresAt) return undefined;
    const written = this.lastUsedWritten.get(id) ?? d.lastUsedAt;
    if (now - written >= this.lastUsedIntervalMs) {
      this.lastUsedWritten.set(id, now);
      // Best effort and in the background: the request does not wait for the write.
      void this.meta.put(TOKENS, id, { ...d, lastUsedAt: now }).catch(() => undefined);
    }
    return tokenInfo(id, d);
  }

  /** Creates a share link; returns the secret text (shown once) and its info. */
  async createShare(
    user: string,
    target: ShareTarget,
    expiresAt: number,
  ): Promise<{ token: string; info: ShareInfo }> {
    const id = randomId();
    const secret = randomSecret();
    const doc: ShareDoc = {
      user,
      target,
      secretHash: sha256Hex(secret),
      createdAt: this.now(),
      expiresAt,
    };
    await this.meta.put(SHARES, id, doc, { expectedVersion: 0 });
    return { token: `${SHARE_PREFIX}${id}_${secret}`, info: shareInfo(id, doc) };
  }

  /** Every share link (of `user` when given). */
  async listShares(user?: string): Promise<ShareInfo[]> {
    const out: ShareInfo[] = [];
    for (const r of await this.meta.list(SHARES)) {
      const d = shareDoc(r.value);
      if (d && (user === undefined || d.user === user)) out.push(shareInfo(r.id, d));
    }
    return out;
  }

  /** One share link's info. */
  async shareInfo(id: string): Promise<ShareInfo | undefined> {
    const r = await this.meta.get(SHARES, id);
    const d = r ? shareDoc(r.value) : undefined;
    return d ? shareInfo(id, d) : undefined;
  }

  /** Revokes a share link; false when there was none. */
  revokeShare(id: string): Promise<boolean> {
    return this.meta.delete(SHARES, id);
  }

  /** The live share link of a secret. */
  async verifyShare(id: string, secret: string): Promise<ShareInfo | undefined> {
    const r = await this.meta.get(SHARES, id);
    const d = r ? shareDoc(r.value) : undefined;
    if (!d || !constantTimeEqual(d.secretHash, sha256Hex(secret))) return undefined;
    if (d.expiresAt !== 0 && this.now() >= d.expiresAt) return undefined;
    return shareInfo(id, d);
  }

  /** Revokes every token and share link of `user`; returns how many. */
  async revokeAllOf(user: string): Promise<number> {
    let n = 0;
    for (const t of await this.list(user)) if (await this.revoke(t.id)) n++;
    for (const s of await this.listShares(user)) if (await this.revokeShare(s.id)) n++;
    return n;
  }

  /**
   * Looks for a document another process wrote since this store was loaded; when found, it is
   * copied into this store so that later reads and writes see it.
   */
  private async reload(collection: string, id: string) {
    if (!this.reopen) return undefined;
    const now = this.now();
    if (now - this.lastReload < this.reloadIntervalMs) return undefined;
    this.lastReload = now;
    const fresh = this.reopen();
    try {
      const r = await fresh.get(collection, id);
      if (!r) return undefined;
      await this.meta.put(collection, id, r.value, { expectedVersion: 0 }).catch(() => undefined);
      return await this.meta.get(collection, id);
    } finally {
      await fresh.close();
    }
  }
}

function tokenInfo(id: string, d: TokenDoc): TokenInfo {
  return {
    id,
    name: d.name,
    user: d.user,
    scopes: d.scopes,
    matchers: d.matchers,
    createdAt: d.createdAt,
    expiresAt: d.expiresAt,
    lastUsedAt: d.lastUsedAt,
  };
}

function shareInfo(id: string, d: ShareDoc): ShareInfo {
  return { id, user: d.user, target: d.target, createdAt: d.createdAt, expiresAt: d.expiresAt };
}
