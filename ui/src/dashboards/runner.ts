/**
 * Runs a panel's prepared queries against the API (query_range, or query for instant targets)
 * through a shared concurrency limit. No React, no DOM.
 */
import { queryInstant, queryRange } from '../api/client.js';
import type { PanelData, SeriesData } from '../panels/types.js';
import { type Limiter, type PreparedQuery, toSeries } from './queries.js';

export { Limiter, prepareQueries, type PreparedQuery } from './queries.js';

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Runs every prepared query of a panel and collects the series. One failing target gives a
 * warning; all failing give the error state. Rejects with AbortError when aborted.
 */
export async function runPanelQueries(
  queries: readonly PreparedQuery[],
  limiter: Limiter,
  signal: AbortSignal,
): Promise<PanelData> {
  if (queries.length === 0) return { state: 'done', series: [] };
  const results = await Promise.allSettled(
    queries.map((q) =>
      limiter.run(
        () =>
          q.instant
            ? queryInstant(q.expr, q.end, signal)
            : queryRange(q.expr, q.start, q.end, q.step, signal),
        signal,
      ),
    ),
  );
  if (signal.aborted) throw new DOMException('aborted', 'AbortError');
  const series: SeriesData[] = [];
  const warnings: string[] = [];
  const errors: string[] = [];
  results.forEach((r, i) => {
    const q = queries[i];
    if (!q) return;
    if (r.status === 'fulfilled') {
      series.push(...toSeries(q, r.value.data));
      warnings.push(...r.value.warnings);
    } else {
      errors.push(`${q.refId}: ${message(r.reason)}`);
    }
  });
  if (errors.length === queries.length) {
    return { state: 'error', series: [], error: errors.join('; ') };
  }
  return { state: 'done', series, warnings: [...warnings, ...errors] };
}
