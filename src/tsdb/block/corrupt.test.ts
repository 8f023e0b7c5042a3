import assert from 'node:assert/strict';
import { cp, mkdir, readFile, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Matcher } from '../../model/index.js';
import { generateSeries, prng, sourceOf } from './fixtures.js';
import { Block, CorruptBlockError, cleanupTmpBlocks, newULID, writeBlock } from './index.js';
import { drain, expected, removeDir, tempDir } from './testutil.js';

const ALL = [new Matcher('=~', '__name__', '.+')];
const TOC_SIZE = 36;

let root = '';
let n = 0;

/** Writes a fresh small block and returns its directory. */
async function freshBlock(): Promise<string> {
  n++;
  const series = generateSeries({
    numSeries: 20,
    samplesPerSeries: 200,
    startT: 0,
    stepMs: 1000,
    seed: 5,
  });
  const meta = await writeBlock(root, sourceOf(series), 0, 200_000, { ulid: `BLOCK${n}` });
  return path.join(root, meta.ulid);
}

async function flipByte(file: string, at: number): Promise<void> {
  const buf = await readFile(file);
  const pos = at < 0 ? buf.length + at : at;
  buf[pos] = buf[pos]! ^ 0x5a;
  await writeFile(file, buf);
}

/** The section offsets in the index's table of contents. */
async function toc(dir: string): Promise<{ series: number; postings: number; table: number }> {
  const buf = await readFile(path.join(dir, 'index'));
  const at = buf.length - TOC_SIZE;
  const u64 = (o: number): number =>
    buf.readUInt32BE(at + o) * 2 ** 32 + buf.readUInt32BE(at + o + 4);
  return { series: u64(8), postings: u64(16), table: u64(24) };
}

async function queryAll(dir: string, ms = ALL): Promise<void> {
  const b = await Block.open(dir);
  try {
    const q = await b.querier(-1e12, 1e12);
    drain(await q.select(true, undefined, ms));
  } finally {
    await b.close();
  }
}

function isCorrupt(file: string, offset?: (o: number) => boolean) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof CorruptBlockError, `want CorruptBlockError, got ${String(err)}`);
    assert.equal(err.file, file);
    if (offset) assert.ok(offset(err.offset), `unexpected offset ${err.offset}: ${err.message}`);
    assert.match(err.message, new RegExp(`file ${file} at offset ${err.offset}`));
    return true;
  };
}

describe('corruption detection', () => {
  before(async () => {
    root = await tempDir('corrupt');
  });
  after(async () => {
    await removeDir(root);
  });

  it('a fresh block reads fine', async () => {
    await queryAll(await freshBlock());
  });

  it('verifies a whole block', async () => {
    let dir = await freshBlock();
    let b = await Block.open(dir);
    assert.deepEqual(await b.verify(), { numSeries: 20, numChunks: 40, numSamples: 4000 });
    await b.close();
    // Wrong counts in meta.json.
    const metaPath = path.join(dir, 'meta.json');
    const meta = JSON.parse(await readFile(metaPath, 'utf8')) as { stats: { numSamples: number } };
    meta.stats.numSamples++;
    await writeFile(metaPath, JSON.stringify(meta));
    b = await Block.open(dir);
    await assert.rejects(b.verify(), isCorrupt('meta.json'));
    await b.close();
    // A damaged chunk in the last series, which a query of other series would not read.
    dir = await freshBlock();
    await flipByte(path.join(dir, 'chunks', '000001'), -3);
    b = await Block.open(dir);
    await assert.rejects(b.verify(), isCorrupt('chunks/000001'));
    await b.close();
  });

  it('detects a broken meta.json', async () => {
    const dir = await freshBlock();
    await writeFile(path.join(dir, 'meta.json'), '{"ulid": 1');
    await assert.rejects(Block.open(dir), isCorrupt('meta.json'));
    await writeFile(path.join(dir, 'meta.json'), '{"ulid": "x", "version": 1}');
    await assert.rejects(Block.open(dir), isCorrupt('meta.json'));
  });

  it('detects a bad index header, table of contents and symbol table at open', async () => {
    let dir = await freshBlock();
    await flipByte(path.join(dir, 'index'), 1);
    await assert.rejects(
      Block.open(dir),
      isCorrupt('index', (o) => o === 0),
    );
    dir = await freshBlock();
    const size = (await readFile(path.join(dir, 'index'))).length;
    await flipByte(path.join(dir, 'index'), -10);
    await assert.rejects(
      Block.open(dir),
      isCorrupt('index', (o) => o >= size - TOC_SIZE),
    );
    dir = await freshBlock();
    await flipByte(path.join(dir, 'index'), 20);
    await assert.rejects(
      Block.open(dir),
      isCorrupt('index', (o) => o >= 8 && o < 20),
    );
    dir = await freshBlock();
    const t = await toc(dir);
    await flipByte(path.join(dir, 'index'), t.table + 6);
    await assert.rejects(
      Block.open(dir),
      isCorrupt('index', (o) => o >= t.table),
    );
  });

  it('detects a damaged series entry when reading it', async () => {
    const dir = await freshBlock();
    const t = await toc(dir);
    await flipByte(path.join(dir, 'index'), t.series + 3);
    await assert.rejects(
      queryAll(dir),
      isCorrupt('index', (o) => o === t.series),
    );
    const b = await Block.open(dir);
    const src = await b.chunkSource();
    assert.throws(
      () => src.next(),
      isCorrupt('index', (o) => o === t.series),
    );
    await b.close();
  });

  it('detects a damaged postings list', async () => {
    const dir = await freshBlock();
    const t = await toc(dir);
    await flipByte(path.join(dir, 'index'), t.postings + 2);
    const notJob = [new Matcher('!=', 'job', 'x')]; // uses the list of all series
    await assert.rejects(
      queryAll(dir, notJob),
      isCorrupt('index', (o) => o >= t.postings && o < t.table),
    );
  });

  it('detects damaged and truncated chunks', async () => {
    let dir = await freshBlock();
    await flipByte(path.join(dir, 'chunks', '000001'), 12);
    await assert.rejects(
      queryAll(dir),
      isCorrupt('chunks/000001', (o) => o === 8),
    );
    dir = await freshBlock();
    const b = await Block.open(dir);
    const src = await b.chunkSource();
    await flipByte(path.join(dir, 'chunks', '000001'), 12);
    assert.throws(
      () => src.next(),
      isCorrupt('chunks/000001', (o) => o === 8),
    );
    await b.close();
    dir = await freshBlock();
    const seg = path.join(dir, 'chunks', '000001');
    const len = (await readFile(seg)).length;
    await truncate(seg, len - 10);
    await assert.rejects(queryAll(dir), isCorrupt('chunks/000001'));
    dir = await freshBlock();
    await flipByte(path.join(dir, 'chunks', '000001'), 0);
    await assert.rejects(
      Block.open(dir),
      isCorrupt('chunks/000001', (o) => o === 0),
    );
  });

  it('any flipped byte yields either the exact data or CorruptBlockError', async () => {
    const series = generateSeries({
      numSeries: 12,
      samplesPerSeries: 150,
      startT: 0,
      stepMs: 1000,
      seed: 2,
    });
    const meta = await writeBlock(root, sourceOf(series), 0, 150_000, {});
    const good = path.join(root, meta.ulid);
    const want = expected(series, ALL, -1e12, 1e12);
    const rnd = prng(99);
    let detected = 0;
    for (let i = 0; i < 80; i++) {
      const dir = path.join(root, `flip-${i}`);
      await cp(good, dir, { recursive: true });
      const file = rnd() < 0.5 ? 'index' : path.join('chunks', '000001');
      const size = (await readFile(path.join(dir, file))).length;
      await flipByte(path.join(dir, file), Math.floor(rnd() * size));
      try {
        const b = await Block.open(dir);
        try {
          const q = await b.querier(-1e12, 1e12);
          assert.deepEqual(
            drain(await q.select(true, undefined, ALL)),
            want,
            `flip ${i} in ${file}`,
          );
          await b.verify();
        } finally {
          await b.close();
        }
      } catch (err) {
        if (!(err instanceof CorruptBlockError)) throw err;
        detected++;
      }
    }
    assert.ok(detected > 70, `only ${detected} of 80 flips detected`);
  });

  it('detects a missing chunk segment when a chunk in it is read', async () => {
    const series = generateSeries({
      numSeries: 20,
      samplesPerSeries: 200,
      startT: 0,
      stepMs: 1000,
      seed: 6,
    });
    const meta = await writeBlock(root, sourceOf(series), 0, 200_000, { segmentSize: 4096 });
    const dir = path.join(root, meta.ulid);
    await rm(path.join(dir, 'chunks', '000002'));
    await assert.rejects(
      queryAll(dir),
      (e: unknown) => e instanceof CorruptBlockError && /segment 000002/.test(e.message),
    );
    const b = await Block.open(dir);
    await assert.rejects(
      b.verify(),
      (e: unknown) => e instanceof CorruptBlockError && /000002/.test(e.message),
    );
    await b.close();
  });

  it('detects damaged tombstones and missing files', async () => {
    let dir = await freshBlock();
    await flipByte(path.join(dir, 'tombstones'), -1);
    await assert.rejects(Block.open(dir), isCorrupt('tombstones'));
    dir = await freshBlock();
    await rm(path.join(dir, 'index'));
    await assert.rejects(Block.open(dir), isCorrupt('index'));
    dir = await freshBlock();
    await rm(path.join(dir, 'chunks'), { recursive: true });
    await assert.rejects(Block.open(dir), isCorrupt('chunks'));
  });
});

describe('cleanupTmpBlocks', () => {
  it('removes half-written block directories and keeps complete ones', async () => {
    const dir = await tempDir('cleanup');
    try {
      const series = generateSeries({
        numSeries: 2,
        samplesPerSeries: 10,
        startT: 0,
        stepMs: 1000,
        seed: 1,
      });
      const meta = await writeBlock(dir, sourceOf(series), 0, 100_000, {});
      const half = `${newULID()}.tmp-for-creation`;
      await mkdir(path.join(dir, half, 'chunks'), { recursive: true });
      await writeFile(path.join(dir, half, 'index'), 'partial');
      assert.deepEqual((await readdir(dir)).sort(), [meta.ulid, half].sort());
      assert.deepEqual(await cleanupTmpBlocks(dir), [half]);
      assert.deepEqual(await readdir(dir), [meta.ulid]);
      assert.deepEqual(await cleanupTmpBlocks(path.join(dir, 'missing')), []);
    } finally {
      await removeDir(dir);
    }
  });
});
