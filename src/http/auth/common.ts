/** Helpers shared by the auth API's route files. */
import { AuthError, type AuthService, type Principal } from '../../auth/index.js';
import type { Handler, RequestContext } from '../router.js';
import { httpErrorOf } from './guard.js';

/** Wraps a handler so that auth refusals become HTTP errors. */
export function wrap(h: Handler): Handler {
  return async (ctx) => {
    try {
      await h(ctx);
    } catch (e) {
      if (e instanceof AuthError) throw httpErrorOf(e);
      throw e;
    }
  };
}

/** The principal of a request (anonymous when the router has no guard). */
export function principalOf(ctx: RequestContext): Principal {
  return ctx.principal ?? { kind: 'anonymous' };
}

/** The auth service, or 404 when authentication is off. */
export function need(auth: AuthService | undefined): AuthService {
  if (!auth)
    throw new AuthError(
      404,
      'cannot use the auth API: authentication is off (start with --auth.enabled)',
    );
  return auth;
}

/** Who did something, for the audit log: a user name, a token id or `share`. */
export function actor(p: Principal): string {
  switch (p.kind) {
    case 'session':
      return p.user;
    case 'token':
      return p.user === '' ? `token:${p.tokenId}` : `${p.user} (token ${p.tokenId})`;
    case 'share':
      return `share:${p.shareId}`;
    case 'anonymous':
      return 'anonymous';
  }
}
