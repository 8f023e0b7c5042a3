/** `/api/v1/query` and `/api/v1/query_range`: PromQL evaluation over HTTP, shaped as Prometheus. */
import { QueryError, resultToPromJSON, type QueryResult } from '../../../promql/index.js';
import { ParseError } from '../../../promql/parser/index.js';
import { formParams } from '../../form.js';
import { BadParamError, parseDurationParam, parseTimeParam } from '../../params.js';
import type { RequestContext, Router } from '../../router.js';
import { needStorage, type ApiV1Deps } from './deps.js';
import { cachedRange } from './query-cache.js';

/** Most points a range query may return per series, like Prometheus. */
const MAX_POINTS_PER_SERIES = 11_000;

/** Adds the query endpoints (GET and form-encoded POST). */
export function addQueryRoutes(router: Router, deps: ApiV1Deps): void {
  router.add(['GET', 'POST'], '/api/v1/query', async (ctx) => {
    const p = await formParams(ctx);
    const query = requireQuery(p);
    const time = parseTimeParam(p.get('time'), 'time', Date.now());
    const opts = queryOptions(ctx, p, deps);
    try {
      if (await forwarded(deps, 'query', p, opts.options.signal, ctx)) return;
      const r = await deps.engine
        .instantQuery(needStorage(deps), query, time, opts.options)
        .catch(queryParamError);
      sendResult(ctx, p, r);
    } finally {
      opts.done();
    }
  });
  router.add(['GET', 'POST'], '/api/v1/query_range', async (ctx) => {
    const p = await formParams(ctx);
    const query = requireQuery(p);
    const start = parseTimeParam(required(p, 'start'), 'start', 0);
    const end = parseTimeParam(required(p, 'end'), 'end', 0);
    if (end < start)
      throw new BadParamError(
        'invalid parameter "end": end timestamp must not be before start time',
      );
    const step = parseDurationParam(required(p, 'step'), 'step');
    if (step <= 0) {
      throw new BadParamError(
        'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer',
      );
    }
    // For safety, limit the number of returned points per time series.
    if ((end - start) / step > MAX_POINTS_PER_SERIES) {
      throw new BadParamError(
        'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
      );
    }
    const opts = queryOptions(ctx, p, deps);
    try {
      if (await forwarded(deps, 'query_range', p, opts.options.signal, ctx)) return;
      const storage = needStorage(deps);
      const r = await cachedRange(ctx, p, deps.queryCache?.(), {
        query,
        start,
        end,
        step,
        lookbackDeltaMs: opts.options.lookbackDeltaMs ?? deps.engine.opts.lookbackDeltaMs,
        evaluate: (s, e) => deps.engine.rangeQuery(storage, query, s, e, step, opts.options),
      }).catch(queryParamError);
      sendResult(ctx, p, r);
    } finally {
      opts.done();
    }
  });
}

/**
 * Push-down: when a forwarder is configured and accepts the query, sends the remote engine's
 * answer (status, content type and body) unchanged and returns true.
 */
async function forwarded(
  deps: ApiV1Deps,
  endpoint: 'query' | 'query_range',
  p: URLSearchParams,
  signal: AbortSignal,
  ctx: RequestContext,
): Promise<boolean> {
  if (!deps.queryForwarder) return false;
  const a = await deps.queryForwarder(endpoint, p, signal);
  if (!a) return false;
  ctx.res.writeHead(a.status, {
    'Content-Type': a.contentType !== '' ? a.contentType : 'application/json',
    'Content-Length': a.body.length,
  });
  ctx.res.end(a.body);
  return true;
}

/**
 * Writes a query result: `limit` truncates the series of vectors and matrices (with a warning),
 * `stats` adds Prometheus' statistics object.
 */
function sendResult(ctx: RequestContext, p: URLSearchParams, r: QueryResult): void {
  const limit = seriesLimit(p);
  const warnings = [...r.warnings];
  let value = r.value;
  if (
    limit > 0 &&
    (value.type === 'vector' || value.type === 'matrix') &&
    value.series.length > limit
  ) {
    value =
      value.type === 'vector'
        ? { type: 'vector', series: value.series.slice(0, limit) }
        : { type: 'matrix', series: value.series.slice(0, limit) };
    warnings.push('results truncated due to limit');
  }
  let text = '{"status":"success","data":' + resultToPromJSON(value, 'open-text');
  const stats = p.get('stats');
  if (stats !== null && stats !== '') {
    const secs = r.stats.evalMs / 1000;
    const statsObj = {
      timings: {
        evalTotalTime: secs,
        resultSortTime: 0,
        queryPreparationTime: 0,
        innerEvalTime: secs,
        execQueueTime: 0,
        execTotalTime: secs,
      },
      samples: {
        totalQueryableSamples: r.stats.samplesLoaded,
        samplesRead: r.stats.samplesLoaded,
        peakSamples: r.stats.samplesLoaded,
      },
    };
    text += ',"stats":' + JSON.stringify(statsObj);
  }
  text += '}';
  if (warnings.length > 0) text += ',"warnings":' + JSON.stringify(warnings);
  if (r.infos.length > 0) text += ',"infos":' + JSON.stringify(r.infos);
  text += '}';
  // The same envelope as `sendSuccess`, written as text so no object per sample is built.
  ctx.res.writeHead(200, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  ctx.res.end(text);
}

/** `limit`: most series returned, 0 (or absent) for all. */
function seriesLimit(p: URLSearchParams): number {
  const v = p.get('limit');
  if (v === null || v === '') return 0;
  if (!/^\d+$/.test(v))
    throw new BadParamError(
      `invalid parameter "limit": cannot parse "${v}" to a non-negative integer`,
    );
  return Number(v);
}

/** Parse errors name the `query` parameter, as Prometheus does; other errors pass through. */
function queryParamError(err: unknown): never {
  if (err instanceof QueryError && err.cause instanceof ParseError) {
    throw new BadParamError(`invalid parameter "query": ${err.message}`, { cause: err });
  }
  throw err;
}

function required(p: URLSearchParams, name: string): string {
  const v = p.get(name);
  if (v === null || v === '') throw new BadParamError(`invalid parameter "${name}": missing value`);
  return v;
}

function requireQuery(p: URLSearchParams): string {
  const q = p.get('query');
  if (q === null || q === '') throw new BadParamError('invalid parameter "query": missing value');
  return q;
}

interface PerQuery {
  readonly options: { signal: AbortSignal; lookbackDeltaMs?: number };
  /** Releases the timer. */
  done(): void;
}

/** The per-query options: cancellation on disconnect, `timeout` and `lookback_delta`. */
function queryOptions(ctx: RequestContext, p: URLSearchParams, deps: ApiV1Deps): PerQuery {
  let timeoutMs = deps.queryTimeoutMs;
  const t = p.get('timeout');
  if (t !== null && t !== '') timeoutMs = Math.min(timeoutMs, parseDurationParam(t, 'timeout'));
  const options: { signal: AbortSignal; lookbackDeltaMs?: number } = {
    signal: new AbortController().signal,
  };
  const lb = p.get('lookback_delta');
  if (lb !== null && lb !== '') options.lookbackDeltaMs = parseDurationParam(lb, 'lookback_delta');
  const ac = new AbortController();
  options.signal = ac.signal;
  const onAbort = (): void => {
    ac.abort(ctx.signal.reason);
  };
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => {
    ac.abort(
      new DOMException(
        `query timed out after ${timeoutMs}ms (raise timeout or --query.timeout)`,
        'TimeoutError',
      ),
    );
  }, timeoutMs);
  return {
    options,
    done: () => {
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onAbort);
    },
  };
}
