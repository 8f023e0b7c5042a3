import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { Labels, Matcher } from '../model/index.js';
import type { Storage } from '../storage/index.js';
import { Logger } from '../util/index.js';
import { openDB, type DBOptions } from './index.js';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const base: Partial<DBOptions> = { retentionMs: 0, fsync: 'never', logger: Logger.nop() };

/** Every sample as `name@t=v`, in series then time order. */
async function dump(db: Storage): Promise<string[]> {
  const q = await db.querier(-Infinity, Infinity);
  const ss = await q.select(true, undefined, [new Matcher('=~', '__name__', '.+')]);
  const out: string[] = [];
  while (ss.next()) {
    const s = ss.at();
    const it = s.iterator();
    while (it.next() !== 'none') {
      out.push(`${s.labels.get('__name__')}@${it.atT()}=${it.atF()}`);
    }
  }
  q.close();
  return out;
}

describe('tsdb snapshot', () => {
  it('holds every head sample, buffered out-of-order ones and deletions included', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'kansoku-snap-'));
    dirs.push(dir);
    const db = await openDB(path.join(dir, 'data'), base);
    const a = Labels.fromRecord({ __name__: 'a' });
    const b = Labels.fromRecord({ __name__: 'b' });
    let app = db.appender();
    for (let t = 1000; t <= 300_000; t += 1000) app.append(0, a, t, t / 1000);
    app.append(0, b, 100_000, 7);
    await app.commit();
    // Late samples: kept in the out-of-order buffer, not yet cut into chunks.
    app = db.appender();
    app.append(0, a, 1500, 1.5);
    app.append(0, b, 50_000, 5);
    await app.commit();
    await db.deleteSeries(10_000, 20_000, [new Matcher('=', '__name__', 'a')]);
    const want = await dump(db);
    assert.ok(want.includes('a@1500=1.5') && want.includes('b@50000=5'));
    assert.ok(!want.includes('a@15000=15'));
    const snap = await db.snapshot(path.join(dir, 'snap'), true);
    await db.close();
    const copy = await openDB(snap, base);
    try {
      assert.deepEqual(await dump(copy), want);
    } finally {
      await copy.close();
    }
  });
});
