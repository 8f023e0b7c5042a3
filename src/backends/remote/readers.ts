/**
 * The three ways of fetching raw samples (`RawReadMethod`): Prometheus remote read, the
 * VictoriaMetrics export API, and an instant query of a range selector. Each pushes the
 * matchers and the time range down and returns decoded series; exact range filtering, sorting
 * and de-duplication happen in `series.ts`.
 */
import { STALE_NAN, type Matcher } from '../../model/index.js';
import { decodeSnappyBody, encodeSnappyBody, STREAMED_CONTENT_TYPE } from '../../parsers/index.js';
import type { SelectHints } from '../../storage/index.js';
import type { RemoteHttpClient } from './http.js';
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
  if (res.contentType.startsWith(STREAMED_CONTENT_TYPE.split(';')[0]!)) {
    return decodeChunkedResponse(res.body);
  }
  return decodeReadResponse(decodeSnappyBody(res.body, MAX_DECODED_BYTES, 'remote read answer'));
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
    const line = text.slice(from, nl);
    from = nl + 1;
    if (line.trim() === '') continue;
    const vAt = line.indexOf('"values":[');
    const tAt = line.indexOf('"timestamps":[');
    if (vAt < 0 || tAt < 0) throw new Error(`cannot parse export line: ${line.slice(0, 200)}`);
    const metricJson = line.slice(line.indexOf('{', 1), vAt).replace(/,\s*$/, '');
    const metric: unknown = JSON.parse(metricJson);
    if (typeof metric !== 'object' || metric === null)
      throw new Error(`cannot parse export line: ${line.slice(0, 200)}`);
    const labels: string[] = [];
    for (const [k, v] of Object.entries(metric)) labels.push(k, String(v));
    const vText = line.slice(vAt + 10, line.indexOf(']', vAt));
    const tText = line.slice(tAt + 14, line.indexOf(']', tAt));
    const vParts = vText === '' ? [] : vText.split(',');
    const tParts = tText === '' ? [] : tText.split(',');
    const n = Math.min(vParts.length, tParts.length);
    const ts = new Float64Array(n);
    const vs = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      ts[i] = Number(tParts[i]);
      vs[i] = parseValue(vParts[i]!, true);
    }
    out.push({ labels, ts, vs, n });
  }
  return out;
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
