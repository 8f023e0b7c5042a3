import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Matcher } from '../../model/index.js';
import { encodeChunks, generateSeries, type SampleSeries } from './fixtures.js';
import {
  ArraySeriesChunkSource,
  Block,
  CorruptBlockError,
  compactBlocks,
  compactBlocksInWorker,
  writeBlock,
} from './index.js';
import { drain, expected, removeDir, tempDir } from './testutil.js';

const STEP = 10_000;
const ALL = [new Matcher('=~', '__name__', '.+')];

/** Series `series` restricted to samples [from, to) written as one block. */
async function writePart(
  dir: string,
  series: readonly SampleSeries[],
  from: number,
  to: number,
  pick: (i: number) => boolean = () => true,
): Promise<Block> {
  const src = new ArraySeriesChunkSource(
    series
      .filter((_, i) => pick(i))
      .map((s) => ({ labels: s.labels, chunks: encodeChunks(s, from, to) })),
  );
  const minT = series[0]!.ts[from]!;
  const maxT = series[0]!.ts[to - 1]! + 1;
  const meta = await writeBlock(dir, src, minT, maxT, {});
  return Block.open(path.join(dir, meta.ulid));
}

async function selectAll(b: Block): Promise<ReturnType<typeof drain>> {
  const q = await b.querier(-1e15, 1e15);
  return drain(await q.select(true, undefined, ALL));
}

describe('compaction', () => {
  it('merges adjacent and overlapping blocks without losing or duplicating samples', async () => {
    const dir = await tempDir('compact');
    const blocks: Block[] = [];
    try {
      const series = generateSeries({
        numSeries: 40,
        samplesPerSeries: 600,
        startT: 0,
        stepMs: STEP,
        seed: 7,
      });
      blocks.push(await writePart(dir, series, 0, 250, (i) => i % 3 !== 0));
      blocks.push(await writePart(dir, series, 200, 450)); // overlaps the first block
      blocks.push(await writePart(dir, series, 450, 600, (i) => i % 2 === 0));
      blocks.push(await writePart(dir, series, 300, 310, (i) => i < 5)); // fully inside another
      const meta = await compactBlocks(dir, blocks);
      assert.equal(meta.compaction.level, 2);
      assert.deepEqual(meta.compaction.sources, blocks.map((b) => b.meta.ulid).sort());
      assert.equal(meta.minTime, 0);
      assert.equal(meta.maxTime, series[0]!.ts[599]! + 1);
      const merged = await Block.open(path.join(dir, meta.ulid));
      blocks.push(merged);
      const present = (labels: string, t: number): boolean => {
        const i = series.findIndex((s) => s.labels.toString() === labels);
        const k = t / STEP;
        return (i % 3 !== 0 && k < 250) || (k >= 200 && k < 450) || (i % 2 === 0 && k >= 450);
      };
      const want = expected(series, [], -1e15, 1e15, (l, t) => !present(l, t));
      const got = await selectAll(merged);
      assert.deepEqual(got, want);
      assert.equal(
        merged.meta.stats.numSamples,
        want.reduce((n, s) => n + s.ts.length, 0),
      );
      // Chunks stay bounded after merging overlapping data.
      assert.ok(
        merged.meta.stats.numChunks <=
          merged.meta.stats.numSamples / 100 + merged.meta.stats.numSeries * 3,
      );
      // Compacting the compacted block with itself is idempotent.
      const again = await compactBlocks(dir, [merged, merged]);
      const b2 = await Block.open(path.join(dir, again.ulid));
      blocks.push(b2);
      assert.equal(again.compaction.level, 3);
      assert.deepEqual(await selectAll(b2), want);
    } finally {
      for (const b of blocks) await b.close();
      await removeDir(dir);
    }
  });

  it('tombstones hide deleted samples and compaction drops them', async () => {
    const dir = await tempDir('tombstones');
    const blocks: Block[] = [];
    try {
      const series = generateSeries({
        numSeries: 30,
        samplesPerSeries: 400,
        startT: 0,
        stepMs: STEP,
        seed: 9,
      });
      const b = await writePart(dir, series, 0, 400);
      blocks.push(b);
      const sizeBefore = b.sizeBytes();
      const jobMatch = [new Matcher('=', 'job', 'job-2')];
      await b.delete(100 * STEP, 199 * STEP, jobMatch);
      await b.delete(150 * STEP, 250 * STEP, jobMatch); // overlaps: intervals merge
      await b.delete(-1e15, 1e15, [new Matcher('=', 'series', series[4]!.labels.get('series'))]);
      await b.delete(0, 1e15, [new Matcher('=', 'job', 'job-404')]); // matches nothing
      assert.ok(b.sizeBytes() > sizeBefore);
      const gone = (labels: string, t: number): boolean =>
        labels === series[4]!.labels.toString() ||
        (labels.includes('job="job-2"') && t >= 100 * STEP && t <= 250 * STEP);
      const want = expected(series, [], -1e15, 1e15, gone);
      assert.deepEqual(await selectAll(b), want);
      // Ranges inside the deleted interval return no series at all.
      const q = await b.querier(120 * STEP, 130 * STEP);
      const inside = drain(await q.select(true, undefined, jobMatch));
      assert.deepEqual(inside, []);
      assert.deepEqual(await q.labelValues('job', jobMatch), []);
      // Tombstones survive reopening.
      const reopened = await Block.open(b.dir);
      blocks.push(reopened);
      assert.deepEqual(await selectAll(reopened), want);
      // Compaction removes the deleted samples for good.
      const meta = await compactBlocks(dir, [reopened]);
      const c = await Block.open(path.join(dir, meta.ulid));
      blocks.push(c);
      assert.equal(c.tombstones().size, 0);
      assert.equal(meta.stats.numSeries, 29);
      assert.equal(
        meta.stats.numSamples,
        want.reduce((n, s) => n + s.ts.length, 0),
      );
      assert.deepEqual(await selectAll(c), want);
      assert.equal((await readdir(dir)).filter((n) => n.includes('.tmp')).length, 0);
    } finally {
      for (const b of blocks) await b.close();
      await removeDir(dir);
    }
  });

  it('compacts on a worker thread with the same result and typed errors', async () => {
    const dir = await tempDir('compact-worker');
    const blocks: Block[] = [];
    try {
      const series = generateSeries({
        numSeries: 20,
        samplesPerSeries: 300,
        startT: 0,
        stepMs: STEP,
        seed: 11,
      });
      blocks.push(await writePart(dir, series, 0, 200));
      blocks.push(await writePart(dir, series, 150, 300));
      await blocks[1]!.delete(0, 250 * STEP, [new Matcher('=', 'job', 'job-1')]);
      const inMain = await Block.open(path.join(dir, (await compactBlocks(dir, blocks)).ulid));
      blocks.push(inMain);
      const meta = await compactBlocksInWorker(dir, blocks.slice(0, 2));
      const inWorker = await Block.open(path.join(dir, meta.ulid));
      blocks.push(inWorker);
      assert.deepEqual(meta.stats, inMain.meta.stats);
      assert.deepEqual(meta.compaction, inMain.meta.compaction);
      assert.deepEqual(await selectAll(inWorker), await selectAll(inMain));
      // A damaged input comes back as CorruptBlockError naming the file.
      const seg = path.join(inMain.dir, 'chunks', '000001');
      const buf = await readFile(seg);
      buf[20] = buf[20]! ^ 0xff;
      await writeFile(seg, buf);
      await assert.rejects(
        compactBlocksInWorker(dir, [inMain]),
        (e: unknown) => e instanceof CorruptBlockError && e.file === 'chunks/000001',
      );
      assert.equal((await readdir(dir)).filter((n) => n.includes('.tmp')).length, 0);
    } finally {
      for (const b of blocks) await b.close();
      await removeDir(dir);
    }
  });
});
