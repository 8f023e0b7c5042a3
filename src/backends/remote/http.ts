/**
 * The HTTP client of the read side: keep-alive connections, authentication, the tenant header,
 * TLS settings and timeouts, over `node:http`/`node:https` (the built-in `fetch` cannot take a
 * CA bundle or client certificate per request).
 */
import http from 'node:http';
import https from 'node:https';
import type { RemoteBackendOptions } from './options.js';

/** A failed request to the backend: the URL path and the cause (status and body, or network). */
export class RemoteRequestError extends Error {
  override readonly name = 'RemoteRequestError';

  constructor(
    message: string,
    /** HTTP status, or 0 for network errors and timeouts. */
    readonly status: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A buffered answer. */
export interface RemoteResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: Buffer;
}

/** Options of one request. */
export interface RequestOptions {
  readonly method?: 'GET' | 'POST';
  readonly body?: Uint8Array | string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal | undefined;
  /** Accept non-2xx answers instead of throwing (the query proxy passes them on). */
  readonly acceptErrors?: boolean;
}

/**
 * Sends requests to one backend. Owns two keep-alive agents; `close()` destroys their sockets.
 * Safe for concurrent use.
 */
export class RemoteHttpClient {
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  private readonly httpsAgent: https.Agent;
  private readonly baseHeaders: Record<string, string>;

  constructor(private readonly opts: RemoteBackendOptions) {
    const t = opts.tls;
    this.httpsAgent = new https.Agent({
      keepAlive: true,
      maxSockets: 64,
      ...(t.ca !== '' ? { ca: t.ca } : {}),
      ...(t.cert !== '' ? { cert: t.cert, key: t.key } : {}),
      ...(t.serverName !== '' ? { servername: t.serverName } : {}),
      rejectUnauthorized: !t.insecureSkipVerify,
    });
    this.baseHeaders = authHeaders(opts);
  }

  /** The headers every request carries (auth, tenant, extra headers). */
  headers(): Readonly<Record<string, string>> {
    return this.baseHeaders;
  }

  /** Sends one request to `url` and buffers the answer; throws `RemoteRequestError` on failure. */
  request(url: string, o: RequestOptions = {}): Promise<RemoteResponse> {
    const u = new URL(url);
    const isHttps = u.protocol === 'https:';
    const lib = isHttps ? https : http;
    const headers: Record<string, string> = {
      'User-Agent': 'Kansoku',
      ...this.baseHeaders,
      ...o.headers,
    };
    const body = typeof o.body === 'string' ? Buffer.from(o.body) : o.body;
    if (body) headers['Content-Length'] = String(body.length);
    const what = `${o.method ?? 'GET'} ${u.pathname}`;
    return new Promise<RemoteResponse>((resolve, reject) => {
      if (o.signal?.aborted === true) {
        reject(asAbortError(o.signal.reason, what));
        return;
      }
      const req = lib.request(
        u,
        {
          method: o.method ?? 'GET',
          headers,
          agent: isHttps ? this.httpsAgent : this.httpAgent,
          timeout: this.opts.readTimeoutMs,
        },
        (res) => {
          const parts: Buffer[] = [];
          let size = 0;
          const max = this.opts.readMaxBytes;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (max > 0 && size > max) {
              req.destroy(
                new RemoteRequestError(
                  `cannot read ${what}: the answer exceeds ${max} bytes (raise storage.remote.read_max_bytes, or narrow the query)`,
                  0,
                ),
              );
              return;
            }
            parts.push(c);
          });
          res.on('error', (e) => {
            reject(new RemoteRequestError(`cannot read ${what}: ${e.message}`, 0, { cause: e }));
          });
          res.on('end', () => {
            cleanup();
            const status = res.statusCode ?? 0;
            const buf = Buffer.concat(parts);
            if ((status < 200 || status > 299) && o.acceptErrors !== true) {
              reject(
                new RemoteRequestError(
                  `cannot read ${what} from the remote backend: HTTP ${status}: ${buf.subarray(0, 512).toString()}`,
                  status,
                ),
              );
              return;
            }
            resolve({ status, contentType: res.headers['content-type'] ?? '', body: buf });
          });
        },
      );
      const onAbort = (): void => {
        req.destroy(asAbortError(o.signal?.reason, what));
      };
      const cleanup = (): void => o.signal?.removeEventListener('abort', onAbort);
      o.signal?.addEventListener('abort', onAbort, { once: true });
      req.on('timeout', () => {
        req.destroy(
          new RemoteRequestError(
            `cannot read ${what}: no answer within ${this.opts.readTimeoutMs}ms (raise storage.remote.read-timeout)`,
            0,
          ),
        );
      });
      req.on('error', (e) => {
        cleanup();
        reject(
          e instanceof RemoteRequestError || e.name === 'AbortError'
            ? e
            : new RemoteRequestError(
                `cannot reach the remote backend for ${what}: ${e.message}`,
                0,
                {
                  cause: e,
                },
              ),
        );
      });
      req.end(body);
    });
  }

  /** Closes idle connections. */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

function asAbortError(reason: unknown, what: string): Error {
  if (reason instanceof Error) return reason;
  return new DOMException(`${what} aborted`, 'AbortError');
}

/** Authorization, tenant and extra headers. */
export function authHeaders(opts: RemoteBackendOptions): Record<string, string> {
  const h: Record<string, string> = { ...opts.headers };
  const a = opts.auth;
  switch (a.kind) {
    case 'none':
      break;
    case 'basic':
      h['Authorization'] = `Basic ${Buffer.from(`${a.username}:${a.password}`).toString('base64')}`;
      break;
    case 'authorization':
      h['Authorization'] = `${a.type} ${a.credentials}`;
      break;
  }
  if (opts.tenant !== '') h['X-Scope-OrgID'] = opts.tenant;
  return h;
}
