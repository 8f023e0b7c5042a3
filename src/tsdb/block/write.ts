/**
 * Writing a block: chunks are streamed into segment files while series metadata is collected,
 * then the index, tombstones and meta.json are written into `<ulid>.tmp-for-creation`, fsynced,
 * and the directory is renamed to `<ulid>`: a block is either complete or absent.
 */
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { compareLabels, type Labels } from '../../model/index.js';
import type { Logger } from '../../util/index.js';
import { chunkNumSamples } from '../chunkenc/index.js';
import { ChunkWriter } from './chunks.js';
import { BlockWriteError } from './errors.js';
import { fsyncDir } from './fileio.js';
import { INDEX_FILE } from './index-format.js';
import { writeIndex } from './index-writer.js';
import { writeMeta, type BlockMeta } from './meta.js';
import { normalizeChunks } from './rechunk.js';
import { CHUNK_META_FIELDS } from './series.js';
import type { SeriesChunkSource } from './source.js';
import { writeTombstones } from './tombstones.js';
import { newULID } from './ulid.js';

/** Suffix of a block directory that is still being written. */
export const TMP_BLOCK_SUFFIX = '.tmp-for-creation';

/** Options of `writeBlock`. */
export interface WriteBlockOptions {
  /** Compaction level (default 1: cut from the head). */
  level?: number;
  /** ULIDs of the level-1 blocks whose data this block holds (default: the new block's own). */
  sources?: string[];
  /** Where progress is logged. */
  logger?: Logger;
  /** Size at which a new chunk segment file is started (default 512 MiB). */
  segmentSize?: number;
  /** The ULID to use (default: a new one). */
  ulid?: string;
}

/** Longest stretch of synchronous work between yields to the event loop, ms. */
const YIELD_EVERY_MS = 20;

/** Growable chunk metadata (`CHUNK_META_FIELDS` numbers per chunk). */
class MetaBuffer {
  a = new Float64Array(4096);
  n = 0;

  push(minT: number, maxT: number, ref: number, len: number): void {
    if (this.n + CHUNK_META_FIELDS > this.a.length) {
      const next = new Float64Array(this.a.length * 2);
      next.set(this.a);
      this.a = next;
    }
    this.a[this.n++] = minT;
    this.a[this.n++] = maxT;
    this.a[this.n++] = ref;
    this.a[this.n++] = len;
  }
}

/**
 * Writes the series of `src` as a new block under `parentDir` covering [minTime, maxTime)
 * and returns its metadata. Chunks of a series may come in any order and may overlap (they are
 * merged, samples de-duplicated by timestamp); samples outside [minTime, maxTime) are dropped;
 * empty chunks and series without samples are skipped. Each chunk's `minT`/`maxT` must be the
 * timestamps of its first and last sample (`Block.verify` checks them). Throws `BlockWriteError` when series are not strictly
 * increasing by labels; on any error the temporary directory is removed.
 */
export async function writeBlock(
  parentDir: string,
  src: SeriesChunkSource,
  minTime: number,
  maxTime: number,
  opts: WriteBlockOptions = {},
): Promise<BlockMeta> {
  if (!(maxTime > minTime)) {
    throw new BlockWriteError(
      `cannot write block: maxTime ${maxTime} not after minTime ${minTime}`,
    );
  }
  const started = Date.now();
  const ulid = opts.ulid ?? newULID();
  const tmp = path.join(parentDir, ulid + TMP_BLOCK_SUFFIX);
  const final = path.join(parentDir, ulid);
  await mkdir(tmp, { recursive: true });
  let cw: ChunkWriter | undefined;
  try {
    cw = await ChunkWriter.create(path.join(tmp, 'chunks'), opts.segmentSize);
    const labels: Labels[] = [];
    const chunkStart: number[] = [0];
    const meta = new MetaBuffer();
    let numSamples = 0;
    const outside = [-Infinity, minTime - 1, maxTime, Infinity];
    let prev: Labels | undefined;
    let lastYield = performance.now();
    while (src.next()) {
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        // Sources and re-chunking are synchronous: let queries and ingestion run in between.
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
      const ls = src.labels();
      if (prev && compareLabels(prev, ls) >= 0) {
        throw new BlockWriteError(
          `cannot write block: series ${ls.toString()} does not sort after ${prev.toString()}`,
        );
      }
      prev = ls;
      const chunks = normalizeChunks(src.chunks(), outside);
      if (chunks.length === 0) continue;
      const before = meta.n;
      for (const c of chunks) {
        const n = chunkNumSamples(c.data);
        if (n === 0) continue;
        numSamples += n;
        meta.push(c.minT, c.maxT, await cw.write(c.data), c.data.length);
      }
      if (meta.n === before) continue;
      labels.push(ls);
      chunkStart.push(meta.n / CHUNK_META_FIELDS);
    }
    await cw.close();
    await writeIndex(path.join(tmp, INDEX_FILE), {
      labels,
      chunkStart,
      meta: meta.a.subarray(0, meta.n),
      blockMinT: minTime,
    });
    await writeTombstones(tmp, new Map());
    const bm: BlockMeta = {
      ulid,
      minTime,
      maxTime,
      stats: { numSeries: labels.length, numSamples, numChunks: meta.n / CHUNK_META_FIELDS },
      compaction: { level: opts.level ?? 1, sources: opts.sources ?? [ulid] },
      version: 1,
    };
    await writeMeta(tmp, bm);
    await fsyncDir(path.join(tmp, 'chunks'));
    await fsyncDir(tmp);
    await rename(tmp, final);
    await fsyncDir(parentDir);
    opts.logger?.info('wrote block', {
      ulid,
      minTime,
      maxTime,
      series: bm.stats.numSeries,
      samples: numSamples,
      chunkBytes: cw.bytesWritten,
      durationMs: Date.now() - started,
    });
    return bm;
  } catch (err) {
    await cw?.abort();
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}
