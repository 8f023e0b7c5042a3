import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { FileMetaStore, MemMetaStore } from '../meta/index.js';
import { createTokenOffline, parseTokenArgs } from './offline.js';
import { AuthService, defaultAuthOptions, type AuthOptions } from './service.js';
import { AuthError, type Principal } from './types.js';

function options(now: () => number, extra: Partial<AuthOptions> = {}): AuthOptions {
  return { ...defaultAuthOptions(), scrypt: { N: 1 << 10, r: 8, p: 1 }, now, ...extra };
}

async function rejectsWith(p: Promise<unknown>, status: number): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof AuthError && e.status === status);
}

const secret = (s: string) => ({ kind: 'secret', secret: s, form: 'bearer' }) as const;

describe('AuthService', () => {
  it('sets up the first admin once, with the one-time token', async () => {
    const a = new AuthService(new MemMetaStore(), options(Date.now));
    const token = await a.init();
    assert.ok(token !== undefined && token.length >= 40);
    await rejectsWith(a.completeSetup('wrong', 'root', 'a good password'), 403);
    const u = await a.completeSetup(token, 'Root', 'a good password');
    assert.deepEqual([u.name, u.role], ['root', 'admin']);
    await rejectsWith(a.completeSetup(token, 'again', 'a good password'), 409);
    assert.equal(await a.init(), undefined, 'no setup once a user exists');
  });

  it('creates the first admin from a password without a setup token', async () => {
    const a = new AuthService(new MemMetaStore(), options(Date.now));
    assert.equal(await a.init('from a file!'), undefined);
    assert.equal(a.setupPending(), false);
    await a.login('admin', 'from a file!', 'c');
  });

  it('logs in with fresh session ids, throttles failures per user and address', async () => {
    let now = 1_000_000;
    const a = new AuthService(
      new MemMetaStore(),
      options(() => now),
    );
    await a.users.create('ann', 'viewer', 'ann password 1');
    const s1 = await a.login('ann', 'ann password 1', '10.0.0.1');
    const s2 = await a.login('ANN', 'ann password 1', '10.0.0.1');
    assert.notEqual(s1.secret, s2.secret);
    for (let i = 0; i < 5; i++)
      await rejectsWith(a.login('ann', 'wrong password', '10.0.0.2'), 401);
    await rejectsWith(a.login('ann', 'wrong password', '10.0.0.2'), 401);
    // Now locked, even with the right password, from any address (per user) …
    await rejectsWith(a.login('ann', 'ann password 1', '10.0.0.3'), 429);
    // … and from that address for any user (per address).
    await rejectsWith(a.login('bob', 'whatever pass', '10.0.0.2'), 429);
    now += 1000;
    await a.login('ann', 'ann password 1', '10.0.0.3');
    await rejectsWith(a.login('nobody', 'whatever pass', '10.0.0.4'), 401);
  });

  it('resolves sessions until logout, expiry or idle timeout', async () => {
    let now = 0;
    const a = new AuthService(
      new MemMetaStore(),
      options(() => now),
    );
    await a.users.create('ed', 'editor', 'ed password 1');
    const r = await a.login('ed', 'ed password 1', 'c');
    const p = await a.authenticate({ kind: 'session', secret: r.secret }, 'c');
    if (p.kind !== 'session') assert.fail(`expected a session, got ${p.kind}`);
    assert.deepEqual(p.capabilities, ['read', 'write']);
    now += a.opts.sessions.idleMs;
    await rejectsWith(a.authenticate({ kind: 'session', secret: r.secret }, 'c'), 401);
    const r2 = await a.login('ed', 'ed password 1', 'c');
    const r3 = await a.login('ed', 'ed password 1', 'c');
    assert.equal(await a.sessions.endAll('ed'), 2);
    await rejectsWith(a.authenticate({ kind: 'session', secret: r2.secret }, 'c'), 401);
    await rejectsWith(a.authenticate({ kind: 'session', secret: r3.secret }, 'c'), 401);
  });

  it('sweeps expired sessions at the next login', async () => {
    let now = 0;
    const meta = new MemMetaStore();
    const a = new AuthService(
      meta,
      options(() => now),
    );
    await a.users.create('sam', 'viewer', 'sam password 1');
    await a.login('sam', 'sam password 1', 'c');
    now += a.opts.sessions.ttlMs + 3_600_000;
    await a.login('sam', 'sam password 1', 'c');
    await new Promise((r) => setTimeout(r, 20));
    assert.equal((await meta.list('auth_sessions')).length, 1);
  });

  it('stores only hashes of session and token secrets', async () => {
    const meta = new MemMetaStore();
    const a = new AuthService(meta, options(Date.now));
    await a.users.create('ann', 'admin', 'ann password 1');
    const s = await a.login('ann', 'ann password 1', 'c');
    const t = await a.tokens.create({
      name: 't',
      user: 'ann',
      scopes: ['read'],
      matchers: [],
      expiresAt: 0,
    });
    const dump = JSON.stringify([
      await meta.list('auth_users'),
      await meta.list('auth_sessions'),
      await meta.list('auth_tokens'),
    ]);
    assert.ok(!dump.includes(s.secret));
    assert.ok(!dump.includes(t.token.slice(21)));
    assert.ok(!dump.includes('ann password 1'));
  });

  it('grants token scopes, never beyond the owner role, until expiry or revocation', async () => {
    let now = 1000;
    const a = new AuthService(
      new MemMetaStore(),
      options(() => now),
    );
    await a.users.create('vic', 'editor', 'vic password 1');
    const w = await a.tokens.create({
      name: 'w',
      user: 'vic',
      scopes: ['write'],
      matchers: [],
      expiresAt: 5000,
    });
    const p = await a.authenticate(secret(w.token), 'c');
    assert.deepEqual(p.kind === 'token' ? p.capabilities : [], ['write']);
    await a.users.update('vic', { role: 'viewer' });
    const q = await a.authenticate(secret(w.token), 'c');
    assert.deepEqual(q.kind === 'token' ? q.capabilities : ['x'], []);
    now = 5000;
    await rejectsWith(a.authenticate(secret(w.token), 'c'), 401);
    const r = await a.tokens.create({
      name: 'r',
      user: 'vic',
      scopes: ['read'],
      matchers: [],
      expiresAt: 0,
    });
    await a.tokens.revoke(r.info.id);
    await rejectsWith(a.authenticate(secret(r.token), 'c'), 401);
    await rejectsWith(a.authenticate(secret(r.token.slice(0, -1) + 'A'), 'c'), 401);
  });

  it('records last use at most once a minute', async () => {
    let now = 100_000;
    const meta = new MemMetaStore();
    const a = new AuthService(
      meta,
      options(() => now),
    );
    const t = await a.tokens.create({
      name: 'x',
      user: '',
      scopes: ['read'],
      matchers: [],
      expiresAt: 0,
    });
    await a.authenticate(secret(t.token), 'c');
    await new Promise((r) => setTimeout(r, 5));
    const v1 = (await meta.get('auth_tokens', t.info.id))?.version;
    now += 1000;
    await a.authenticate(secret(t.token), 'c');
    await new Promise((r) => setTimeout(r, 5));
    assert.equal((await meta.get('auth_tokens', t.info.id))?.version, v1);
    assert.equal((await a.tokens.info(t.info.id))?.lastUsedAt, 100_000);
  });

  it('resolves share links until revoked', async () => {
    const a = new AuthService(new MemMetaStore(), options(Date.now));
    const target = {
      kind: 'panel',
      dashboard: 'd1',
      panel: '2',
      variables: { env: 'prod' },
      queries: ['up'],
      title: 'T',
    } as const;
    const s = await a.tokens.createShare('ann', target, 0);
    const p: Principal = await a.authenticate(secret(s.token), 'c');
    assert.equal(p.kind, 'share');
    await a.tokens.revokeShare(s.info.id);
    await rejectsWith(a.authenticate(secret(s.token), 'c'), 401);
  });

  it('deleting a user ends their sessions and revokes their tokens', async () => {
    const a = new AuthService(new MemMetaStore(), options(Date.now));
    await a.users.create('gone', 'admin', 'gone password');
    const s = await a.login('gone', 'gone password', 'c');
    const t = await a.tokens.create({
      name: 'x',
      user: 'gone',
      scopes: ['admin'],
      matchers: [],
      expiresAt: 0,
    });
    assert.equal(await a.deleteUser('gone'), true);
    await rejectsWith(a.authenticate({ kind: 'session', secret: s.secret }, 'c'), 401);
    await rejectsWith(a.authenticate(secret(t.token), 'c'), 401);
  });

  it('throttles clients that keep presenting bad credentials', async () => {
    const a = new AuthService(new MemMetaStore(), options(Date.now));
    for (let i = 0; i < 20; i++)
      await rejectsWith(a.authenticate(secret('kst_nope'), '1.2.3.4'), 401);
    await rejectsWith(a.authenticate(secret('kst_nope'), '1.2.3.4'), 401);
    await rejectsWith(a.authenticate(secret('kst_nope'), '1.2.3.4'), 429);
    await rejectsWith(a.authenticate(secret('kst_nope'), '5.6.7.8'), 401);
  });

  it('finds tokens created offline by another process', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'kansoku-auth-'));
    try {
      const meta = new FileMetaStore(path.join(dir, 'meta'));
      const a = new AuthService(
        meta,
        options(Date.now, { reopen: () => new FileMetaStore(path.join(dir, 'meta')) }),
      );
      await a.init('first admin pw');
      const token = await createTokenOffline(
        parseTokenArgs([
          'create',
          '--scope',
          'write,read',
          `--storage.tsdb.path=${dir}`,
          '--expires',
          '1d',
        ]),
      );
      assert.match(token, /^kst_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
      const p = await a.authenticate(secret(token), 'c');
      assert.deepEqual(p.kind === 'token' ? [...p.capabilities].sort() : [], ['read', 'write']);
      assert.equal((await a.tokens.list()).length, 1, 'imported into the running store');
      await meta.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('parses the CLI arguments strictly', () => {
    assert.throws(() => parseTokenArgs(['create']), /--scope is required/);
    assert.throws(() => parseTokenArgs(['create', '--scope', 'root']), /invalid --scope/);
    assert.throws(
      () => parseTokenArgs(['create', '--scope', 'read', '--bogus', 'x']),
      /unknown flag/,
    );
    assert.throws(() => parseTokenArgs(['list']), /token create/);
    const a = parseTokenArgs(['create', '--scope=read', '--matcher', '{team="a"}', '--name', 'ci']);
    assert.deepEqual(
      [a.scopes, a.matchers, a.name, a.dataDir],
      [['read'], ['{team="a"}'], 'ci', './data'],
    );
  });
});
