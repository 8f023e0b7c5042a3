/**
 * The auth API under `/api/kansoku/`: session (whoami, login, logout, logout everywhere, own
 * password), first-run setup, users, API tokens and share links; plus the UI pages of sign-in,
 * setup and share links. Answers use Prometheus' envelope.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  AuthError,
  CSRF_COOKIE,
  SECURE_SESSION_COOKIE,
  SESSION_COOKIE,
  isRole,
  principalRole,
  type AuthService,
  type Principal,
} from '../../auth/index.js';
import type { DashboardService } from '../../dashboards/index.js';
import { Logger } from '../../util/index.js';
import { sendSuccess } from '../respond.js';
import type { Router } from '../router.js';
import { actor, need, principalOf, wrap } from './common.js';
import { clientOf, type AuthGuard } from './guard.js';
import { jsonBody, str } from './json.js';
import { addShareRoutes } from './shares-api.js';
import { addTokenRoutes } from './tokens-api.js';

function isTls(req: IncomingMessage): boolean {
  return (req.socket as { encrypted?: boolean }).encrypted === true;
}

function sessionCookies(
  req: IncomingMessage,
  secret: string,
  csrf: string,
  maxAge: number,
): string[] {
  const secure = isTls(req);
  const name = secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
  const attrs = `Path=/; Max-Age=${maxAge}; SameSite=Strict${secure ? '; Secure' : ''}`;
  return [`${name}=${secret}; ${attrs}; HttpOnly`, `${CSRF_COOKIE}=${csrf}; ${attrs}`];
}

function clearCookies(res: ServerResponse, req: IncomingMessage): void {
  const cookies = sessionCookies(req, '', '', 0);
  if (isTls(req)) cookies.push(`${SESSION_COOKIE}=; Path=/; Max-Age=0; SameSite=Strict; HttpOnly`);
  res.setHeader('Set-Cookie', cookies);
}

function whoami(auth: AuthService | undefined, p: Principal): Record<string, unknown> {
  const base = { authEnabled: auth !== undefined, setupRequired: auth?.setupPending() ?? false };
  switch (p.kind) {
    case 'session':
      return { ...base, kind: 'session', user: { name: p.user, role: p.role }, csrfToken: p.csrf };
    case 'token':
      return {
        ...base,
        kind: 'token',
        user: p.user === '' ? null : { name: p.user, role: principalRole(p) ?? null },
        scopes: p.scopes,
      };
    case 'share':
      return { ...base, kind: 'share', user: null };
    case 'anonymous':
      return { ...base, kind: 'anonymous', user: null };
  }
}

/** Adds the auth API; `guard` is undefined when auth is off. */
export function addAuthRoutes(
  router: Router,
  guard: AuthGuard | undefined,
  dashboards?: DashboardService,
): void {
  const auth = guard?.auth;
  const audit = guard?.audit ?? Logger.nop();
  router.get(
    '/api/kansoku/session',
    wrap((ctx) => {
      sendSuccess(ctx.res, whoami(auth, principalOf(ctx)));
    }),
  );
  router.post(
    '/api/kansoku/session/login',
    wrap(async (ctx) => {
      const a = need(auth);
      const body = await jsonBody(ctx);
      const r = await a
        .login(str(body, 'username', 256), str(body, 'password', 1024), clientOf(ctx.req))
        .catch((e: unknown) => {
          audit.warn('sign-in refused', {
            user: str(body, 'username', 256),
            client: clientOf(ctx.req),
            err: e instanceof Error ? e.message : String(e),
          });
          throw e;
        });
      audit.info('signed in', { user: r.user.name, client: clientOf(ctx.req) });
      // A session presented with the login is ended: the new one always has a fresh id.
      const old = principalOf(ctx);
      if (old.kind === 'session') await a.sessions.end(old.sessionKey).catch(() => undefined);
      ctx.res.setHeader(
        'Set-Cookie',
        sessionCookies(ctx.req, r.secret, r.csrf, Math.floor(a.opts.sessions.ttlMs / 1000)),
      );
      sendSuccess(ctx.res, { user: { name: r.user.name, role: r.user.role }, csrfToken: r.csrf });
    }),
  );
  router.post(
    '/api/kansoku/session/logout',
    wrap(async (ctx) => {
      const p = principalOf(ctx);
      if (auth && p.kind === 'session') await auth.sessions.end(p.sessionKey);
      clearCookies(ctx.res, ctx.req);
      sendSuccess(ctx.res, {});
    }),
  );
  router.post(
    '/api/kansoku/session/logout-everywhere',
    wrap(async (ctx) => {
      const a = need(auth);
      const p = principalOf(ctx);
      const user = p.kind === 'session' || p.kind === 'token' ? p.user : '';
      if (user === '')
        throw new AuthError(400, 'cannot log out everywhere: this token belongs to no user');
      const ended = await a.sessions.endAll(user);
      audit.info('logged out everywhere', { user, sessions: ended });
      if (p.kind === 'session') clearCookies(ctx.res, ctx.req);
      sendSuccess(ctx.res, { sessionsEnded: ended });
    }),
  );
  router.post(
    '/api/kansoku/session/password',
    wrap(async (ctx) => {
      const a = need(auth);
      const p = principalOf(ctx);
      if (p.kind !== 'session')
        throw new AuthError(403, 'cannot change the password: sign in first');
      const body = await jsonBody(ctx);
      await a.changePassword(p.user, str(body, 'current'), str(body, 'password'), p.sessionKey);
      audit.info('password changed', { user: p.user });
      sendSuccess(ctx.res, {});
    }),
  );
  router.post(
    '/api/kansoku/setup',
    wrap(async (ctx) => {
      const a = need(auth);
      const body = await jsonBody(ctx);
      const u = await a.completeSetup(
        str(body, 'token', 256),
        str(body, 'username', 256),
        str(body, 'password'),
      );
      audit.info('first admin created through the setup link', {
        user: u.name,
        client: clientOf(ctx.req),
      });
      const { secret, session } = await a.sessions.create(u.name);
      ctx.res.setHeader(
        'Set-Cookie',
        sessionCookies(ctx.req, secret, session.doc.csrf, Math.floor(a.opts.sessions.ttlMs / 1000)),
      );
      sendSuccess(ctx.res, { user: { name: u.name, role: u.role }, csrfToken: session.doc.csrf });
    }),
  );
  addUserRoutes(router, auth, audit);
  addTokenRoutes(router, auth, audit);
  addShareRoutes(router, auth, dashboards, audit);
  // The sign-in, setup, share and admin pages are served by the UI routes (src/http/ui).
}

function addUserRoutes(router: Router, auth: AuthService | undefined, audit: Logger): void {
  router.get(
    '/api/kansoku/users',
    wrap(async (ctx) => {
      sendSuccess(ctx.res, await need(auth).users.list());
    }),
  );
  router.post(
    '/api/kansoku/users',
    wrap(async (ctx) => {
      const a = need(auth);
      const body = await jsonBody(ctx);
      const role = body['role'];
      if (!isRole(role))
        throw new AuthError(400, 'cannot create the user: "role" must be viewer, editor or admin');
      const created = await a.users.create(str(body, 'username', 256), role, str(body, 'password'));
      audit.info('user created', { by: actor(principalOf(ctx)), user: created.name, role });
      sendSuccess(ctx.res, created);
    }),
  );
  router.add(
    ['PUT'],
    '/api/kansoku/users/:name',
    wrap(async (ctx) => {
      const a = need(auth);
      const body = await jsonBody(ctx);
      const name = ctx.params['name'] ?? '';
      const role = body['role'];
      if (role !== undefined && !isRole(role))
        throw new AuthError(400, 'cannot update the user: "role" must be viewer, editor or admin');
      const u = await a.users.get(name);
      if (!u) throw new AuthError(404, `cannot update user ${name}: no such user`);
      if (role !== undefined && role !== 'admin' && u.role === 'admin')
        await keepOneAdmin(a, u.name);
      const password = body['password'];
      const r = await a.users.update(u.name, {
        ...(role !== undefined ? { role } : {}),
        ...(password !== undefined ? { password: str(body, 'password') } : {}),
      });
      if (password !== undefined) await a.sessions.endAll(u.name);
      audit.info('user changed', {
        by: actor(principalOf(ctx)),
        user: u.name,
        role: r.role,
        password_changed: password !== undefined,
      });
      sendSuccess(ctx.res, r);
    }),
  );
  router.add(
    ['DELETE'],
    '/api/kansoku/users/:name',
    wrap(async (ctx) => {
      const a = need(auth);
      const name = ctx.params['name'] ?? '';
      const u = await a.users.get(name);
      if (!u) throw new AuthError(404, `cannot delete user ${name}: no such user`);
      if (u.role === 'admin') await keepOneAdmin(a, u.name);
      await a.deleteUser(u.name);
      audit.info('user deleted', { by: actor(principalOf(ctx)), user: u.name });
      sendSuccess(ctx.res, {});
    }),
  );
}

async function keepOneAdmin(a: AuthService, leaving: string): Promise<void> {
  const admins = (await a.users.list()).filter((u) => u.role === 'admin' && u.name !== leaving);
  if (admins.length === 0)
    throw new AuthError(409, `cannot remove the admin role of ${leaving}: it is the last admin`);
}
