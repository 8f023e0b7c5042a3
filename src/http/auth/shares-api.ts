/**
 * `/api/kansoku/shares`: public share links to one dashboard (with its variables) or one panel.
 * The creator sends the link's target with the queries it runs (variables substituted); every
 * query must parse. A link may later run only those queries (see the guard), so it reveals
 * nothing else. `/api/kansoku/share` tells a link's holder what it shows, and
 * `/api/kansoku/share/dashboard` gives it the current shared dashboard or panel to draw.
 */
import {
  AuthError,
  principalRole,
  shareTarget,
  type AuthService,
  type ShareTarget,
} from '../../auth/index.js';
import type { DashboardService } from '../../dashboards/index.js';
import { parseExpr } from '../../promql/parser/index.js';
import type { Logger } from '../../util/index.js';
import { sendSuccess } from '../respond.js';
import type { Router } from '../router.js';
import { jsonBody, optStr } from './json.js';
import { actor, need, principalOf, wrap } from './common.js';
import { sharedQueries, sharedView } from './share-source.js';
import { expiryFrom } from './tokens-api.js';

const MAX_QUERIES = 200;

/** Adds the share-link routes. */
export function addShareRoutes(
  router: Router,
  auth: AuthService | undefined,
  dashboards: DashboardService | undefined,
  audit: Logger,
): void {
  router.get(
    '/api/kansoku/shares',
    wrap(async (ctx) => {
      const a = need(auth);
      const p = principalOf(ctx);
      const user = p.kind === 'session' || p.kind === 'token' ? p.user : '';
      sendSuccess(
        ctx.res,
        await a.tokens.listShares(principalRole(p) === 'admin' ? undefined : user),
      );
    }),
  );
  router.post(
    '/api/kansoku/shares',
    wrap(async (ctx) => {
      const a = need(auth);
      const p = principalOf(ctx);
      if (p.kind !== 'session' && p.kind !== 'token')
        throw new AuthError(403, 'cannot create a share link: sign in first');
      const body = await jsonBody(ctx);
      const target = await deriveQueries(shareTarget(body['target']), dashboards);
      if (
        !target ||
        target.title.length > 200 ||
        target.queries.length === 0 ||
        target.queries.length > MAX_QUERIES
      )
        throw new AuthError(
          400,
          'cannot create the share link: "target" needs kind, dashboard, title and 1 to 200 queries',
        );
      for (const q of target.queries) {
        try {
          parseExpr(q.replace(/\$\{?__(?:rate_interval|interval|range)(?:_ms|_s)?\}?/g, '1m'));
        } catch (e) {
          throw new AuthError(
            400,
            `cannot create the share link: query ${JSON.stringify(q)} does not parse: ${e instanceof Error ? e.message : String(e)}`,
          );
        }
      }
      const r = await a.tokens.createShare(
        p.user,
        target,
        expiryFrom(optStr(body, 'expires', 32), a.opts.now()),
      );
      audit.info('share link created', {
        by: actor(p),
        id: r.info.id,
        dashboard: target.dashboard,
      });
      sendSuccess(ctx.res, { token: r.token, path: `/public/${r.token}`, info: r.info });
    }),
  );
  router.add(
    ['DELETE'],
    '/api/kansoku/shares/:id',
    wrap(async (ctx) => {
      const a = need(auth);
      const p = principalOf(ctx);
      const id = ctx.params['id'] ?? '';
      const s = await a.tokens.shareInfo(id);
      const user = p.kind === 'session' || p.kind === 'token' ? p.user : '';
      if (!s || (principalRole(p) !== 'admin' && s.user !== user))
        throw new AuthError(404, `cannot revoke share link ${id}: no such link`);
      await a.tokens.revokeShare(id);
      audit.info('share link revoked', { by: actor(p), id });
      sendSuccess(ctx.res, {});
    }),
  );
  router.get(
    '/api/kansoku/share',
    wrap((ctx) => {
      need(auth);
      const p = principalOf(ctx);
      if (p.kind !== 'share')
        throw new AuthError(
          404,
          'cannot resolve the share link: send the link token as a Bearer token',
        );
      sendSuccess(ctx.res, { target: p.target });
    }),
  );
  router.get(
    '/api/kansoku/share/dashboard',
    wrap(async (ctx) => {
      need(auth);
      const p = principalOf(ctx);
      if (p.kind !== 'share')
        throw new AuthError(
          404,
          'cannot read the shared dashboard: send the link token as a Bearer token',
        );
      if (!dashboards)
        throw new AuthError(404, 'cannot read the shared dashboard: dashboards are not enabled');
      sendSuccess(ctx.res, await sharedView(dashboards, p.target));
    }),
  );
}

/**
 * With the dashboards service, the link's title and queries come from the stored dashboard;
 * without it (no dashboards yet), the creator's list is kept as sent.
 */
async function deriveQueries(
  t: ShareTarget | undefined,
  dashboards: DashboardService | undefined,
): Promise<ShareTarget | undefined> {
  if (!t || !dashboards) return t;
  const d = await sharedQueries(
    dashboards,
    t.dashboard,
    t.kind === 'panel' ? t.panel : undefined,
    t.variables,
  );
  return { ...t, title: d.title, queries: d.queries };
}
