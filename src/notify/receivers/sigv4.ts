/**
 * AWS Signature Version 4 request signing (the `Authorization` header form), for the SNS
 * receiver. Implements the canonical request, string to sign and signing key derivation.
 */
import { createHash, createHmac } from 'node:crypto';

/** AWS credentials. */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Temporary session token (`X-Amz-Security-Token`); '' when none. */
  readonly sessionToken: string;
}

/** One request to sign. Header names may be in any case. */
export interface SignRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly region: string;
  readonly service: string;
  /** The signing time. */
  readonly date: Date;
}

const sha256hex = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');
const hmac = (key: Buffer | string, s: string): Buffer =>
  createHmac('sha256', key).update(s, 'utf8').digest();

/** RFC 3986 encoding as SigV4 wants it (unreserved characters kept). */
function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** `20150830T123600Z` from a date. */
export function amzDate(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function canonicalPath(pathname: string): string {
  // Normalise `.`/`..` segments and duplicate slashes, then encode each segment once.
  const out: string[] = [];
  for (const seg of pathname.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(uriEncode(decodeURIComponent(seg)));
  }
  const trailing = pathname.length > 1 && pathname.endsWith('/') && out.length > 0 ? '/' : '';
  return `/${out.join('/')}${trailing}`;
}

function canonicalQuery(search: string): string {
  if (search === '' || search === '?') return '';
  const pairs = search
    .replace(/^\?/, '')
    .split('&')
    .filter((p) => p !== '')
    .map((p) => {
      const i = p.indexOf('=');
      const k = i < 0 ? p : p.slice(0, i);
      const v = i < 0 ? '' : p.slice(i + 1);
      const dec = (x: string): string => decodeURIComponent(x.replace(/\+/g, ' '));
      return [uriEncode(dec(k)), uriEncode(dec(v))] as const;
    });
  pairs.sort((a, b) =>
    a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0,
  );
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/** The pieces of a signature, exposed for tests against published vectors. */
export interface Signature {
  readonly canonicalRequest: string;
  readonly stringToSign: string;
  readonly signature: string;
  readonly authorization: string;
}

/** Signs a request; the caller sends `headers` plus `Authorization` (and `X-Amz-Date`). */
export function signV4(req: SignRequest, creds: AwsCredentials): Signature {
  const u = new URL(req.url);
  const stamp = amzDate(req.date);
  const day = stamp.slice(0, 8);
  const hs = new Map<string, string>();
  for (const [k, v] of Object.entries(req.headers)) {
    const name = k.toLowerCase();
    const value = v.trim().replace(/\s+/g, ' ');
    const prev = hs.get(name);
    hs.set(name, prev === undefined ? value : `${prev},${value}`);
  }
  const names = [...hs.keys()].sort();
  const canonicalHeaders = names.map((n) => `${n}:${hs.get(n) ?? ''}\n`).join('');
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    req.method.toUpperCase(),
    canonicalPath(u.pathname),
    canonicalQuery(u.search),
    canonicalHeaders,
    signedHeaders,
    sha256hex(req.body),
  ].join('\n');
  const scope = `${day}/${req.region}/${req.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', stamp, scope, sha256hex(canonicalRequest)].join('\n');
  const kDate = hmac(`AWS4${creds.secretAccessKey}`, day);
  const kSigning = hmac(hmac(hmac(kDate, req.region), req.service), 'aws4_request');
  const signature = createHmac('sha256', kSigning).update(stringToSign, 'utf8').digest('hex');
  const authorization = `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return { canonicalRequest, stringToSign, signature, authorization };
}
