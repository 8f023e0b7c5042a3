/**
 * A full disk: remote writes fail with HTTP 507 while queries keep answering, nothing that was
 * acknowledged is lost, and writes succeed again by themselves once space returns.
 *
 * The data directory lives on a small tmpfs filled up with a ballast file. Where mounting is
 * refused (no root, no CAP_SYS_ADMIN), the test falls back to the WAL's fault injection: the
 * server runs with KANSOKU_TEST_WAL_FAULT_FILE and the test writes `full` into that file.
 * `KANSOKU_TEST_DISKFULL_MODE=fault-injection` forces the fallback.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, open, rm, writeFile } from 'node:fs/promises';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Matcher, MAX_TIME, MIN_TIME } from '../../src/model/index.js';
import { WriteRequestEncoder, encodeSnappyBody } from '../../src/parsers/index.js';
import { openDB } from '../../src/tsdb/index.js';
import { WAL_FAULT_FILE_ENV } from '../../src/tsdb/wal/index.js';
import { Logger } from '../../src/util/index.js';
import {
  makeTemp,
  removeTemp,
  startKansoku,
  waitFor200,
  type KansokuProcess,
} from './server-harness.js';

const run = promisify(execFile);
const METRIC = 'kansoku_diskfull_test';
const TMPFS_BYTES = 32 * 1024 * 1024;

/** How the disk is made full. */
interface FullDisk {
  readonly mode: 'tmpfs' | 'fault-injection';
  readonly dataDir: string;
  fill(): Promise<void>;
  free(): Promise<void>;
  dispose(): Promise<void>;
}

/** Mounts a small tmpfs for the data directory, or sets up the fault-injection fallback. */
async function fullDisk(tmp: string): Promise<FullDisk> {
  const mnt = `${tmp}/mnt`;
  await mkdir(mnt);
  try {
    if (process.env['KANSOKU_TEST_DISKFULL_MODE'] === 'fault-injection') {
      throw new Error('KANSOKU_TEST_DISKFULL_MODE=fault-injection');
    }
    await run('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_BYTES}`, 'kansoku-test', mnt]);
  } catch (err) {
    const control = `${tmp}/wal-fault`;
    process.env[WAL_FAULT_FILE_ENV] = control; // inherited by the server started next
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    console.log(`# tmpfs mount refused (${reason}); using WAL fault injection`);
    return {
      mode: 'fault-injection',
      dataDir: `${tmp}/data`,
      fill: () => writeFile(control, 'full\n'),
      free: () => writeFile(control, ''),
      dispose: async () => {
        Reflect.deleteProperty(process.env, WAL_FAULT_FILE_ENV);
        await rm(control, { force: true });
      },
    };
  }
  const ballast = `${mnt}/ballast`;
  return {
    mode: 'tmpfs',
    dataDir: `${mnt}/data`,
    async fill() {
      const f = await open(ballast, 'w');
      const chunk = Buffer.alloc(256 * 1024, 1);
      try {
        for (;;) await f.write(chunk);
      } catch (err) {
        if ((err as { code?: unknown }).code !== 'ENOSPC') throw err;
      } finally {
        await f.close();
      }
    },
    free: () => rm(ballast, { force: true }),
    async dispose() {
      await run('umount', ['-l', mnt]).catch(() => undefined);
    },
  };
}

describe('full disk', () => {
  let tmp = '';
  let disk: FullDisk | undefined;
  let k: KansokuProcess | undefined;
  after(async () => {
    if (k !== undefined && k.child.exitCode === null && k.child.signalCode === null) {
      await k.stop('SIGKILL');
    }
    await disk?.dispose();
    if (tmp !== '') await removeTemp(tmp);
  });

  it(
    'answers 507 to writes, keeps serving reads and recovers when space returns',
    {
      timeout: 55_000,
    },
    async () => {
      tmp = await makeTemp();
      disk = await fullDisk(tmp);
      k = await startKansoku(disk.dataDir);
      const base = k.base;
      assert.equal(await waitFor200(`${base}/-/ready`), 200, 'the server did not become ready');
      const acked: number[] = [];
      let t = Date.now() - 60_000;

      const write = async (): Promise<{ status: number; body: string; ts: number[] }> => {
        const enc = new WriteRequestEncoder();
        // 100 samples (about 1 kB of WAL): a few requests cross a page of the WAL segment.
        const ts = Array.from({ length: 100 }, () => t++);
        enc.addSeries(['__name__', METRIC, 'job', 'diskfull'], ts, ts.map(valueOf));
        const res = await fetch(`${base}/api/v1/write`, {
          method: 'POST',
          body: encodeSnappyBody(enc.writer.finish()),
          headers: { 'Content-Encoding': 'snappy', 'Content-Type': 'application/x-protobuf' },
          signal: AbortSignal.timeout(10_000),
        });
        const body = await res.text();
        if (res.status >= 200 && res.status < 300) acked.push(...ts);
        return { status: res.status, body, ts };
      };
      const query = async (): Promise<number> => {
        const res = await fetch(
          `${base}/api/v1/query?query=${encodeURIComponent(`count_over_time(${METRIC}[1h])`)}`,
          { signal: AbortSignal.timeout(10_000) },
        );
        assert.equal(res.status, 200, await res.clone().text());
        const j = (await res.json()) as { data: { result: { value: [number, string] }[] } };
        return Number(j.data.result[0]?.value[1] ?? 0);
      };

      for (let i = 0; i < 5; i++) {
        const r = await write();
        assert.equal(r.status, 204, r.body);
      }
      assert.equal(await query(), acked.length);

      await disk.fill();
      // Buffered file systems may take a write or two to notice; then every write must fail.
      let failed = 0;
      for (let i = 0; i < 50 && failed < 3; i++) {
        const r = await write();
        if (r.status === 507) {
          failed++;
          assert.match(r.body, /disk is full|no space|ENOSPC/i);
        } else {
          assert.equal(failed, 0, `write answered ${r.status} after a 507: ${r.body}`);
          assert.ok(r.status >= 200 && r.status < 300, `unexpected ${r.status}: ${r.body}`);
        }
      }
      assert.equal(failed, 3, `writes did not fail with 507 on a full disk (${disk.mode})`);
      // Reads keep working and show exactly what was acknowledged.
      assert.equal(await query(), acked.length);
      const health = await fetch(`${base}/-/healthy`);
      assert.equal(health.status, 200);
      await health.arrayBuffer();

      await disk.free();
      let recovered = false;
      for (let i = 0; i < 50 && !recovered; i++) {
        const r = await write();
        recovered = r.status >= 200 && r.status < 300;
        if (!recovered) await new Promise((res) => setTimeout(res, 100));
      }
      assert.ok(recovered, 'writes did not recover after space returned');
      for (let i = 0; i < 3; i++) {
        const r = await write();
        assert.equal(r.status, 204, r.body);
      }
      assert.equal(await query(), acked.length);

      // Nothing acknowledged is lost, even across a crash.
      await k.stop('SIGKILL');
      const db = await openDB(disk.dataDir, { logger: Logger.nop() });
      try {
        const q = await db.querier(MIN_TIME, MAX_TIME);
        const set = await q.select(false, undefined, [new Matcher('=', '__name__', METRIC)]);
        const have = new Map<number, number>();
        while (set.next()) {
          const it = set.at().iterator();
          while (it.next() !== 'none') have.set(it.atT(), it.atF());
        }
        q.close();
        for (const ts of acked) assert.equal(have.get(ts), valueOf(ts), `sample at ${ts}`);
      } finally {
        await db.close();
      }
    },
  );
});

function valueOf(t: number): number {
  return (t % 1_000_000) / 4;
}
