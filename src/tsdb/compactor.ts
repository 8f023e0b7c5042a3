/**
 * Database maintenance: persisting complete head ranges as blocks (then truncating the head and
 * checkpointing the WAL), merging blocks, deleting blocks past retention, and rewriting blocks
 * to drop deleted samples. The database runs these one at a time, off the request path. Writing
 * a head range as a block, block merges and rewrites run on worker threads (index building and
 * re-encoding take long synchronous stretches); the main thread collects what the head holds,
 * truncates the head and checkpoints the WAL.
 */
import type { Logger } from '../util/index.js';
import { compactBlocksInWorker, type Block } from './block/index.js';
import { alignDown, headBoundary, mergeRanges, planMerge, planRetention } from './compactplan.js';
import type { BlockSet } from './blockset.js';
import type { Head, HeadSeries } from './head/index.js';
import { writeHeadBlockInWorker } from './headblock-thread.js';
import { headChunkSource } from './headsource.js';
import type { DBOptions } from './options.js';
import type { Wal } from './wal/index.js';

/** How much of the head to persist: complete ranges (with grace), all ended ranges, or all. */
export type HeadCompactionMode = 'auto' | 'force' | 'flush';

/** Runs maintenance steps over the database's parts. Not reentrant: callers serialize. */
export class Compactor {
  constructor(
    private readonly dir: string,
    private readonly opts: DBOptions,
    private readonly head: Head,
    private readonly blocks: BlockSet,
    private readonly wal: Wal | undefined,
    private readonly logger: Logger,
  ) {}

  /** The boundary below which head data would be persisted now, or undefined. */
  headBoundary(mode: HeadCompactionMode): number | undefined {
    const maxT = this.head.maxTime();
    if (maxT === undefined) return undefined;
    const r = this.opts.blockRangeMs;
    return mode === 'flush' ? alignDown(maxT, r) + r : headBoundary(maxT, r, mode === 'force');
  }

  /** Whether the head holds data below the boundary of `mode`. */
  headNeedsCompaction(mode: HeadCompactionMode): boolean {
    const b = this.headBoundary(mode);
    const minT = this.head.minTime();
    return b !== undefined && minT !== undefined && minT < b;
  }

  /** Persists head data below the boundary of `mode`; returns the number of blocks written. */
  async compactHead(mode: HeadCompactionMode): Promise<number> {
    const boundary = this.headBoundary(mode);
    if (boundary === undefined || !this.headNeedsCompaction(mode)) return 0;
    const r = this.opts.blockRangeMs;
    const persisted = this.head.prepareTruncate(boundary);
    const starts = rangesWithData(this.head.allSeries(), boundary, r);
    let written = 0;
    for (const w of starts) {
      const src = headChunkSource(this.head, w, w + r);
      if (src.isEmpty()) continue;
      const meta = await writeHeadBlockInWorker(this.dir, src.entries, w, w + r, this.logger);
      await this.blocks.add(meta.ulid);
      written++;
    }
    const anchor = firstSeries(this.head);
    const removed = this.head.truncate(boundary, persisted);
    this.logger.info('persisted head', { boundary, blocks: written, seriesRemoved: removed });
    await this.checkpoint(boundary, anchor);
    return written;
  }

  /**
   * Checkpoints the WAL: keeps series still in the head and samples not yet persisted. A series
   * record of `anchor` (a head series from before truncation; harmless to repeat) goes first,
   * so that there is a segment to cut even when nothing was committed since the last checkpoint,
   * and the old checkpoint is rewritten without what was just persisted.
   */
  private async checkpoint(boundary: number, anchor: HeadSeries | undefined): Promise<void> {
    const wal = this.wal;
    if (wal === undefined) return;
    const head = this.head;
    if (anchor !== undefined) wal.logSeries([anchor.ref], [anchor.labels]);
    const seg = await wal.cut();
    await head.appliedInflight();
    // Samples before the boundary were persisted and dropped from the head, except late ones
    // that arrived after persisting began (out of order, still held). Only the few series that
    // hold data before the boundary need a lookup; the checkpoint asks about every sample.
    const below = new Map<number, HeadSeries>();
    for (const s of head.allSeries()) if (s.minTime() < boundary) below.set(s.ref, s);
    await wal.checkpoint(
      seg,
      (ref) => head.seriesByRef(ref) !== undefined,
      (ref, t) => {
        if (t >= boundary) return true;
        const s = below.get(ref);
        return s !== undefined && s.lookup(t);
      },
    );
  }

  /** Merges blocks until no merge is planned; returns the number of merges. */
  async mergeBlocks(): Promise<number> {
    const ranges = mergeRanges(this.opts.blockRangeMs, this.opts.retentionMs);
    let merges = 0;
    for (;;) {
      const list = this.blocks.list();
      const plan = planMerge(list.map(span), ranges);
      if (plan === undefined) return merges;
      // Oldest block first: on equal timestamps the first committed value wins.
      const group = plan.map((i) => list[i]!).sort((a, b) => (a.meta.ulid < b.meta.ulid ? -1 : 1));
      const meta = await compactBlocksInWorker(this.dir, group, { logger: this.logger });
      await this.blocks.add(meta.ulid);
      await this.blocks.remove(group);
      merges++;
    }
  }

  /** Deletes blocks beyond the retention time or byte budget; returns how many. */
  async applyRetention(): Promise<number> {
    const list = this.blocks.list();
    if (list.length === 0) return 0;
    let newest = this.head.maxTime() ?? -Infinity;
    for (const b of list) newest = Math.max(newest, b.meta.maxTime - 1);
    const doomed = planRetention(
      list.map(span),
      newest,
      this.opts.retentionMs,
      this.opts.retentionBytes,
      this.wal?.sizeBytes() ?? 0,
    ).map((i) => list[i]!);
    if (doomed.length === 0) return 0;
    this.logger.info('deleting blocks past retention', {
      blocks: doomed.map((b) => b.meta.ulid).join(','),
    });
    await this.blocks.remove(doomed);
    return doomed.length;
  }

  /** Rewrites blocks that have tombstones so deleted samples are gone for good. */
  async rewriteDeleted(): Promise<void> {
    for (const b of [...this.blocks.list()]) {
      if (b.tombstones().size === 0) continue;
      const meta = await compactBlocksInWorker(this.dir, [b], { logger: this.logger });
      await this.blocks.add(meta.ulid);
      await this.blocks.remove([b]);
    }
  }
}

function firstSeries(head: Head): HeadSeries | undefined {
  for (const s of head.allSeries()) return s;
  return undefined;
}

function span(b: Block): { minTime: number; maxTime: number; sizeBytes: number } {
  return { minTime: b.meta.minTime, maxTime: b.meta.maxTime, sizeBytes: b.sizeBytes() };
}

/** Sorted starts of the ranges of width `r` below `boundary` that hold head data. */
function rangesWithData(series: Iterable<HeadSeries>, boundary: number, r: number): number[] {
  const starts = new Set<number>();
  const addSpan = (a: number, b: number): void => {
    const end = Math.min(b, boundary - 1);
    for (let w = alignDown(a, r); w <= end; w += r) starts.add(w);
  };
  for (const s of series) {
    if (s.minTime() >= boundary) continue;
    const tm = s.times;
    if (tm !== undefined) for (let i = 0; i < tm.length; i += 2) addSpan(tm[i]!, tm[i + 1]!);
    if (s.enc !== undefined && s.enc.numSamples > 0) addSpan(s.enc.minT, s.enc.maxT);
    const o = s.ooo;
    if (o !== undefined) {
      for (let i = 0; i < o.times.length; i += 2) addSpan(o.times[i]!, o.times[i + 1]!);
      for (let i = 0; i < o.n; i++) addSpan(o.ts[i]!, o.ts[i]!);
    }
  }
  return [...starts].sort((a, b) => a - b);
}
