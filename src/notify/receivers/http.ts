import { readFile } from 'node:fs/promises';
import {
  HttpClientPool,
  defaultTransportTLS,
  type HttpClientSettings,
  type OAuth2Options,
  type TransportTLSOptions,
} from '../../util/index.js';
import type { HTTPClientSettings } from '../config/index.js';
import { NotifyError } from '../pipeline/pipeline.js';
import { deadline } from '../util/deadline.js';

function obj(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

function s(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

/** Reads a secret given inline or as a file (`*_file`), trimming a file's trailing newline. */
export async function secret(inline: unknown, file: unknown): Promise<string> {
  if (s(inline) !== '') return s(inline);
  if (s(file) === '') return '';
  try {
    return (await readFile(s(file), 'utf8')).trim();
  } catch (e) {
    throw new NotifyError(`cannot read secret file ${s(file)}: ${(e as Error).message}`, false, {
      cause: e,
    });
  }
}

/** Request headers from an `<http_config>`: authorization, basic auth and `http_headers`. */
export async function authHeaders(
  cfg: HTTPClientSettings | undefined,
): Promise<Record<string, string>> {
  const h: Record<string, string> = {};
  if (cfg === undefined) return h;
  const ba = obj(cfg['basic_auth']);
  if (ba !== undefined) {
    const pw = await secret(ba['password'], ba['password_file']);
    h['authorization'] = `Basic ${Buffer.from(`${s(ba['username'])}:${pw}`).toString('base64')}`;
  }
  const az = obj(cfg['authorization']);
  if (az !== undefined) {
    const cred = await secret(az['credentials'], az['credentials_file']);
    h['authorization'] = `${s(az['type']) || 'Bearer'} ${cred}`;
  }
  const bearer = await secret(cfg['bearer_token'], cfg['bearer_token_file']);
  if (bearer !== '') h['authorization'] = `Bearer ${bearer}`;
  const extra = obj(cfg['http_headers']);
  for (const [name, v] of Object.entries(extra ?? {})) {
    const hv = obj(v);
    const list = (x: unknown): unknown[] => (Array.isArray(x) ? (x as unknown[]) : []);
    const values = [...list(hv?.['values']), ...list(hv?.['secrets'])];
    if (values.length > 0) h[name.toLowerCase()] = values.map(s).join(', ');
  }
  return h;
}

/** Options of one HTTP delivery. */
export interface PostOptions {
  readonly url: string;
  readonly body: string;
  readonly contentType?: string;
  /** HTTP method; POST unless set (Matrix sends with PUT). */
  readonly method?: 'POST' | 'PUT';
  readonly headers?: Readonly<Record<string, string>>;
  readonly httpConfig: HTTPClientSettings | undefined;
  readonly signal: AbortSignal;
  /** Per-request timeout in ms; 0 for none. */
  readonly timeoutMs?: number;
}

/**
 * POSTs a notification. 2xx succeeds; 5xx and 429 fail retryably; other statuses and bad URLs
 * fail for good. The response body (up to 1 KiB) is quoted in the error.
 */
export async function postNotification(o: PostOptions): Promise<string> {
  const headers = {
    'content-type': o.contentType ?? 'application/json',
    'user-agent': 'Kansoku',
    ...(await authHeaders(o.httpConfig)),
    ...(o.headers ?? {}),
  };
  const d =
    o.timeoutMs !== undefined && o.timeoutMs > 0 ? deadline(o.signal, o.timeoutMs) : undefined;
  const signal = d?.signal ?? o.signal;
  try {
    return await post(o, headers, signal);
  } finally {
    d?.done();
  }
}

/** Connections of every receiver, one keep-alive transport per origin and settings. */
const pool = new HttpClientPool();

/** Closes the receivers' idle connections (at shutdown and between tests). */
export function closeNotificationConnections(): void {
  pool.close();
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** The transport part of an `<http_config>`: TLS, proxy, redirects and OAuth2. */
export function clientSettings(cfg: HTTPClientSettings | undefined): HttpClientSettings {
  const t = obj(cfg?.['tls_config']);
  const tls: TransportTLSOptions =
    t === undefined
      ? defaultTransportTLS()
      : {
          ca: str(t['ca']),
          caFile: str(t['ca_file']),
          cert: str(t['cert']),
          certFile: str(t['cert_file']),
          key: str(t['key']),
          keyFile: str(t['key_file']),
          serverName: str(t['server_name']),
          insecureSkipVerify: t['insecure_skip_verify'] === true,
        };
  const o = obj(cfg?.['oauth2']);
  let oauth2: OAuth2Options | undefined;
  if (o !== undefined) {
    const params = obj(o['endpoint_params']) ?? {};
    oauth2 = {
      clientId: s(o['client_id']),
      clientSecret: s(o['client_secret']),
      clientSecretFile: s(o['client_secret_file']),
      tokenUrl: s(o['token_url']),
      scopes: Array.isArray(o['scopes']) ? (o['scopes'] as unknown[]).map(s) : [],
      endpointParams: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, s(v)])),
    };
  }
  return {
    tls,
    proxyUrl: str(cfg?.['proxy_url']),
    noProxy: str(cfg?.['no_proxy']),
    proxyFromEnvironment: cfg?.['proxy_from_environment'] === true,
    followRedirects: cfg?.['follow_redirects'] !== false,
    oauth2,
  };
}

async function post(
  o: PostOptions,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<string> {
  let status: number;
  let text: string;
  try {
    const res = await pool.send(
      { url: o.url, method: o.method ?? 'POST', body: o.body, headers, signal },
      clientSettings(o.httpConfig),
    );
    status = res.status;
    text = res.body;
  } catch (e) {
    if (e instanceof TypeError || (e instanceof Error && e.name === 'TypeError')) {
      throw new NotifyError(`cannot send notification: invalid URL`, false, { cause: e });
    }
    throw new NotifyError(`cannot send notification: ${(e as Error).message}`, true, { cause: e });
  }
  if (status >= 200 && status < 300) return text;
  const retryable = status >= 500 || status === 429;
  throw new NotifyError(
    `cannot send notification: unexpected status code ${status}: ${text.slice(0, 1024)}`,
    retryable,
  );
}
