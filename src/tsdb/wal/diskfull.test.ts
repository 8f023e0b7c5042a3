import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { Labels, StorageUnavailableError } from '../../model/index.js';
import { Logger } from '../../util/index.js';
import { writeFileSync } from 'node:fs';
import { FaultInjectingFs, Wal, controlledFaultFs, nodeWalFs, walFsFromEnv } from './index.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tmp(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'kansoku-wal-full-'));
  dirs.push(d);
  return d;
}

function log(w: Wal, ref: number, n = 20): void {
  const refs = new Uint32Array(n).fill(ref);
  const ts = new Float64Array(n).map((_, i) => ref * 1000 + i);
  w.logSamples(refs, ts, new Float64Array(n).fill(ref), n);
}

/** The first ref of each samples record a fresh WAL on a copy of `dir` replays. */
async function replayCopy(dir: string): Promise<number[]> {
  const copy = tmp();
  cpSync(dir, copy, { recursive: true });
  const w = await Wal.open(copy, { logger: Logger.nop() });
  const refs: number[] = [];
  await w.replay((r) => {
    if (r.kind === 'samples') refs.push(r.refs[0]!);
  });
  await w.close();
  return refs;
}

function isDiskFullError(err: unknown): boolean {
  return err instanceof StorageUnavailableError && err.diskFull && /disk is full/.test(err.message);
}

describe('Wal on a full disk', () => {
  it('rejects sync, leaves no half record, and writes everything once space returns', async () => {
    const dir = tmp();
    const fs = new FaultInjectingFs(nodeWalFs());
    const w = await Wal.open(dir, { logger: Logger.nop(), fs });
    w.logSeries([1], [Labels.fromRecord({ __name__: 'm' })]);
    log(w, 1);
    await w.sync();
    const good = statSync(path.join(dir, '00000001')).size;

    fs.writeBudget = 100; // the next record (about 190 bytes) is written in part
    log(w, 2);
    await assert.rejects(w.sync(), isDiskFullError);
    assert.equal(statSync(path.join(dir, '00000001')).size, good); // the partial write is gone
    assert.deepEqual(await replayCopy(dir), [1]); // a crash now keeps exactly the synced data

    log(w, 3); // logged while the disk is full; waits with 2
    await assert.rejects(w.sync(), isDiskFullError);
    assert.deepEqual(await replayCopy(dir), [1]);

    fs.writeBudget = Infinity; // space returns
    await w.sync();
    assert.deepEqual(await replayCopy(dir), [1, 2, 3]);
    log(w, 4);
    await w.close();
    assert.deepEqual(await replayCopy(dir), [1, 2, 3, 4]);
  });

  it('treats a failing fsync like a failed write', async () => {
    const dir = tmp();
    const fs = new FaultInjectingFs(nodeWalFs());
    const w = await Wal.open(dir, { logger: Logger.nop(), fs });
    log(w, 1);
    await w.sync();
    fs.failDatasync = 'ENOSPC';
    log(w, 2);
    await assert.rejects(w.sync(), isDiskFullError);
    assert.deepEqual(await replayCopy(dir), [1]);
    fs.failDatasync = 'EIO';
    await assert.rejects(w.sync(), (err: unknown) => {
      return err instanceof StorageUnavailableError && !err.diskFull;
    });
    fs.failDatasync = '';
    await w.sync();
    await w.close();
    assert.deepEqual(await replayCopy(dir), [1, 2]);
  });

  it('survives a full disk while starting a new segment', async () => {
    const dir = tmp();
    const fs = new FaultInjectingFs(nodeWalFs());
    const w = await Wal.open(dir, { logger: Logger.nop(), fs, segmentBytes: 4096 });
    let ref = 0;
    while (readdirSync(dir).length < 2) {
      log(w, ++ref);
      await w.sync();
    }
    const before = await replayCopy(dir);
    await w.cut();
    fs.failCreate = 'ENOSPC';
    log(w, ++ref);
    await assert.rejects(w.sync(), isDiskFullError);
    fs.failCreate = '';
    fs.writeBudget = 20; // the new segment's header fits, its first record does not
    await assert.rejects(w.sync(), isDiskFullError);
    assert.deepEqual(await replayCopy(dir), before);
    fs.writeBudget = Infinity;
    await w.sync();
    await w.close();
    assert.deepEqual(await replayCopy(dir), [...before, ref]);
  });

  it('fails every caller sharing a failed round and lets all of them retry', async () => {
    const dir = tmp();
    const fs = new FaultInjectingFs(nodeWalFs());
    const w = await Wal.open(dir, { logger: Logger.nop(), fs });
    fs.writeBudget = 0;
    const results = await Promise.allSettled(
      [1, 2, 3].map(async (r) => {
        log(w, r);
        await w.sync();
      }),
    );
    assert.ok(results.every((r) => r.status === 'rejected'));
    fs.writeBudget = Infinity;
    await w.sync();
    await w.close();
    assert.deepEqual(await replayCopy(dir), [1, 2, 3]);
  });

  it('bounds the records waiting for space with maxPendingBytes', async () => {
    const dir = tmp();
    const fs = new FaultInjectingFs(nodeWalFs());
    const w = await Wal.open(dir, { logger: Logger.nop(), fs, maxPendingBytes: 1000 });
    fs.writeBudget = 0;
    log(w, 1, 100);
    await assert.rejects(w.sync(), isDiskFullError);
    assert.throws(
      () => {
        log(w, 2);
      },
      (err: unknown) =>
        err instanceof StorageUnavailableError &&
        err.diskFull &&
        /maxPendingBytes/.test(err.message),
    );
    fs.writeBudget = Infinity;
    await w.sync();
    log(w, 3);
    await w.close();
    assert.deepEqual(await replayCopy(dir), [1, 3]);
  });

  it('can be steered through a control file named in the environment', async () => {
    const dir = tmp();
    const control = path.join(tmp(), 'control');
    assert.ok(!(walFsFromEnv({}) instanceof FaultInjectingFs));
    assert.ok(walFsFromEnv({ KANSOKU_TEST_WAL_FAULT_FILE: control }) instanceof FaultInjectingFs);
    const w = await Wal.open(dir, {
      logger: Logger.nop(),
      fs: controlledFaultFs(nodeWalFs(), control),
    });
    log(w, 1);
    await w.sync();
    writeFileSync(control, 'full\n');
    log(w, 2);
    await assert.rejects(w.sync(), isDiskFullError);
    writeFileSync(control, '');
    await w.close();
    assert.deepEqual(await replayCopy(dir), [1, 2]);
  });

  it('writes large buffers in the background and keeps them when that fails', async () => {
    const dir = tmp();
    const fs = new FaultInjectingFs(nodeWalFs());
    const errors: string[] = [];
    const logger = new Logger({
      level: 'error',
      format: 'json',
      sink: { write: (l: string) => errors.push(l) },
    });
    const w = await Wal.open(dir, { logger, fs });
    const n = 8192;
    const refs = new Uint32Array(n);
    const ts = new Float64Array(n).map((_, i) => i);
    const vs = new Float64Array(n);
    // About 5 MB without a sync: a background write starts on its own.
    for (let k = 0; k < 60; k++) w.logSamples(refs.fill(k), ts, vs, n);
    await new Promise((r) => setTimeout(r, 50));
    await w.sync();
    assert.ok(fs.counters.writes >= 2, `writes: ${fs.counters.writes}`);
    fs.writeBudget = 0;
    for (let k = 60; k < 120; k++) w.logSamples(refs.fill(k), ts, vs, n);
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(errors.some((l) => /background WAL write failed/.test(l)));
    fs.writeBudget = Infinity;
    await w.close();
    const got = await replayCopy(dir);
    assert.deepEqual(
      got,
      Array.from({ length: 120 }, (_, k) => k),
    );
  });
});
