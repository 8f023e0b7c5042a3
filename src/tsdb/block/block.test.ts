import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Labels, Matcher } from '../../model/index.js';
import { newChunkEncoder } from '../chunkenc/index.js';
import { encodeChunks, generateSeries, sourceOf, type SampleSeries } from './fixtures.js';
import {
  ArraySeriesChunkSource,
  Block,
  BlockClosedError,
  BlockWriteError,
  CorruptBlockError,
  isULID,
  readMeta,
  writeBlock,
  type BlockMeta,
} from './index.js';
import { drain, expected, removeDir, tempDir } from './testutil.js';

const START = 1_700_000_000_000;
const STEP = 15_000;
const SAMPLES = 480;
const END = START + SAMPLES * STEP;

describe('block write and query', () => {
  let dir = '';
  let series: SampleSeries[] = [];
  let meta: BlockMeta;
  let block: Block;

  before(async () => {
    dir = await tempDir('block');
    series = generateSeries({
      numSeries: 300,
      samplesPerSeries: SAMPLES,
      startT: START,
      stepMs: STEP,
      seed: 42,
      jitterMs: 30,
    });
    meta = await writeBlock(dir, sourceOf(series), START, END + STEP, {});
    block = await Block.open(path.join(dir, meta.ulid));
  });

  after(async () => {
    await block.close();
    await removeDir(dir);
  });

  it('writes complete metadata and files', async () => {
    assert.ok(isULID(meta.ulid));
    assert.deepEqual(meta.stats, {
      numSeries: 300,
      numSamples: 300 * SAMPLES,
      numChunks: 300 * Math.ceil(SAMPLES / 120),
    });
    assert.deepEqual(meta.compaction, { level: 1, sources: [meta.ulid] });
    assert.deepEqual(await readMeta(block.dir), meta);
    assert.deepEqual((await readdir(block.dir)).sort(), [
      'chunks',
      'index',
      'meta.json',
      'tombstones',
    ]);
    assert.deepEqual(await readdir(dir), [meta.ulid]);
    assert.ok(block.sizeBytes() > 0);
  });

  const cases: Array<[string, Matcher[]]> = [
    ['equal', [new Matcher('=', '__name__', 'up')]],
    ['equal two', [new Matcher('=', '__name__', 'up'), new Matcher('=', 'job', 'job-3')]],
    ['not equal', [new Matcher('=', '__name__', 'up'), new Matcher('!=', 'job', 'job-3')]],
    ['regex', [new Matcher('=~', 'instance', '10\\.0\\.0\\.1[0-9]:9100')]],
    ['regex set', [new Matcher('=~', 'code', '404|500'), new Matcher('=', 'method', 'GET')]],
    ['not regex', [new Matcher('=~', 'job', 'job-[12]'), new Matcher('!~', 'code', '2..')]],
    ['not regex set', [new Matcher('=', 'job', 'job-1'), new Matcher('!~', 'code', '200|201')]],
    ['missing label is empty', [new Matcher('=', 'job', 'job-2'), new Matcher('=', 'nope', '')]],
    ['missing label absent', [new Matcher('=', 'nope', 'x')]],
    ['regex matching empty', [new Matcher('=~', 'nope', 'x|'), new Matcher('=', 'job', 'job-4')]],
    ['not equal empty', [new Matcher('!=', 'code', '')]],
    ['unknown value', [new Matcher('=', 'job', 'job-99')]],
    ['all regex', [new Matcher('=~', '__name__', '.+')]],
    ['only negatives', [new Matcher('!=', 'job', 'job-1'), new Matcher('!~', 'code', '5..')]],
  ];
  const ranges: Array<[string, number, number]> = [
    ['whole block', START - 1e6, END + 1e6],
    ['inside', START + 100 * STEP + 7, START + 300 * STEP - 3],
    ['single sample range', START + 240 * STEP - 40, START + 240 * STEP + 40],
    ['before block', START - 1e6, START - 1],
    ['empty range', START + 10, START + 5],
  ];
  for (const [name, ms] of cases) {
    it(`selects with matchers: ${name}`, async () => {
      for (const [rname, mint, maxt] of ranges) {
        const q = await block.querier(mint, maxt);
        const got = drain(await q.select(true, undefined, ms));
        assert.deepEqual(got, expected(series, ms, mint, maxt), `${name} / ${rname}`);
        q.close();
      }
    });
  }

  it('narrows the range with hints and honours the limit', async () => {
    const ms = [new Matcher('=~', 'job', 'job-[0-3]')];
    const q = await block.querier(START, END);
    const mint = START + 50 * STEP;
    const maxt = START + 60 * STEP;
    const got = drain(await q.select(true, { start: mint, end: maxt }, ms));
    assert.deepEqual(got, expected(series, ms, mint, maxt));
    const limited = drain(await q.select(true, { start: START, end: END, limit: 5 }, ms));
    assert.equal(limited.length, 5);
    assert.deepEqual(limited, expected(series, ms, START, END).slice(0, 5));
  });

  it('selects labels only for metadata queries without reading chunks', async () => {
    const ms = [new Matcher('=~', 'job', 'job-[2-4]'), new Matcher('!=', 'code', '404')];
    const mint = START + 33 * STEP + 5;
    const maxt = START + 35 * STEP;
    const q = await block.querier(START - 1e6, END + 1e6);
    const set = await q.select(false, { start: mint, end: maxt, func: 'series' }, ms);
    const got: string[] = [];
    while (set.next()) {
      got.push(set.at().labels.toString());
      assert.equal(set.at().iterator().next(), 'none');
    }
    assert.deepEqual(
      got,
      expected(series, ms, mint, maxt).map((s) => s.labels),
    );
    assert.ok(got.length > 10);
    const limited = await q.select(false, { start: mint, end: maxt, func: 'series', limit: 3 }, ms);
    let n = 0;
    while (limited.next()) n++;
    assert.equal(n, 3);
  });

  it('seeks within and across chunks', async () => {
    const s = series[17]!;
    const q = await block.querier(START, END);
    const set = await q.select(true, undefined, [
      new Matcher('=', 'series', s.labels.get('series')),
    ]);
    assert.ok(set.next());
    const it2 = set.at().iterator();
    assert.equal(it2.seek(s.ts[5]!), 'float');
    assert.equal(it2.atT(), s.ts[5]);
    assert.equal(it2.seek(s.ts[3]!), 'float', 'seek never moves backwards');
    assert.equal(it2.atT(), s.ts[5]);
    assert.equal(it2.seek(s.ts[300]! - 1), 'float');
    assert.equal(it2.atT(), s.ts[300]);
    assert.equal(it2.atF(), s.vs[300]);
    assert.equal(it2.next(), 'float');
    assert.equal(it2.atT(), s.ts[301]);
    assert.equal(it2.seek(END + 1e6), 'none');
    assert.equal(it2.next(), 'none');
  });

  it('answers label names and values', async () => {
    const q = await block.querier(START - 1, END + 1);
    assert.deepEqual(await q.labelNames([]), [
      '__name__',
      'code',
      'instance',
      'job',
      'method',
      'series',
    ]);
    assert.deepEqual(await q.labelValues('code', []), ['200', '201', '404', '500']);
    assert.deepEqual(await q.labelValues('job', [new Matcher('=', 'code', '500')], { limit: 2 }), [
      'job-0',
      'job-1',
    ]);
    const wantJobs = [
      ...new Set(
        series.filter((s) => s.labels.get('__name__') === 'up').map((s) => s.labels.get('job')),
      ),
    ].sort();
    assert.deepEqual(await q.labelValues('job', [new Matcher('=', '__name__', 'up')]), wantJobs);
    assert.deepEqual(await q.labelValues('nope', []), []);
    const outside = await block.querier(START - 1e6, START - 1);
    assert.deepEqual(await outside.labelNames([]), []);
    assert.deepEqual(await outside.labelValues('job', []), []);
    // A range holding a single scrape (all series share the time grid) still sees all jobs.
    const one = await block.querier(START + 10 * STEP, START + 10 * STEP + 100);
    assert.equal((await one.labelValues('job', [])).length, 7);
    const none = await block.querier(START + 10 * STEP + 100, START + 11 * STEP - 100);
    assert.deepEqual(await none.labelValues('job', []), []);
  });

  it('reads symbols on demand when the cache is tiny', async () => {
    const b = await Block.open(block.dir, undefined, { symbolCacheBlocks: 1 });
    try {
      const q = await b.querier(START, END);
      for (const [name, ms] of cases) {
        assert.deepEqual(
          drain(await q.select(true, undefined, ms)),
          expected(series, ms, START, END),
          name,
        );
      }
      assert.deepEqual(
        await q.labelValues('instance', [new Matcher('=', 'job', 'job-5')]),
        [
          ...new Set(
            series
              .filter((s) => s.labels.get('job') === 'job-5')
              .map((s) => s.labels.get('instance')),
          ),
        ].sort(),
      );
      const src = await b.chunkSource();
      const seen: string[] = [];
      while (src.next()) seen.push(src.labels().toString());
      assert.deepEqual(
        seen,
        series.map((s) => s.labels.toString()),
      );
    } finally {
      await b.close();
    }
  });

  it('rejects use after close', async () => {
    const b = await Block.open(block.dir);
    const q = await b.querier(START, END);
    await b.close();
    await b.close();
    await assert.rejects(
      q.select(true, undefined, [new Matcher('=', 'job', 'job-1')]),
      BlockClosedError,
    );
    await assert.rejects(b.querier(START, END), BlockClosedError);
  });
});

describe('writeBlock input handling', () => {
  it('rejects unsorted series and leaves nothing behind', async () => {
    const dir = await tempDir('block-unsorted');
    try {
      const s = generateSeries({
        numSeries: 3,
        samplesPerSeries: 10,
        startT: 0,
        stepMs: 1000,
        seed: 1,
      });
      const src = sourceOf([s[1]!, s[0]!, s[2]!]);
      await assert.rejects(writeBlock(dir, src, 0, 100_000, {}), BlockWriteError);
      assert.deepEqual(await readdir(dir), []);
    } finally {
      await removeDir(dir);
    }
  });

  it('merges overlapping chunks, trims to the block range and skips empty series', async () => {
    const dir = await tempDir('block-overlap');
    try {
      const [s] = generateSeries({
        numSeries: 1,
        samplesPerSeries: 300,
        startT: 0,
        stepMs: 1000,
        seed: 3,
      });
      const a = sourceOf([s!]);
      assert.ok(a.next());
      const chunks = a.chunks();
      // The same samples twice, in reverse order, plus an empty series.
      const src = new ArraySeriesChunkSource([
        { labels: s!.labels, chunks: [...chunks].reverse().concat(chunks) },
        { labels: Labels.fromRecord({ __name__: 'zzz' }), chunks: [] },
      ]);
      const meta = await writeBlock(dir, src, 10_000, 200_000, {});
      assert.equal(meta.stats.numSeries, 1);
      const b = await Block.open(path.join(dir, meta.ulid));
      const q = await b.querier(-1e9, 1e9);
      const got = drain(await q.select(true, undefined, [new Matcher('=~', '__name__', '.+')]));
      assert.deepEqual(got, expected([s!], [], 10_000, 199_999));
      assert.equal(meta.stats.numSamples, got[0]!.ts.length);
      await b.close();
    } finally {
      await removeDir(dir);
    }
  });

  it('merges runs of small chunks into full-size ones', async () => {
    const dir = await tempDir('block-small');
    try {
      const [s] = generateSeries({
        numSeries: 1,
        samplesPerSeries: 500,
        startT: 0,
        stepMs: 1000,
        seed: 4,
      });
      // 38 chunks of 10 samples, then one full chunk: the small ones become 120-sample chunks.
      const chunks = [];
      for (let i = 0; i < 380; i += 10) chunks.push(...encodeChunks(s!, i, i + 10));
      chunks.push(...encodeChunks(s!, 380, 500));
      const src = new ArraySeriesChunkSource([{ labels: s!.labels, chunks }]);
      const meta = await writeBlock(dir, src, 0, 1_000_000, {});
      assert.equal(meta.stats.numChunks, 5);
      assert.equal(meta.stats.numSamples, 500);
      const b = await Block.open(path.join(dir, meta.ulid));
      const q = await b.querier(0, 1e9);
      const got = drain(await q.select(true, undefined, [new Matcher('!=', '__name__', '')]));
      assert.deepEqual(got, expected([s!], [], 0, 1e9));
      await b.close();
    } finally {
      await removeDir(dir);
    }
  });

  it('spreads chunks over several segment files', async () => {
    const dir = await tempDir('block-segments');
    try {
      const series = generateSeries({
        numSeries: 40,
        samplesPerSeries: 300,
        startT: 0,
        stepMs: 1000,
        seed: 8,
      });
      const meta = await writeBlock(dir, sourceOf(series), 0, 300_000, { segmentSize: 8192 });
      const b = await Block.open(path.join(dir, meta.ulid));
      const segments = await readdir(path.join(b.dir, 'chunks'));
      assert.ok(segments.length > 3, `${segments.length} segments`);
      assert.equal(segments[1], '000002');
      const q = await b.querier(0, 300_000);
      const ms = [new Matcher('=~', 'job', '.+')];
      assert.deepEqual(
        drain(await q.select(true, undefined, ms)),
        expected(series, ms, 0, 300_000),
      );
      const src = await b.chunkSource();
      let n = 0;
      while (src.next()) n += src.chunks().length;
      assert.equal(n, meta.stats.numChunks);
      await b.close();
    } finally {
      await removeDir(dir);
    }
  });

  it('skips empty chunks, and verify catches chunk times that disagree with the data', async () => {
    const dir = await tempDir('block-times');
    try {
      const [s] = generateSeries({
        numSeries: 1,
        samplesPerSeries: 100,
        startT: 0,
        stepMs: 1000,
        seed: 5,
      });
      const [c] = encodeChunks(s!);
      const empty = { minT: 0, maxT: 0, data: newChunkEncoder().bytes() };
      const none = Labels.fromRecord({ __name__: 'zz_empty' });
      const ok = await writeBlock(
        dir,
        new ArraySeriesChunkSource([
          { labels: s!.labels, chunks: [c!, empty] },
          { labels: none, chunks: [empty] },
        ]),
        0,
        1e6,
        {},
      );
      assert.deepEqual(ok.stats, { numSeries: 1, numSamples: 100, numChunks: 1 });
      const good = await Block.open(path.join(dir, ok.ulid));
      await good.verify();
      await good.close();
      const lying = { ...c!, maxT: c!.maxT + 5 };
      const bad = await writeBlock(
        dir,
        new ArraySeriesChunkSource([{ labels: s!.labels, chunks: [lying] }]),
        0,
        1e6,
        {},
      );
      const b = await Block.open(path.join(dir, bad.ulid));
      await assert.rejects(b.verify(), CorruptBlockError);
      await b.close();
    } finally {
      await removeDir(dir);
    }
  });

  it('writes and reads an empty block', async () => {
    const dir = await tempDir('block-empty');
    try {
      const meta = await writeBlock(dir, new ArraySeriesChunkSource([]), 0, 1000, {});
      assert.deepEqual(meta.stats, { numSeries: 0, numSamples: 0, numChunks: 0 });
      const b = await Block.open(path.join(dir, meta.ulid));
      const q = await b.querier(0, 1000);
      assert.deepEqual(drain(await q.select(true, undefined, [new Matcher('=', 'a', 'b')])), []);
      assert.deepEqual(drain(await q.select(true, undefined, [new Matcher('!=', 'a', 'b')])), []);
      assert.deepEqual(await q.labelNames([]), []);
      assert.deepEqual(await q.labelValues('a', []), []);
      const src = await b.chunkSource();
      assert.equal(src.next(), false);
      await b.delete(0, 1000, [new Matcher('!=', 'a', 'b')]);
      await b.close();
    } finally {
      await removeDir(dir);
    }
  });
});
