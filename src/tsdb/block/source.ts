/**
 * Series chunk sources: the pull cursors that feed the block writer, and the one that scans a
 * persisted block for compaction.
 */
import type { Labels } from '../../model/index.js';
import type { IndexReader } from './index-reader.js';
import type { SyncChunkReader } from './chunks.js';
import { ByteReader } from './encbuf.js';
import { INDEX_FILE } from './index-format.js';
import { SyncWindowReader } from './fileio.js';
import { normalizeChunks } from './rechunk.js';
import { CHUNK_META_FIELDS, decodeSeries } from './series.js';
import type { Intervals } from './tombstones.js';

/** One encoded chunk of a series with its time range (ms, inclusive). */
export interface ChunkInput {
  /** Timestamp of the first sample. */
  minT: number;
  /** Timestamp of the last sample. */
  maxT: number;
  /** Chunk bytes as produced by the chunk encoder (`chunkenc`). */
  data: Uint8Array;
}

/**
 * Pull cursor over series in label order (`compareLabels`), with unique label sets.
 * `labels()` and `chunks()` describe the current series after `next()` returned true; the chunk
 * bytes stay valid after the cursor moves on. `next()` throws when the underlying data is bad.
 */
export interface SeriesChunkSource {
  /** Advances to the next series; false at the end. */
  next(): boolean;
  /** Labels of the current series. */
  labels(): Labels;
  /** Chunks of the current series, sorted by time. */
  chunks(): readonly ChunkInput[];
}

/** A source over series held in memory (already sorted by labels). */
export class ArraySeriesChunkSource implements SeriesChunkSource {
  private i = -1;

  constructor(
    private readonly series: ReadonlyArray<{ labels: Labels; chunks: readonly ChunkInput[] }>,
  ) {}

  next(): boolean {
    this.i++;
    return this.i < this.series.length;
  }

  labels(): Labels {
    return this.series[this.i]!.labels;
  }

  chunks(): readonly ChunkInput[] {
    return this.series[this.i]!.chunks;
  }
}

/** Longest uvarint plus the checksum: enough bytes to learn a series entry's size. */
const ENTRY_PROBE = 12;

/**
 * Scans every series of a block in label order with synchronous reads through read-ahead
 * windows, without loading the block into memory. Deleted samples are removed; series left
 * without samples are skipped. Files are closed at the end of the scan or by `close()`.
 */
export class BlockChunkSource implements SeriesChunkSource {
  private pos: number;
  private readonly index: SyncWindowReader;
  private readonly r: ByteReader;
  private curLabels: Labels | undefined;
  private curChunks: ChunkInput[] = [];
  private closed = false;

  constructor(
    private readonly ir: IndexReader,
    private readonly chunkReader: SyncChunkReader,
    private readonly tombstones: ReadonlyMap<number, Intervals>,
  ) {
    this.pos = ir.seriesStart;
    this.index = new SyncWindowReader(`${ir.dir}/${INDEX_FILE}`, ir.dir, INDEX_FILE);
    this.r = new ByteReader(Buffer.alloc(0), 0, { dir: ir.dir, file: INDEX_FILE });
  }

  next(): boolean {
    if (this.closed) return false;
    try {
      while (this.pos < this.ir.seriesEnd) {
        const probe = this.index.readUpTo(
          this.pos,
          Math.min(ENTRY_PROBE, this.ir.seriesEnd - this.pos),
        );
        const len = this.r.reset(probe, this.pos).uvarint();
        const total = this.r.pos + len + 4;
        const buf = this.index.read(this.pos, total);
        const e = decodeSeries(this.r.reset(buf, this.pos), this.ir.blockMinT, this.ir.numPairs);
        this.pos += total;
        const chunks: ChunkInput[] = [];
        for (let o = 0; o < e.chunks.length; o += CHUNK_META_FIELDS) {
          const data = this.chunkReader.read(e.chunks[o + 2]!, e.chunks[o + 3]!);
          chunks.push({ minT: e.chunks[o]!, maxT: e.chunks[o + 1]!, data });
        }
        this.curChunks = normalizeChunks(chunks, this.tombstones.get(e.ref) ?? []);
        if (this.curChunks.length === 0) continue;
        this.curLabels = this.ir.labelsOfSync(e);
        return true;
      }
    } catch (err) {
      this.close();
      throw err;
    }
    this.close();
    return false;
  }

  labels(): Labels {
    if (!this.curLabels) throw new Error('BUG: labels() called before next()');
    return this.curLabels;
  }

  chunks(): readonly ChunkInput[] {
    return this.curChunks;
  }

  /** Releases the files; the scan ends. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.index.close();
    this.chunkReader.close();
  }
}
