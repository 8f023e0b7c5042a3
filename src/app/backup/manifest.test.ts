import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  BackupFormatError,
  HashCache,
  alreadyHas,
  blockChecksum,
  encodeManifest,
  isSafeRelative,
  parseManifest,
  type Manifest,
} from './manifest.js';

const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);

function sample(): Manifest {
  const files = [
    { path: 'meta.json', size: 10, sha256: SHA_A },
    { path: 'chunks/000001', size: 20, sha256: SHA_B },
  ];
  return {
    kind: 'kansoku-backup',
    version: 1,
    createdAt: 1_700_000_000_000,
    kansokuVersion: '0.1.0',
    mode: 'online',
    metadata: 'included',
    blocks: [
      {
        ulid: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
        minTime: 0,
        maxTime: 7_200_000,
        checksum: blockChecksum(files),
        files,
      },
    ],
    state: [{ path: 'meta/users/admin.json', size: 5, sha256: SHA_A }],
  };
}

describe('backup manifest', () => {
  it('round-trips through its encoding', () => {
    const m = sample();
    assert.deepEqual(parseManifest(encodeManifest(m).toString('utf8')), m);
  });

  it('block checksums ignore file order and see every size and hash', () => {
    const a = { path: 'a', size: 1, sha256: SHA_A };
    const b = { path: 'b', size: 2, sha256: SHA_B };
    assert.equal(blockChecksum([a, b]), blockChecksum([b, a]));
    assert.notEqual(blockChecksum([a, b]), blockChecksum([a, { ...b, size: 3 }]));
    assert.notEqual(blockChecksum([a, b]), blockChecksum([a, { ...b, sha256: SHA_A }]));
  });

  it('refuses foreign, tampered and unsafe manifests', () => {
    const m = sample();
    const cases: [string, unknown][] = [
      ['not a Kansoku backup', { ...m, kind: 'other' }],
      ['unsupported version', { ...m, version: 2 }],
      ['does not match its files', { ...m, blocks: [{ ...m.blocks[0], checksum: SHA_A }] }],
      ['bad file path', { ...m, state: [{ path: '../etc/passwd', size: 1, sha256: SHA_A }] }],
      ['bad sha256', { ...m, state: [{ path: 'x', size: 1, sha256: 'zz' }] }],
      ['bad block ulid', { ...m, blocks: [{ ...m.blocks[0], ulid: 'nope' }] }],
      ['listed twice', { ...m, blocks: [m.blocks[0], m.blocks[0]] }],
    ];
    for (const [msg, v] of cases)
      assert.throws(
        () => parseManifest(JSON.stringify(v)),
        (e: unknown) => {
          assert.ok(e instanceof BackupFormatError);
          assert.match(e.message, new RegExp(msg));
          return true;
        },
      );
    assert.throws(() => parseManifest('{'), BackupFormatError);
  });

  it('tells which blocks the receiver already has', () => {
    const b = sample().blocks[0];
    assert.ok(b);
    assert.equal(alreadyHas(new Map([[b.ulid, b.checksum]]), b), true);
    assert.equal(alreadyHas(new Map([[b.ulid, SHA_A]]), b), false);
    assert.equal(alreadyHas(new Map(), b), false);
  });

  it('accepts only safe relative paths', () => {
    for (const p of ['a', 'a/b.json', 'meta/x%2Fy.json']) assert.equal(isSafeRelative(p), true, p);
    for (const p of ['', '/a', 'a/../b', './a', 'a//b', 'a\\b'])
      assert.equal(isSafeRelative(p), false, p);
  });

  it('hashes a file once while it is unchanged', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'kansoku-hash-'));
    try {
      const f = path.join(dir, 'f');
      await writeFile(f, 'hello');
      const cache = new HashCache();
      const first = await cache.hash(f);
      assert.deepEqual(first, {
        size: 5,
        sha256: '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
      });
      cache.prune();
      assert.deepEqual(await cache.hash(f), first);
      await writeFile(f, 'hello, world');
      assert.equal((await cache.hash(f)).size, 12);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
