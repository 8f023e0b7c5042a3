/**
 * Calls the Kansoku (Prometheus-compatible) HTTP API and validates every response before
 * returning it. Errors come back as `ApiError` with the server's message.
 */
import {
  arr,
  type Decoder,
  DecodeError,
  field,
  num,
  obj,
  opt,
  record,
  scalarText,
  str,
} from './decode.js';
import { installAuthFetch } from '../auth/session.js';
import type {
  InstantSample,
  Metric,
  MetricMeta,
  NameCount,
  QueryResult,
  RangeSeries,
  Target,
  TsdbStatus,
  WithWarnings,
  Cardinality,
  DroppedTarget,
} from './types.js';

// Every same-origin request carries the CSRF token; a 401 leads to the sign-in page.
installAuthFetch();

/** An API call that failed: transport, HTTP status or an error envelope. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly errorType: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const metric: Decoder<Metric> = record(str);

/** Sample values travel as strings ("1", "NaN", "+Inf"). */
function sampleValue(v: unknown, p: string): string {
  return str(v, p);
}

function pair(v: unknown, p: string): [number, string] {
  if (!Array.isArray(v)) throw new DecodeError(p, 'a [time, value] pair', v);
  const a: unknown[] = v;
  if (a.length !== 2) throw new DecodeError(p, 'a [time, value] pair', v);
  return [num(a[0], `${p}[0]`), sampleValue(a[1], `${p}[1]`)];
}

function rangeSeries(v: unknown, p: string): RangeSeries {
  const o = obj(v, p);
  const m = field(o, 'metric', metric, p);
  const raw = field(o, 'values', opt(arr(pair), []), p);
  const times = new Float64Array(raw.length);
  const values = new Float64Array(raw.length);
  raw.forEach(([t, x], i) => {
    times[i] = t;
    values[i] = Number(x);
  });
  return { metric: m, times, values };
}

function instantSample(v: unknown, p: string): InstantSample {
  const o = obj(v, p);
  const [time, value] = field(o, 'value', pair, p);
  return { metric: field(o, 'metric', metric, p), time, value };
}

/** Decodes the `data` of a query response. */
export function decodeQueryResult(v: unknown, p = 'data'): QueryResult {
  const o = obj(v, p);
  const type = field(o, 'resultType', str, p);
  switch (type) {
    case 'matrix':
      return { kind: 'matrix', series: field(o, 'result', arr(rangeSeries), p) };
    case 'vector':
      return { kind: 'vector', samples: field(o, 'result', arr(instantSample), p) };
    case 'scalar':
    case 'string': {
      const [time, value] = field(o, 'result', pair, p);
      return { kind: type, time, value };
    }
    default:
      throw new DecodeError(`${p}.resultType`, 'matrix, vector, scalar or string', type);
  }
}

/** Reads the Prometheus envelope; throws `ApiError` for errors, decodes `data` otherwise. */
export async function readEnvelope<T>(res: Response, data: Decoder<T>): Promise<WithWarnings<T>> {
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    throw new ApiError(
      `cannot read response: HTTP ${res.status} without JSON body`,
      'bad_response',
    );
  }
  const o = obj(body, 'response');
  const status = field(o, 'status', str, 'response');
  if (status !== 'success') {
    const errorType = field(o, 'errorType', opt(str, 'error'), 'response');
    const error = field(o, 'error', opt(str, `HTTP ${res.status}`), 'response');
    throw new ApiError(error, errorType);
  }
  return {
    data: data(o['data'], 'data'),
    warnings: field(o, 'warnings', opt(arr(str), []), 'response'),
  };
}

async function get<T>(
  path: string,
  params: Record<string, string>,
  data: Decoder<T>,
  signal?: AbortSignal,
): Promise<WithWarnings<T>> {
  const qs = new URLSearchParams(params).toString();
  let res: Response;
  try {
    res = await fetch(`/api/v1/${path}${qs ? `?${qs}` : ''}`, signal ? { signal } : {});
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(`cannot reach the Kansoku server: ${String(e)}`, 'network');
  }
  return readEnvelope(res, data);
}

/** Runs a range query. Times in seconds, step in seconds. */
export function queryRange(
  query: string,
  start: number,
  end: number,
  step: number,
  signal?: AbortSignal,
): Promise<WithWarnings<QueryResult>> {
  return get(
    'query_range',
    { query, start: String(start), end: String(end), step: String(step) },
    decodeQueryResult,
    signal,
  );
}

/** Runs an instant query at `time` (seconds). */
export function queryInstant(
  query: string,
  time: number,
  signal?: AbortSignal,
): Promise<WithWarnings<QueryResult>> {
  return get('query', { query, time: String(time) }, decodeQueryResult, signal);
}

function metaEntry(v: unknown, p: string): Omit<MetricMeta, 'name'> {
  const o = obj(v, p);
  return {
    type: field(o, 'type', opt(str, 'unknown'), p),
    help: field(o, 'help', opt(str, ''), p),
    unit: field(o, 'unit', opt(str, ''), p),
  };
}

/** Metric names with type and help, sorted by name. */
export async function fetchMetadata(signal?: AbortSignal): Promise<MetricMeta[]> {
  const r = await get('metadata', {}, record(arr(metaEntry)), signal);
  return Object.entries(r.data)
    .map(([name, list]) => ({ name, ...(list[0] ?? { type: 'unknown', help: '', unit: '' }) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** All metric names (`/api/v1/label/__name__/values`). */
export async function fetchMetricNames(signal?: AbortSignal): Promise<string[]> {
  return (await get('label/__name__/values', {}, arr(str), signal)).data;
}

function target(v: unknown, p: string): Target {
  const o = obj(v, p);
  return {
    scrapePool: field(o, 'scrapePool', str, p),
    scrapeUrl: field(o, 'scrapeUrl', opt(str, ''), p),
    health: field(o, 'health', str, p),
    lastError: field(o, 'lastError', opt(str, ''), p),
    lastScrape: field(o, 'lastScrape', opt(str, ''), p),
    lastScrapeDuration: field(o, 'lastScrapeDuration', opt(num, 0), p),
    labels: field(o, 'labels', opt(metric, {}), p),
    discoveredLabels: field(o, 'discoveredLabels', opt(metric, {}), p),
    scrapeInterval: field(o, 'scrapeInterval', opt(str, ''), p),
  };
}

/** Active targets. */
export async function fetchTargets(signal?: AbortSignal): Promise<Target[]> {
  const r = await get(
    'targets',
    { state: 'active' },
    (v, p) => field(obj(v, p), 'activeTargets', opt(arr(target), []), p),
    signal,
  );
  return r.data;
}

/** Targets that relabeling dropped, with the labels they were discovered with. */
export async function fetchDroppedTargets(signal?: AbortSignal): Promise<DroppedTarget[]> {
  const r = await get(
    'targets',
    { state: 'dropped' },
    (v, p) =>
      field(
        obj(v, p),
        'droppedTargets',
        opt(
          arr((t, q) => {
            const o = obj(t, q);
            return {
              scrapePool: field(o, 'scrapePool', opt(str, ''), q),
              discoveredLabels: field(o, 'discoveredLabels', opt(metric, {}), q),
            };
          }),
          [],
        ),
        p,
      ),
    signal,
  );
  return r.data;
}

/** A flat map of text values (build info, runtime info, flags). */
export async function fetchInfo(
  what: 'buildinfo' | 'runtimeinfo' | 'flags',
  signal?: AbortSignal,
): Promise<Record<string, string>> {
  return (await get(`status/${what}`, {}, record(scalarText), signal)).data;
}

const nameCounts: Decoder<NameCount[]> = opt(
  arr((v, p) => {
    const o = obj(v, p);
    return { name: field(o, 'name', str, p), value: field(o, 'value', num, p) };
  }),
  [],
);

/** The cardinality explorer: top lists (at most `limit` entries each) and unused metrics. */
export async function fetchCardinality(limit: number, signal?: AbortSignal): Promise<Cardinality> {
  let res: Response;
  try {
    res = await fetch(`/api/kansoku/cardinality?limit=${String(limit)}`, signal ? { signal } : {});
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(`cannot reach the Kansoku server: ${String(e)}`, 'network');
  }
  const r = await readEnvelope(res, (v, p) => {
    const o = obj(v, p);
    const n = (k: string): number => field(o, k, opt(num, 0), p);
    return {
      numSeries: n('numSeries'),
      numMetrics: n('numMetrics'),
      seriesCountByMetricName: field(o, 'seriesCountByMetricName', nameCounts, p),
      seriesCountByLabelName: field(o, 'seriesCountByLabelName', nameCounts, p),
      labelValueCountByLabelName: field(o, 'labelValueCountByLabelName', nameCounts, p),
      seriesCountByLabelValuePair: field(o, 'seriesCountByLabelValuePair', nameCounts, p),
      unused: field(o, 'unused', nameCounts, p),
      unusedCount: n('unusedCount'),
      unusedSeries: n('unusedSeries'),
      dashboardsScanned: n('dashboardsScanned'),
      rulesScanned: n('rulesScanned'),
      unparsed: field(
        o,
        'unparsed',
        opt(
          arr((u, q) => {
            const x = obj(u, q);
            return {
              source: field(x, 'source', str, q),
              expr: field(x, 'expr', str, q),
              error: field(x, 'error', str, q),
            };
          }),
          [],
        ),
        p,
      ),
    };
  });
  return r.data;
}

/** TSDB statistics with the top cardinality lists. */
export async function fetchTsdbStatus(signal?: AbortSignal): Promise<TsdbStatus> {
  const r = await get(
    'status/tsdb',
    {},
    (v, p) => {
      const o = obj(v, p);
      return {
        headStats: field(o, 'headStats', opt(record(num), {}), p),
        seriesCountByMetricName: field(o, 'seriesCountByMetricName', nameCounts, p),
        labelValueCountByLabelName: field(o, 'labelValueCountByLabelName', nameCounts, p),
        memoryInBytesByLabelName: field(o, 'memoryInBytesByLabelName', nameCounts, p),
        seriesCountByLabelValuePair: field(o, 'seriesCountByLabelValuePair', nameCounts, p),
      };
    },
    signal,
  );
  return r.data;
}
