/**
 * The import endpoints: `/api/v1/import` (JSON lines), `/api/v1/import/csv` and
 * `/api/v1/import/prometheus`, and (through `influx.ts`) the InfluxDB-compatible ones. They all
 * go through the ingest pipeline; good lines are stored and bad lines are reported with their
 * line numbers.
 */
import {
  importCSV,
  importJSONLines,
  importPrometheusText,
  parseCSVFormat,
  type IngestResult,
} from '../../ingest/index.js';
import { BadParamError, parseTimeParam } from '../params.js';
import { sendEmpty, sendJson } from '../respond.js';
import type { RequestContext, Router } from '../router.js';
import { addInfluxRoutes } from './influx.js';
import { count, prepare, summary, type PushDeps, type Source } from './push-body.js';

export type { PushDeps } from './push-body.js';

/** Adds the import endpoints and the InfluxDB-compatible ones (`influx.ts`). */
export function addPushRoutes(router: Router, deps: PushDeps): void {
  addInfluxRoutes(router, deps);
  router.post('/api/v1/import', async (ctx) => {
    const { pipeline, body } = await prepare(ctx, deps);
    answer(ctx, deps, 'import_json', await importJSONLines(pipeline, body));
  });
  router.post('/api/v1/import/csv', async (ctx) => {
    const spec = ctx.url.searchParams.get('format');
    if (spec === null || spec === '')
      throw new BadParamError('invalid parameter "format": missing value');
    let cols;
    try {
      cols = parseCSVFormat(spec);
    } catch (err) {
      throw new BadParamError(
        `invalid parameter "format": ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    const { pipeline, body } = await prepare(ctx, deps);
    answer(ctx, deps, 'import_csv', await importCSV(pipeline, body, cols, Date.now()));
  });
  router.post('/api/v1/import/prometheus', async (ctx) => {
    const now = parseTimeParam(ctx.url.searchParams.get('timestamp'), 'timestamp', Date.now());
    const { pipeline, body } = await prepare(ctx, deps);
    answer(ctx, deps, 'import_prometheus', await importPrometheusText(pipeline, body, now));
  });
}

/** 204 when everything was stored, else 400 with the counts and the first errors. */
function answer(ctx: RequestContext, deps: PushDeps, source: Source, r: IngestResult): void {
  count(deps, source, r);
  if (r.rejected === 0) {
    sendEmpty(ctx.res, 204);
    return;
  }
  sendJson(ctx.res, 400, {
    status: 'error',
    errorType: 'bad_data',
    error: `partial write: ${summary(r)}`,
    data: { accepted: r.accepted, rejected: r.rejected, errors: r.errors },
  });
}
