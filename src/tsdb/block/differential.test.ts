import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Labels, Matcher, STALE_NAN, isStaleNaN, type MatchType } from '../../model/index.js';
import { MemStorage, type Querier, type Storage } from '../../storage/index.js';
import { newChunkEncoder } from '../chunkenc/index.js';
import { prng } from './fixtures.js';
import {
  ArraySeriesChunkSource,
  Block,
  compactBlocks,
  writeBlock,
  type ChunkInput,
} from './index.js';
import { removeDir, tempDir } from './testutil.js';

const T0 = 1_700_000_000_000;
const SPAN = 3 * 3600_000;
const NAMES = ['__name__', 'job', 'inst', 'e', 'nope'];

type Rnd = () => number;
const int = (r: Rnd, n: number): number => Math.floor(r() * n);
const pick = <T>(r: Rnd, xs: readonly T[]): T => xs[int(r, xs.length)]!;

function randomValue(r: Rnd): number {
  const x = r();
  if (x < 0.05) return STALE_NAN;
  if (x < 0.07) return Number.NaN;
  if (x < 0.08) return Infinity;
  if (x < 0.09) return -0;
  if (x < 0.6) return int(r, 4000) / 4;
  return (r() - 0.5) * 1e6;
}

/** Fills a MemStorage with random series, samples appended in random order. */
async function fill(r: Rnd, db: MemStorage): Promise<void> {
  const series: Labels[] = [];
  for (let i = 0; i < 60; i++) {
    const rec: Record<string, string> = { __name__: pick(r, ['d_a', 'd_b', 'd_c']), inst: `${i}` };
    if (r() < 0.8) rec['job'] = pick(r, ['x', 'y', 'z']);
    if (r() < 0.3) rec['e'] = pick(r, ['1', '2']);
    series.push(Labels.fromRecord(rec));
  }
  for (let batch = 0; batch < 20; batch++) {
    const app = db.appender();
    for (let k = 0; k < 400; k++) {
      const l = pick(r, series);
      const t = r() < 0.9 ? T0 + int(r, SPAN / 1000) * 1000 : T0 + int(r, SPAN);
      try {
        app.append(0, l, t, randomValue(r));
      } catch {
        // A different value at an existing timestamp: the model rejects it, so do we.
      }
    }
    await app.commit();
  }
}

function randomMatcher(r: Rnd): Matcher {
  const name = pick(r, NAMES);
  const type = pick<MatchType>(r, ['=', '!=', '=~', '!~']);
  const values: Record<string, string[]> = {
    __name__: ['d_a', 'd_b', 'd_.', 'd_a|d_c', '.*', '.+', ''],
    job: ['x', 'y', 'x|z', '[xy]', '', '.*', 'q'],
    inst: ['1', '2.*', '1|2|3', '.+', ''],
    e: ['1', '2', '', '1|', '.*'],
    nope: ['', 'v', '.*', '.+'],
  };
  return new Matcher(type, name, pick(r, values[name]!));
}

function randomQuery(r: Rnd): { mint: number; maxt: number; ms: Matcher[] } {
  const ms: Matcher[] = [];
  do {
    ms.length = 0;
    const n = 1 + int(r, 3);
    for (let i = 0; i < n; i++) ms.push(randomMatcher(r));
  } while (ms.every((m) => m.matchesEmpty()));
  const a = T0 - 60_000 + int(r, SPAN + 120_000);
  const len = r() < 0.3 ? int(r, 60_000) : int(r, SPAN);
  return { mint: a, maxt: r() < 0.1 ? a - 1 : a + len, ms };
}

/** Writes everything in `db` as one block (chunks of random sizes). */
async function toBlock(r: Rnd, db: Storage, dir: string): Promise<Block> {
  const q = await db.querier(-1e15, 1e15);
  const set = await q.select(true, undefined, [new Matcher('=~', '__name__', '.+')]);
  const series: Array<{ labels: Labels; chunks: ChunkInput[] }> = [];
  while (set.next()) {
    const it = set.at().iterator();
    const chunks: ChunkInput[] = [];
    let enc = newChunkEncoder();
    const size = 1 + int(r, 150);
    while (it.next() !== 'none') {
      enc.append(it.atT(), it.atF());
      if (enc.numSamples >= size) {
        chunks.push({ minT: enc.minT, maxT: enc.maxT, data: enc.bytes() });
        enc = newChunkEncoder();
      }
    }
    if (enc.numSamples > 0) chunks.push({ minT: enc.minT, maxT: enc.maxT, data: enc.bytes() });
    series.push({ labels: set.at().labels, chunks });
  }
  q.close();
  const meta = await writeBlock(dir, new ArraySeriesChunkSource(series), T0 - 1, T0 + SPAN + 1, {});
  return Block.open(path.join(dir, meta.ulid));
}

function show(v: number): string {
  if (isStaleNaN(v)) return 'stale';
  return Object.is(v, -0) ? '-0' : String(v);
}

async function dump(q: Querier, ms: Matcher[]): Promise<string[]> {
  const set = await q.select(true, undefined, ms);
  const out: string[] = [];
  while (set.next()) {
    const s = set.at();
    const it = s.iterator();
    const parts: string[] = [];
    while (it.next() !== 'none') parts.push(`${it.atT()}=${show(it.atF())}`);
    assert.equal(it.err(), undefined);
    out.push(`${s.labels.toString()} ${parts.join(' ')}`);
  }
  return out;
}

async function compare(
  r: Rnd,
  block: Block,
  model: MemStorage,
  rounds: number,
  ctx: string,
): Promise<void> {
  let samples = 0;
  let series = 0;
  for (let i = 0; i < rounds; i++) {
    const { mint, maxt, ms } = randomQuery(r);
    const what = `${ctx}: {${ms.join(', ')}} [${mint}, ${maxt}]`;
    const [bq, mq] = [await block.querier(mint, maxt), await model.querier(mint, maxt)];
    const want = await dump(mq, ms);
    assert.deepEqual(await dump(bq, ms), want, what);
    series += want.length;
    for (const line of want) samples += line.split(' ').length - 1;
    assert.deepEqual(await bq.labelNames(ms), await mq.labelNames(ms), `labelNames ${what}`);
    for (const n of NAMES) {
      assert.deepEqual(
        await bq.labelValues(n, ms),
        await mq.labelValues(n, ms),
        `labelValues(${n}) ${what}`,
      );
    }
    assert.deepEqual(await bq.labelNames([]), await mq.labelNames([]), `labelNames() ${what}`);
    bq.close();
    mq.close();
  }
  // The random queries must exercise real data, not only empty answers.
  assert.ok(
    series > rounds && samples > rounds * 20,
    `${ctx}: ${series} series, ${samples} samples`,
  );
}

describe('blocks agree with the in-memory reference storage', () => {
  let dir = '';
  const r = prng(20261122);
  const model = new MemStorage();
  const open: Block[] = [];

  before(async () => {
    dir = await tempDir('differential');
    await fill(r, model);
  });
  after(async () => {
    for (const b of open) await b.close();
    await model.close();
    await removeDir(dir);
  });

  it('answers random selects and label lookups, through deletes and compaction', async () => {
    const block = await toBlock(r, model, dir);
    open.push(block);
    await compare(r, block, model, 60, 'fresh block');
    for (let i = 0; i < 6; i++) {
      const { mint, maxt, ms } = randomQuery(r);
      await block.delete(mint, maxt, ms);
      await model.deleteSeries(mint, maxt, ms);
    }
    await compare(r, block, model, 60, 'after deletes');
    const meta = await compactBlocks(dir, [block]);
    const compacted = await Block.open(path.join(dir, meta.ulid));
    open.push(compacted);
    await compare(r, compacted, model, 60, 'compacted');
  });
});
