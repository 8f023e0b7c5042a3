/**
 * The TSDB admin endpoints: snapshot, delete series, clean tombstones and (Kansoku's own)
 * compact. They answer 503 when the admin API is disabled, like Prometheus.
 */
import { MAX_TIME, MIN_TIME, type Matcher } from '../model/index.js';
import { HttpError } from './errors.js';
import { BadParamError, parseBoolParam, parseTimeParam } from './params.js';
import { sendEmpty, sendSuccess } from './respond.js';
import type { Router } from './router.js';
import { formParams } from './form.js';
import { parseMetricSelector } from '../promql/parser/index.js';

/** The database operations behind the admin endpoints; built by the composition root. */
export interface TsdbAdmin {
  /**
   * Writes a snapshot of all data (without the in-memory head when `skipHead`) into a new
   * directory under `<data>/snapshots/` and returns that directory's name.
   */
  snapshot(skipHead: boolean): Promise<string>;
  /** Marks samples in [mint, maxt] (ms) of series matching all matchers as deleted. */
  deleteSeries(mint: number, maxt: number, matchers: readonly Matcher[]): Promise<void>;
  /** Rewrites blocks to drop deleted samples for good. */
  cleanTombstones(): Promise<void>;
  /**
   * Forces a compaction now: persists head ranges that have ended (all head data with
   * `flushHead`), merges blocks and applies retention.
   */
  compact(flushHead: boolean): Promise<void>;
}

/** What the admin routes need. */
export interface AdminDeps {
  /** The admin operations, or undefined when the admin API is disabled or storage not ready. */
  readonly admin: () => TsdbAdmin | undefined;
  /** Whether `--web.enable-admin-api` is on. */
  readonly enabled: boolean;
}

/** Adds the admin routes under `/api/v1/admin/tsdb/`. */
export function addAdminRoutes(router: Router, deps: AdminDeps): void {
  const methods = ['POST', 'PUT'] as const;
  const ops = (): TsdbAdmin => {
    if (!deps.enabled) {
      throw new HttpError(
        503,
        'unavailable',
        'admin APIs disabled (enable with --web.enable-admin-api)',
      );
    }
    const a = deps.admin();
    if (!a)
      throw new HttpError(
        503,
        'unavailable',
        'cannot run admin operation: storage is not ready yet',
      );
    return a;
  };
  router.add(methods, '/api/v1/admin/tsdb/snapshot', async (ctx) => {
    const params = await formParams(ctx);
    const skipHead = parseBoolParam(params.get('skip_head'), 'skip_head', false);
    const name = await ops().snapshot(skipHead);
    sendSuccess(ctx.res, { name });
  });
  router.add(methods, '/api/v1/admin/tsdb/delete_series', async (ctx) => {
    const params = await formParams(ctx);
    const selectors = params.getAll('match[]');
    if (selectors.length === 0) throw new BadParamError('no match[] parameter provided');
    const start = parseTimeParam(params.get('start'), 'start', MIN_TIME);
    const end = parseTimeParam(params.get('end'), 'end', MAX_TIME);
    const a = ops();
    const sets = selectors.map(parseSelectorParam);
    for (const matchers of sets) await a.deleteSeries(start, end, matchers);
    sendEmpty(ctx.res, 204);
  });
  router.add(methods, '/api/v1/admin/tsdb/clean_tombstones', async (ctx) => {
    await ops().cleanTombstones();
    sendEmpty(ctx.res, 204);
  });
  router.add(methods, '/api/v1/admin/tsdb/compact', async (ctx) => {
    const params = await formParams(ctx);
    const flushHead = parseBoolParam(params.get('flush_head'), 'flush_head', false);
    await ops().compact(flushHead);
    sendEmpty(ctx.res, 204);
  });
}

/** Parses one `match[]` selector; syntax errors become 400 `bad_data` naming the parameter. */
export function parseSelectorParam(selector: string): Matcher[] {
  try {
    return parseMetricSelector(selector);
  } catch (err) {
    throw new BadParamError(
      `invalid parameter "match[]": ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
}
