/**
 * The three ways of fetching raw samples (`RawReadMethod`): Prometheus remote read, the
 * VictoriaMetrics export API, and an instant query of a range selector. Each pushes the
 * matchers and the time range down and returns decoded series; exact range filtering, sorting
 * and de-duplication happen in `series.ts`.
 */
import { BadInputError, STALE_NAN, type Matcher } from '../../model/index.js';
import { decodeSnappyBody, encodeSnappyBody, STREAMED_CONTENT_TYPE } from '../../parsers/index.js';
import type { SelectHints } from '../../storage/index.js';
import { RemoteRequestError, type RemoteHttpClient } from './http.js';
import type { RawReadMethod } from './options.js';
import {
  decodeChunkedResponse,
  decodeReadResponse,
  encodeReadRequest,
  type RawSeries,
} from './proto.js';

/** Largest decompressed remote read answer accepted (SAMPLES mode), in bytes. */
const MAX_DECODED_BYTES = 1 << 30;

/** Latest time and longest range sent to a query API (ms): about 2100, and 100 years. */
const QUERY_MAX_TIME = 4_102_444_800_000;
const QUERY_MAX_RANGE = 100 * 365 * 86_400_000;

/** Renders matchers as a PromQL series selector, `{a="b",c=~"d"}`. */
export function selectorOf(matchers: readonly Matcher[]): string {
  return `{${matchers.map((m) => `${m.name}${m.type}${JSON.stringify(m.value)}`).join(',')}}`;
}

/** Fetches raw series for [start, end] (ms, inclusive) with one method. */
export async function readRaw(
  client: RemoteHttpClient,
  method: RawReadMethod,
  readUrl: string,
  start: number,
  end: number,
  matchers: readonly Matcher[],
  hints: SelectHints | undefined,
  signal: AbortSignal | undefined,
): Promise<RawSeries[]> {
  switch (method) {
    case 'remote-read':
      return remoteRead(client, readUrl, start, end, matchers, hints, signal);
    case 'export':
      return exportRead(client, readUrl, start, end, matchers, signal);
    case 'query':
      return queryRead(client, readUrl, start, end, matchers, signal);
  }
}

async function remoteRead(
  client: RemoteHttpClient,
  readUrl: string,
  start: number,
  end: number,
  matchers: readonly Matcher[],
  hints: SelectHints | undefined,
  signal: AbortSignal | undefined,
): Promise<RawSeries[]> {
  const req = encodeReadRequest(
    start,
    end,
    matchers,
    hints
      ? { stepMs: hints.step ?? 0, func: hints.func ?? '', rangeMs: hints.range ?? 0 }
      : undefined,
  );
  const res = await client.request(`${readUrl}/api/v1/read`, {
    method: 'POST',
    body: encodeSnappyBody(req),
    headers: {
      'Content-Type': 'application/x-protobuf',
      'Content-Encoding': 'snappy',
      'X-Prometheus-Remote-Read-Version': '0.1.0',
    },
    signal,
  });
  try {
    if (res.contentType.startsWith(STREAMED_CONTENT_TYPE.split(';')[0]!)) {
      return decodeChunkedResponse(res.body);
    }
    return decodeReadResponse(decodeSnappyBody(res.body, MAX_DECODED_BYTES, 'remote read answer'));
  } catch (e) {
    // A broken answer is the backend's fault, not the client's: not a 400 at our edge.
    if (!(e instanceof BadInputError)) throw e;
    throw new RemoteRequestError(`${readUrl}/api/v1/read: ${e.message}`, res.status, { cause: e });
  }
}

async function exportRead(
  client: RemoteHttpClient,
  readUrl: string,
  start: number,
  end: number,
  matchers: readonly Matcher[],
  signal: AbortSignal | undefined,
): Promise<RawSeries[]> {
  const form = new URLSearchParams();
  form.set('match[]', selectorOf(matchers));
  // The export API takes seconds with millisecond fractions; both bounds are inclusive.
  form.set('start', (start / 1000).toFixed(3));
  form.set('end', (end / 1000).toFixed(3));
  const res = await client.request(`${readUrl}/api/v1/export`, {
    method: 'POST',
    body: form.toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    signal,
  });
  return parseExportLines(res.body.toString('utf8'));
}

/**
 * Parses VictoriaMetrics' export JSON lines, which spell non-finite values `+Inf`, `-Inf`, and
 * staleness markers `null` or `NaN` (plain NaN samples never reach its storage).
 */
export function parseExportLines(text: string): RawSeries[] {
  const out: RawSeries[] = [];
  let from = 0;
  while (from < text.length) {
    let nl = text.indexOf('\n', from);
    if (nl < 0) nl = text.length;
    const lineStart = from;
    from = nl + 1;
    const vAt = text.indexOf('"values":[', lineStart);
    if (vAt < 0 || vAt > nl) {
      if (text.slice(lineStart, nl).trim() === '') continue;
      throw new Error(
        `cannot parse export line: ${text.slice(lineStart, Math.min(nl, lineStart + 200))}`,
      );
    }
    const tAt = text.indexOf('"timestamps":[', vAt);
    const mAt = text.indexOf('{', text.indexOf('"metric":', lineStart));
    if (tAt < 0 || tAt > nl || mAt < 0 || mAt > vAt)
      throw new Error(
        `cannot parse export line: ${text.slice(lineStart, Math.min(nl, lineStart + 200))}`,
      );
    const metric: unknown = JSON.parse(text.slice(mAt, text.lastIndexOf('}', vAt) + 1));
    if (typeof metric !== 'object' || metric === null)
      throw new Error(
        `cannot parse export line: ${text.slice(lineStart, Math.min(nl, lineStart + 200))}`,
      );
    const labels: string[] = [];
    for (const [k, v] of Object.entries(metric)) labels.push(k, String(v));
    const vEnd = text.indexOf(']', vAt);
    const tEnd = text.indexOf(']', tAt);
    const n = countItems(text, tAt + 14, tEnd);
    const ts = new Float64Array(n);
    const vs = new Float64Array(n);
    // Timestamps are integers: parsed digit by digit without creating strings.
    let i = 0;
    let acc = 0;
    let neg = false;
    let any = false;
    for (let c = tAt + 14; c <= tEnd && i < n; c++) {
      const ch = text.charCodeAt(c);
      if (ch >= 48 && ch <= 57) {
        acc = acc * 10 + (ch - 48);
        any = true;
      } else if (ch === 45) neg = true;
      else if (any) {
        ts[i++] = neg ? -acc : acc;
        acc = 0;
        neg = false;
        any = false;
      }
    }
    // Values: one number per comma-separated token.
    let at = vAt + 10;
    for (let k = 0; k < n && at < vEnd; k++) {
      let comma = text.indexOf(',', at);
      if (comma < 0 || comma > vEnd) comma = vEnd;
      const fast = fastDecimal(text, at, comma);
      vs[k] = fast !== undefined ? fast : parseValue(text.slice(at, comma), true);
      at = comma + 1;
    }
    out.push({ labels, ts, vs, n });
  }
  return out;
}

/** Exact powers of ten up to 1e22 (all representable as doubles). */
const POW10 = Float64Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * Parses a plain decimal (`-12.345`) in text[from, to) without creating a string, when the
 * result is exact: at most 15 digits (an exact integer mantissa) and at most 22 decimals (an
 * exact power of ten), so one correctly rounded division gives the same double as `Number()`.
 * Returns undefined for anything else (exponents, `+Inf`, `null`, long mantissas).
 */
function fastDecimal(text: string, from: number, to: number): number | undefined {
  let i = from;
  let neg = false;
  if (text.charCodeAt(i) === 45) {
    neg = true;
    i++;
  }
  let mant = 0;
  let digits = 0;
  let frac = -1;
  for (; i < to; i++) {
    const ch = text.charCodeAt(i);
    if (ch >= 48 && ch <= 57) {
      mant = mant * 10 + (ch - 48);
      digits++;
      if (frac >= 0) frac++;
    } else if (ch === 46 && frac < 0) frac = 0;
    else return undefined;
  }
  if (digits === 0 || digits > 15 || frac > 22) return undefined;
  const v = frac > 0 ? mant / POW10[frac]! : mant;
  return neg ? -v : v;
}

/** Number of comma-separated items in text[from, to). */
function countItems(text: string, from: number, to: number): number {
  if (to <= from) return 0;
  let n = 1;
  for (let c = text.indexOf(',', from); c >= 0 && c < to; c = text.indexOf(',', c + 1)) n++;
  return n;
}

/**
 * Parses one value. VictoriaMetrics drops NaN samples at ingestion and keeps only staleness
 * markers, which its export spells `null` or (depending on the range) `NaN`: `nanIsStale` reads
 * both as the marker.
 */
function parseValue(s: string, nanIsStale = false): number {
  switch (s) {
    case 'null':
      return STALE_NAN;
    case 'NaN':
      return nanIsStale ? STALE_NAN : Number.NaN;
    case '+Inf':
    case 'Inf':
      return Infinity;
    case '-Inf':
      return -Infinity;
    default:
      return Number(s);
  }
}

async function queryRead(
  client: RemoteHttpClient,
  readUrl: string,
  start: number,
  end: number,
  matchers: readonly Matcher[],
  signal: AbortSignal | undefined,
): Promise<RawSeries[]> {
  // Query APIs parse durations and times into 64-bit nanoseconds: keep both within ~290 years.
  const to = Math.min(end, QUERY_MAX_TIME);
  const from = Math.max(start, to - QUERY_MAX_RANGE);
  const form = new URLSearchParams();
  const rangeMs = Math.max(1, to - from + 1);
  form.set('query', `${selectorOf(matchers)}[${rangeMs}ms]`);
  form.set('time', (to / 1000).toFixed(3));
  const res = await client.request(`${readUrl}/api/v1/query`, {
    method: 'POST',
    body: form.toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    signal,
  });
  return parseMatrix(res.body.toString('utf8'));
}

/** Parses the `matrix` result of a Prometheus query API answer. */
export function parseMatrix(text: string): RawSeries[] {
  const doc: unknown = JSON.parse(text);
  const data = field(doc, 'data');
  const result = field(data, 'result');
  if (!Array.isArray(result))
    throw new Error('cannot parse query answer: data.result is not a list');
  const out: RawSeries[] = [];
  for (const r of result as unknown[]) {
    const metric = field(r, 'metric');
    const values = field(r, 'values');
    if (typeof metric !== 'object' || metric === null || !Array.isArray(values)) continue;
    const labels: string[] = [];
    for (const [k, v] of Object.entries(metric)) labels.push(k, String(v));
    const n = values.length;
    const ts = new Float64Array(n);
    const vs = new Float64Array(n);
    (values as unknown[]).forEach((p, i) => {
      if (!Array.isArray(p)) return;
      ts[i] = Math.round(Number(p[0]) * 1000);
      vs[i] = parseValue(String(p[1]));
    });
    out.push({ labels, ts, vs, n });
  }
  return out;
}

function field(o: unknown, name: string): unknown {
  return typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[name] : undefined;
}
