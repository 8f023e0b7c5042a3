/**
 * The auth area's facade: setup of the first admin, login with throttling, resolving credentials
 * to a principal, and the users, sessions, tokens and share links behind them. One instance per
 * server; safe to use from concurrent requests (the store serializes writes).
 */
import type { MetaStore } from '../meta/index.js';
import type { Credential } from './credentials.js';
import { DEFAULT_SCRYPT, PasswordHasher, type ScryptParams } from './password.js';
import { constantTimeEqual, randomSecret } from './secrets.js';
import {
  Sessions,
  defaultSessionOptions,
  type LiveSession,
  type SessionOptions,
} from './sessions.js';
import { Throttle, defaultThrottleOptions, type ThrottleOptions } from './throttle.js';
import { Tokens, splitSecret } from './tokens.js';
import { Users, type UserInfo } from './users.js';
import {
  ANONYMOUS,
  AuthError,
  roleCapabilities,
  scopeCapabilities,
  type Capability,
  type Principal,
  type Role,
} from './types.js';

/** Options of an `AuthService`. */
export interface AuthOptions {
  readonly scrypt: ScryptParams;
  readonly sessions: SessionOptions;
  /** Throttling of failed logins per user name and per client address. */
  readonly loginThrottle: ThrottleOptions;
  /** Throttling of failed token and cookie checks per client address. */
  readonly credentialThrottle: ThrottleOptions;
  /** Opens a fresh view of the store, to find tokens created offline while running. */
  readonly reopen?: () => MetaStore;
  readonly now: () => number;
}

/** Defaults for production. */
export function defaultAuthOptions(): AuthOptions {
  return {
    scrypt: DEFAULT_SCRYPT,
    sessions: defaultSessionOptions(),
    loginThrottle: defaultThrottleOptions(),
    credentialThrottle: { ...defaultThrottleOptions(), freeFailures: 20 },
    now: Date.now,
  };
}

/** The result of a successful login. */
export interface LoginResult {
  /** The session cookie's value. */
  readonly secret: string;
  readonly csrf: string;
  readonly user: UserInfo;
}

/** Users, sessions, tokens and share links, and turning credentials into principals. */
export class AuthService {
  readonly users: Users;
  readonly sessions: Sessions;
  readonly tokens: Tokens;
  private readonly hasher: PasswordHasher;
  private readonly loginThrottle: Throttle;
  private readonly credentialThrottle: Throttle;
  private setupToken: string | undefined;
  private lastSweep = -Infinity;
  private dummy: Promise<string> | undefined;
  /** In-memory tokens for the server's own use (self-scrape), never stored. */
  private readonly internal = new Map<string, Principal>();

  constructor(
    meta: MetaStore,
    readonly opts: AuthOptions = defaultAuthOptions(),
  ) {
    this.hasher = new PasswordHasher(opts.scrypt);
    this.users = new Users(meta, this.hasher, opts.now);
    this.sessions = new Sessions(meta, opts.sessions, opts.now);
    this.tokens = new Tokens(meta, opts.now, opts.reopen);
    this.loginThrottle = new Throttle(opts.loginThrottle, opts.now);
    this.credentialThrottle = new Throttle(opts.credentialThrottle, opts.now);
  }

  /**
   * Prepares the first start: with no users, creates the admin from `adminPassword` when given,
   * otherwise makes a one-time setup token (returned, to be printed as a link). Returns
   * undefined when no setup is needed.
   */
  async init(adminPassword?: string, adminName = 'admin'): Promise<string | undefined> {
    if (await this.users.any()) return undefined;
    if (adminPassword !== undefined) {
      await this.users.create(adminName, 'admin', adminPassword);
      return undefined;
    }
    this.setupToken = randomSecret();
    return this.setupToken;
  }

  /** Whether the setup page may still create the first admin. */
  setupPending(): boolean {
    return this.setupToken !== undefined;
  }

  /** Creates the first admin with the one-time setup token; the token is then spent. */
  async completeSetup(token: string, name: string, password: string): Promise<UserInfo> {
    const want = this.setupToken;
    if (want === undefined) throw new AuthError(409, 'cannot set up: setup is already complete');
    if (!constantTimeEqual(token, want))
      throw new AuthError(403, 'cannot set up: the setup token is wrong');
    // Spend the token before any await, so two concurrent requests cannot both use it.
    this.setupToken = undefined;
    if (await this.users.any())
      throw new AuthError(409, 'cannot set up: setup is already complete');
    try {
      return await this.users.create(name, 'admin', password);
    } catch (e) {
      this.setupToken = want; // a bad name or password: the link stays valid
      throw e;
    }
  }

  /**
   * Checks a user name and password and starts a new session (a fresh id every time, so a
   * session id planted before login is never promoted). Failures are throttled per user name and
   * per client address, exponentially; all failures look the same to the client.
   */
  async login(name: string, password: string, client: string): Promise<LoginResult> {
    const userKey = `u:${name.trim().toLowerCase()}`;
    const addrKey = `a:${client}`;
    const wait = Math.max(this.loginThrottle.waitMs(userKey), this.loginThrottle.waitMs(addrKey));
    if (wait > 0)
      throw new AuthError(
        429,
        'cannot sign in: too many failed attempts, try again later',
        Math.ceil(wait / 1000),
      );
    const u = await this.users.get(name);
    this.dummy ??= this.hasher.hash(randomSecret());
    const ok = await this.hasher.verify(password, u ? u.passwordHash : await this.dummy);
    if (!u || !ok) {
      this.loginThrottle.fail(userKey);
      this.loginThrottle.fail(addrKey);
      throw new AuthError(401, 'cannot sign in: wrong user name or password');
    }
    this.loginThrottle.succeed(userKey);
    this.loginThrottle.succeed(addrKey);
    const { secret, session } = await this.sessions.create(u.name);
    this.sweepNow();
    return {
      secret,
      csrf: session.doc.csrf,
      user: { name: u.name, role: u.role, createdAt: u.createdAt },
    };
  }

  /** Deletes expired and idle sessions in the background, at most once an hour. */
  private sweepNow(): void {
    const now = this.opts.now();
    if (now - this.lastSweep < 3_600_000) return;
    this.lastSweep = now;
    void this.sessions.sweep().catch(() => undefined);
  }

  /** Changes a user's own password after checking the current one; ends their other sessions. */
  async changePassword(
    name: string,
    current: string,
    next: string,
    keepSession?: string,
  ): Promise<void> {
    const u = await this.users.get(name);
    if (!u || !(await this.hasher.verify(current, u.passwordHash)))
      throw new AuthError(403, 'cannot change the password: the current password is wrong');
    await this.users.update(u.name, { password: next });
    await this.sessions.endAll(u.name, keepSession);
  }

  /** Deletes a user with their sessions, tokens and share links. */
  async deleteUser(name: string): Promise<boolean> {
    const u = await this.users.get(name);
    if (!u) return false;
    await this.users.delete(u.name);
    await this.sessions.endAll(u.name);
    await this.tokens.revokeAllOf(u.name);
    return true;
  }

  /** Registers an in-memory token with `capabilities` for the server's own clients. */
  internalToken(name: string, capabilities: readonly Capability[]): string {
    const secret = `ksi_${randomSecret()}`;
    this.internal.set(secret, {
      kind: 'token',
      tokenId: `internal:${name}`,
      user: '',
      scopes: [],
      matchers: [],
      capabilities,
    });
    return secret;
  }

  /**
   * Resolves a credential to a principal. `none` gives the anonymous principal; an unknown,
   * expired or malformed credential throws 401; a client with too many failures gets 429.
   */
  async authenticate(c: Credential, client: string): Promise<Principal> {
    if (c.kind === 'none') return ANONYMOUS;
    const key = `a:${client}`;
    const wait = this.credentialThrottle.waitMs(key);
    if (wait > 0)
      throw new AuthError(
        429,
        'cannot authenticate: too many failed attempts, try again later',
        Math.ceil(wait / 1000),
      );
    const p = c.kind === 'invalid' ? undefined : await this.resolve(c);
    if (!p) {
      this.credentialThrottle.fail(key);
      throw new AuthError(401, 'cannot authenticate: invalid, expired or revoked credentials');
    }
    return p;
  }

  private async resolve(c: Credential): Promise<Principal | undefined> {
    if (c.kind === 'session') {
      const s = await this.sessions.find(c.secret);
      return s ? this.sessionPrincipal(s) : undefined;
    }
    if (c.kind !== 'secret') return undefined;
    const internal = this.internal.get(c.secret);
    if (internal) return internal;
    const parts = splitSecret(c.secret);
    if (!parts) return undefined;
    if (parts.kind === 'share') {
      const s = await this.tokens.verifyShare(parts.id, parts.secret);
      return s ? { kind: 'share', shareId: s.id, target: s.target } : undefined;
    }
    const t = await this.tokens.verify(parts.id, parts.secret);
    if (!t) return undefined;
    let caps = [...new Set(t.scopes.flatMap(scopeCapabilities))];
    if (t.user !== '') {
      // A token never grants more than its owner's current role.
      const owner = await this.users.get(t.user);
      if (!owner) return undefined;
      const allowed = roleCapabilities(owner.role);
      caps = caps.filter((x) => allowed.includes(x));
    }
    return {
      kind: 'token',
      tokenId: t.id,
      user: t.user,
      scopes: t.scopes,
      matchers: t.matchers,
      capabilities: caps,
    };
  }

  private async sessionPrincipal(s: LiveSession): Promise<Principal | undefined> {
    const u = await this.users.get(s.doc.user);
    if (!u) return undefined;
    return {
      kind: 'session',
      user: u.name,
      role: u.role,
      sessionKey: s.key,
      csrf: s.doc.csrf,
      capabilities: roleCapabilities(u.role),
    };
  }
}

/** The role of a principal that acts for a user, for "up to their role" checks. */
export function principalRole(p: Principal): Role | undefined {
  if (p.kind === 'session') return p.role;
  if (p.kind === 'token' && p.capabilities.includes('admin')) return 'admin';
  return undefined;
}
