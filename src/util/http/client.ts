import net from 'node:net';
import { OAuth2TokenSource, type OAuth2Options } from './oauth2.js';
import {
  HttpTransport,
  TransportError,
  defaultTransportTLS,
  type TransportResponse,
  type TransportTLSOptions,
} from './transport.js';

/** Transport settings of an HTTP client: Prometheus' `<http_config>` minus the credentials. */
export interface HttpClientSettings {
  readonly tls: TransportTLSOptions;
  /** `proxy_url` (an `http://` proxy), or '' for none. */
  readonly proxyUrl: string;
  /** `no_proxy`: comma-separated hosts, domains (`.example.com` or `example.com`), IPs, CIDRs. */
  readonly noProxy: string;
  /** `proxy_from_environment`: take the proxy from HTTP_PROXY/HTTPS_PROXY/NO_PROXY. */
  readonly proxyFromEnvironment: boolean;
  /** `follow_redirects` (default true): follow up to 10 redirects like Go's HTTP client. */
  readonly followRedirects: boolean;
  /** `oauth2` client credentials: the token goes into `Authorization`. */
  readonly oauth2?: OAuth2Options | undefined;
}

/** Settings with nothing configured: system CAs, no proxy, redirects followed. */
export function defaultHttpClientSettings(): HttpClientSettings {
  return {
    tls: defaultTransportTLS(),
    proxyUrl: '',
    noProxy: '',
    proxyFromEnvironment: false,
    followRedirects: true,
  };
}

/** One request of an `HttpClientPool`. */
export interface ClientRequest {
  readonly url: string;
  readonly method?: 'POST' | 'PUT' | 'GET';
  readonly body: string | Uint8Array;
  readonly headers: Record<string, string>;
  readonly signal: AbortSignal;
}

const MAX_REDIRECTS = 10;
const MAX_TRANSPORTS = 256;

interface Entry {
  readonly transport: HttpTransport;
  readonly oauth2: OAuth2TokenSource | undefined;
}

/**
 * Sends requests with `<http_config>` transport settings: TLS (CA, client certificate, server
 * name, verification off), proxies (`proxy_url`, `no_proxy`, `proxy_from_environment`), OAuth2
 * client credentials and redirects. Keeps one keep-alive transport per origin and settings
 * (at most 256; the least recently used is closed).
 */
export class HttpClientPool {
  private readonly entries = new Map<string, Entry>();

  /**
   * Sends `r`. Resolves with the final answer (after redirects); rejects with a `TransportError`
   * when no answer came (connect, TLS, proxy, timeout) and a `TypeError` for a bad URL.
   */
  async send(r: ClientRequest, settings: HttpClientSettings): Promise<TransportResponse> {
    let url = new URL(r.url);
    let method = r.method ?? 'POST';
    let body: string | Uint8Array = r.body;
    let headers = { ...r.headers };
    for (let hop = 0; ; hop++) {
      const e = this.entry(url, settings);
      if (e.oauth2) headers['authorization'] = await e.oauth2.authorization(r.signal);
      const res = await e.transport.send({
        method,
        body,
        headers,
        signal: r.signal,
        url: url.pathname + url.search,
      });
      if (res.status === 401) e.oauth2?.invalidate();
      const location = res.headers.location;
      if (!settings.followRedirects || !isRedirect(res.status) || location === undefined)
        return res;
      if (hop >= MAX_REDIRECTS)
        throw new TransportError(`stopped after ${MAX_REDIRECTS} redirects`);
      const next = new URL(location, url);
      if (next.origin !== url.origin) {
        // Like Go's client: credentials are not sent to another host.
        headers = Object.fromEntries(
          Object.entries(headers).filter(([k]) => !SENSITIVE.has(k.toLowerCase())),
        );
      }
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
        method = 'GET';
        body = '';
        headers = Object.fromEntries(
          Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'content-type'),
        );
      }
      url = next;
    }
  }

  /** Closes every idle connection and forgets the transports. */
  close(): void {
    for (const e of this.entries.values()) {
      e.transport.close();
      e.oauth2?.close();
    }
    this.entries.clear();
  }

  private entry(url: URL, s: HttpClientSettings): Entry {
    const proxy = proxyFor(url, s);
    const key = JSON.stringify([url.origin, proxy, s.tls, s.oauth2 ?? null]);
    let e = this.entries.get(key);
    if (e !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, e);
      return e;
    }
    e = {
      transport: new HttpTransport(url.origin, s.tls, proxy),
      oauth2: s.oauth2 ? new OAuth2TokenSource(s.oauth2) : undefined,
    };
    this.entries.set(key, e);
    if (this.entries.size > MAX_TRANSPORTS) {
      const [oldKey, old] = this.entries.entries().next().value as [string, Entry];
      this.entries.delete(oldKey);
      old.transport.close();
      old.oauth2?.close();
    }
    return e;
  }
}

const SENSITIVE = new Set(['authorization', 'cookie', 'www-authenticate', 'proxy-authorization']);

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/** The proxy URL to use for `url` ('' for a direct connection). */
export function proxyFor(url: URL, s: HttpClientSettings): string {
  let proxy = s.proxyUrl;
  let noProxy = s.noProxy;
  if (s.proxyFromEnvironment) {
    const env = process.env;
    proxy =
      (url.protocol === 'https:'
        ? (env['HTTPS_PROXY'] ?? env['https_proxy'])
        : (env['HTTP_PROXY'] ?? env['http_proxy'])) ?? '';
    noProxy = env['NO_PROXY'] ?? env['no_proxy'] ?? '';
  }
  if (proxy === '' || bypasses(url.hostname, noProxy)) return '';
  return proxy;
}

/** Whether `host` matches a `no_proxy` list (hosts, domain suffixes, IPs, CIDRs, `*`). */
export function bypasses(host: string, list: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  for (const raw of list.split(',')) {
    const item = raw.trim().toLowerCase();
    if (item === '') continue;
    if (item === '*') return true;
    if (item.includes('/')) {
      const [addr = '', bits = ''] = item.split('/');
      const family = net.isIP(addr);
      if (family === 0 || net.isIP(h) !== family) continue;
      const b = new net.BlockList();
      b.addSubnet(addr, Number(bits), family === 4 ? 'ipv4' : 'ipv6');
      if (b.check(h, family === 4 ? 'ipv4' : 'ipv6')) return true;
      continue;
    }
    const domain = item.replace(/^\*?\./, '').replace(/:\d+$/, '');
    if (h === domain || h.endsWith(`.${domain}`)) return true;
  }
  return false;
}
