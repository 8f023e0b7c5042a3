import { readFile } from 'node:fs/promises';
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

async function post(
  o: PostOptions,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<string> {
  let res: Response;
  try {
    res = await fetch(o.url, {
      method: o.method ?? 'POST',
      body: o.body,
      headers,
      signal,
      redirect: o.httpConfig?.['follow_redirects'] === false ? 'manual' : 'follow',
    });
  } catch (e) {
    if (
      e instanceof TypeError &&
      /Invalid URL|Failed to parse URL/i.test(
        e.cause instanceof Error ? e.cause.message : e.message,
      )
    ) {
      throw new NotifyError(`cannot send notification: invalid URL`, false, { cause: e });
    }
    throw new NotifyError(`cannot send notification: ${(e as Error).message}`, true, { cause: e });
  }
  const text = await res.text().catch(() => '');
  if (res.ok) return text;
  const retryable = res.status >= 500 || res.status === 429;
  throw new NotifyError(
    `cannot send notification: unexpected status code ${res.status}: ${text.slice(0, 1024)}`,
    retryable,
  );
}
