/** An admin session over the API, for browser tests that prepare data before opening pages. */
import assert from 'node:assert/strict';

/** A signed-in session: its cookie header and CSRF token. */
export interface ApiSession {
  readonly cookie: string;
  readonly csrf: string;
}

/** Signs in as `username` (default `admin`) through the API. */
export async function apiLogin(
  base: string,
  password: string,
  username = 'admin',
): Promise<ApiSession> {
  const res = await fetch(`${base}/api/kansoku/session/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  assert.equal(res.status, 200);
  const body = (await res.json()) as { data: { csrfToken: string } };
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0] ?? '')
    .join('; ');
  return { cookie, csrf: body.data.csrfToken };
}

/** POSTs JSON with the session; asserts 200 and returns the envelope's `data`. */
export async function postJson(
  base: string,
  s: ApiSession,
  p: string,
  body: unknown,
): Promise<unknown> {
  const res = await fetch(`${base}${p}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Cookie: s.cookie, 'X-CSRF-Token': s.csrf },
    body: JSON.stringify(body),
  });
  const j = (await res.json()) as { data: unknown };
  assert.equal(res.status, 200, JSON.stringify(j));
  return j.data;
}
