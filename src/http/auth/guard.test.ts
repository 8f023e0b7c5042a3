import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { Labels } from '../../model/index.js';
import { startAuthFixture, type AuthFixture } from './testkit.js';

const JSON_HEADERS = { 'Content-Type': 'application/json' };

describe('auth guard and API', () => {
  let f: AuthFixture;
  let base: string;
  before(async () => {
    f = await startAuthFixture();
    base = f.server.base;
    const app = f.storage.appender();
    const now = Date.now();
    for (const job of ['a', 'b']) app.append(0, Labels.fromRecord({ __name__: 'up', job }), now, 1);
    await app.commit();
  });
  after(async () => {
    await f.close();
  });

  it('sets HttpOnly SameSite session cookies and a script-readable CSRF cookie', async () => {
    const res = await fetch(`${base}/api/kansoku/session/login`, {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ username: 'viewer', password: 'viewer-password-1' }),
    });
    const [session, csrf] = res.headers.getSetCookie();
    assert.match(
      session ?? '',
      /^kansoku_session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=\d+; SameSite=Strict; HttpOnly$/,
    );
    assert.match(
      csrf ?? '',
      /^kansoku_csrf=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=\d+; SameSite=Strict$/,
    );
  });

  it('forbids framing (except share pages) and Referer leaks', async () => {
    const res = await fetch(`${base}/api/v1/labels`);
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    assert.equal(res.headers.get('content-security-policy'), "frame-ancestors 'none'");
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    const shared = await fetch(`${base}/public/x`);
    assert.equal(shared.headers.get('x-frame-options'), null);
  });

  it('gives a fresh session id at every login (no session fixation)', async () => {
    const planted = 'kansoku_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    const s1 = await f.login('editor', undefined, { Cookie: planted });
    assert.ok(!s1.cookie.includes(planted));
    const s2 = await f.login('editor', undefined, { Cookie: s1.cookie });
    assert.notEqual(s1.cookie, s2.cookie);
    // The session presented at login was ended.
    const who = await fetch(`${base}/api/kansoku/session`, { headers: { Cookie: s1.cookie } });
    assert.equal(((await who.json()) as { data: { kind: string } }).data.kind, 'anonymous');
  });

  it('requires the CSRF token and a same origin for cookie-authenticated changes', async () => {
    const s = await f.login('editor');
    const post = (headers: Record<string, string>) =>
      fetch(`${base}/api/v2/silences`, {
        method: 'POST',
        headers: { ...JSON_HEADERS, Cookie: s.cookie, ...headers },
        body: '{}',
      });
    assert.equal((await post({})).status, 403);
    assert.equal((await post({ 'X-CSRF-Token': 'wrong' })).status, 403);
    assert.equal(
      (await post({ 'X-CSRF-Token': s.csrf, Origin: 'https://evil.example' })).status,
      403,
    );
    assert.equal(
      (await post({ 'X-CSRF-Token': s.csrf, Referer: 'https://evil.example/x' })).status,
      403,
    );
    const ok = await post({ 'X-CSRF-Token': s.csrf, Origin: base });
    assert.ok(ok.status !== 401 && ok.status !== 403, `got ${ok.status}`);
    // Reads need no CSRF token; token-authenticated writes neither (browsers do not add them).
    assert.equal(
      (await fetch(`${base}/api/v1/labels`, { headers: { Cookie: s.cookie } })).status,
      200,
    );
    const login = await fetch(`${base}/api/kansoku/session/login`, {
      method: 'POST',
      headers: { ...JSON_HEADERS, Origin: 'https://evil.example' },
      body: JSON.stringify({ username: 'editor', password: 'editor-password-1' }),
    });
    assert.equal(login.status, 403, 'no login CSRF');
  });

  it('logs out, and logs out everywhere', async () => {
    const a = await f.login('viewer');
    const b = await f.login('viewer');
    const out = await fetch(`${base}/api/kansoku/session/logout`, {
      method: 'POST',
      headers: { Cookie: a.cookie, 'X-CSRF-Token': a.csrf },
    });
    assert.equal(out.status, 200);
    assert.equal(
      (await fetch(`${base}/api/v1/labels`, { headers: { Cookie: a.cookie } })).status,
      401,
    );
    assert.equal(
      (await fetch(`${base}/api/v1/labels`, { headers: { Cookie: b.cookie } })).status,
      200,
    );
    const c = await f.login('viewer');
    const all = await fetch(`${base}/api/kansoku/session/logout-everywhere`, {
      method: 'POST',
      headers: { Cookie: c.cookie, 'X-CSRF-Token': c.csrf },
    });
    assert.equal(all.status, 200);
    for (const s of [b, c])
      assert.equal(
        (await fetch(`${base}/api/v1/labels`, { headers: { Cookie: s.cookie } })).status,
        401,
      );
  });

  it('restricts tokens with label matchers to matching series', async () => {
    const h = { Authorization: `Bearer ${f.tokens.matcher}` };
    const q = await fetch(`${base}/api/v1/query?query=up`, { headers: h });
    const body = (await q.json()) as { data: { result: { metric: Record<string, string> }[] } };
    assert.deepEqual(
      body.data.result.map((r) => r.metric['job']),
      ['a'],
    );
    const v = await fetch(`${base}/api/v1/label/job/values`, { headers: h });
    assert.deepEqual(((await v.json()) as { data: string[] }).data, ['a']);
    assert.equal((await fetch(`${base}/api/v1/targets`, { headers: h })).status, 403);
    const all = await fetch(`${base}/api/v1/label/job/values`, {
      headers: { Authorization: `Bearer ${f.tokens.read}` },
    });
    assert.deepEqual(((await all.json()) as { data: string[] }).data, ['a', 'b']);
  });

  it('lets share links run only their queries and resolve themselves', async () => {
    const h = { Authorization: `Bearer ${f.share}` };
    const r = await fetch(`${base}/api/kansoku/share`, { headers: h });
    assert.equal(
      ((await r.json()) as { data: { target: { title: string } } }).data.target.title,
      'Shared',
    );
    const now = Math.floor(Date.now() / 1000);
    const ok = await fetch(
      `${base}/api/v1/query_range?query=${encodeURIComponent('rate(x[5m])')}&start=${now - 60}&end=${now}&step=15`,
      { headers: h },
    );
    assert.equal(ok.status, 200);
    for (const q of ['rate(y[5m])', 'up or secret', 'up{job="b"}'])
      assert.equal(
        (await fetch(`${base}/api/v1/query?query=${encodeURIComponent(q)}`, { headers: h })).status,
        403,
        q,
      );
    const twice = await fetch(`${base}/api/v1/query?query=up&query=secret`, { headers: h });
    assert.equal(twice.status, 403);
  });

  it('lets users create tokens only up to their role, shown once', async () => {
    const s = await f.login('viewer');
    const create = (scopes: string[]) =>
      fetch(`${base}/api/kansoku/tokens`, {
        method: 'POST',
        headers: { ...JSON_HEADERS, Cookie: s.cookie, 'X-CSRF-Token': s.csrf },
        body: JSON.stringify({ name: '<img src=x onerror=alert(1)>', scopes, expires: '1d' }),
      });
    assert.equal((await create(['write'])).status, 403);
    const r = await create(['read']);
    const body = (await r.json()) as { data: { token: string; info: { id: string } } };
    assert.match(body.data.token, /^kst_/);
    const list = await (
      await fetch(`${base}/api/kansoku/tokens`, { headers: { Cookie: s.cookie } })
    ).text();
    assert.ok(!list.includes(body.data.token.slice(21)), 'the secret is never listed');
    assert.equal(
      (
        await fetch(`${base}/api/v1/labels`, {
          headers: { Authorization: `Token ${body.data.token}` },
        })
      ).status,
      200,
    );
  });

  it('refuses user names that could carry markup', async () => {
    const s = await f.login('admin');
    const res = await fetch(`${base}/api/kansoku/users`, {
      method: 'POST',
      headers: { ...JSON_HEADERS, Cookie: s.cookie, 'X-CSRF-Token': s.csrf },
      body: JSON.stringify({
        username: '<script>alert(1)</script>',
        role: 'viewer',
        password: 'long enough pw',
      }),
    });
    assert.equal(res.status, 400);
  });

  it('answers 401 to any malformed or guessed credential, never more', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc
            .constantFrom('Bearer ', 'Token ', 'Basic ', 'bearer kst_')
            .chain((p) => fc.string({ maxLength: 120 }).map((s) => p + s)),
          fc
            .array(
              fc.constantFrom(
                '0',
                '1',
                '2',
                '3',
                '4',
                '5',
                '6',
                '7',
                '8',
                '9',
                'a',
                'b',
                'c',
                'd',
                'e',
                'f',
              ),
              { minLength: 16, maxLength: 16 },
            )
            .map((id) => `Bearer kst_${id.join('')}_${'A'.repeat(43)}`),
        ),
        async (h) => {
          let res: Response;
          try {
            res = await fetch(`${base}/api/v1/labels`, { headers: { Authorization: h } });
          } catch {
            return; // not a valid header value for fetch itself
          }
          const text = await res.text();
          assert.ok(
            res.status === 401 || res.status === 429,
            `${JSON.stringify(h)} → ${res.status} ${text}`,
          );
          assert.ok(!text.includes('"data"'));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('login throttling over HTTP', () => {
  it('answers 429 with Retry-After after repeated failures', async () => {
    const f = await startAuthFixture({
      loginThrottle: {
        freeFailures: 3,
        baseDelayMs: 60_000,
        maxDelayMs: 60_000,
        forgetAfterMs: 3_600_000,
        maxKeys: 100,
      },
    });
    try {
      const attempt = () =>
        fetch(`${f.server.base}/api/kansoku/session/login`, {
          method: 'POST',
          headers: JSON_HEADERS,
          body: JSON.stringify({ username: 'admin', password: 'wrong password' }),
        });
      for (let i = 0; i < 4; i++) assert.equal((await attempt()).status, 401);
      const r = await attempt();
      assert.equal(r.status, 429);
      assert.equal(r.headers.get('retry-after'), '60');
      await assert.rejects(f.login('admin'), /429/, 'even the right password waits');
    } finally {
      await f.close();
    }
  });
});
