/**
 * The vocabulary of authentication and authorization: roles of users, scopes of API tokens, the
 * capabilities both grant, and the principal a request acts as.
 */

/** Roles of users: viewers read, editors also write (dashboards, silences, ingestion), admins manage. */
export type Role = 'viewer' | 'editor' | 'admin';

/** Scopes of API tokens: `read` queries, `write` ingests and edits (no reading), `admin` everything. */
export type Scope = 'read' | 'write' | 'admin';

/** What a route may require of a principal. */
export type Capability = 'read' | 'write' | 'admin';

/** Every role, weakest first. */
export const ROLES: readonly Role[] = ['viewer', 'editor', 'admin'];

/** Every token scope. */
export const SCOPES: readonly Scope[] = ['read', 'write', 'admin'];

/** Whether `v` is a role. */
export function isRole(v: unknown): v is Role {
  return v === 'viewer' || v === 'editor' || v === 'admin';
}

/** Whether `v` is a token scope. */
export function isScope(v: unknown): v is Scope {
  return v === 'read' || v === 'write' || v === 'admin';
}

/** The capabilities a role grants. */
export function roleCapabilities(role: Role): readonly Capability[] {
  switch (role) {
    case 'viewer':
      return ['read'];
    case 'editor':
      return ['read', 'write'];
    case 'admin':
      return ['read', 'write', 'admin'];
  }
}

/**
 * The capabilities a token scope grants. `write` does not include `read`: a leaked ingestion
 * token must not reveal stored data.
 */
export function scopeCapabilities(scope: Scope): readonly Capability[] {
  switch (scope) {
    case 'read':
      return ['read'];
    case 'write':
      return ['write'];
    case 'admin':
      return ['read', 'write', 'admin'];
  }
}

/** The scopes a user of `role` may put on a token (never more than the role grants). */
export function scopesAllowedFor(role: Role): readonly Scope[] {
  switch (role) {
    case 'viewer':
      return ['read'];
    case 'editor':
      return ['read', 'write'];
    case 'admin':
      return ['read', 'write', 'admin'];
  }
}

/** What a share link shows: one dashboard with fixed variables, or one panel of it. */
export interface ShareTarget {
  readonly kind: 'dashboard' | 'panel';
  /** The dashboard's uid. */
  readonly dashboard: string;
  /** The panel's id when `kind` is `panel`. */
  readonly panel?: string;
  /** Template variables fixed by the link (`var-<name>` values). */
  readonly variables: Readonly<Record<string, string>>;
  /**
   * The PromQL expressions the link may run, with variables already substituted. Only the
   * built-in time variables (`$__interval`, `$__rate_interval`, `$__range`) stay, and match any
   * duration.
   */
  readonly queries: readonly string[];
  /** The title shown on the public page. */
  readonly title: string;
}

/** Who a request acts as. */
export type Principal =
  /** A user signed in through the UI (session cookie). */
  | {
      readonly kind: 'session';
      readonly user: string;
      readonly role: Role;
      /** The hashed session id (the store key). */
      readonly sessionKey: string;
      /** The session's CSRF token, compared with `X-CSRF-Token` on unsafe methods. */
      readonly csrf: string;
      readonly capabilities: readonly Capability[];
    }
  /** An API token. */
  | {
      readonly kind: 'token';
      readonly tokenId: string;
      /** The user who owns the token ('' for tokens made offline by the CLI). */
      readonly user: string;
      readonly scopes: readonly Scope[];
      /** Series selectors every read is restricted to (all of them apply); empty: no restriction. */
      readonly matchers: readonly string[];
      readonly capabilities: readonly Capability[];
    }
  /** A public share link. */
  | { readonly kind: 'share'; readonly shareId: string; readonly target: ShareTarget }
  /** Nobody: only public routes. */
  | { readonly kind: 'anonymous' };

/** The anonymous principal. */
export const ANONYMOUS: Principal = { kind: 'anonymous' };

/** Whether a principal holds a capability. */
export function hasCapability(p: Principal, c: Capability): boolean {
  return (p.kind === 'session' || p.kind === 'token') && p.capabilities.includes(c);
}

/** A refusal of the auth area: 401 (who are you?), 403 (not allowed) or 429 (slow down). */
export class AuthError extends Error {
  override readonly name = 'AuthError';
  constructor(
    readonly status: 401 | 403 | 429 | 400 | 404 | 409,
    message: string,
    /** Seconds to wait, for 429. */
    readonly retryAfterSeconds = 0,
  ) {
    super(message);
  }
}
