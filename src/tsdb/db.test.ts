import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { Labels, Matcher, StorageUnavailableError } from '../model/index.js';
import type { Storage } from '../storage/index.js';
import { Logger } from '../util/index.js';
import { openDB, type DBOptions } from './index.js';
import { FaultInjectingFs, nodeWalFs } from './wal/index.js';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function tmp(): Promise<string> {
  const d = await mkdtemp(path.join(tmpdir(), 'kansoku-db-'));
  dirs.push(d);
  return d;
}

const base: Partial<DBOptions> = { retentionMs: 0, fsync: 'never', logger: Logger.nop() };
const L = (rec: Record<string, string>): Labels => Labels.fromRecord(rec);
const all = [new Matcher('=~', '__name__', '.+')];

async function write(
  db: Storage,
  labels: Labels,
  from: number,
  to: number,
  step: number,
): Promise<void> {
  const app = db.appender();
  for (let t = from; t <= to; t += step) app.append(0, labels, t, t / 1000);
  await app.commit();
}

async function count(db: Storage, mint = -Infinity, maxt = Infinity): Promise<number> {
  const q = await db.querier(mint, maxt);
  const ss = await q.select(false, undefined, all);
  let n = 0;
  while (ss.next()) {
    const it = ss.at().iterator();
    while (it.next() !== 'none') n++;
  }
  q.close();
  return n;
}

describe('tsdb DB', () => {
  it('rejects commits while the disk is full, keeps serving queries, and recovers', async () => {
    const dir = await tmp();
    const fs = new FaultInjectingFs(nodeWalFs());
    const db = await openDB(dir, base, { walFs: fs });
    const a = L({ __name__: 'a' });
    await write(db, a, 1000, 10_000, 1000);
    fs.writeBudget = 0;
    await assert.rejects(
      write(db, a, 11_000, 20_000, 1000),
      (err: unknown) => err instanceof StorageUnavailableError && err.diskFull,
    );
    assert.equal(await count(db), 10);
    fs.writeBudget = Infinity;
    await write(db, a, 21_000, 25_000, 1000);
    assert.equal(await count(db), 15);
    await db.close();
    const again = await openDB(dir, base);
    assert.ok((await count(again)) >= 15);
    await again.close();
  });

  it('persists head ranges into blocks, merges them, and reads across both', async () => {
    const dir = await tmp();
    const db = await openDB(dir, { ...base, blockRangeMs: 1000 });
    const a = L({ __name__: 'a', job: 'x' });
    const b = L({ __name__: 'b', job: 'y' });
    await write(db, a, 0, 19_900, 100);
    await write(db, b, 0, 19_900, 500);
    await db.compact();
    const st = db.stats();
    assert.ok(st.blocks.length > 0);
    assert.ok(
      st.blocks.some((m) => m.compaction.level > 1),
      'blocks were merged',
    );
    assert.equal(await count(db), 200 + 40);
    assert.equal(await count(db, 5000, 5999), 10 + 2);
    // Late samples into persisted ranges land in an overlapping block after compaction.
    const app = db.appender();
    app.append(0, a, 5050, 1);
    app.append(0, L({ __name__: 'c' }), 3000, 1);
    await app.commit();
    await db.compact(true);
    assert.equal(await count(db), 200 + 40 + 2);
    assert.equal(db.stats().numSamples, 0);
    await db.close();
    const again = await openDB(dir, { ...base, blockRangeMs: 1000 });
    assert.equal(await count(again), 242);
    await again.close();
  });

  it('deletes blocks past the retention time and byte budget', async () => {
    const dir = await tmp();
    const db = await openDB(dir, { ...base, blockRangeMs: 1000, retentionMs: 5000 });
    const a = L({ __name__: 'a' });
    await write(db, a, 0, 20_000, 100);
    await db.compact();
    const start = db.startTime();
    assert.ok(start !== undefined && start >= 20_000 - 5000 - 1000, `start time ${start}`);
    await db.close();
    const dir2 = await tmp();
    const db2 = await openDB(dir2, { ...base, blockRangeMs: 1000, retentionBytes: 1 });
    await write(db2, a, 0, 20_000, 100);
    await db2.compact();
    assert.equal(db2.stats().blocks.length, 0);
    assert.ok((await count(db2)) > 0, 'the head still answers');
    await db2.close();
  });

  it('keeps deletions across compaction, reopen and cleaning', async () => {
    const dir = await tmp();
    const opts = { ...base, blockRangeMs: 1000 };
    let db = await openDB(dir, opts);
    const a = L({ __name__: 'a' });
    await write(db, a, 0, 9_900, 100);
    await db.deleteSeries(2000, 2999, [new Matcher('=', '__name__', 'a')]);
    assert.equal(await count(db), 90);
    await db.compact(true);
    assert.equal(await count(db), 90);
    await db.deleteSeries(5000, 5999, [new Matcher('=', '__name__', 'a')]);
    await db.cleanTombstones();
    assert.equal(await count(db), 80);
    await db.close();
    db = await openDB(dir, opts);
    assert.equal(await count(db), 80);
    await db.close();
  });

  it('takes snapshots that open as databases', async () => {
    const dir = await tmp();
    const db = await openDB(dir, { ...base, blockRangeMs: 1000 });
    const a = L({ __name__: 'a' });
    await write(db, a, 0, 5_000, 100);
    await db.compact();
    const snapDir = path.join(await tmp(), 'snap');
    const out = await db.snapshot(snapDir, true);
    assert.equal(out, snapDir);
    assert.ok((await readdir(snapDir)).length > 0);
    await db.close();
    const snap = await openDB(snapDir, { ...base, blockRangeMs: 1000 });
    assert.equal(await count(snap), 51);
    await snap.close();
  });

  it('reports statistics', async () => {
    const db = await openDB(await tmp(), base);
    const app = db.appender();
    for (let i = 0; i < 5; i++) app.append(0, L({ __name__: 'm', i: String(i) }), 1000, i);
    app.append(0, L({ __name__: 'n' }), 2000, 1);
    await app.commit();
    const st = db.stats();
    assert.equal(st.numSeries, 6);
    assert.equal(st.numSamples, 6);
    assert.equal(st.headMinTime, 1000);
    assert.equal(st.headMaxTime, 2000);
    assert.deepEqual(st.seriesCountByMetricName[0], { name: 'm', value: 5 });
    assert.deepEqual(st.labelValueCountByLabelName[0], { name: 'i', value: 5 });
    assert.ok(st.walBytes > 0);
    await db.close();
  });
});
