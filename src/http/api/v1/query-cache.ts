/**
 * The result cache on the `query_range` path: the cache scope of a request (principals with a
 * read restriction never share entries with others), the `nocache` parameter and the
 * `X-Kansoku-Cache` response header.
 */
import type { Principal } from '../../../auth/index.js';
import type { QueryResult, QueryResultCache } from '../../../promql/index.js';
import { isRestricted } from '../../auth/index.js';
import type { RequestContext } from '../../router.js';

/** The response header that tells how the cache served a range query. */
export const CACHE_HEADER = 'X-Kansoku-Cache';

/**
 * The scope of a principal's reads: '' for the full view; for a token restricted to label
 * matchers, a text naming exactly those matchers (tokens with the same matchers see the same
 * series, so they may share entries).
 */
export function cacheScope(p: Principal | undefined): string {
  if (!isRestricted(p) || p?.kind !== 'token') return '';
  return 'matchers:' + JSON.stringify([...p.matchers].sort());
}

/** A range request as the handler has parsed it. */
export interface RangeCall {
  readonly query: string;
  readonly start: number;
  readonly end: number;
  readonly step: number;
  readonly lookbackDeltaMs: number;
  /** Runs the engine over [start, end] with the request's step and options. */
  readonly evaluate: (start: number, end: number) => Promise<QueryResult>;
}

/**
 * Evaluates a range request through the cache when there is one (and the client did not ask for
 * `nocache=1`), setting `X-Kansoku-Cache: hit|partial|miss|bypass` on the response.
 */
export async function cachedRange(
  ctx: RequestContext,
  p: URLSearchParams,
  cache: QueryResultCache | undefined,
  call: RangeCall,
): Promise<QueryResult> {
  const nocache = p.get('nocache');
  if (cache === undefined || !cache.enabled || nocache === '1' || nocache === 'true') {
    ctx.res.setHeader(CACHE_HEADER, 'bypass');
    return call.evaluate(call.start, call.end);
  }
  const a = await cache.rangeQuery(
    {
      query: call.query,
      start: call.start,
      end: call.end,
      step: call.step,
      lookbackDeltaMs: call.lookbackDeltaMs,
      scope: cacheScope(ctx.principal),
    },
    call.evaluate,
  );
  ctx.res.setHeader(CACHE_HEADER, a.outcome);
  return a.result;
}
