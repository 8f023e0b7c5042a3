/**
 * The authorization matrix: every registered route × every method × every role and token scope
 * × every credential form, against the policy table. Refusals must be 401 without credentials
 * (or with a form the route does not accept) and 403 with insufficient ones, and carry nothing
 * but the error envelope.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Capability } from '../../auth/index.js';
import type { Method, Route } from '../router.js';
import { POLICY, policyFor, requirementFor, type RoutePolicy } from './policy.js';
import { allRoutes, startAuthFixture, type AuthFixture, type TestSession } from './testkit.js';

type Who =
  | { kind: 'anonymous' }
  | { kind: 'session'; role: 'viewer' | 'editor' | 'admin' }
  | { kind: 'token'; scope: 'read' | 'write' | 'admin'; form: Form }
  | { kind: 'share' };
type Form = 'bearer' | 'token' | 'basic' | 'influx' | 'query';

const CAPS: Record<string, readonly Capability[]> = {
  viewer: ['read'],
  editor: ['read', 'write'],
  admin: ['read', 'write', 'admin'],
  read: ['read'],
  write: ['write'],
};

function pathOf(pattern: string): string {
  return pattern
    .split('/')
    .map((s) => (s === '*' ? 'x/y' : s.startsWith(':') ? 'x' : s))
    .join('/');
}

/** The expected outcome: 'ok' (neither 401 nor 403), 401 or 403. */
function expected(p: RoutePolicy, method: Method, who: Who): 'ok' | 401 | 403 {
  const need = requirementFor(p, method);
  if (need === 'public') return 'ok';
  if (who.kind === 'anonymous') return 401;
  if (who.kind === 'share') return p.share === true && method === 'GET' ? 'ok' : 403;
  if (who.kind === 'token') {
    if (who.form === 'influx' && p.influxParams !== true) return 401;
    if (who.form === 'query' && p.queryToken !== true) return 401;
  }
  const caps = CAPS[who.kind === 'session' ? who.role : who.scope] ?? [];
  const isAccount = who.kind === 'session' || caps.includes('admin');
  if (need === 'principal') return 'ok';
  if (need === 'account') return isAccount ? 'ok' : 403;
  if (need === 'session') return who.kind === 'session' ? 'ok' : 403;
  return caps.includes(need) ? 'ok' : 403;
}

describe('authorization matrix', () => {
  let f: AuthFixture;
  const sessions = new Map<string, TestSession>();
  before(async () => {
    f = await startAuthFixture();
    for (const r of ['viewer', 'editor', 'admin']) sessions.set(r, await f.login(r));
  });
  after(async () => {
    await f.close();
  });

  it('has an explicit policy for every registered route', () => {
    const missing = allRoutes()
      .map((r) => r.pattern)
      .filter((p) => !Object.hasOwn(POLICY, p));
    assert.deepEqual(missing, [], 'add these routes to POLICY in src/http/auth/policy.ts');
  });

  it('defaults unknown routes to admin', () => {
    assert.equal(policyFor('/api/v9/new').need, 'admin');
  });

  it('enforces the policy for every route, principal and credential form', async () => {
    const whos: Who[] = [{ kind: 'anonymous' }, { kind: 'share' }];
    for (const role of ['viewer', 'editor', 'admin'] as const) whos.push({ kind: 'session', role });
    for (const scope of ['read', 'write', 'admin'] as const)
      for (const form of ['bearer', 'token', 'basic', 'influx', 'query'] as const)
        whos.push({ kind: 'token', scope, form });
    let checked = 0;
    const failures: string[] = [];
    const check = async (route: Route, method: Method, who: Who): Promise<void> => {
      const policy = policyFor(route.pattern);
      const logout = route.pattern.includes('logout');
      const url = new URL(pathOf(route.pattern), f.server.base);
      // Share links may run their own queries only; give them one.
      if (route.pattern === '/api/v1/query' || route.pattern === '/api/v1/query_range')
        url.searchParams.set('query', 'up');
      const headers: Record<string, string> = {};
      if (method !== 'GET' && method !== 'HEAD') headers['Content-Type'] = 'application/json';
      if (who.kind === 'session') {
        // Logging out ends the session: use a fresh one for those routes.
        const s = logout
          ? await f.login(who.role)
          : (sessions.get(who.role) ?? assert.fail('no session'));
        headers['Cookie'] = s.cookie;
        headers['X-CSRF-Token'] = s.csrf;
      } else if (who.kind === 'share') headers['Authorization'] = `Bearer ${f.share}`;
      else if (who.kind === 'token') {
        const t = f.tokens[who.scope];
        if (who.form === 'bearer') headers['Authorization'] = `Bearer ${t}`;
        if (who.form === 'token') headers['Authorization'] = `Token ${t}`;
        if (who.form === 'basic')
          headers['Authorization'] = `Basic ${Buffer.from(`anyone:${t}`).toString('base64')}`;
        if (who.form === 'influx') {
          url.searchParams.set('u', 'anyone');
          url.searchParams.set('p', t);
        }
        if (who.form === 'query') url.searchParams.set('token', t);
      }
      const res = await fetch(url, {
        method,
        headers,
        ...(method === 'GET' || method === 'HEAD' ? {} : { body: '{}' }),
      });
      // Logging out everywhere (also through the admin's tokens) ended shared sessions.
      if (logout) for (const r of ['viewer', 'editor', 'admin']) sessions.set(r, await f.login(r));
      const text = await res.text();
      const want = expected(policy, method, who);
      const got = res.status === 401 || res.status === 403 ? res.status : 'ok';
      checked++;
      const label = `${method} ${route.pattern} as ${JSON.stringify(who)}`;
      if (got !== want)
        failures.push(`${label}: want ${want}, got ${res.status} ${text.slice(0, 200)}`);
      if (got !== 'ok' && method !== 'HEAD') {
        const body = JSON.parse(text) as Record<string, unknown>;
        if (
          Object.keys(body).sort().join() !== 'error,errorType,status' ||
          body['status'] !== 'error'
        )
          failures.push(`${label}: refusal body carries more than an error: ${text}`);
      }
      if (got === 401 && res.headers.get('www-authenticate') === null)
        failures.push(`${label}: 401 without WWW-Authenticate`);
    };
    // Routes that end sessions run one at a time, first; the rest 64 requests at a time.
    const cases: [Route, Method, Who][] = [];
    for (const route of allRoutes())
      for (const method of route.methods) for (const who of whos) cases.push([route, method, who]);
    for (const c of cases.filter(([r]) => r.pattern.includes('logout'))) await check(...c);
    const rest = cases.filter(([r]) => !r.pattern.includes('logout'));
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < rest.length) {
        const c = rest[next++];
        if (c) await check(...c);
      }
    };
    await Promise.all(Array.from({ length: 64 }, worker));
    assert.deepEqual(failures, []);
    assert.ok(checked > 1500, `checked ${checked} combinations`);
  });

  it('refuses the critical routes to weaker principals (independent of the table)', async () => {
    const viewer = sessions.get('viewer') ?? assert.fail('no session');
    const call = async (method: string, path: string, headers: Record<string, string>) =>
      (
        await fetch(`${f.server.base}${path}`, {
          method,
          headers,
          ...(method === 'GET' ? {} : { body: '{}' }),
        })
      ).status;
    const vh = {
      Cookie: viewer.cookie,
      'X-CSRF-Token': viewer.csrf,
      'Content-Type': 'application/json',
    };
    assert.equal(await call('GET', '/api/kansoku/users', vh), 403);
    assert.equal(await call('POST', '/api/v1/admin/tsdb/delete_series', vh), 403);
    assert.equal(await call('POST', '/api/v1/write', vh), 403);
    assert.equal(
      await call('GET', '/api/v1/status/config', { Authorization: `Bearer ${f.tokens.read}` }),
      403,
    );
    assert.equal(
      await call('GET', '/api/v1/query?query=up', { Authorization: `Bearer ${f.tokens.write}` }),
      403,
    );
    assert.equal(
      await call('GET', '/api/v1/query?query=secret', { Authorization: `Bearer ${f.share}` }),
      403,
    );
    assert.equal(
      await call('GET', '/api/v1/series?match[]=up', { Authorization: `Bearer ${f.share}` }),
      403,
    );
    assert.equal(await call('GET', '/api/v1/query?query=up', {}), 401);
    assert.equal(await call('GET', '/-/healthy', {}), 200);
  });
});
