import { readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';

/** TLS settings of an HTTP client (Prometheus' `tls_config`). PEM text wins over files. */
export interface TransportTLSOptions {
  readonly ca: string;
  readonly caFile: string;
  readonly cert: string;
  readonly certFile: string;
  readonly key: string;
  readonly keyFile: string;
  /** Server name for SNI and certificate verification ('' = the URL's host). */
  readonly serverName: string;
  readonly insecureSkipVerify: boolean;
}

/** A TLS config with nothing set: system CAs, verification on. */
export function defaultTransportTLS(): TransportTLSOptions {
  return {
    ca: '',
    caFile: '',
    cert: '',
    certFile: '',
    key: '',
    keyFile: '',
    serverName: '',
    insecureSkipVerify: false,
  };
}

/** One request: method (POST unless set), body and headers. */
export interface TransportRequest {
  readonly method?: 'POST' | 'PUT' | 'GET';
  readonly body: Uint8Array | string;
  readonly headers: Record<string, string>;
  readonly signal: AbortSignal;
  /** Request path and query instead of the transport's URL (same origin; for redirects). */
  readonly url?: string;
}

/** The answer of a request: status, lower-cased headers and up to 4 KiB of the body. */
export interface TransportResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** Raised for a request that never got an HTTP answer (connect, TLS, proxy or timeout). */
export class TransportError extends Error {
  override readonly name = 'TransportError';
}

/**
 * An HTTP(S) client for one URL with keep-alive connections, `tls_config` (CA, client
 * certificate, server name, verification off) and `proxy_url` (plain HTTP proxy; `https://`
 * destinations go through a `CONNECT` tunnel). Certificate and key files are re-read when their
 * modification time changes, so rotated certificates are picked up without a restart.
 *
 * One owner; requests may overlap (each gets its own connection from the pool).
 */
export class HttpTransport {
  private readonly target: URL;
  private readonly proxy: URL | undefined;
  private agent: http.Agent | undefined;
  private agentKey = '';

  constructor(
    url: string,
    private readonly tlsOpts: TransportTLSOptions = defaultTransportTLS(),
    proxyUrl = '',
  ) {
    this.target = new URL(url);
    this.proxy = proxyUrl !== '' ? new URL(proxyUrl) : undefined;
    if (this.proxy && this.proxy.protocol !== 'http:')
      throw new TransportError(
        `cannot use proxy_url ${proxyUrl}: only http:// proxies are supported`,
      );
  }

  /** POSTs `body`; resolves with the answer or rejects with a `TransportError`. */
  post(
    body: Uint8Array,
    headers: Record<string, string>,
    signal: AbortSignal,
  ): Promise<TransportResponse> {
    return this.send({ body, headers, signal });
  }

  /** Sends one request; resolves with the answer or rejects with a `TransportError`. */
  async send(r: TransportRequest): Promise<TransportResponse> {
    const { headers, signal } = r;
    const body = typeof r.body === 'string' ? Buffer.from(r.body) : r.body;
    const target = r.url !== undefined ? new URL(r.url, this.target) : this.target;
    if (target.origin !== this.target.origin)
      throw new TransportError(
        `BUG: request to ${target.origin} on a transport for ${this.target.origin}`,
      );
    const secure = target.protocol === 'https:';
    const tlsOptions = secure ? this.tlsOptions() : undefined;
    const reqHeaders: Record<string, string> = {
      ...headers,
      'Content-Length': String(body.length),
    };
    let opts: http.RequestOptions;
    if (this.proxy && !secure) {
      // Plain HTTP through a proxy: absolute URI in the request line.
      opts = {
        host: this.proxy.hostname,
        port: this.proxy.port || 80,
        path: target.href,
        headers: { ...reqHeaders, Host: target.host, ...this.proxyAuth() },
        agent: this.poolAgent(false, undefined),
      };
    } else if (this.proxy && secure && tlsOptions) {
      const raw = await this.tunnel(signal);
      opts = {
        host: target.hostname,
        port: target.port || 443,
        path: target.pathname + target.search,
        headers: reqHeaders,
        agent: false,
        ...tlsOptions,
        createConnection: () => tls.connect({ ...tlsOptions, socket: raw }),
      };
    } else {
      opts = {
        host: target.hostname,
        port: target.port || (secure ? 443 : 80),
        path: target.pathname + target.search,
        headers: reqHeaders,
        agent: this.poolAgent(secure, tlsOptions),
      };
    }
    return this.request(
      secure ? https : http,
      { ...opts, method: r.method ?? 'POST' },
      body,
      signal,
    );
  }

  private request(
    mod: typeof http | typeof https,
    opts: http.RequestOptions,
    body: Uint8Array,
    signal: AbortSignal,
  ): Promise<TransportResponse> {
    return new Promise((resolve, reject) => {
      const req = mod.request({ ...opts, signal }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          if (size < 4096) chunks.push(c);
          size += c.length;
        });
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8').slice(0, 4096),
          });
        });
        res.on('error', (e) => {
          reject(new TransportError(e.message, { cause: e }));
        });
      });
      req.on('error', (e) => {
        // An abort says why (for example a deadline's "timed out after …").
        const why = signal.aborted && signal.reason instanceof Error ? signal.reason : e;
        reject(new TransportError(why.message, { cause: e }));
      });
      req.end(body);
    });
  }

  /** Opens a `CONNECT` tunnel through the proxy (TLS is started on it by the caller). */
  private tunnel(signal: AbortSignal): Promise<Duplex> {
    const proxy = this.proxy;
    if (!proxy) throw new TransportError('BUG: tunnel without a proxy');
    const authority = `${this.target.hostname}:${this.target.port || 443}`;
    return new Promise((resolve, reject) => {
      const req = http.request({
        host: proxy.hostname,
        port: proxy.port || 80,
        method: 'CONNECT',
        path: authority,
        headers: { Host: authority, ...this.proxyAuth() },
        signal,
        agent: false,
      });
      req.on('connect', (res, socket: Duplex) => {
        if (res.statusCode !== 200) {
          socket.destroy();
          reject(new TransportError(`proxy ${proxy.host} refused CONNECT: ${res.statusCode}`));
          return;
        }
        resolve(socket);
      });
      req.on('error', (e) => {
        reject(new TransportError(e.message, { cause: e }));
      });
      req.end();
    });
  }

  private proxyAuth(): Record<string, string> {
    const p = this.proxy;
    if (!p || p.username === '') return {};
    const creds = `${decodeURIComponent(p.username)}:${decodeURIComponent(p.password)}`;
    return { 'Proxy-Authorization': `Basic ${Buffer.from(creds).toString('base64')}` };
  }

  private poolAgent(secure: boolean, tlsOptions: tls.ConnectionOptions | undefined): http.Agent {
    const key = secure ? JSON.stringify(fileStamps(this.tlsOpts)) : 'plain';
    if (this.agent && key === this.agentKey) return this.agent;
    this.agent?.destroy();
    this.agentKey = key;
    this.agent = secure
      ? new https.Agent({ keepAlive: true, maxSockets: 64, ...tlsOptions })
      : new http.Agent({ keepAlive: true, maxSockets: 64 });
    return this.agent;
  }

  private tlsOptions(): tls.ConnectionOptions {
    const t = this.tlsOpts;
    const pem = (inline: string, file: string): string | undefined =>
      inline !== '' ? inline : file !== '' ? readFileSync(file, 'utf8') : undefined;
    const ca = pem(t.ca, t.caFile);
    const cert = pem(t.cert, t.certFile);
    const key = pem(t.key, t.keyFile);
    const servername = t.serverName !== '' ? t.serverName : this.target.hostname;
    return {
      ...(ca !== undefined ? { ca } : {}),
      ...(cert !== undefined ? { cert } : {}),
      ...(key !== undefined ? { key } : {}),
      rejectUnauthorized: !t.insecureSkipVerify,
      // SNI must not be an IP address; verification still uses `servername`.
      ...(servername !== '' && !/^[\d.]+$|:/.test(servername) ? { servername } : {}),
      checkServerIdentity: (_host, peer) => tls.checkServerIdentity(servername, peer),
    };
  }

  /** Closes idle keep-alive connections. */
  close(): void {
    this.agent?.destroy();
    this.agent = undefined;
  }
}

function fileStamps(t: TransportTLSOptions): number[] {
  return [t.caFile, t.certFile, t.keyFile].map((f) => {
    if (f === '') return 0;
    try {
      return statSync(f).mtimeMs;
    } catch {
      return -1;
    }
  });
}
