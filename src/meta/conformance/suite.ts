/**
 * The behaviour every metadata store must have, as `node:test` cases. A store's test file calls
 * `metaStoreConformance('name', open)` where `open` returns a fresh, empty store each time.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MetaConflictError, type MetaStore } from '../store.js';

/** Opens a fresh empty store; `reopen` (when given) opens the same storage again after close. */
export interface StoreFactory {
  open(): Promise<{ store: MetaStore; reopen?: () => Promise<MetaStore> }>;
}

/** Registers the conformance cases for one store implementation. */
export function metaStoreConformance(name: string, factory: StoreFactory): void {
  void describe(`metadata store conformance: ${name}`, () => {
    void it('creates, reads, lists, replaces and deletes documents', async () => {
      const { store } = await factory.open();
      try {
        assert.equal(await store.get('dashboards', 'a'), undefined);
        const a1 = await store.put('dashboards', 'a', { title: 'A', n: [1, 2] });
        assert.equal(a1.version, 1);
        assert.deepEqual(a1.value, { title: 'A', n: [1, 2] });
        await store.put('dashboards', 'b/c.d', { title: 'B' });
        await store.put('users', 'a', { name: 'u' });
        const a2 = await store.put('dashboards', 'a', { title: 'A2' });
        assert.equal(a2.version, 2);
        assert.ok(a2.updatedAt >= a1.updatedAt);
        assert.deepEqual(
          (await store.list('dashboards')).map((r) => [r.id, r.version]),
          [
            ['a', 2],
            ['b/c.d', 1],
          ],
        );
        assert.deepEqual(
          (await store.list('dashboards', { prefix: 'b/' })).map((r) => r.id),
          ['b/c.d'],
        );
        assert.equal(await store.delete('dashboards', 'a'), true);
        assert.equal(await store.delete('dashboards', 'a'), false);
        assert.equal(await store.get('dashboards', 'a'), undefined);
        assert.deepEqual((await store.get('users', 'a'))?.value, { name: 'u' });
        assert.deepEqual(await store.list('nothing_here'), []);
      } finally {
        await store.close();
      }
    });

    void it('checks expected versions', async () => {
      const { store } = await factory.open();
      try {
        await store.put('t', 'x', 1, { expectedVersion: 0 });
        await assert.rejects(store.put('t', 'x', 2, { expectedVersion: 0 }), MetaConflictError);
        await assert.rejects(store.put('t', 'x', 2, { expectedVersion: 2 }), MetaConflictError);
        assert.equal((await store.put('t', 'x', 2, { expectedVersion: 1 })).version, 2);
        await assert.rejects(store.delete('t', 'x', { expectedVersion: 1 }), MetaConflictError);
        assert.equal(await store.delete('t', 'x', { expectedVersion: 2 }), true);
        assert.equal((await store.put('t', 'x', 3, { expectedVersion: 0 })).version, 1);
      } finally {
        await store.close();
      }
    });

    void it('lets exactly one of many concurrent conditional writers win', async () => {
      const { store } = await factory.open();
      try {
        const results = await Promise.allSettled(
          Array.from({ length: 8 }, (_, i) => store.put('t', 'race', i, { expectedVersion: 0 })),
        );
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      } finally {
        await store.close();
      }
    });

    void it('returns copies: changing a returned value changes nothing stored', async () => {
      const { store } = await factory.open();
      try {
        const v = { a: { b: 1 } };
        await store.put('t', 'x', v);
        v.a.b = 2;
        const got = await store.get('t', 'x');
        assert.ok(got);
        const gotValue = got.value as { a: { b: number } };
        assert.deepEqual(gotValue, { a: { b: 1 } });
        gotValue.a.b = 3;
        assert.deepEqual((await store.get('t', 'x'))?.value, { a: { b: 1 } });
      } finally {
        await store.close();
      }
    });

    void it('keeps ids of any shape, including long and unicode ones', async () => {
      const { store } = await factory.open();
      try {
        const ids = ['../etc/passwd', 'a b', 'é/ü', '.', '..', 'x'.repeat(512), 'CON', 'a%2F'];
        for (const id of ids) await store.put('t', id, id);
        for (const id of ids) assert.equal((await store.get('t', id))?.value, id);
        assert.equal((await store.list('t')).length, ids.length);
        await assert.rejects(store.put('t', '', 1));
        await assert.rejects(store.put('T-x', 'a', 1));
      } finally {
        await store.close();
      }
    });

    void it('keeps documents across a reopen', async (t) => {
      const { store, reopen } = await factory.open();
      if (!reopen) {
        await store.close();
        t.skip('this store does not persist');
        return;
      }
      await store.put('t', 'x', { kept: true });
      await store.put('t', 'y', 1);
      await store.delete('t', 'y');
      await store.close();
      const again = await reopen();
      try {
        const x = await again.get('t', 'x');
        assert.ok(x);
        assert.equal(x.version, 1);
        assert.deepEqual(x.value, { kept: true });
        assert.equal(await again.get('t', 'y'), undefined);
        assert.equal((await again.put('t', 'x', 2)).version, 2);
      } finally {
        await again.close();
      }
    });
  });
}
