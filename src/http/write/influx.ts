/**
 * The InfluxDB-compatible endpoints, so that InfluxDB 1 and 2 clients, the `influx` CLI and
 * Telegraf write to Kansoku as they would to InfluxDB:
 *
 * - `POST /write` (v1: `db`, `rp`, `precision` = n|u|ms|s|m|h, `u`/`p`) and
 *   `POST /api/v2/write` (v2: `org`, `bucket`, `precision` = ns|us|ms|s, `Authorization: Token`),
 *   line protocol, optionally gzip-compressed;
 * - `GET|HEAD /ping` (204 with `X-Influxdb-Version`; 200 with a JSON body when `verbose=true`);
 * - `GET /health` (the v2 health document);
 * - `POST /query` with `CREATE DATABASE …` only, which Telegraf's v1 output sends at start-up
 *   (databases need no creation here: `db` is just a label).
 *
 * Writes keep the good lines and report the bad ones, like InfluxDB 1's partial writes: 204 when
 * every line was stored, otherwise 400 with the first failing lines by number (v1
 * `{"error":"partial write: …"}`, v2 `{"code":"invalid","message":"partial write: …","line":n}`).
 * Client errors of the request itself (precision, body size, encoding) use the same shapes;
 * storage faults answer 5xx with the Prometheus envelope so that clients retry.
 */
import { ingestLineProtocol } from '../../ingest/index.js';
import type { Precision } from '../../parsers/index.js';
import { errorResponse } from '../errors.js';
import { formParams } from '../form.js';
import { BadParamError } from '../params.js';
import { sendEmpty, sendJson } from '../respond.js';
import type { RequestContext, Router } from '../router.js';
import { count, prepare, summary, type PushDeps } from './push-body.js';

/** The InfluxDB version Kansoku answers as; clients check the major version. */
export const INFLUX_COMPAT_VERSION = '1.8.10';

/** InfluxDB 2 error codes by HTTP status (the `code` field of v2 error bodies). */
function influxCode(status: number): string {
  switch (status) {
    case 400:
      return 'invalid';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not found';
    case 413:
      return 'request too large';
    case 415:
      return 'unsupported media type';
    case 429:
      return 'too many requests';
    default:
      return 'internal error';
  }
}

/** Sends a client error in the v1 or v2 shape. */
function sendInfluxError(
  ctx: RequestContext,
  version: 1 | 2,
  status: number,
  message: string,
  line?: number,
  headers: Readonly<Record<string, string>> = {},
): void {
  const body =
    version === 2
      ? { code: influxCode(status), message, ...(line === undefined ? {} : { line }) }
      : { error: message };
  sendJson(ctx.res, status, body, { ...headers, 'X-Influxdb-Version': INFLUX_COMPAT_VERSION });
}

/** Adds the InfluxDB-compatible endpoints. */
export function addInfluxRoutes(router: Router, deps: PushDeps): void {
  const write = (version: 1 | 2) => async (ctx: RequestContext) => {
    try {
      const q = ctx.url.searchParams;
      const precision = influxPrecision(q.get('precision'), version);
      const db = (version === 2 ? q.get('bucket') : q.get('db')) ?? '';
      const { pipeline, body } = await prepare(ctx, deps);
      const r = await ingestLineProtocol(pipeline, body, { precision, db, now: Date.now() });
      count(deps, 'influx', r);
      if (r.rejected === 0) {
        ctx.res.setHeader('X-Influxdb-Version', INFLUX_COMPAT_VERSION);
        sendEmpty(ctx.res, 204);
        return;
      }
      sendInfluxError(ctx, version, 400, `partial write: ${summary(r)}`, r.errors[0]?.line);
    } catch (err) {
      const e = errorResponse(err);
      // Server faults keep the common envelope and logging; clients retry on the status.
      if (e.status >= 500) throw err;
      sendInfluxError(ctx, version, e.status, e.message, undefined, e.headers);
    }
  };
  router.post('/write', write(1));
  router.post('/api/v2/write', write(2));

  router.add(['GET', 'HEAD'], '/ping', (ctx) => {
    const headers = {
      'X-Influxdb-Version': INFLUX_COMPAT_VERSION,
      'X-Influxdb-Build': 'OSS',
    };
    if (ctx.url.searchParams.get('verbose') === 'true') {
      sendJson(ctx.res, 200, { version: INFLUX_COMPAT_VERSION }, headers);
      return;
    }
    ctx.res.writeHead(204, headers);
    ctx.res.end();
  });
  router.get('/health', (ctx) => {
    sendJson(ctx.res, 200, {
      name: 'kansoku',
      message: 'ready for writes',
      status: 'pass',
      checks: [],
      version: INFLUX_COMPAT_VERSION,
    });
  });
  router.add(['GET', 'POST'], '/query', async (ctx) => {
    const q = (await formParams(ctx)).get('q') ?? '';
    if (/^\s*CREATE\s+DATABASE\s+\S+/i.test(q) && !q.includes(';')) {
      sendJson(ctx.res, 200, { results: [{ statement_id: 0 }] });
      return;
    }
    sendInfluxError(
      ctx,
      1,
      400,
      'cannot run InfluxQL: only CREATE DATABASE is accepted (databases are labels here); query with PromQL at /api/v1/query',
    );
  });
}

/** Maps Influx precision names (v1: n, u, ms, s, m, h; v2: ns, us, ms, s) to the parser's. */
export function influxPrecision(p: string | null, version: 1 | 2): Precision {
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
