/**
 * The Pushgateway HTTP contract, independent of `node:http`: `PUT`, `POST` and `DELETE` on
 * `/metrics/job/<job>{/<label>/<value>}` map to a status and a plain-text body, as Pushgateway
 * answers them. Kansoku adds the `ttl` query parameter (a Prometheus duration such as `1h`).
 */
import { DurationError, parseDuration } from '../../config/index.js';
import { PushPathError, parseGroupingPath } from './path.js';
import type { PushStore } from './store.js';

/** One push request as the HTTP layer received it. */
export interface PushRequest {
  readonly method: string;
  /** The URL path, still percent-encoded, without the query string. */
  readonly path: string;
  /** The body decoded as UTF-8 (after any `Content-Encoding`). */
  readonly body: string;
  /** The query parameters. */
  readonly query: URLSearchParams;
  /** The request time (ms since the epoch). */
  readonly now: number;
  /** The `Content-Type` header, when sent. */
  readonly contentType?: string;
}

/** The answer: an HTTP status and a plain-text body (`text/plain; charset=utf-8`). */
export interface PushResponse {
  readonly status: number;
  readonly body: string;
  /** Extra headers (`Allow` on 405). */
  readonly headers: Readonly<Record<string, string>>;
}

const reply = (status: number, body = '', headers: Record<string, string> = {}): PushResponse => ({
  status,
  body,
  headers,
});

/**
 * Parses the `ttl` query parameter: undefined when absent (the group keeps its time to live),
 * 0 for `ttl=0` (no time to live).
 */
export function parseTTL(query: URLSearchParams): number | undefined {
  const raw = query.get('ttl');
  if (raw === null) return undefined;
  try {
    return parseDuration(raw);
  } catch (e) {
    if (e instanceof DurationError) throw new PushPathError(`invalid ttl: ${e.message}`);
    throw e;
  }
}

/**
 * Handles one request. PUT replaces the group's metrics, POST replaces the pushed families, both
 * answer 200 (400 for a bad path, body or ttl, or pushed samples with timestamps; 415 for the
 * delimited protobuf format, which Kansoku does not read); DELETE answers
 * 202 whether or not the group existed; other methods 405. Storage and limit errors are thrown
 * for the HTTP layer's error mapping.
 */
export async function handlePush(store: PushStore, req: PushRequest): Promise<PushResponse> {
  const method = req.method.toUpperCase();
  if (method !== 'PUT' && method !== 'POST' && method !== 'DELETE') {
    return reply(405, 'method not allowed\n', { Allow: 'PUT, POST, DELETE' });
  }
  let key;
  let ttl: number | undefined;
  try {
    key = parseGroupingPath(req.path);
    if (method !== 'DELETE') ttl = parseTTL(req.query);
  } catch (e) {
    if (e instanceof PushPathError) return reply(400, `${e.message}\n`);
    throw e;
  }
  const ct = (req.contentType ?? '').toLowerCase();
  if (method !== 'DELETE' && ct.startsWith('application/vnd.google.protobuf')) {
    return reply(415, 'delimited protobuf pushes are not supported; push the text format\n');
  }
  if (method === 'DELETE') {
    await store.delete(key, req.now);
    return reply(202);
  }
  const r = await store.push(key, req.body, method === 'PUT', ttl, req.now);
  if (r.ok) return reply(200);
  if (r.kind === 'syntax') return reply(400, `${r.message}\n`);
  return reply(
    400,
    `pushed metrics are invalid or inconsistent with existing metrics: ${r.message}\n`,
  );
}
