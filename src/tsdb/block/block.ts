/**
 * A persisted block opened for reading: metadata, index reader, chunk reader and tombstones.
 * Queries use positioned reads; only the small tables described in `IndexReader` stay in memory.
 */
import { stat } from 'node:fs/promises';
import type { Matcher } from '../../model/index.js';
import type { Querier } from '../../storage/index.js';
import { Logger } from '../../util/index.js';
import { ChunkReader } from './chunks.js';
import { BlockClosedError } from './errors.js';
import { IndexReader } from './index-reader.js';
import { postingsForMatchers } from './matchers.js';
import { readMeta, type BlockMeta } from './meta.js';
import { BlockQuerier, type BlockAccess } from './querier.js';
import { CHUNK_META_FIELDS } from './series.js';
import { BlockChunkSource } from './source.js';
import { verifyBlock, type BlockVerifyReport } from './verify.js';
import {
  TOMBSTONES_FILE,
  addInterval,
  readTombstones,
  writeTombstones,
  type Intervals,
} from './tombstones.js';

/** Options of `Block.open`. */
export interface BlockOpenOptions {
  /**
   * Symbol blocks (of 32 symbols) the index reader caches; default 1024. Lower values save
   * memory for blocks with many distinct label values at the cost of more reads.
   */
  symbolCacheBlocks?: number;
}

/** A persisted, immutable block (apart from its tombstones). Safe for concurrent async use. */
export class Block implements BlockAccess {
  private closed = false;
  private readonly inflight = new Set<Promise<unknown>>();
  private deleting: Promise<void> = Promise.resolve();

  private constructor(
    /** The block directory. */
    readonly dir: string,
    /** The block's metadata as read from meta.json. */
    readonly meta: BlockMeta,
    /** Index reader (internal). */
    readonly ir: IndexReader,
    /** Chunk reader (internal). */
    readonly cr: ChunkReader,
    private ts: ReadonlyMap<number, Intervals>,
    private tombstonesSize: number,
    private readonly metaSize: number,
    private readonly logger: Logger,
  ) {}

  /**
   * Opens the block in `dir`: validates meta.json, the index header, table of contents, symbol
   * table and postings offset table, the chunk segment headers and the tombstones. Throws
   * `CorruptBlockError` naming the file and offset when something is damaged.
   */
  static async open(
    dir: string,
    logger: Logger = Logger.nop(),
    opts: BlockOpenOptions = {},
  ): Promise<Block> {
    const meta = await readMeta(dir);
    const ir = await IndexReader.open(dir, meta.minTime, opts.symbolCacheBlocks);
    let cr: ChunkReader | undefined;
    try {
      cr = await ChunkReader.open(dir);
      const ts = await readTombstones(dir);
      const tsSize = await fileSize(`${dir}/${TOMBSTONES_FILE}`);
      const metaSize = await fileSize(`${dir}/meta.json`);
      return new Block(dir, meta, ir, cr, ts, tsSize, metaSize, logger.child({ block: meta.ulid }));
    } catch (err) {
      await cr?.close();
      await ir.close();
      throw err;
    }
  }

  /** Current tombstones by series reference. */
  tombstones(): ReadonlyMap<number, Intervals> {
    return this.ts;
  }

  /** Runs `fn` unless the block is closed and tracks it so that `close()` can wait for it. */
  run<T>(verb: string, fn: () => Promise<T>): Promise<T> {
    if (this.closed) {
      return Promise.reject(
        new BlockClosedError(`cannot ${verb}: block ${this.meta.ulid} is closed`),
      );
    }
    const p = fn();
    this.inflight.add(p);
    const done = (): void => {
      this.inflight.delete(p);
    };
    p.then(done, done);
    return p;
  }

  /**
   * Returns a querier over [mint, maxt] (ms, inclusive). Selects return exactly the samples in
   * that range that are not deleted, and only series that have such samples.
   */
  querier(mint: number, maxt: number): Promise<Querier> {
    if (this.closed) {
      return Promise.reject(
        new BlockClosedError(`cannot open querier: block ${this.meta.ulid} is closed`),
      );
    }
    return Promise.resolve(new BlockQuerier(this, mint, maxt));
  }

  /**
   * Returns a cursor over all series and chunks for compaction, with deleted samples removed.
   * It reads synchronously through read-ahead windows; finish or `close()` it before closing
   * the block.
   */
  chunkSource(): Promise<BlockChunkSource> {
    return this.run('read chunks', () =>
      Promise.resolve(new BlockChunkSource(this.ir, this.cr.syncReader(), this.ts)),
    );
  }

  /** Total size of the block's files in bytes. */
  sizeBytes(): number {
    return this.ir.size + this.cr.size + this.tombstonesSize + this.metaSize;
  }

  /**
   * Marks samples in [mint, maxt] of series matching the matchers as deleted by rewriting the
   * tombstones file atomically. An empty matcher list deletes nothing. Deletions are serialized.
   */
  delete(mint: number, maxt: number, matchers: readonly Matcher[]): Promise<void> {
    const next = this.deleting.then(() =>
      this.run('delete series', () => this.doDelete(mint, maxt, matchers)),
    );
    this.deleting = next.catch(() => undefined);
    return next;
  }

  private async doDelete(mint: number, maxt: number, matchers: readonly Matcher[]): Promise<void> {
    // Intervals outside the block's range change nothing; clamping also keeps them encodable.
    const lo = Math.max(mint, this.meta.minTime);
    const hi = Math.min(maxt, this.meta.maxTime - 1);
    if (lo > hi || matchers.length === 0) return;
    const entries = await this.ir.series(await postingsForMatchers(this.ir, matchers));
    const next = new Map(this.ts);
    let changed = 0;
    for (const e of entries) {
      let hit = false;
      for (let o = 0; o < e.chunks.length && !hit; o += CHUNK_META_FIELDS) {
        hit = e.chunks[o]! <= hi && e.chunks[o + 1]! >= lo;
      }
      if (!hit) continue;
      next.set(e.ref, addInterval(next.get(e.ref) ?? [], lo, hi));
      changed++;
    }
    if (changed === 0) return;
    this.tombstonesSize = await writeTombstones(this.dir, next);
    this.ts = next;
    this.logger.info('deleted series samples', { series: changed, mint: lo, maxt: hi });
  }

  /**
   * Reads the whole block and checks every checksum, decodes every chunk and compares the
   * counts with meta.json (for `tsdb verify`-style checks); throws `CorruptBlockError`.
   */
  verify(): Promise<BlockVerifyReport> {
    return this.run('verify block', () => verifyBlock(this.meta, this.ir, this.cr));
  }

  /** Waits for running reads and deletions, then closes all files. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.inflight]);
    await this.cr.close();
    await this.ir.close();
  }
}

async function fileSize(p: string): Promise<number> {
  try {
    return (await stat(p)).size;
  } catch {
    return 0;
  }
}
