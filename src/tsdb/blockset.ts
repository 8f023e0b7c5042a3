/**
 * The set of open persisted blocks of a database, ordered by time, with reference counts so that
 * a block replaced by compaction or dropped by retention is closed and deleted only after the
 * last querier using it is closed.
 */
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../util/index.js';
import { Block, cleanupTmpBlocks, isULID } from './block/index.js';

/** Open blocks, sorted by (minTime, maxTime). Single owner (the database). */
export class BlockSet {
  private blocks: Block[] = [];
  private readonly refs = new Map<Block, number>();
  private readonly doomed = new Set<Block>();

  constructor(
    private readonly dir: string,
    private readonly logger: Logger,
  ) {}

  /**
   * Opens every block in the directory. Blocks whose data another block already holds (the
   * sources of a compaction that finished but whose inputs were not yet deleted) are deleted.
   */
  async load(): Promise<void> {
    await cleanupTmpBlocks(this.dir, this.logger);
    const names = (await readdir(this.dir, { withFileTypes: true }))
      .filter((d) => d.isDirectory() && isULID(d.name))
      .map((d) => d.name);
    const opened: Block[] = [];
    for (const n of names) opened.push(await Block.open(path.join(this.dir, n), this.logger));
    const obsolete = opened.filter((b) =>
      opened.some(
        (o) =>
          o !== b &&
          o.meta.compaction.level > b.meta.compaction.level &&
          b.meta.compaction.sources.every((s) => o.meta.compaction.sources.includes(s)),
      ),
    );
    for (const b of obsolete) {
      this.logger.warn('deleting block already merged into another', { block: b.meta.ulid });
      await b.close();
      await rm(b.dir, { recursive: true, force: true });
    }
    this.blocks = opened.filter((b) => !obsolete.includes(b));
    this.sort();
  }

  private sort(): void {
    this.blocks.sort((a, b) => a.meta.minTime - b.meta.minTime || a.meta.maxTime - b.meta.maxTime);
  }

  /** The blocks, oldest first (do not mutate). */
  list(): readonly Block[] {
    return this.blocks;
  }

  /** Total bytes of all blocks. */
  sizeBytes(): number {
    let n = 0;
    for (const b of this.blocks) n += b.sizeBytes();
    return n;
  }

  /** Opens a newly written block and adds it. */
  async add(ulid: string): Promise<Block> {
    const b = await Block.open(path.join(this.dir, ulid), this.logger);
    this.blocks.push(b);
    this.sort();
    return b;
  }

  /**
   * Takes a reference on each block overlapping [mint, maxt], returned in creation (ULID) order;
   * release them with `release`.
   */
  acquire(mint: number, maxt: number): Block[] {
    const out = this.blocks
      .filter((b) => b.meta.minTime <= maxt && b.meta.maxTime > mint)
      .sort((a, b) => (a.meta.ulid < b.meta.ulid ? -1 : 1));
    for (const b of out) this.refs.set(b, (this.refs.get(b) ?? 0) + 1);
    return out;
  }

  /** Releases references taken by `acquire`; deletes blocks that were waiting for it. */
  release(blocks: readonly Block[]): void {
    for (const b of blocks) {
      const n = (this.refs.get(b) ?? 1) - 1;
      if (n > 0) this.refs.set(b, n);
      else {
        this.refs.delete(b);
        if (this.doomed.has(b)) void this.destroy(b);
      }
    }
  }

  /** Removes blocks from the set; each is closed and deleted once no querier uses it. */
  async remove(blocks: readonly Block[]): Promise<void> {
    this.blocks = this.blocks.filter((b) => !blocks.includes(b));
    for (const b of blocks) {
      if ((this.refs.get(b) ?? 0) > 0) this.doomed.add(b);
      else await this.destroy(b);
    }
  }

  private async destroy(b: Block): Promise<void> {
    this.doomed.delete(b);
    try {
      await b.close();
      await rm(b.dir, { recursive: true, force: true });
    } catch (err) {
      this.logger.error('cannot delete block', { block: b.meta.ulid, err });
    }
  }

  /** Closes every block (without deleting). */
  async close(): Promise<void> {
    const all = [...this.blocks, ...this.doomed];
    this.blocks = [];
    await Promise.all(all.map((b) => b.close()));
    for (const b of this.doomed) await rm(b.dir, { recursive: true, force: true });
    this.doomed.clear();
  }
}
