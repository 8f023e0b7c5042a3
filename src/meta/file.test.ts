import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { metaStoreConformance } from './conformance/suite.js';
import { FileMetaStore, fileName } from './file.js';
import { MemMetaStore } from './memory.js';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
async function tempDir(): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), 'kansoku-meta-'));
  dirs.push(d);
  return d;
}

metaStoreConformance('memory', { open: () => Promise.resolve({ store: new MemMetaStore() }) });
metaStoreConformance('file', {
  async open() {
    const dir = await tempDir();
    return { store: new FileMetaStore(dir), reopen: () => Promise.resolve(new FileMetaStore(dir)) };
  },
});

describe('FileMetaStore', () => {
  it('names files safely: no path separators, no dot files, bounded length', () => {
    for (const id of ['../x', '.', '..', 'a/b', 'x'.repeat(512), 'é']) {
      const f = fileName(id);
      assert.ok(!f.includes('/') && !f.startsWith('.'), f);
      assert.ok(f.length <= 255, f);
    }
  });

  it('removes leftover temporary files and reports unreadable documents by file', async () => {
    const dir = await tempDir();
    await mkdir(path.join(dir, 't'));
    await writeFile(path.join(dir, 't', 'a.json.tmp'), '{');
    const s = new FileMetaStore(dir);
    assert.deepEqual(await s.list('t'), []);
    assert.deepEqual(await readdir(path.join(dir, 't')), []);
    await writeFile(path.join(dir, 't', 'b.json'), '{nope');
    const s2 = new FileMetaStore(dir);
    await assert.rejects(s2.list('t'), /cannot read metadata document .*b\.json/);
  });

  it('refuses writes after close', async () => {
    const s = new FileMetaStore(await tempDir());
    await s.close();
    await assert.rejects(s.put('t', 'x', 1), /closed/);
  });
});
