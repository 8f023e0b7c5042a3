import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Labels, Matcher } from '../../model/index.js';
import { MemStorage, type Storage } from '../../storage/index.js';
import { TieredStorage } from './tiered.js';

const A = Labels.fromRecord({ __name__: 'm' });

async function dump(s: Storage, mint: number, maxt: number): Promise<[number, number][]> {
  const q = await s.querier(mint, maxt);
  const set = await q.select(true, undefined, [new Matcher('=', '__name__', 'm')]);
  const out: [number, number][] = [];
  while (set.next()) {
    const it = set.at().iterator();
    while (it.next() !== 'none') out.push([it.atT(), it.atF()]);
  }
  q.close();
  return out;
}

describe('TieredStorage (fanout mode)', () => {
  it('writes to both, reads recent data locally and older data remotely', async () => {
    const local = new MemStorage();
    const remote = new MemStorage();
    const now = 1_000_000;
    const t = new TieredStorage(local, remote, 100_000, undefined, () => now);
    const app = t.appender();
    app.append(0, A, now - 10_000, 1);
    await app.commit();
    assert.deepEqual(await dump(remote, 0, now), [[now - 10_000, 1]], 'written to the remote too');
    // Older data only in the remote engine (the local retention dropped it).
    const old = remote.appender();
    old.append(0, A, now - 500_000, 7);
    await old.commit();
    assert.deepEqual(await dump(t, 0, now), [
      [now - 500_000, 7],
      [now - 10_000, 1],
    ]);
    // A recent-only range never asks the remote engine.
    const failing: Storage = {
      querier: () => Promise.reject(new Error('remote down')),
      appender: () => remote.appender(),
      startTime: () => undefined,
      close: () => Promise.resolve(),
    };
    const t2 = new TieredStorage(local, failing, 100_000, undefined, () => now);
    assert.deepEqual(await dump(t2, now - 50_000, now), [[now - 10_000, 1]]);
    assert.deepEqual(
      await dump(t2, 0, now),
      [[now - 10_000, 1]],
      'remote failure keeps local data',
    );
    await t.close();
  });
});
