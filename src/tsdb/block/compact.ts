/**
 * Compaction: merges several blocks (overlapping ones too) into one new block of the next
 * level, dropping deleted samples and de-duplicating samples by timestamp.
 */
import { compareLabels, type Labels } from '../../model/index.js';
import type { Logger } from '../../util/index.js';
import type { Block } from './block.js';
import { BlockWriteError } from './errors.js';
import type { BlockMeta } from './meta.js';
import { normalizeChunks } from './rechunk.js';
import type { BlockChunkSource, ChunkInput, SeriesChunkSource } from './source.js';
import { writeBlock } from './write.js';

/** Options of `compactBlocks`. */
export interface CompactOptions {
  /** Where progress is logged. */
  logger?: Logger;
}

/**
 * Merges sources that are each in label order into one source in label order. Series present in
 * several sources get all their chunks; overlapping chunks are merged sample by sample, and for
 * equal timestamps the source listed first wins.
 */
export class MergedChunkSource implements SeriesChunkSource {
  private readonly live: boolean[];
  private cur: Labels | undefined;
  private curChunks: ChunkInput[] = [];
  private started = false;

  constructor(private readonly sources: readonly SeriesChunkSource[]) {
    this.live = sources.map(() => true);
  }

  next(): boolean {
    if (!this.started) {
      this.started = true;
      this.sources.forEach((s, i) => (this.live[i] = s.next()));
    }
    let min: Labels | undefined;
    for (let i = 0; i < this.sources.length; i++) {
      if (!this.live[i]) continue;
      const ls = this.sources[i]!.labels();
      if (!min || compareLabels(ls, min) < 0) min = ls;
    }
    if (!min) return false;
    const chunks: ChunkInput[] = [];
    let n = 0;
    for (let i = 0; i < this.sources.length; i++) {
      const s = this.sources[i]!;
      if (!this.live[i] || compareLabels(s.labels(), min) !== 0) continue;
      chunks.push(...s.chunks());
      n++;
      this.live[i] = s.next();
    }
    this.cur = min;
    this.curChunks = n > 1 ? normalizeChunks(chunks) : chunks;
    return true;
  }

  labels(): Labels {
    if (!this.cur) throw new Error('BUG: labels() called before next()');
    return this.cur;
  }

  chunks(): readonly ChunkInput[] {
    return this.curChunks;
  }
}

/**
 * Writes one block holding all samples of `blocks` (minus deleted ones) into `parentDir` and
 * returns its metadata. Its range spans all inputs, its level is the highest input level plus
 * one, and its sources are the union of the inputs' sources. The input blocks stay untouched;
 * the caller deletes them once the new block is in use.
 */
export async function compactBlocks(
  parentDir: string,
  blocks: readonly Block[],
  opts: CompactOptions = {},
): Promise<BlockMeta> {
  if (blocks.length === 0) throw new BlockWriteError('cannot compact blocks: no blocks given');
  const sources: BlockChunkSource[] = [];
  try {
    for (const b of blocks) sources.push(await b.chunkSource());
    const metas = blocks.map((b) => b.meta);
    const minTime = Math.min(...metas.map((m) => m.minTime));
    const maxTime = Math.max(...metas.map((m) => m.maxTime));
    const level = Math.max(...metas.map((m) => m.compaction.level)) + 1;
    const srcIds = [...new Set(metas.flatMap((m) => m.compaction.sources))].sort();
    const started = Date.now();
    const meta = await writeBlock(parentDir, new MergedChunkSource(sources), minTime, maxTime, {
      level,
      sources: srcIds,
      ...(opts.logger ? { logger: opts.logger } : {}),
    });
    opts.logger?.info('compacted blocks', {
      from: metas.map((m) => m.ulid).join(','),
      to: meta.ulid,
      level,
      durationMs: Date.now() - started,
    });
    return meta;
  } finally {
    for (const s of sources) s.close();
  }
}
