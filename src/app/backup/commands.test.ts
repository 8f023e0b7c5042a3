import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BackupUsageError, parseBackupArgs, runBackupCommand } from './commands.js';
import { LOCK_FILE } from './lock.js';

const U1 = '01ARZ3NDEKTSV4RRFFQ69G5FA1';
const U2 = '01ARZ3NDEKTSV4RRFFQ69G5FA2';
const U3 = '01ARZ3NDEKTSV4RRFFQ69G5FA3';

/** A block directory as the TSDB writes it (content is opaque to backups). */
async function fakeBlock(
  data: string,
  ulid: string,
  minTime: number,
  bytes: number,
): Promise<void> {
  const dir = path.join(data, ulid);
  await mkdir(path.join(dir, 'chunks'), { recursive: true });
  await writeFile(
    path.join(dir, 'meta.json'),
    JSON.stringify({ ulid, minTime, maxTime: minTime + 1000, version: 1 }),
  );
  await writeFile(path.join(dir, 'index'), `index of ${ulid}`);
  await writeFile(path.join(dir, 'chunks', '000001'), Buffer.alloc(bytes, ulid.charCodeAt(25)));
  await writeFile(path.join(dir, 'tombstones'), 'none');
}

/** Runs a command with logs in JSON; returns the exit code and the parsed log lines. */
async function run(
  cmd: 'backup' | 'restore',
  args: string[],
): Promise<{ code: number; logs: Record<string, unknown>[] }> {
  let out = '';
  const code = await runBackupCommand(parseBackupArgs(cmd, [...args, '--log.format=json']), {
    write: (t: string) => (out += t),
  });
  return {
    code,
    logs: out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

function complete(logs: Record<string, unknown>[]): Record<string, unknown> {
  const l = logs.find((x) => x['msg'] === 'backup complete' || x['msg'] === 'restore complete');
  assert.ok(l, JSON.stringify(logs));
  return l;
}

/** Every file under `dir` with its content, `.`-files and the lock left out. */
async function tree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile() || e.name === LOCK_FILE) continue;
    const abs = path.join(e.parentPath, e.name);
    out[path.relative(dir, abs)] = (await readFile(abs)).toString('hex');
  }
  return out;
}

describe('kansoku backup and restore (offline)', () => {
  let tmp: string;
  let data: string;
  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'kansoku-backup-'));
    data = path.join(tmp, 'data');
    await fakeBlock(data, U1, 0, 3000);
    await fakeBlock(data, U2, 1000, 5000);
    await mkdir(path.join(data, `${U3}.tmp`), { recursive: true }); // a block being written
    await mkdir(path.join(data, 'meta', 'users'), { recursive: true });
    await writeFile(path.join(data, 'meta', 'users', 'admin.json'), '{"id":"admin"}');
    await writeFile(path.join(data, 'meta', 'users', 'x.json.tmp'), 'half');
    await mkdir(path.join(data, 'alertmanager'), { recursive: true });
    await writeFile(path.join(data, 'alertmanager', 'silences.json'), '[]');
    await writeFile(path.join(data, 'alertmanager', 'history.jsonl'), '{"a":1}\n');
    await mkdir(path.join(data, 'wal'), { recursive: true });
    await writeFile(path.join(data, 'wal', '00000000'), Buffer.alloc(100, 9));
    await mkdir(path.join(data, 'snapshots', 'old'), { recursive: true });
    await writeFile(path.join(data, 'snapshots', 'old', 'x'), 'not backed up');
  });
  after(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('backs up into a directory, then only what changed', async () => {
    const dest = path.join(tmp, 'bk');
    const first = await run('backup', [dest, `--storage.tsdb.path=${data}`]);
    assert.equal(first.code, 0);
    assert.equal(complete(first.logs)['blocks_copied'], 2);
    assert.equal(complete(first.logs)['blocks_reused'], 0);
    const files = Object.keys(await tree(dest)).sort();
    assert.deepEqual(files, [
      `blocks/${U1}/chunks/000001`,
      `blocks/${U1}/index`,
      `blocks/${U1}/meta.json`,
      `blocks/${U1}/tombstones`,
      `blocks/${U2}/chunks/000001`,
      `blocks/${U2}/index`,
      `blocks/${U2}/meta.json`,
      `blocks/${U2}/tombstones`,
      'manifest.json',
      'state/alertmanager/history.jsonl',
      'state/alertmanager/silences.json',
      'state/meta/users/admin.json',
      'state/wal/00000000',
    ]);
    // Unchanged: nothing but state is copied again.
    const second = await run('backup', [dest, `--storage.tsdb.path=${data}`]);
    assert.equal(complete(second.logs)['blocks_reused'], 2);
    assert.equal(complete(second.logs)['blocks_copied'], 0);
    // A changed tombstones file, a new block and a block merged away.
    await writeFile(path.join(data, U1, 'tombstones'), 'deleted something');
    await rm(path.join(data, U2), { recursive: true });
    await fakeBlock(data, U3, 2000, 100);
    const third = await run('backup', [dest, `--storage.tsdb.path=${data}`]);
    assert.equal(complete(third.logs)['blocks_reused'], 0);
    assert.equal(complete(third.logs)['blocks_copied'], 2);
    assert.deepEqual((await readdir(path.join(dest, 'blocks'))).sort(), [U1, U3]);
    assert.equal(
      await readFile(path.join(dest, 'blocks', U1, 'tombstones'), 'utf8'),
      'deleted something',
    );
    assert.deepEqual(await readdir(dest), ['blocks', 'manifest.json', 'state']);
  });

  it('restores a directory backup and a tar.gz backup to the same files', async () => {
    const dest = path.join(tmp, 'bk');
    const skipped = [path.join('snapshots', 'old', 'x'), path.join('meta', 'users', 'x.json.tmp')];
    const want = Object.fromEntries(
      Object.entries(await tree(data)).filter(([k]) => !skipped.includes(k)),
    );
    const fromDir = path.join(tmp, 'restored-dir');
    const r = await run('restore', [dest, `--storage.tsdb.path=${fromDir}`]);
    assert.equal(r.code, 0, JSON.stringify(r.logs));
    assert.deepEqual(await tree(fromDir), want);
    const tgz = path.join(tmp, 'bk.tar.gz');
    assert.equal((await run('backup', [tgz, `--storage.tsdb.path=${data}`])).code, 0);
    assert.equal((await readFile(tgz))[0], 0x1f, 'gzipped');
    const fromTar = path.join(tmp, 'restored-tar');
    assert.equal((await run('restore', [tgz, `--storage.tsdb.path=${fromTar}`])).code, 0);
    assert.deepEqual(await tree(fromTar), want);
  });

  it('refuses a non-empty data directory unless --force', async () => {
    const target = path.join(tmp, 'restored-dir');
    await writeFile(path.join(target, 'stray'), 'x');
    const no = await run('restore', [path.join(tmp, 'bk'), `--storage.tsdb.path=${target}`]);
    assert.equal(no.code, 1);
    assert.match(String(no.logs.at(-1)?.['err']), /not empty.*--force/);
    const yes = await run('restore', [
      path.join(tmp, 'bk'),
      `--storage.tsdb.path=${target}`,
      '--force',
    ]);
    assert.equal(yes.code, 0);
    assert.equal((await tree(target))['stray'], undefined);
  });

  it('refuses a damaged backup and leaves the data directory empty', async () => {
    const dest = path.join(tmp, 'bk');
    const index = path.join(dest, 'blocks', U3, 'index');
    const text = await readFile(index, 'utf8');
    await writeFile(index, text.toUpperCase()); // same size, other bytes
    const target = path.join(tmp, 'restored-bad');
    const r = await run('restore', [dest, `--storage.tsdb.path=${target}`]);
    assert.equal(r.code, 1);
    assert.match(String(r.logs.at(-1)?.['err']), /checksum mismatch in blocks\/.*\/index/);
    assert.deepEqual(await readdir(target), []);
  });

  it('refuses to work under a live server', async () => {
    await writeFile(
      path.join(data, LOCK_FILE),
      JSON.stringify({
        pid: process.ppid,
        host: os.hostname(),
        address: '127.0.0.1:9777',
        startedAt: 1,
      }),
    );
    try {
      const r = await run('backup', [path.join(tmp, 'bk2'), `--storage.tsdb.path=${data}`]);
      assert.equal(r.code, 1);
      assert.match(
        String(r.logs.at(-1)?.['err']),
        /a server is running on it .*--url http:\/\/127\.0\.0\.1:9777/,
      );
      // A lock whose process is gone (a crashed server) does not count.
      await writeFile(
        path.join(data, LOCK_FILE),
        JSON.stringify({ pid: 2 ** 22 + 1, host: os.hostname() }),
      );
      assert.equal(
        (await run('backup', [path.join(tmp, 'bk2'), `--storage.tsdb.path=${data}`])).code,
        0,
      );
    } finally {
      await rm(path.join(data, LOCK_FILE), { force: true });
    }
  });

  it('refuses a non-empty destination that is not a backup', async () => {
    const r = await run('backup', [data, `--storage.tsdb.path=${data}`]);
    assert.equal(r.code, 1);
    assert.match(String(r.logs.at(-1)?.['err']), /not a Kansoku backup/);
  });

  it('checks the command line', () => {
    const bad: ['backup' | 'restore', string[], RegExp][] = [
      ['backup', [], /needs a destination/],
      ['backup', ['d'], /either --url .* or --storage.tsdb.path/],
      ['backup', ['d', '--url=x', '--storage.tsdb.path=y'], /either/],
      ['backup', ['d', '--storage.tsdb.path=y', '--token-file=t'], /--token-file goes with --url/],
      ['backup', ['d', '--url=x', '--force'], /unknown flag --force/],
      ['restore', ['d', '--url=x'], /unknown flag --url/],
      ['restore', ['d', 'e'], /unexpected argument/],
      ['restore', ['d', '--log.format=xml'], /log.format/],
    ];
    for (const [cmd, args, msg] of bad)
      assert.throws(
        () => parseBackupArgs(cmd, args),
        (e: unknown) => e instanceof BackupUsageError && msg.test(e.message),
      );
    const ok = parseBackupArgs('backup', [
      'd',
      '--url',
      'http://h:1',
      '--token-file=t',
      '--log.format=text',
    ]);
    assert.equal(ok.url, 'http://h:1');
    assert.equal(ok.logFormat, 'logfmt');
  });
});
