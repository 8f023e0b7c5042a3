/** `/api/kansoku/tokens`: create (shown once), list and revoke API tokens, up to the caller's role. */
import {
  AuthError,
  isScope,
  principalRole,
  scopesAllowedFor,
  type Scope,
} from '../../auth/index.js';
import { parseDuration } from '../../config/index.js';
import type { AuthService } from '../../auth/index.js';
import type { Logger } from '../../util/index.js';
import { sendSuccess } from '../respond.js';
import type { Router } from '../router.js';
import { jsonBody, optStr, str, strList } from './json.js';
import { parseTokenMatchers } from './restricted.js';
import { actor, need, principalOf, wrap } from './common.js';

/** An expiry from a duration text (`30d`), relative to `now`; 0 (no expiry) when absent. */
export function expiryFrom(text: string | undefined, now: number): number {
  if (text === undefined || text === '' || text === '0') return 0;
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch {
    throw new AuthError(
      400,
      `cannot read the expiry ${JSON.stringify(text)}: expected a duration like 30d`,
    );
  }
  if (ms <= 0) throw new AuthError(400, 'cannot read the expiry: it must be positive');
  return now + ms;
}

/** Checks token matchers (each a selector like `{tenant="a"}`); 400 when one does not parse. */
export function checkMatchers(list: readonly string[]): void {
  try {
    parseTokenMatchers(list);
  } catch (e) {
    throw new AuthError(
      400,
      `cannot use the matchers: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

/** Adds the token routes. */
export function addTokenRoutes(router: Router, auth: AuthService | undefined, audit: Logger): void {
  router.get(
    '/api/kansoku/tokens',
    wrap(async (ctx) => {
      const a = need(auth);
      const p = principalOf(ctx);
      const all = principalRole(p) === 'admin';
      const user = p.kind === 'session' || p.kind === 'token' ? p.user : '';
      sendSuccess(ctx.res, await a.tokens.list(all ? undefined : user));
    }),
  );
  router.post(
    '/api/kansoku/tokens',
    wrap(async (ctx) => {
      const a = need(auth);
      const p = principalOf(ctx);
      const role = principalRole(p);
      if (!role || (p.kind !== 'session' && p.kind !== 'token'))
        throw new AuthError(403, 'cannot create a token: sign in first');
      const body = await jsonBody(ctx);
      const raw = body['scopes'] ?? (body['scope'] === undefined ? undefined : [body['scope']]);
      if (!Array.isArray(raw) || raw.length === 0 || !raw.every(isScope))
        throw new AuthError(
          400,
          'cannot create the token: "scopes" must list read, write or admin',
        );
      const scopes = [...new Set(raw)] as Scope[];
      const allowed = scopesAllowedFor(role);
      const over = scopes.find((s) => !allowed.includes(s));
      if (over !== undefined)
        throw new AuthError(
          403,
          `cannot create the token: a ${role} may not grant the ${over} scope`,
        );
      const matchers = strList(body, 'matchers', 20, 1024);
      checkMatchers(matchers);
      const name = str(body, 'name', 100);
      const r = await a.tokens.create({
        name,
        user: p.user,
        scopes,
        matchers,
        expiresAt: expiryFrom(optStr(body, 'expires', 32), a.opts.now()),
      });
      audit.info('token created', { by: actor(p), id: r.info.id, scopes: scopes.join(',') });
      sendSuccess(ctx.res, { token: r.token, info: r.info });
    }),
  );
  router.add(
    ['DELETE'],
    '/api/kansoku/tokens/:id',
    wrap(async (ctx) => {
      const a = need(auth);
      const p = principalOf(ctx);
      const id = ctx.params['id'] ?? '';
      const t = await a.tokens.info(id);
      const user = p.kind === 'session' || p.kind === 'token' ? p.user : '';
      if (!t || (principalRole(p) !== 'admin' && t.user !== user))
        throw new AuthError(404, `cannot revoke token ${id}: no such token`);
      await a.tokens.revoke(id);
      audit.info('token revoked', { by: actor(p), id });
      sendSuccess(ctx.res, {});
    }),
  );
}
