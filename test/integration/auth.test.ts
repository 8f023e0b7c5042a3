/**
 * End to end: authentication of a real `kansoku server` process — the one-time setup link, the
 * admin password file, tokens created offline by `kansoku token create` while the server runs,
 * write-only and read-only scopes, and the self-scrape still working with auth on.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  makeTemp,
  removeTemp,
  runCli,
  startKansoku,
  waitFor200,
  type KansokuProcess,
} from './server-harness.js';

const JSON_HEADERS = { 'Content-Type': 'application/json' };

describe('auth end to end: setup link and offline tokens', () => {
  let tmp: string;
  let k: KansokuProcess;
  before(async () => {
    tmp = await makeTemp();
    k = await startKansoku(path.join(tmp, 'data'), ['--auth.enabled']);
    await waitFor200(`${k.base}/-/ready`);
  });
  after(async () => {
    await k.stop();
    await removeTemp(tmp);
  });

  it('refuses unauthenticated API access but answers health checks', async () => {
    assert.equal(await waitFor200(`${k.base}/-/healthy`), 200);
    const q = await fetch(`${k.base}/api/v1/query?query=up`);
    assert.equal(q.status, 401);
    assert.equal(q.headers.get('www-authenticate'), 'Bearer realm="kansoku"');
    assert.equal((await fetch(`${k.base}/api/v1/write`, { method: 'POST' })).status, 401);
  });

  it('prints a one-time setup link that creates the first admin', async () => {
    const m = /\/setup\?token=([A-Za-z0-9_-]+)/.exec(k.stderr());
    assert.ok(m, `no setup link in the log:\n${k.stderr()}`);
    const who = await (await fetch(`${k.base}/api/kansoku/session`)).json();
    assert.equal((who as { data: { setupRequired: boolean } }).data.setupRequired, true);
    const setup = (token: string) =>
      fetch(`${k.base}/api/kansoku/setup`, {
        method: 'POST',
        headers: JSON_HEADERS,
        body: JSON.stringify({ token, username: 'root', password: 'root password 1' }),
      });
    assert.equal((await setup('not-the-token')).status, 403);
    const ok = await setup(m[1] ?? '');
    assert.equal(ok.status, 200);
    assert.equal((await setup(m[1] ?? '')).status, 409, 'the link works once');
    const login = await fetch(`${k.base}/api/kansoku/session/login`, {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ username: 'root', password: 'root password 1' }),
    });
    assert.equal(login.status, 200);
    const wrong = await fetch(`${k.base}/api/kansoku/session/login`, {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ username: 'root', password: 'not the password' }),
    });
    assert.equal(wrong.status, 401);
    // Sign-ins and refusals are in the audit log, passwords never.
    const log = k.stderr();
    assert.match(log, /msg="?signed in"? .*user=root/);
    assert.match(log, /msg="?sign-in refused"? .*user=root/);
    assert.match(log, /first admin created/);
    assert.doesNotMatch(log, /root password 1|not the password/);
  });

  it('accepts tokens created offline while the server runs, with their scopes', async () => {
    const dir = path.join(tmp, 'data');
    const w = await runCli([
      'token',
      'create',
      '--scope',
      'write',
      '--name',
      'ci',
      `--storage.tsdb.path=${dir}`,
    ]);
    assert.equal(w.code, 0, w.stderr);
    const r = await runCli(['token', 'create', '--scope=read', `--storage.tsdb.path=${dir}`]);
    assert.equal(r.code, 0, r.stderr);
    const write = w.stdout.trim();
    const read = r.stdout.trim();
    assert.match(write, /^kst_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    const body = 'e2e_metric{src="cli"} 42\n';
    const push = (token: string) =>
      fetch(`${k.base}/api/v1/import/prometheus`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'text/plain' },
        body,
      });
    assert.equal((await push(read)).status, 403, 'a read token cannot write');
    const pushed = await push(write);
    assert.ok(pushed.status === 204 || pushed.status === 200, `push answered ${pushed.status}`);
    const viaWrite = await fetch(`${k.base}/api/v1/query?query=e2e_metric`, {
      headers: { Authorization: `Bearer ${write}` },
    });
    assert.equal(viaWrite.status, 403, 'a write token cannot read');
    const basic = Buffer.from(`anyone:${read}`).toString('base64');
    const q = await fetch(`${k.base}/api/v1/query?query=e2e_metric`, {
      headers: { Authorization: `Basic ${basic}` },
    });
    assert.equal(q.status, 200);
    const data = (await q.json()) as { data: { result: { value: [number, string] }[] } };
    assert.equal(data.data.result[0]?.value[1], '42');
  });

  it('keeps scraping itself with auth on', async () => {
    const r = await runCli([
      'token',
      'create',
      '--scope',
      'read',
      `--storage.tsdb.path=${path.join(tmp, 'data')}`,
    ]);
    const token = r.stdout.trim();
    const end = Date.now() + 10_000;
    let value: string | undefined;
    while (Date.now() < end && value !== '1') {
      const q = await fetch(
        `${k.base}/api/v1/query?query=${encodeURIComponent('up{job="kansoku"}')}`,
        {
          headers: { Authorization: `Bearer ${token}` },
        },
      );
      const d = (await q.json()) as { data?: { result?: { value: [number, string] }[] } };
      value = d.data?.result?.[0]?.value[1];
      if (value !== '1') await new Promise((res) => setTimeout(res, 200));
    }
    assert.equal(value, '1');
  });

  it('refuses a bad token command line with exit code 2', async () => {
    const r = await runCli(['token', 'create', '--scope', 'root']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /invalid --scope/);
  });
});

describe('auth end to end: admin password file', () => {
  it('creates the first admin from the file and prints no setup link', async () => {
    const tmp = await makeTemp();
    const file = path.join(tmp, 'admin-password');
    await writeFile(file, 'from the file 123\n', { mode: 0o600 });
    const k = await startKansoku(path.join(tmp, 'data'), [
      '--auth.enabled',
      `--auth.admin-password-file=${file}`,
    ]);
    try {
      const login = await fetch(`${k.base}/api/kansoku/session/login`, {
        method: 'POST',
        headers: JSON_HEADERS,
        body: JSON.stringify({ username: 'admin', password: 'from the file 123' }),
      });
      assert.equal(login.status, 200);
      assert.doesNotMatch(k.stderr(), /setup\?token=/);
    } finally {
      await k.stop();
      await removeTemp(tmp);
    }
  });

  it('leaves auth off on loopback without --auth.enabled', async () => {
    const tmp = await makeTemp();
    const k = await startKansoku(path.join(tmp, 'data'));
    try {
      assert.equal(await waitFor200(`${k.base}/-/ready`), 200);
      assert.equal((await fetch(`${k.base}/api/v1/labels`)).status, 200);
      const who = (await (await fetch(`${k.base}/api/kansoku/session`)).json()) as {
        data: { authEnabled: boolean };
      };
      assert.equal(who.data.authEnabled, false);
    } finally {
      await k.stop();
      await removeTemp(tmp);
    }
  });
});
