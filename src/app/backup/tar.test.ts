import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { TarFormatError, TarWriter, readTar, type TarEntry } from './tar.js';

/** Writes entries with the writer and returns the archive bytes. */
async function archive(files: readonly [string, Buffer][]): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const w = new TarWriter(out);
  for (const [name, data] of files) {
    // Alternate between the two ways of adding a file.
    if (data.length % 2 === 0) await w.addBuffer(name, data, 1_700_000_000_000);
    else
      await w.addFile(name, data.length, 1_700_000_000_000, [
        data.subarray(0, 1),
        data.subarray(1),
      ]);
  }
  await w.finish();
  out.end();
  return Buffer.concat(chunks);
}

/** Reads an archive fed in pieces of `piece` bytes. */
async function extract(tar: Buffer, piece: number): Promise<[TarEntry, Buffer][]> {
  function* pieces(): Generator<Buffer> {
    for (let i = 0; i < tar.length; i += piece) yield tar.subarray(i, i + piece);
  }
  const out: [TarEntry, Buffer][] = [];
  await readTar(pieces(), async (e, body) => {
    const chunks: Buffer[] = [];
    for await (const c of body) chunks.push(Buffer.from(c));
    out.push([e, Buffer.concat(chunks)]);
  });
  return out;
}

const longName = `state/meta/dashboards/${'x'.repeat(180)}.json`;
const FILES: [string, Buffer][] = [
  ['manifest.json', Buffer.from('{"a":1}\n')],
  ['blocks/01ARZ3NDEKTSV4RRFFQ69G5FAV/chunks/000001', Buffer.alloc(1500, 7)],
  ['empty', Buffer.alloc(0)],
  [longName, Buffer.from('long name')],
  ['state/ünïcode.json', Buffer.from('{}')],
  ['exact', Buffer.alloc(512, 1)],
];

describe('tar', () => {
  it('round-trips files, long and non-ASCII names, whatever the chunking', async () => {
    const tar = await archive(FILES);
    assert.equal(tar.length % 512, 0);
    for (const piece of [1, 7, 512, 100_000]) {
      const got = await extract(tar, piece);
      assert.deepEqual(
        got.map(([e, d]) => [e.name, e.size, e.type, d.toString('hex')]),
        FILES.map(([n, d]) => [n, d.length, 'file', d.toString('hex')]),
      );
      assert.equal(got[0]?.[0].mtimeMs, 1_700_000_000_000);
    }
  });

  it('skips what the consumer leaves unread', async () => {
    const tar = await archive(FILES);
    const names: string[] = [];
    await readTar([tar], async (e, body) => {
      names.push(e.name);
      const it = body[Symbol.asyncIterator]();
      await it.next();
      await it.return?.();
    });
    assert.deepEqual(
      names,
      FILES.map(([n]) => n),
    );
  });

  it('refuses a damaged header and a truncated stream', async () => {
    const tar = await archive(FILES);
    const bad = Buffer.from(tar);
    bad[10] = (bad[10] ?? 0) ^ 0xff;
    await assert.rejects(extract(bad, 512), TarFormatError);
    await assert.rejects(extract(tar.subarray(0, 1000), 512), /ends/);
  });

  it('refuses a body of the wrong length and unsafe names', async () => {
    const w = new TarWriter(new PassThrough());
    await assert.rejects(w.addFile('a', 3, 0, [Buffer.from('ab')]), /expected 3 bytes, read 2/);
    await assert.rejects(w.addBuffer('../x', Buffer.alloc(0), 0), /not a relative path/);
  });

  it('is read by the system tar, long names included', async (t) => {
    const probe = spawnSync('tar', ['--version']);
    if (probe.status !== 0) {
      t.skip('no tar binary on this machine');
      return;
    }
    const dir = await mkdtemp(path.join(os.tmpdir(), 'kansoku-tar-'));
    try {
      await writeFile(path.join(dir, 'a.tar'), await archive(FILES));
      const r = spawnSync('tar', ['-xf', 'a.tar'], { cwd: dir });
      assert.equal(r.status, 0, r.stderr.toString());
      for (const [name, data] of FILES)
        assert.deepEqual(await readFile(path.join(dir, name)), data, name);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
