import assert from 'node:assert/strict';
import { access, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Logger } from '../../util/index.js';
import { receiveBackup } from './receive.js';
import { BackupBusyError, BackupService } from './service.js';
import { DirSink } from './sinks.js';

const ULID = '01ARZ3NDEKTSV4RRFFQ69G5FB1';

describe('BackupService', () => {
  let tmp: string;
  let data: string;
  let snapshots = 0;
  let flushes = 0;
  let service: BackupService;
  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'kansoku-bksvc-'));
    data = path.join(tmp, 'data');
    await mkdir(path.join(data, 'meta', 'dashboards'), { recursive: true });
    await writeFile(path.join(data, 'meta', 'dashboards', 'd1.json'), '{"id":"d1"}');
    await mkdir(path.join(data, 'alertmanager'), { recursive: true });
    await writeFile(path.join(data, 'alertmanager', 'silences.json'), '[1]');
    service = new BackupService({
      dataDir: data,
      // A snapshot as the TSDB makes one: a directory of blocks.
      snapshot: async () => {
        const dir = path.join(data, 'snapshots', `s${++snapshots}`);
        await mkdir(path.join(dir, ULID), { recursive: true });
        await writeFile(path.join(dir, ULID, 'meta.json'), '{"minTime":0,"maxTime":10}');
        await writeFile(path.join(dir, ULID, 'index'), 'index');
        return dir;
      },
      flushState: () => {
        flushes++;
        return Promise.resolve();
      },
      metadata: 'included',
      kansokuVersion: 'test',
      logger: Logger.nop(),
    });
  });
  after(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('streams snapshot and state, one backup at a time, and removes the snapshot', async () => {
    const send = await service.prepare(new Map());
    await assert.rejects(service.prepare(new Map()), BackupBusyError);
    const pipe = new PassThrough();
    const dest = path.join(tmp, 'bk');
    const [, r] = await Promise.all([
      send(pipe, new AbortController().signal).then(() => pipe.end()),
      receiveBackup(pipe, new DirSink(dest), new Map()),
    ]);
    assert.equal(flushes, 1);
    assert.equal(r.blocks, 1);
    assert.deepEqual(
      r.manifest.state.map((f) => f.path),
      ['meta/dashboards/d1.json', 'alertmanager/silences.json'],
    );
    assert.equal(
      await readFile(path.join(dest, 'state', 'alertmanager', 'silences.json'), 'utf8'),
      '[1]',
    );
    assert.equal(await readFile(path.join(dest, 'blocks', ULID, 'index'), 'utf8'), 'index');
    await assert.rejects(access(path.join(data, 'snapshots', 's1')), /ENOENT/);
    // Free again; blocks the receiver has are left out.
    const again = await service.prepare(new Map([[ULID, r.manifest.blocks[0]?.checksum ?? '']]));
    const pipe2 = new PassThrough();
    const [, r2] = await Promise.all([
      again(pipe2, new AbortController().signal).then(() => pipe2.end()),
      receiveBackup(
        pipe2,
        new DirSink(dest),
        new Map([[ULID, r.manifest.blocks[0]?.checksum ?? '']]),
      ),
    ]);
    assert.equal(r2.blocksReused, 1);
    assert.equal(r2.files, 2);
  });

  it('frees itself and removes the snapshot when the receiver goes away', async () => {
    const send = await service.prepare(new Map());
    const pipe = new PassThrough();
    pipe.destroy();
    await assert.rejects(send(pipe, new AbortController().signal));
    await assert.rejects(access(path.join(data, 'snapshots', `s${snapshots}`)), /ENOENT/);
    const next = await service.prepare(new Map());
    const sink = new PassThrough();
    sink.resume();
    await next(sink, new AbortController().signal);
  });
});
