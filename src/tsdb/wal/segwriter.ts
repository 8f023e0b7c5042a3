/**
 * The segment writer: appends batches of encoded records to the current segment, rolls over to
 * new segments, fsyncs per policy and, after a failed write, cuts the segment back so no half
 * record stays behind.
 */
import { StorageUnavailableError } from '../../model/index.js';
import type { Logger } from '../../util/index.js';
import type { ByteBuf } from './buffer.js';
import { errnoCode, isDiskFull, writeFully } from './fs.js';
import type { WalFile } from './fs.js';
import { RECORD_HEADER_BYTES } from './record.js';
import type { WalDirState } from './replay.js';
import { SEGMENT_HEADER_BYTES, segmentName, writeSegmentHeader } from './segment.js';

/** The segment being written. `durable`: bytes that survive a crash under the fsync policy. */
interface ActiveSegment {
  readonly index: number;
  readonly file: WalFile;
  size: number;
  durable: number;
}

/** A batch write failed; bytes `[0, durable)` of the batch were written durably. */
export class BatchWriteError extends Error {
  override readonly name = 'BatchWriteError';
  constructor(
    readonly durable: number,
    override readonly cause: StorageUnavailableError,
  ) {
    super(cause.message, { cause });
  }
}

/** Counters of the segment writer (monotonic since open). */
export interface SegmentWriterCounters {
  /** Bytes of records written to segments. */
  bytesWritten: number;
  /** fdatasync calls that succeeded. */
  fsyncs: number;
  /** Segments created. */
  segmentsCreated: number;
}

/** Writes record batches into segments. Not safe for concurrent calls; the Wal serialises. */
export class SegmentWriter {
  /** Counters; read them, never write. */
  readonly counters: SegmentWriterCounters = { bytesWritten: 0, fsyncs: 0, segmentsCreated: 0 };
  private active: ActiveSegment | null = null;
  private repairNeeded = false;
  /** Index the next new segment gets. */
  nextIndex = 1;

  constructor(
    private readonly st: WalDirState,
    private readonly segmentBytes: number,
    private readonly fsyncOnCommit: boolean,
    private readonly logger: Logger,
  ) {}

  /** Index of the segment being written, or -1. */
  activeIndex(): number {
    return this.active?.index ?? -1;
  }

  /** Bytes of the segment being written. */
  activeBytes(): number {
    return this.active?.size ?? 0;
  }

  /** Whether a failed write left work (cutting the segment back) for the next write. */
  needsRepair(): boolean {
    return this.repairNeeded;
  }

  /**
   * Appends `b[0, b.len)` (whole records) and makes it durable per policy. On failure the
   * segment is cut back and BatchWriteError tells how much of the batch is durable anyway.
   */
  async write(b: ByteBuf): Promise<void> {
    if (this.repairNeeded) {
      await this.rollback().catch((err: unknown) => {
        throw new BatchWriteError(0, walWriteError(err));
      });
    }
    let pos = 0; // batch bytes handed to a segment
    let durablePos = 0; // batch bytes that need no rewrite after a failure
    try {
      while (pos < b.len) {
        const seg = this.active ?? (await this.createSegment());
        const end = fitRecords(b, pos, this.segmentBytes - seg.size, seg.size);
        if (end === pos) {
          await this.closeActive();
          continue;
        }
        await writeFully(seg.file, b.buf, pos, end - pos, seg.size);
        this.counters.bytesWritten += end - pos;
        seg.size += end - pos;
        pos = end;
        if (!this.fsyncOnCommit) {
          seg.durable = seg.size;
          durablePos = pos;
        }
        if (pos < b.len) {
          await this.closeActive();
          durablePos = pos;
        }
      }
      const seg = this.active;
      if (seg !== null && seg.durable < seg.size) {
        await seg.file.datasync();
        this.counters.fsyncs++;
        seg.durable = seg.size;
      }
    } catch (err) {
      await this.rollback().catch((e: unknown) => {
        this.repairNeeded = true;
        this.logger.error('cannot cut the WAL segment back after a failed write', { err: e });
      });
      throw new BatchWriteError(durablePos, walWriteError(err));
    }
  }

  /** Fsyncs and closes the active segment; it joins the closed segments. */
  async closeActive(): Promise<void> {
    const seg = this.active;
    if (seg === null) return;
    await seg.file.datasync();
    this.counters.fsyncs++;
    seg.durable = seg.size;
    this.active = null;
    this.st.segments.set(seg.index, seg.size);
    await seg.file.close().catch((err: unknown) => {
      this.logger.warn('cannot close WAL segment', { segment: segmentName(seg.index), err });
    });
  }

  /** Cuts the active segment back to its durable size (dropping a half-written record). */
  private async rollback(): Promise<void> {
    const seg = this.active;
    if (seg !== null) {
      // Always: a failed write may have left bytes beyond `size` too.
      await seg.file.truncate(seg.durable);
      seg.size = seg.durable;
    }
    this.repairNeeded = false;
  }

  private async createSegment(): Promise<ActiveSegment> {
    const index = this.nextIndex;
    const path = `${this.st.dir}/${segmentName(index)}`;
    const header = new Uint8Array(SEGMENT_HEADER_BYTES);
    writeSegmentHeader(header);
    let file: WalFile | null = null;
    try {
      file = await this.st.fs.open(path, 'create');
      await writeFully(file, header, 0, header.length, 0);
      if (this.fsyncOnCommit) await this.st.fs.syncDir(this.st.dir);
    } catch (err) {
      await file?.close().catch(() => undefined);
      await this.st.fs.remove(path).catch(() => undefined);
      throw err;
    }
    this.nextIndex = index + 1;
    this.counters.segmentsCreated++;
    const seg = { index, file, size: header.length, durable: header.length };
    this.active = seg;
    return seg;
  }
}

/**
 * The end of the longest run of whole records from `pos` that fits in `room` bytes. A segment
 * holding only its header takes at least one record, however large.
 */
function fitRecords(b: ByteBuf, pos: number, room: number, segSize: number): number {
  let end = pos;
  while (end < b.len) {
    const total = RECORD_HEADER_BYTES + b.dv.getUint32(end + 1, true);
    if (end + total - pos > room && !(end === pos && segSize <= SEGMENT_HEADER_BYTES)) break;
    end += total;
  }
  return end;
}

/** Maps a file-system error of a WAL write to StorageUnavailableError. */
function walWriteError(err: unknown): StorageUnavailableError {
  if (err instanceof StorageUnavailableError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  if (isDiskFull(err)) {
    return new StorageUnavailableError(
      `cannot write the WAL: the disk is full (${errnoCode(err)}); free disk space or lower ` +
        '--storage.tsdb.retention.size',
      true,
      { cause: err },
    );
  }
  return new StorageUnavailableError(`cannot write the WAL: ${msg}`, false, { cause: err });
}
