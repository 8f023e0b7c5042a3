/**
 * The guard: before every handler, reads the request's credential, resolves it to a principal
 * and checks it against the route's policy (policy.ts). Refusals carry no data: 401 when the
 * request is not authenticated, 403 when the principal may not do this, 429 when a client has
 * failed too often. Cookie-authenticated unsafe requests must pass the CSRF check.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  ANONYMOUS,
  AuthError,
  CSRF_HEADER,
  compileShareQueries,
  constantTimeEqual,
  hasCapability,
  readCredential,
  type AuthService,
  type Principal,
} from '../../auth/index.js';
import { Logger } from '../../util/index.js';
import { HttpError } from '../errors.js';
import type { Guard, Route } from '../router.js';
import { policyFor, requirementFor, type Requirement, type RoutePolicy } from './policy.js';

/** Methods that change nothing and need no CSRF check. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Maps an auth refusal to the HTTP error the server writes. */
export function httpErrorOf(e: AuthError): HttpError {
  const headers: Record<string, string> = {};
  if (e.status === 401) headers['WWW-Authenticate'] = 'Bearer realm="kansoku"';
  if (e.status === 429) headers['Retry-After'] = String(Math.max(1, e.retryAfterSeconds));
  const type = e.status === 429 ? 'unavailable' : e.status === 404 ? 'not_found' : 'bad_data';
  return new HttpError(e.status, type, e.message, headers);
}

/** The guard of a server with authentication on. */
export class AuthGuard implements Guard {
  private readonly current = new AsyncLocalStorage<Principal>();
  private readonly shareMatchers = new Map<string, (q: string) => boolean>();

  constructor(
    readonly auth: AuthService,
    /** Where sign-ins, failed sign-ins and changes to users, tokens and links are logged. */
    readonly audit: Logger = Logger.nop(),
  ) {}

  /** The principal of the request being handled (undefined outside a request). */
  principal(): Principal | undefined {
    return this.current.getStore();
  }

  run<T>(principal: Principal, fn: () => T): T {
    return this.current.run(principal, fn);
  }

  async authorize(
    req: IncomingMessage,
    url: URL,
    route: Route,
    res: ServerResponse,
  ): Promise<Principal> {
    setSecurityHeaders(res, route.pattern);
    try {
      return await this.check(req, url, route);
    } catch (e) {
      if (e instanceof AuthError) throw httpErrorOf(e);
      throw e;
    }
  }

  private async check(req: IncomingMessage, url: URL, route: Route): Promise<Principal> {
    const method = req.method ?? 'GET';
    const policy = policyFor(route.pattern);
    const need = requirementFor(policy, method);
    const cred = readCredential(
      {
        authorization: header(req, 'authorization'),
        cookie: header(req, 'cookie'),
        query: url.searchParams,
      },
      { influxParams: policy.influxParams === true, queryToken: policy.queryToken === true },
    );
    const unsafe = !SAFE_METHODS.has(method);
    if (unsafe && (cred.kind === 'session' || need === 'public')) checkOrigin(req, method, url);
    if (need === 'public') {
      // Public routes still learn who is asking (whoami, logout), but a stale credential is
      // not an error there.
      if (cred.kind === 'none' || !route.pattern.startsWith('/api/')) return ANONYMOUS;
      // Public changes (login, setup, logout) are covered by the Origin check and by requiring
      // a JSON body, which a cross-site form cannot send without a CORS preflight.
      return await this.auth.authenticate(cred, clientOf(req)).catch(() => ANONYMOUS);
    }
    const p = await this.auth.authenticate(cred, clientOf(req));
    if (p.kind === 'anonymous')
      throw new AuthError(401, `cannot ${method} ${url.pathname}: authentication required`);
    if (p.kind === 'session' && unsafe) checkCsrf(req, p.csrf, method, url);
    if (p.kind === 'share') {
      this.checkShare(p, policy, method, url);
      return p;
    }
    if (!allows(p, need))
      throw new AuthError(403, `cannot ${method} ${url.pathname}: requires the ${need} permission`);
    if (p.kind === 'token' && p.matchers.length > 0 && policy.matcherSafe !== true)
      throw new AuthError(
        403,
        `cannot ${method} ${url.pathname}: this token is limited to label matchers and may only query series`,
      );
    return p;
  }

  private checkShare(
    p: Extract<Principal, { kind: 'share' }>,
    policy: RoutePolicy,
    method: string,
    url: URL,
  ): void {
    const refuse = (): never => {
      throw new AuthError(403, `cannot ${method} ${url.pathname}: not allowed for a share link`);
    };
    if (policy.share !== true || (method !== 'GET' && method !== 'HEAD')) refuse();
    if (!url.pathname.startsWith('/api/v1/')) return;
    let allowed = this.shareMatchers.get(p.shareId);
    if (!allowed) {
      allowed = compileShareQueries(p.target.queries);
      if (this.shareMatchers.size > 1000) this.shareMatchers.clear();
      this.shareMatchers.set(p.shareId, allowed);
    }
    const q = url.searchParams.getAll('query');
    if (q.length !== 1 || !allowed(q[0] ?? '')) refuse();
  }
}

/**
 * Headers of every answer when authentication is on: no framing by other sites (clickjacking of
 * the signed-in UI) except for public share pages, which are meant to be embedded; no MIME
 * sniffing; no `Referer` (URLs may hold share-link or `?token=` secrets).
 */
function setSecurityHeaders(res: ServerResponse, pattern: string): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  if (pattern !== '/public/*') {
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Content-Security-Policy', "frame-ancestors 'none'");
  }
}

function allows(p: Principal, need: Requirement): boolean {
  switch (need) {
    case 'public':
    case 'principal':
      return p.kind !== 'anonymous';
    case 'account':
      return p.kind === 'session' || hasCapability(p, 'admin');
    case 'session':
      return p.kind === 'session';
    case 'read':
    case 'write':
    case 'admin':
      return hasCapability(p, need);
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

/** The client's address (proxies are not trusted: `X-Forwarded-For` is ignored). */
export function clientOf(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}

/** The origin this server is reached at, from the request's `Host` header. */
function ownOrigin(req: IncomingMessage): string | undefined {
  const host = req.headers.host;
  if (host === undefined) return undefined;
  const tls = (req.socket as { encrypted?: boolean }).encrypted === true;
  return `${tls ? 'https' : 'http'}://${host}`;
}

/**
 * Refuses an unsafe browser request from another origin: `Origin` (or, without it, `Referer`)
 * must name this server when present. Clients that send neither are not browsers acting for a
 * user, or old browsers that the CSRF token still covers.
 */
function checkOrigin(req: IncomingMessage, method: string, url: URL): void {
  const own = ownOrigin(req);
  const origin = header(req, 'origin');
  let from: string | undefined;
  if (origin !== undefined) from = origin;
  else {
    const ref = header(req, 'referer');
    if (ref !== undefined) {
      try {
        from = new URL(ref).origin;
      } catch {
        from = 'null';
      }
    }
  }
  if (from !== undefined && from !== own)
    throw new AuthError(403, `cannot ${method} ${url.pathname}: cross-origin request refused`);
}

function checkCsrf(req: IncomingMessage, want: string, method: string, url: URL): void {
  const got = header(req, CSRF_HEADER);
  if (got === undefined || !constantTimeEqual(got, want))
    throw new AuthError(403, `cannot ${method} ${url.pathname}: missing or wrong CSRF token`);
}
