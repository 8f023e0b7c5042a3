/**
 * Runs the storage conformance suite against blocks: a test backend keeps appended data in the
 * reference `MemStorage` and, before every query, persists it as a block and answers from that
 * block. Deletes go to the block's tombstones, `cleanTombstones` and `compact` compact the
 * block, and `reopen` rebuilds the backend from the block alone.
 */
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { MAX_TIME, MIN_TIME, Matcher, type Labels } from '../../model/index.js';
import {
  MemStorage,
  type Appender,
  type Deleter,
  type Querier,
  type Storage,
} from '../../storage/index.js';
import { runStorageConformance } from '../../storage/conformance/index.js';
import { newChunkEncoder } from '../chunkenc/index.js';
import {
  ArraySeriesChunkSource,
  Block,
  SAMPLES_PER_CHUNK,
  compactBlocks,
  writeBlock,
  type ChunkInput,
} from './index.js';

const ALL = [new Matcher('=~', '__name__', '.*')];

/** Copies every sample of `from` into `to` (used to rebuild the model from a block). */
async function copyAll(from: Querier, to: MemStorage): Promise<void> {
  const set = await from.select(true, undefined, ALL);
  const app = to.appender();
  while (set.next()) {
    const s = set.at();
    const it = s.iterator();
    while (it.next() !== 'none') app.append(0, s.labels, it.atT(), it.atF());
  }
  await app.commit();
}

/** A storage answering every query from a block written from its in-memory data. */
class BlockBackedStorage implements Storage, Deleter {
  private block: Block | undefined;
  private readonly retired: Block[] = [];
  private dirty = true;

  constructor(
    private readonly dir: string,
    private readonly mem: MemStorage,
  ) {}

  static async open(dir: string): Promise<BlockBackedStorage> {
    const mem = new MemStorage();
    const names = (await readdir(dir)).filter((n) => !n.includes('.'));
    if (names.length > 1) throw new Error(`BUG: ${names.length} blocks left in ${dir}`);
    const db = new BlockBackedStorage(dir, mem);
    if (names[0] !== undefined) {
      const b = await Block.open(path.join(dir, names[0]));
      const q = await b.querier(MIN_TIME, MAX_TIME);
      await copyAll(q, mem);
      db.block = b;
      db.dirty = false;
    }
    return db;
  }

  appender(): Appender {
    const inner = this.mem.appender();
    return {
      append: (ref, labels, t, v) => inner.append(ref, labels, t, v),
      commit: async () => {
        await inner.commit();
        this.dirty = true;
      },
      rollback: () => inner.rollback(),
    };
  }

  private async replace(meta: { ulid: string }): Promise<void> {
    if (this.block) this.retired.push(this.block);
    this.block = await Block.open(path.join(this.dir, meta.ulid));
  }

  private async current(): Promise<Block> {
    if (this.dirty || !this.block) {
      const q = await this.mem.querier(MIN_TIME, MAX_TIME);
      const set = await q.select(true, undefined, ALL);
      const series: Array<{ labels: Labels; chunks: ChunkInput[] }> = [];
      let minT = Infinity;
      let maxT = -Infinity;
      while (set.next()) {
        const s = set.at();
        // Straight from the iterator into the encoder: JavaScript arrays would quiet the
        // signalling NaN of staleness markers.
        const chunks: ChunkInput[] = [];
        let enc = newChunkEncoder();
        const it = s.iterator();
        while (it.next() !== 'none') {
          if (enc.numSamples === SAMPLES_PER_CHUNK) {
            chunks.push({ minT: enc.minT, maxT: enc.maxT, data: enc.bytes() });
            enc = newChunkEncoder();
          }
          enc.append(it.atT(), it.atF());
        }
        if (enc.numSamples === 0) continue;
        chunks.push({ minT: enc.minT, maxT: enc.maxT, data: enc.bytes() });
        minT = Math.min(minT, chunks[0]!.minT);
        maxT = Math.max(maxT, enc.maxT);
        series.push({ labels: s.labels, chunks });
      }
      q.close();
      if (series.length === 0) [minT, maxT] = [0, 0];
      await this.replace(
        await writeBlock(this.dir, new ArraySeriesChunkSource(series), minT, maxT + 1, {}),
      );
      this.dirty = false;
    }
    return this.block!;
  }

  async querier(mint: number, maxt: number): Promise<Querier> {
    return (await this.current()).querier(mint, maxt);
  }

  startTime(): number | undefined {
    return this.mem.startTime();
  }

  async deleteSeries(mint: number, maxt: number, matchers: readonly Matcher[]): Promise<void> {
    await (await this.current()).delete(mint, maxt, matchers);
    await this.mem.deleteSeries(mint, maxt, matchers);
  }

  async cleanTombstones(): Promise<void> {
    const b = await this.current();
    await this.replace(await compactBlocks(this.dir, [b]));
  }

  async close(): Promise<void> {
    for (const b of this.retired) {
      await b.close();
      await rm(b.dir, { recursive: true, force: true });
    }
    await this.block?.close();
    await this.mem.close();
  }
}

runStorageConformance(
  'persisted block',
  {
    open: (dir) => BlockBackedStorage.open(dir),
    reopen: async (db, dir) => {
      await db.close();
      return BlockBackedStorage.open(dir);
    },
    compact: async (db) => {
      if (db instanceof BlockBackedStorage) await db.cleanTombstones();
    },
  },
  { manySeries: 500, longSeries: 5_000 },
);
