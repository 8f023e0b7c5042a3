/**
 * Checks that a server really holds the data sent: the number of series visible at the last
 * scrape round, and the samples of one metric over the whole range.
 */
import { parseJson, pick, request } from './http.js';
import type { ServerProcess } from './servers.js';

/** What the checks found. */
export interface CheckResult {
  /** Series visible at the end of the data (`count({__name__=~".+"})`). */
  readonly seriesVisible: number | undefined;
  /** Samples of `node_load1` over the whole range (`sum(count_over_time(...))`). */
  readonly loadSamples: number | undefined;
  /** A problem talking to the server, if any. */
  readonly error: string | undefined;
}

/** Runs the checks at `evalMs` (the end of the data) over `rangeHours`. */
export async function checkData(
  server: ServerProcess,
  evalMs: number,
  rangeHours: number,
): Promise<CheckResult> {
  const time = (evalMs / 1000).toFixed(3);
  try {
    const series = await query(server, 'count({__name__=~".+"})', time);
    const range = `${Math.ceil(rangeHours * 60) + 5}m`;
    const load = await query(server, `sum(count_over_time(node_load1[${range}]))`, time);
    return { seriesVisible: series, loadSamples: load, error: undefined };
  } catch (err) {
    return {
      seriesVisible: undefined,
      loadSamples: undefined,
      error: err instanceof Error ? err.message : String(err),
    };
  }
}

async function query(server: ServerProcess, q: string, time: string): Promise<number | undefined> {
  const url = `${server.url}/api/v1/query?query=${encodeURIComponent(q)}&time=${time}`;
  const res = await request(url, 'GET', { timeoutMs: 120_000 });
  if (res.status !== 200)
    throw new Error(`query ${q}: HTTP ${res.status} ${res.body.slice(0, 200)}`);
  const v = pick(parseJson(res.body), 'data', 'result', 0, 'value', 1);
  if (typeof v !== 'string') throw new Error(`query ${q}: no value in ${res.body.slice(0, 200)}`);
  return Number(v);
}
