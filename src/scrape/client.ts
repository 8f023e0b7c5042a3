import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';
import type { HTTPClientConfig } from '../config/index.js';

/** What a scrape fetched. */
export interface FetchResult {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  /** Bytes received on the wire (before decompression). */
  readonly wireBytes: number;
}

/** What a scrape fetched, as bytes (decompressed). */
export interface FetchBytesResult {
  readonly status: number;
  readonly contentType: string;
  /** The body; when read into a `BodyBuffer`, valid until that buffer's next request. */
  readonly bytes: Buffer;
  /** Bytes received on the wire (before decompression). */
  readonly wireBytes: number;
}

/**
 * A reusable body buffer: a loop that reads every body into the same one allocates no new
 * memory per scrape once the buffer has grown to the target's body size. One request at a time.
 */
export class BodyBuffer {
  buf: Buffer = Buffer.allocUnsafeSlow(64 * 1024);
  len = 0;

  /** Appends a chunk, growing the buffer by doubling. */
  push(chunk: Buffer): void {
    const need = this.len + chunk.length;
    if (need > this.buf.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(need, this.buf.length * 2));
      this.buf.copy(grown, 0, 0, this.len);
      this.buf = grown;
    }
    chunk.copy(this.buf, this.len);
    this.len = need;
  }
}

/** Options of one request. */
export interface FetchOptions {
  readonly accept: string;
  readonly timeoutMs: number;
  /** Maximum decompressed body size in bytes; 0 = unlimited. */
  readonly bodySizeLimit: number;
  readonly acceptGzip: boolean;
  readonly signal?: AbortSignal;
  readonly userAgent: string;
  readonly extraHeaders?: Readonly<Record<string, string>>;
  /** Reads the body into this buffer instead of a new one (`getBytes` only). */
  readonly into?: BodyBuffer;
}

/** A failed scrape request; the message is what the targets page shows. */
export class ScrapeError extends Error {
  override readonly name = 'ScrapeError';
}

/**
 * An HTTP client configured from a `prometheus.yml` HTTP client section: keep-alive agents,
 * TLS files, basic auth, `authorization` (credentials files are re-read on every request, so
 * rotated tokens work), OAuth 2 client credentials, and an HTTP proxy for plain-HTTP targets.
 * One client per scrape pool; safe for concurrent requests.
 */
export class HTTPClient {
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  private readonly httpsAgent: https.Agent;
  private oauthToken: { token: string; expires: number } | undefined;

  constructor(private readonly cfg: HTTPClientConfig) {
    const t = cfg.tlsConfig;
    this.httpsAgent = new https.Agent({
      keepAlive: true,
      maxSockets: 64,
      ...(t.caFile !== '' ? { ca: readFileSync(t.caFile) } : t.ca !== '' ? { ca: t.ca } : {}),
      ...(t.certFile !== ''
        ? { cert: readFileSync(t.certFile) }
        : t.cert !== ''
          ? { cert: t.cert }
          : {}),
      ...(t.keyFile !== '' ? { key: readFileSync(t.keyFile) } : t.key !== '' ? { key: t.key } : {}),
      ...(t.serverName !== '' ? { servername: t.serverName } : {}),
      rejectUnauthorized: !t.insecureSkipVerify,
    });
  }

  /** Releases pooled connections. */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  /** GETs a URL and returns the decoded body. Throws `ScrapeError` on any failure. */
  async get(url: string, o: FetchOptions): Promise<FetchResult> {
    const r = await this.getBytes(url, o);
    return {
      status: r.status,
      contentType: r.contentType,
      body: r.bytes.toString('utf8'),
      wireBytes: r.wireBytes,
    };
  }

  /** GETs a URL and returns the body as bytes. Throws `ScrapeError` on any failure. */
  async getBytes(url: string, o: FetchOptions): Promise<FetchBytesResult> {
    const u = new URL(url);
    const headers: Record<string, string> = {
      Accept: o.accept,
      'User-Agent': o.userAgent,
      'X-Prometheus-Scrape-Timeout-Seconds': (o.timeoutMs / 1000).toString(),
      ...this.cfg.headers,
      ...o.extraHeaders,
    };
    if (o.acceptGzip) headers['Accept-Encoding'] = 'gzip';
    const auth = await this.authHeader(o);
    if (auth !== undefined) headers['Authorization'] = auth;
    const isHttps = u.protocol === 'https:';
    let reqUrl: URL = u;
    if (this.cfg.proxyUrl !== '' && !isHttps) {
      reqUrl = new URL(this.cfg.proxyUrl);
      headers['Host'] = u.host;
    } else if (this.cfg.proxyUrl !== '' && isHttps) {
      throw new ScrapeError('proxy_url is supported for http targets only');
    }
    if (o.signal?.aborted === true) throw new ScrapeError('scrape cancelled');
    return new Promise<FetchBytesResult>((resolve, reject) => {
      // One timer and one listener per request (AbortSignal.any/timeout cost more per scrape).
      // Why the request was cut short, if it was: wins over the errors that follow from it.
      let cut: ScrapeError | undefined;
      const onAbort = (): void => {
        cut = new ScrapeError('scrape cancelled');
        req.destroy(cut);
      };
      const timer = setTimeout(() => {
        cut = new ScrapeError(`context deadline exceeded (scrape_timeout ${o.timeoutMs / 1000}s)`);
        req.destroy(cut);
      }, o.timeoutMs);
      o.signal?.addEventListener('abort', onAbort, { once: true });
      const done = (): void => {
        clearTimeout(timer);
        o.signal?.removeEventListener('abort', onAbort);
      };
      const req = (isHttps ? https : http).request(
        {
          protocol: reqUrl.protocol,
          hostname: reqUrl.hostname,
          port: reqUrl.port,
          path: reqUrl === u ? `${u.pathname}${u.search}` : u.href,
          method: 'GET',
          headers,
          agent: isHttps ? this.httpsAgent : this.httpAgent,
        },
        (res) => {
          const status = res.statusCode ?? 0;
          const into = o.into;
          if (into) into.len = 0;
          const chunks: Buffer[] = [];
          let wire = 0;
          const gz = (res.headers['content-encoding'] ?? '').toLowerCase() === 'gzip';
          const limit = o.bodySizeLimit > 0 ? o.bodySizeLimit : Infinity;
          res.on('data', (c: Buffer) => {
            wire += c.length;
            if (!gz && wire > limit) {
              req.destroy(
                new ScrapeError(
                  `body size limit exceeded (${o.bodySizeLimit} bytes); raise body_size_limit`,
                ),
              );
              return;
            }
            if (into) into.push(c);
            else chunks.push(c);
          });
          res.on('error', (e) => {
            done();
            reject(cut ?? (e instanceof ScrapeError ? e : new ScrapeError(e.message)));
          });
          res.on('end', () => {
            done();
            if (status !== 200) {
              reject(
                new ScrapeError(
                  `server returned HTTP status ${status} ${res.statusMessage ?? ''}`.trim(),
                ),
              );
              return;
            }
            let buf = into ? into.buf.subarray(0, into.len) : Buffer.concat(chunks);
            if (gz) {
              try {
                buf = zlib.gunzipSync(
                  buf,
                  Number.isFinite(limit) ? { maxOutputLength: limit } : {},
                );
              } catch (e) {
                const msg = (e as Error).message;
                reject(
                  new ScrapeError(
                    /maxOutputLength|Cannot create a Buffer/i.test(msg)
                      ? `body size limit exceeded (${o.bodySizeLimit} bytes); raise body_size_limit`
                      : `cannot decompress gzip body: ${msg}`,
                  ),
                );
                return;
              }
            }
            resolve({
              status,
              contentType: res.headers['content-type'] ?? '',
              bytes: buf,
              wireBytes: wire,
            });
          });
        },
      );
      req.on('error', (e) => {
        done();
        reject(cut ?? (e instanceof ScrapeError ? e : new ScrapeError(e.message)));
      });
      req.end();
    });
  }

  private async authHeader(o: FetchOptions): Promise<string | undefined> {
    const c = this.cfg;
    if (c.basicAuth) {
      const user =
        c.basicAuth.usernameFile !== ''
          ? readTrimmed(c.basicAuth.usernameFile)
          : c.basicAuth.username;
      const pass =
        c.basicAuth.passwordFile !== ''
          ? readTrimmed(c.basicAuth.passwordFile)
          : c.basicAuth.password;
      return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    }
    if (c.authorization) {
      const a = c.authorization;
      const cred = a.credentialsFile !== '' ? readTrimmed(a.credentialsFile) : a.credentials;
      return `${a.type} ${cred}`;
    }
    if (c.oauth2) return `Bearer ${await this.oauth2Token(o)}`;
    return undefined;
  }

  private async oauth2Token(o: FetchOptions): Promise<string> {
    const now = Date.now();
    if (this.oauthToken && this.oauthToken.expires > now + 10_000) return this.oauthToken.token;
    const c = this.cfg.oauth2!;
    const secret = c.clientSecretFile !== '' ? readTrimmed(c.clientSecretFile) : c.clientSecret;
    const body = new URLSearchParams({ grant_type: 'client_credentials', ...c.endpointParams });
    if (c.scopes.length > 0) body.set('scope', c.scopes.join(' '));
    const res = await fetch(c.tokenUrl, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Authorization: `Basic ${Buffer.from(`${encodeURIComponent(c.clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`,
      },
      body: body.toString(),
      signal: AbortSignal.timeout(o.timeoutMs),
    });
    if (!res.ok)
      throw new ScrapeError(`cannot get an OAuth 2 token from ${c.tokenUrl}: HTTP ${res.status}`);
    const json: unknown = await res.json();
    const tok = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
    if (typeof tok['access_token'] !== 'string') {
      throw new ScrapeError(
        `cannot get an OAuth 2 token from ${c.tokenUrl}: no access_token in the answer`,
      );
    }
    const expiresIn = typeof tok['expires_in'] === 'number' ? tok['expires_in'] : 3600;
    this.oauthToken = { token: tok['access_token'], expires: now + expiresIn * 1000 };
    return this.oauthToken.token;
  }
}

function readTrimmed(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (e) {
    throw new ScrapeError(`cannot read ${file}: ${(e as Error).message}`);
  }
}
