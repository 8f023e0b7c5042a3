/**
 * The documents the auth area keeps in the metadata store, and their validation (stored JSON is
 * checked when read, never just cast).
 */
import { isRole, isScope, type Role, type Scope, type ShareTarget } from './types.js';

/** Collections of the metadata store used by the auth area. */
export const USERS = 'auth_users';
/** Sessions, keyed by the SHA-256 of the session secret. */
export const SESSIONS = 'auth_sessions';
/** API tokens, keyed by the token id (the secret's hash is inside). */
export const TOKENS = 'auth_tokens';
/** Share links, keyed by the link id (the secret's hash is inside). */
export const SHARES = 'auth_shares';

/** A user. Keyed by the user name. */
export interface UserDoc {
  readonly name: string;
  readonly role: Role;
  /** `scrypt$…` (see password.ts). */
  readonly passwordHash: string;
  readonly createdAt: number;
  readonly passwordChangedAt: number;
}

/** A session of a signed-in user. */
export interface SessionDoc {
  readonly user: string;
  /** The synchronizer token for CSRF protection. */
  readonly csrf: string;
  readonly createdAt: number;
  readonly lastSeenAt: number;
  /** Absolute expiry, ms since the epoch. */
  readonly expiresAt: number;
}

/** An API token. */
export interface TokenDoc {
  readonly name: string;
  /** The owner ('' when created offline by the CLI). */
  readonly user: string;
  readonly scopes: readonly Scope[];
  /** Series selectors reads are restricted to. */
  readonly matchers: readonly string[];
  /** SHA-256 (hex) of the secret part. */
  readonly secretHash: string;
  readonly createdAt: number;
  /** ms since the epoch, or 0 for no expiry. */
  readonly expiresAt: number;
  /** ms since the epoch, or 0 for never used. */
  readonly lastUsedAt: number;
}

/** A public share link. */
export interface ShareDoc {
  readonly user: string;
  readonly target: ShareTarget;
  readonly secretHash: string;
  readonly createdAt: number;
  /** ms since the epoch, or 0 for no expiry. */
  readonly expiresAt: number;
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function isStr(v: unknown): v is string {
  return typeof v === 'string';
}
function isNum(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}
function isStrArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every(isStr);
}

/** A stored user, or undefined when the document is malformed. */
export function userDoc(v: unknown): UserDoc | undefined {
  if (!isObj(v)) return undefined;
  const { name, role, passwordHash, createdAt, passwordChangedAt } = v;
  if (
    !isStr(name) ||
    !isRole(role) ||
    !isStr(passwordHash) ||
    !isNum(createdAt) ||
    !isNum(passwordChangedAt)
  )
    return undefined;
  return { name, role, passwordHash, createdAt, passwordChangedAt };
}

/** A stored session, or undefined when malformed. */
export function sessionDoc(v: unknown): SessionDoc | undefined {
  if (!isObj(v)) return undefined;
  const { user, csrf, createdAt, lastSeenAt, expiresAt } = v;
  if (!isStr(user) || !isStr(csrf) || !isNum(createdAt) || !isNum(lastSeenAt) || !isNum(expiresAt))
    return undefined;
  return { user, csrf, createdAt, lastSeenAt, expiresAt };
}

/** A stored token, or undefined when malformed. */
export function tokenDoc(v: unknown): TokenDoc | undefined {
  if (!isObj(v)) return undefined;
  const { name, user, scopes, matchers, secretHash, createdAt, expiresAt, lastUsedAt } = v;
  if (
    !isStr(name) ||
    !isStr(user) ||
    !Array.isArray(scopes) ||
    !scopes.every(isScope) ||
    !isStrArray(matchers) ||
    !isStr(secretHash) ||
    !isNum(createdAt) ||
    !isNum(expiresAt) ||
    !isNum(lastUsedAt)
  )
    return undefined;
  return { name, user, scopes, matchers, secretHash, createdAt, expiresAt, lastUsedAt };
}

/** A stored share link, or undefined when malformed. */
export function shareDoc(v: unknown): ShareDoc | undefined {
  if (!isObj(v)) return undefined;
  const { user, target, secretHash, createdAt, expiresAt } = v;
  const t = shareTarget(target);
  if (!isStr(user) || !t || !isStr(secretHash) || !isNum(createdAt) || !isNum(expiresAt))
    return undefined;
  return { user, target: t, secretHash, createdAt, expiresAt };
}

/** A share target from untrusted JSON, or undefined when malformed. */
export function shareTarget(v: unknown): ShareTarget | undefined {
  if (!isObj(v)) return undefined;
  const { kind, dashboard, panel, variables, queries, title } = v;
  if (kind !== 'dashboard' && kind !== 'panel') return undefined;
  if (!isStr(dashboard) || dashboard === '' || !isStr(title) || !isStrArray(queries))
    return undefined;
  if (kind === 'panel' && (!isStr(panel) || panel === '')) return undefined;
  if (panel !== undefined && !isStr(panel)) return undefined;
  const vars: Record<string, string> = {};
  if (variables !== undefined) {
    if (!isObj(variables)) return undefined;
    for (const [k, x] of Object.entries(variables)) {
      if (!isStr(x)) return undefined;
      vars[k] = x;
    }
  }
  return {
    kind,
    dashboard,
    ...(isStr(panel) ? { panel } : {}),
    variables: vars,
    queries: [...queries],
    title,
  };
}
