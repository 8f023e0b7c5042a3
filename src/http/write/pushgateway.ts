/**
 * Pushgateway-compatible pushes: `PUT`, `POST` and `DELETE` on
 * `/metrics/job/<job>{/<label>/<value>}` go to the push store, which keeps the groups and writes
 * them to storage like scrapes. `GET /api/v1/metrics` lists the groups (Pushgateway's API).
 */
import { handlePush, type PushStore } from '../../ingest/index.js';
import { StorageUnavailableError } from '../../model/index.js';
import { gunzipBody, readBody } from '../body.js';
import { ALLOW_ALL, pushCredentials, type PushAuthorizer } from './credentials.js';
import { sendSuccess } from '../respond.js';
import type { Router } from '../router.js';

/** What the push routes need. */
export interface PushgatewayDeps {
  /** The push store once storage is open; undefined before (503). */
  readonly store: () => PushStore | undefined;
  /** Largest body accepted (compressed and decompressed), bytes. */
  readonly maxBodyBytes: number;
  /** The flag holding `maxBodyBytes`, named in errors. */
  readonly maxBodySetting: string;
  /** Who may write (default: everyone); see `credentials.ts`. */
  readonly authorize?: PushAuthorizer;
}

/** Adds the Pushgateway routes. */
export function addPushgatewayRoutes(router: Router, deps: PushgatewayDeps): void {
  router.add(['PUT', 'POST', 'DELETE'], '/metrics/job/*', async (ctx) => {
    const store = deps.store();
    if (!store)
      throw new StorageUnavailableError('cannot accept push: storage is not ready yet', false);
    // Deletions need the same right as pushes.
    (deps.authorize ?? ALLOW_ALL)(
      pushCredentials(ctx.req.headers, ctx.url.searchParams),
      ctx.url.pathname,
    );
    let body = '';
    if (ctx.req.method !== 'DELETE') {
      let raw = await readBody(ctx.req, deps.maxBodyBytes, deps.maxBodySetting);
      if ((ctx.req.headers['content-encoding'] ?? '').toLowerCase() === 'gzip') {
        raw = await gunzipBody(raw, deps.maxBodyBytes, deps.maxBodySetting);
      }
      body = raw.toString('utf8');
    }
    const contentType = ctx.req.headers['content-type'];
    const r = await handlePush(store, {
      method: ctx.req.method ?? 'POST',
      path: ctx.url.pathname,
      body,
      query: ctx.url.searchParams,
      now: Date.now(),
      ...(contentType === undefined ? {} : { contentType }),
    });
    ctx.res.writeHead(r.status, {
      ...r.headers,
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(r.body),
    });
    ctx.res.end(r.body);
  });

  router.get('/api/v1/metrics', (ctx) => {
    const store = deps.store();
    const groups = store?.list() ?? [];
    sendSuccess(
      ctx.res,
      groups.map((g) => ({
        labels: Object.fromEntries(g.labels),
        push_time_seconds: g.pushTimeMs / 1000,
        push_failure_time_seconds: g.failureTimeMs / 1000,
        ttl_seconds: g.ttlMs / 1000,
        families: g.families.map((f) => f.name),
      })),
    );
  });
}
