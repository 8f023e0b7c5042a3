/**
 * Reading credentials from a request in every form machine clients already use, and the UI's
 * session cookie. Pure: headers and URL in, a `Credential` out; no store access.
 */

/** Where a credential came from. */
export type CredentialForm = 'bearer' | 'token' | 'basic' | 'influx' | 'query' | 'cookie';

/** What a request presented. */
export type Credential =
  | { readonly kind: 'none' }
  /** An API token or share-link secret. */
  | { readonly kind: 'secret'; readonly secret: string; readonly form: CredentialForm }
  /** The UI's session cookie. */
  | { readonly kind: 'session'; readonly secret: string }
  /** Something unusable (unknown scheme, bad Basic encoding): refused with 401. */
  | { readonly kind: 'invalid'; readonly reason: string };

/** Name of the session cookie over plain HTTP. */
export const SESSION_COOKIE = 'kansoku_session';
/** Name of the session cookie over TLS (`__Host-` binds it to this origin, path `/`, Secure). */
export const SECURE_SESSION_COOKIE = '__Host-kansoku_session';
/** Name of the (script-readable) cookie holding the CSRF token for the UI. */
export const CSRF_COOKIE = 'kansoku_csrf';
/** The header the UI echoes the CSRF token in. */
export const CSRF_HEADER = 'x-csrf-token';

/** Longest credential accepted, in characters; longer ones are refused without a lookup. */
const MAX_CREDENTIAL = 4096;

/** Which of the less safe forms a route accepts. */
export interface CredentialForms {
  /** InfluxDB 1's `u`/`p` query parameters. */
  readonly influxParams: boolean;
  /** `?token=` in the URL (ends up in logs and browser history; for clients without headers). */
  readonly queryToken: boolean;
}

/** The request parts credentials are read from. */
export interface CredentialSource {
  readonly authorization: string | undefined;
  readonly cookie: string | undefined;
  readonly query: URLSearchParams;
}

/**
 * Reads the credential of a request. An `Authorization` header wins over everything else
 * (schemes `Bearer`, `Token`, `Basic` with the secret as password, case-insensitive); then the
 * `u`/`p` and `token` query parameters where the route allows them; then the session cookie.
 */
export function readCredential(src: CredentialSource, forms: CredentialForms): Credential {
  const auth = src.authorization;
  if (auth !== undefined) return fromHeader(auth);
  if (forms.influxParams) {
    const p = src.query.get('p');
    if (p !== null) return secret(p, 'influx');
  }
  if (forms.queryToken) {
    const t = src.query.get('token');
    if (t !== null) return secret(t, 'query');
  }
  const session =
    readCookie(src.cookie, SECURE_SESSION_COOKIE) ?? readCookie(src.cookie, SESSION_COOKIE);
  if (session !== undefined) {
    if (session === '' || session.length > MAX_CREDENTIAL || !/^[A-Za-z0-9_-]+$/.test(session))
      return { kind: 'invalid', reason: 'malformed session cookie' };
    return { kind: 'session', secret: session };
  }
  return { kind: 'none' };
}

function secret(s: string, form: CredentialForm): Credential {
  if (s === '' || s.length > MAX_CREDENTIAL)
    return { kind: 'invalid', reason: `empty or oversized ${form} credential` };
  return { kind: 'secret', secret: s, form };
}

function fromHeader(h: string): Credential {
  const m = /^([A-Za-z]+) +(\S+) *$/.exec(h);
  if (!m) return { kind: 'invalid', reason: 'malformed Authorization header' };
  const scheme = (m[1] ?? '').toLowerCase();
  const value = m[2] ?? '';
  switch (scheme) {
    case 'bearer':
      return secret(value, 'bearer');
    case 'token':
      return secret(value, 'token');
    case 'basic': {
      if (value.length > MAX_CREDENTIAL || !/^[A-Za-z0-9+/]+=*$/.test(value))
        return { kind: 'invalid', reason: 'malformed Basic credentials' };
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) return { kind: 'invalid', reason: 'malformed Basic credentials' };
      return secret(decoded.slice(colon + 1), 'basic');
    }
    default:
      return { kind: 'invalid', reason: 'unsupported Authorization scheme' };
  }
}

/** The value of cookie `name` in a `Cookie` header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Options of a `Set-Cookie` header. */
export interface CookieOptions {
  readonly httpOnly: boolean;
  readonly secure: boolean;
  /** Lifetime in seconds; 0 deletes the cookie. */
  readonly maxAgeSeconds: number;
}

/** Builds a `Set-Cookie` header value (`Path=/`, `SameSite=Strict`). */
export function setCookie(name: string, value: string, o: CookieOptions): string {
  const parts = [`${name}=${value}`, 'Path=/', `Max-Age=${o.maxAgeSeconds}`, 'SameSite=Strict'];
  if (o.httpOnly) parts.push('HttpOnly');
  if (o.secure) parts.push('Secure');
  return parts.join('; ');
}
