import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { POSTGRES_SKIP, startPostgres, type TestPostgres } from '../../test/support/postgres.js';
import { PgLease, SoleLeader } from './lease.js';
import { PgMetaStore } from './postgres.js';

void describe('SoleLeader', () => {
  void it('is always the leader', async () => {
    const l = new SoleLeader();
    assert.equal(l.isLeader(), true);
    await l.stop();
  });
});

void describe('PgLease', { skip: POSTGRES_SKIP }, () => {
  let server: TestPostgres | undefined;
  let store: PgMetaStore | undefined;
  before(async () => {
    server = await startPostgres();
    store = await PgMetaStore.open({ url: server.url });
  });
  after(async () => {
    await store?.close();
    await server?.stop();
  });

  void it('elects exactly one holder and hands over when it stops', async () => {
    assert.ok(store);
    const opts = { name: 'handover', ttlMs: 1500, renewEveryMs: 200 };
    const a = await PgLease.start(store.pool, { ...opts, holder: 'a' });
    const b = await PgLease.start(store.pool, { ...opts, holder: 'b' });
    const changes: string[] = [];
    b.onChange((l) => changes.push(`b:${l}`));
    try {
      assert.equal(a.isLeader(), true);
      assert.equal(b.isLeader(), false);
      await sleep(600); // renewals keep a leader
      assert.equal(a.isLeader(), true);
      assert.equal(b.isLeader(), false);
      const epochA = a.epoch();
      await a.stop(); // gives the lease up at once
      assert.equal(a.isLeader(), false);
      const t0 = Date.now();
      while (!b.isLeader() && Date.now() - t0 < 3000) await sleep(50);
      assert.equal(b.isLeader(), true);
      assert.ok(Date.now() - t0 < 1000, 'takeover after a clean stop is quick');
      assert.ok(b.epoch() > epochA, 'the epoch grows with a new holder');
      assert.deepEqual(changes, ['b:true']);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  void it('lets another server take over once a silent leader lease expires', async () => {
    assert.ok(store);
    const opts = { name: 'expiry', ttlMs: 1200, renewEveryMs: 150 };
    const a = await PgLease.start(store.pool, { ...opts, holder: 'a' });
    const b = await PgLease.start(store.pool, { ...opts, holder: 'b' });
    try {
      assert.equal(a.isLeader(), true);
      // Simulate a dead leader: it stops renewing without giving the lease up.
      const silent = a as unknown as { running: boolean; timer?: NodeJS.Timeout };
      silent.running = false;
      clearTimeout(silent.timer);
      const t0 = Date.now();
      while (!b.isLeader() && Date.now() - t0 < 5000) await sleep(50);
      const took = Date.now() - t0;
      assert.equal(b.isLeader(), true);
      assert.equal(a.isLeader(), false);
      assert.ok(took <= 1200 + 400, `took over in ${took} ms`);
    } finally {
      await b.stop();
    }
  });
});
