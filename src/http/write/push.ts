/**
 * Push endpoints besides remote write: InfluxDB line protocol (`/write`, `/api/v2/write`) and
 * the import formats (`/api/v1/import` JSON lines, `/api/v1/import/csv`,
 * `/api/v1/import/prometheus`). They all go through the ingest pipeline; good lines are stored
 * and bad lines are reported with their line numbers.
 */
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import {
  importCSV,
  importJSONLines,
  importPrometheusText,
  ingestLineProtocol,
  parseCSVFormat,
  type IngestPipeline,
  type IngestResult,
} from '../../ingest/index.js';
import { StorageUnavailableError } from '../../model/index.js';
import type { Precision } from '../../parsers/index.js';
import { readBody } from '../body.js';
import { HttpError } from '../errors.js';
import { BadParamError, parseTimeParam } from '../params.js';
import { sendEmpty, sendJson } from '../respond.js';
import type { RequestContext, Router } from '../router.js';
import type { IngestCounters } from './metrics.js';

const gunzipAsync = promisify(gunzip);

/** What the push endpoints need. */
export interface PushDeps {
  /** The ingest pipeline once storage is open; undefined before (503). */
  readonly pipeline: () => IngestPipeline | undefined;
  /** Largest body accepted (compressed and decompressed), in bytes. */
  readonly maxBodyBytes: number;
  /** The flag holding `maxBodyBytes`, named in errors. */
  readonly maxBodySetting: string;
  readonly counters: IngestCounters;
}

/** The ingestion source label of each endpoint. */
type Source = 'influx' | 'import_json' | 'import_csv' | 'import_prometheus';

/** Adds the line-protocol and import endpoints. */
export function addPushRoutes(router: Router, deps: PushDeps): void {
  const influx = (version: 1 | 2) => async (ctx: RequestContext) => {
    const q = ctx.url.searchParams;
    const precision = influxPrecision(q.get('precision'), version);
    const db = (version === 2 ? q.get('bucket') : q.get('db')) ?? '';
    const { pipeline, body } = await prepare(ctx, deps);
    const r = await ingestLineProtocol(pipeline, body, { precision, db, now: Date.now() });
    count(deps, 'influx', r);
    if (r.rejected === 0) {
      sendEmpty(ctx.res, 204);
      return;
    }
    const message = `partial write: ${summary(r)}`;
    // Influx clients read `{"code","message"}` (v2) or `{"error"}` (v1).
    sendJson(ctx.res, 400, version === 2 ? { code: 'invalid', message } : { error: message });
  };
  router.post('/write', influx(1));
  router.post('/api/v2/write', influx(2));

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

/** Reads (and un-gzips) the body as text and finds the pipeline. */
async function prepare(
  ctx: RequestContext,
  deps: PushDeps,
): Promise<{ pipeline: IngestPipeline; body: string }> {
  const raw = await readBody(ctx.req, deps.maxBodyBytes, deps.maxBodySetting);
  const enc = (ctx.req.headers['content-encoding'] ?? '').toLowerCase();
  let bytes: Buffer = raw;
  if (enc === 'gzip') {
    try {
      bytes = await gunzipAsync(raw, { maxOutputLength: deps.maxBodyBytes });
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      if (
        /maxOutputLength|Cannot create a Buffer larger/i.test(msg) ||
        (err as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE'
      ) {
        throw new HttpError(
          413,
          'bad_data',
          `cannot decompress request body: more than the limit of ${deps.maxBodyBytes} bytes (raise --${deps.maxBodySetting})`,
        );
      }
      throw new HttpError(400, 'bad_data', `cannot decompress request body: ${msg}`);
    }
  } else if (enc !== '' && enc !== 'identity') {
    throw new HttpError(
      415,
      'bad_data',
      `unsupported Content-Encoding ${JSON.stringify(enc)} (use gzip or none)`,
    );
  }
  const pipeline = deps.pipeline();
  if (!pipeline)
    throw new StorageUnavailableError('cannot ingest request: storage is not ready yet', false);
  return { pipeline, body: bytes.toString('utf8') };
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

function count(deps: PushDeps, source: Source, r: IngestResult): void {
  if (r.accepted > 0) deps.counters.samples.inc({ source }, r.accepted);
  if (r.rejected > 0) deps.counters.rejectedSamples.inc({ source }, r.rejected);
}

/** `3 of 10 samples rejected; line 2: …; line 5: …` (at most 5 reasons). */
function summary(r: IngestResult): string {
  const shown = r.errors.slice(0, 5).map((e) => e.reason);
  const more = r.errors.length > shown.length || r.rejected > r.errors.length ? '; …' : '';
  return `${r.rejected} of ${r.accepted + r.rejected} samples rejected; ${shown.join('; ')}${more}`;
}

/** Maps Influx precision names (v1: n, u, ms, s, m, h; v2: ns, us, ms, s) to the parser's. */
function influxPrecision(p: string | null, version: 1 | 2): Precision {
  if (p === null || p === '') return 'ns';
  const v1: Readonly<Record<string, Precision>> = {
    n: 'ns',
    ns: 'ns',
    u: 'us',
    us: 'us',
    ms: 'ms',
    s: 's',
    m: 'm',
    h: 'h',
  };
  const v2: Readonly<Record<string, Precision>> = { ns: 'ns', us: 'us', ms: 'ms', s: 's' };
  const out = (version === 1 ? v1 : v2)[p];
  if (out === undefined) {
    throw new BadParamError(
      `invalid parameter "precision": ${JSON.stringify(p)} is not one of ${Object.keys(version === 1 ? v1 : v2).join(', ')}`,
    );
  }
  return out;
}
