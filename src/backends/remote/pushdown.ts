/**
 * Push-down of whole PromQL queries to the backend's `/api/v1/query` and `/api/v1/query_range`,
 * and the policy that decides when the backend's answer is the answer Kansoku would give.
 */
import type { RemoteHttpClient } from './http.js';
import type { RemoteFlavor } from './options.js';

/**
 * Which queries are forwarded: `compatible` = only those whose result is known to match
 * Kansoku's engine on this flavor (`pushdownAllowed`); `all` = every query (the operator accepts
 * the backend's dialect, for example MetricsQL's `rate` without extrapolation).
 */
export type PushdownPolicy = 'compatible' | 'all';

/**
 * Functions whose MetricsQL results differ from PromQL's on the same data: the rate family
 * does not extrapolate and uses the sample before the window, range functions include the
 * left window bound differently, `histogram_quantile` repairs non-monotonic buckets, and the
 * lookback of instant selectors in subqueries follows the step. Queries using them are
 * evaluated by Kansoku over raw samples.
 */
const METRICSQL_DIVERGENT = new Set([
  'rate',
  'irate',
  'increase',
  'delta',
  'idelta',
  'deriv',
  'predict_linear',
  'resets',
  'changes',
  'histogram_quantile',
  'holt_winters',
  'avg_over_time',
  'min_over_time',
  'max_over_time',
  'sum_over_time',
  'count_over_time',
  'quantile_over_time',
  'stddev_over_time',
  'stdvar_over_time',
  'last_over_time',
  'present_over_time',
  'absent_over_time',
  'timestamp',
  'scalar',
]);

/**
 * Whether a query is forwarded. Prometheus, Mimir and Thanos run Prometheus' own engine, so
 * every query matches. On VictoriaMetrics a query matches when it uses none of the divergent
 * functions, no subquery and no `@` modifier. External labels (which Kansoku adds to every
 * selector) and the `lookback_delta`, `limit` and `stats` parameters keep a query local
 * (`QueryForwarder.accepts`).
 */
export function pushdownAllowed(flavor: RemoteFlavor, query: string): boolean {
  if (flavor !== 'victoriametrics') return true;
  const text = query.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
  if (/\[[^\]]*:[^\]]*\]/.test(text) || text.includes('@')) return false;
  for (const m of text.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*\(/g)) {
    if (METRICSQL_DIVERGENT.has(m[1]!)) return false;
  }
  return true;
}

/** An answer of the backend, passed to the client unchanged. */
export interface ForwardedAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: Uint8Array;
}

/** Request parameters whose presence keeps a query local (Kansoku applies them itself). */
const KEPT_LOCAL_PARAMS = ['lookback_delta', 'limit', 'stats'] as const;

/** Parameters passed on to the backend. */
const FORWARDED_PARAMS = ['query', 'time', 'start', 'end', 'step', 'timeout'] as const;

/**
 * Forwards queries of one backend. Stateless apart from the shared HTTP client; safe for
 * concurrent use.
 */
export class QueryForwarder {
  constructor(
    private readonly client: RemoteHttpClient,
    private readonly readUrl: string,
    private readonly flavor: RemoteFlavor,
    private readonly policy: PushdownPolicy,
    /** True when external labels are configured: their matchers cannot be added to a query text. */
    private readonly hasExternalLabels: boolean,
  ) {}

  /** Whether this request would be forwarded. */
  accepts(params: URLSearchParams): boolean {
    if (this.hasExternalLabels) return false;
    // Parameters the engine would not honour the way Kansoku does keep the query local.
    for (const k of KEPT_LOCAL_PARAMS) {
      const v = params.get(k);
      if (v !== null && v !== '') return false;
    }
    const q = params.get('query') ?? '';
    return this.policy === 'all' || pushdownAllowed(this.flavor, q);
  }

  /**
   * Sends the query to the backend and returns its answer (any status), or undefined when the
   * policy keeps it local. `time` defaults to now here, so both sides agree on it.
   */
  async forward(
    endpoint: 'query' | 'query_range',
    params: URLSearchParams,
    signal: AbortSignal,
  ): Promise<ForwardedAnswer | undefined> {
    if (!this.accepts(params)) return undefined;
    const form = new URLSearchParams();
    for (const k of FORWARDED_PARAMS) {
      const v = params.get(k);
      if (v !== null && v !== '') form.set(k, v);
    }
    if (endpoint === 'query' && !form.has('time')) form.set('time', (Date.now() / 1000).toFixed(3));
    const res = await this.client.request(`${this.readUrl}/api/v1/${endpoint}`, {
      method: 'POST',
      body: form.toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      signal,
      acceptErrors: true,
    });
    return { status: res.status, contentType: res.contentType, body: res.body };
  }
}
