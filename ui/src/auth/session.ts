/**
 * The browser side of sessions: the CSRF token (from the `kansoku_csrf` cookie) sent with every
 * same-origin API request, the redirect to the sign-in page when the server answers 401, and
 * the auth API calls. DOM-free apart from `document.cookie`, `window.location` and `fetch`.
 */
import { arr, bool, type Decoder, field, num, obj, opt, str } from '../api/decode.js';

/** The header the server checks on cookie-authenticated changes. */
export const CSRF_HEADER = 'X-CSRF-Token';
/** Fired on `window` when the signed-in user changes (login, logout). */
export const SESSION_EVENT = 'kansoku-session';

/** The CSRF token of the current session, or '' when signed out. */
export function csrfToken(): string {
  for (const part of document.cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === 'kansoku_csrf') return v.join('=');
  }
  return '';
}

/** Pages that must not bounce to the sign-in page (they are public). */
function isPublicPage(path: string): boolean {
  return path === '/login' || path === '/setup' || path.startsWith('/public/');
}

/** The sign-in URL that returns to the current page afterwards. */
export function loginUrl(): string {
  const here = window.location.pathname + window.location.search;
  return `/login?next=${encodeURIComponent(here)}`;
}

/**
 * Wraps `window.fetch` once: same-origin requests carry the CSRF token, and a 401 from the API
 * sends the user to the sign-in page (except on public pages and for the session API itself).
 */
export function installAuthFetch(): void {
  const w = window as Window & { __kansokuAuthFetch?: boolean };
  if (w.__kansokuAuthFetch === true) return;
  w.__kansokuAuthFetch = true;
  const original = window.fetch.bind(window);
  window.fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const sameOrigin = url.startsWith('/') || url.startsWith(window.location.origin);
    let next = init;
    const token = csrfToken();
    if (sameOrigin && token !== '') {
      const headers = new Headers(
        init?.headers ?? (input instanceof Request ? input.headers : undefined),
      );
      if (!headers.has(CSRF_HEADER)) headers.set(CSRF_HEADER, token);
      next = { ...init, headers };
    }
    const res = await original(input, next);
    if (
      res.status === 401 &&
      sameOrigin &&
      !url.includes('/api/kansoku/session') &&
      !isPublicPage(window.location.pathname)
    ) {
      window.location.assign(loginUrl());
    }
    return res;
  };
}

/** Who is signed in, as the server says. */
export interface SessionInfo {
  readonly authEnabled: boolean;
  readonly setupRequired: boolean;
  readonly kind: string;
  readonly user: { readonly name: string; readonly role: string } | null;
}

const userRef: Decoder<{ name: string; role: string } | null> = (v, p) => {
  if (v === null || v === undefined) return null;
  const o = obj(v, p);
  return { name: field(o, 'name', str, p), role: field(o, 'role', opt(str, ''), p) };
};

const sessionInfo: Decoder<SessionInfo> = (v, p) => {
  const o = obj(v, p);
  return {
    authEnabled: field(o, 'authEnabled', bool, p),
    setupRequired: field(o, 'setupRequired', opt(bool, false), p),
    kind: field(o, 'kind', opt(str, 'anonymous'), p),
    user: field(o, 'user', userRef, p),
  };
};

/** An auth API call that failed, with the server's message. */
export class AuthApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'AuthApiError';
  }
}

/** Calls the auth API and decodes `data`. */
export async function call<T>(
  method: string,
  path: string,
  decode: Decoder<T>,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { ...headers, 'Content-Type': 'application/json' };
  }
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new AuthApiError(`cannot reach the Kansoku server: ${String(e)}`, 0);
  }
  let json: unknown;
  try {
    json = await res.json();
  } catch {
    throw new AuthApiError(`HTTP ${res.status} without JSON body`, res.status);
  }
  const o = obj(json, 'response');
  if (field(o, 'status', str, 'response') !== 'success')
    throw new AuthApiError(
      field(o, 'error', opt(str, `HTTP ${res.status}`), 'response'),
      res.status,
    );
  return decode(o['data'], 'data');
}

const ignore: Decoder<null> = () => null;

/** Tells every listener that the session changed. */
export function sessionChanged(): void {
  window.dispatchEvent(new Event(SESSION_EVENT));
}

/** The current session. */
export function fetchSession(): Promise<SessionInfo> {
  return call('GET', '/api/kansoku/session', sessionInfo);
}

/** Signs in. */
export async function login(username: string, password: string): Promise<void> {
  await call('POST', '/api/kansoku/session/login', ignore, { username, password });
  sessionChanged();
}

/** Creates the first admin with the setup token (and signs in). */
export async function setup(token: string, username: string, password: string): Promise<void> {
  await call('POST', '/api/kansoku/setup', ignore, { token, username, password });
  sessionChanged();
}

/** Signs out of this browser. */
export async function logout(): Promise<void> {
  await call('POST', '/api/kansoku/session/logout', ignore);
  sessionChanged();
}

/** Ends every session of the current user. */
export async function logoutEverywhere(): Promise<void> {
  await call('POST', '/api/kansoku/session/logout-everywhere', ignore);
  sessionChanged();
}

/** Changes the signed-in user's password. */
export async function changePassword(current: string, password: string): Promise<void> {
  await call('POST', '/api/kansoku/session/password', ignore, { current, password });
}

/** A user. */
export interface User {
  readonly name: string;
  readonly role: string;
  readonly createdAt: number;
}

const user: Decoder<User> = (v, p) => {
  const o = obj(v, p);
  return {
    name: field(o, 'name', str, p),
    role: field(o, 'role', str, p),
    createdAt: field(o, 'createdAt', opt(num, 0), p),
  };
};

/** Every user (admins only). */
export function listUsers(): Promise<User[]> {
  return call('GET', '/api/kansoku/users', arr(user));
}

/** Creates a user. */
export function createUser(username: string, role: string, password: string): Promise<User> {
  return call('POST', '/api/kansoku/users', user, { username, role, password });
}

/** Changes a user's role or password. */
export function updateUser(
  name: string,
  change: { role?: string; password?: string },
): Promise<User> {
  return call('PUT', `/api/kansoku/users/${encodeURIComponent(name)}`, user, change);
}

/** Deletes a user. */
export async function deleteUser(name: string): Promise<void> {
  await call('DELETE', `/api/kansoku/users/${encodeURIComponent(name)}`, ignore);
}

/** An API token (never its secret). */
export interface Token {
  readonly id: string;
  readonly name: string;
  readonly user: string;
  readonly scopes: string[];
  readonly matchers: string[];
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly lastUsedAt: number;
}

const token: Decoder<Token> = (v, p) => {
  const o = obj(v, p);
  return {
    id: field(o, 'id', str, p),
    name: field(o, 'name', str, p),
    user: field(o, 'user', str, p),
    scopes: field(o, 'scopes', arr(str), p),
    matchers: field(o, 'matchers', opt(arr(str), []), p),
    createdAt: field(o, 'createdAt', num, p),
    expiresAt: field(o, 'expiresAt', num, p),
    lastUsedAt: field(o, 'lastUsedAt', num, p),
  };
};

/** The caller's tokens (all tokens for admins). */
export function listTokens(): Promise<Token[]> {
  return call('GET', '/api/kansoku/tokens', arr(token));
}

/** Creates a token; the returned text is shown once. */
export function createToken(t: {
  name: string;
  scopes: string[];
  expires: string;
  matchers: string[];
}): Promise<{ token: string; info: Token }> {
  return call(
    'POST',
    '/api/kansoku/tokens',
    (v, p) => {
      const o = obj(v, p);
      return { token: field(o, 'token', str, p), info: field(o, 'info', token, p) };
    },
    t,
  );
}

/** Revokes a token. */
export async function revokeToken(id: string): Promise<void> {
  await call('DELETE', `/api/kansoku/tokens/${encodeURIComponent(id)}`, ignore);
}

/** What a share link shows. */
export interface ShareTarget {
  readonly kind: string;
  readonly dashboard: string;
  readonly panel?: string;
  readonly variables: Record<string, string>;
  readonly queries: string[];
  readonly title: string;
}

const shareTarget: Decoder<ShareTarget> = (v, p) => {
  const o = obj(v, p);
  const panel = field(o, 'panel', opt(str, ''), p);
  const vars = obj(o['variables'] ?? {}, `${p}.variables`);
  const variables: Record<string, string> = {};
  for (const [k, x] of Object.entries(vars)) variables[k] = str(x, `${p}.variables.${k}`);
  return {
    kind: field(o, 'kind', str, p),
    dashboard: field(o, 'dashboard', str, p),
    ...(panel === '' ? {} : { panel }),
    variables,
    queries: field(o, 'queries', arr(str), p),
    title: field(o, 'title', str, p),
  };
};

/** A share link (never its secret). */
export interface Share {
  readonly id: string;
  readonly user: string;
  readonly target: ShareTarget;
  readonly createdAt: number;
  readonly expiresAt: number;
}

const share: Decoder<Share> = (v, p) => {
  const o = obj(v, p);
  return {
    id: field(o, 'id', str, p),
    user: field(o, 'user', str, p),
    target: field(o, 'target', shareTarget, p),
    createdAt: field(o, 'createdAt', num, p),
    expiresAt: field(o, 'expiresAt', num, p),
  };
};

/** The caller's share links (all for admins). */
export function listShares(): Promise<Share[]> {
  return call('GET', '/api/kansoku/shares', arr(share));
}

/** Creates a share link; returns its public path (shown once). */
export function createShare(target: ShareTarget, expires: string): Promise<{ path: string }> {
  return call(
    'POST',
    '/api/kansoku/shares',
    (v, p) => ({ path: field(obj(v, p), 'path', str, p) }),
    { target, expires },
  );
}

/** Revokes a share link. */
export async function revokeShare(id: string): Promise<void> {
  await call('DELETE', `/api/kansoku/shares/${encodeURIComponent(id)}`, ignore);
}

/** What a share link token shows (called with the link's token). */
export function resolveShare(secret: string): Promise<ShareTarget> {
  return call(
    'GET',
    '/api/kansoku/share',
    (v, p) => field(obj(v, p), 'target', shareTarget, p),
    undefined,
    { Authorization: `Bearer ${secret}` },
  );
}
