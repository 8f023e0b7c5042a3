/**
 * Chunk segment files (`chunks/000001`, …): concatenated chunk records, each with its length and
 * a CRC-32. See docs/format/block.md. A chunk reference is `segment * 2^32 + offset`.
 */
import { mkdir, open, readdir, type FileHandle } from 'node:fs/promises';
import { ByteReader, ByteWriter, uvarintSize } from './encbuf.js';
import { CorruptBlockError } from './errors.js';
import {
  BufferedFileWriter,
  READ_CONCURRENCY,
  SyncWindowReader,
  checksum,
  forEachLimit,
  readAt,
} from './fileio.js';

/** Magic number at the start of every segment file ("KSCK"). */
export const CHUNKS_MAGIC = 0x4b53434b;
/** Format version of segment files. */
export const CHUNKS_VERSION = 1;
/** Size of the segment header: magic (4), version (1), padding (3). */
export const SEGMENT_HEADER_SIZE = 8;
/** Default size at which a new segment file is started (512 MiB). */
export const DEFAULT_SEGMENT_SIZE = 512 * 1024 * 1024;
/** Largest allowed segment size: offsets inside a reference are 32 bits. */
const MAX_SEGMENT_SIZE = 0xffff_ffff;
/** 2^32: the multiplier of the segment number inside a chunk reference. */
const REF_SEGMENT_MUL = 0x1_0000_0000;
/** Reads of neighbouring chunks closer than this many bytes are merged into one read. */
const COALESCE_GAP = 16 * 1024;
/** Upper bound of one merged read. */
const MAX_READ_SPAN = 8 * 1024 * 1024;

/** The file name of segment `seq` (1-based, six digits). */
export function segmentName(seq: number): string {
  return String(seq).padStart(6, '0');
}

/** The total size of a chunk record holding `dataLen` bytes of chunk data. */
export function chunkRecordSize(dataLen: number): number {
  return uvarintSize(dataLen) + dataLen + 4;
}

/** Splits a chunk reference into segment number and offset. */
export function splitRef(ref: number): { seq: number; off: number } {
  return { seq: Math.floor(ref / REF_SEGMENT_MUL), off: ref % REF_SEGMENT_MUL };
}

/** Writes chunk records into numbered segment files. Not safe for concurrent use. */
export class ChunkWriter {
  private seq = 0;
  private out: BufferedFileWriter | undefined;
  private readonly head = new ByteWriter(16);
  /** Total bytes written over all segments. */
  bytesWritten = 0;

  private constructor(
    private readonly chunksDir: string,
    private readonly segmentSize: number,
  ) {}

  /** Creates `chunksDir` and prepares to write segments of at most `segmentSize` bytes. */
  static async create(chunksDir: string, segmentSize = DEFAULT_SEGMENT_SIZE): Promise<ChunkWriter> {
    if (segmentSize < 1024 || segmentSize > MAX_SEGMENT_SIZE) {
      throw new RangeError(`cannot use chunk segment size ${segmentSize}: outside [1 KiB, 4 GiB)`);
    }
    await mkdir(chunksDir, { recursive: true });
    return new ChunkWriter(chunksDir, segmentSize);
  }

  private async cut(): Promise<void> {
    if (this.out) await this.out.close();
    this.seq++;
    this.out = await BufferedFileWriter.create(`${this.chunksDir}/${segmentName(this.seq)}`);
    const h = this.head.reset();
    h.putU32(CHUNKS_MAGIC);
    h.putByte(CHUNKS_VERSION);
    h.putByte(0);
    h.putByte(0);
    h.putByte(0);
    await this.out.write(h.bytes());
    this.bytesWritten += SEGMENT_HEADER_SIZE;
  }

  /** Appends one chunk and returns its reference. */
  async write(data: Uint8Array): Promise<number> {
    const size = chunkRecordSize(data.length);
    if (
      !this.out ||
      (this.out.pos + size > this.segmentSize && this.out.pos > SEGMENT_HEADER_SIZE)
    ) {
      await this.cut();
    }
    const out = this.out!;
    const ref = this.seq * REF_SEGMENT_MUL + out.pos;
    const h = this.head.reset();
    h.putUvarint(data.length);
    await out.write(h.bytes());
    await out.write(data);
    h.reset();
    h.putU32(checksum(data));
    await out.write(h.bytes());
    this.bytesWritten += size;
    return ref;
  }

  /** Flushes, fsyncs and closes the current segment. */
  async close(): Promise<void> {
    if (this.out) await this.out.close();
    this.out = undefined;
  }

  /** Closes without flushing after an error. */
  async abort(): Promise<void> {
    if (this.out) await this.out.abort();
    this.out = undefined;
  }
}

/** Checks one record at `start` of `buf` and returns a view of its data. */
function decodeRecord(
  buf: Buffer,
  start: number,
  fileOff: number,
  dataLen: number,
  dir: string,
  file: string,
): Buffer {
  const r = new ByteReader(buf, fileOff - start, { dir, file }, start);
  const len = r.uvarint();
  if (len !== dataLen) r.fail(`chunk length ${len} differs from index (${dataLen})`);
  const data = r.bytes(len);
  const sum = r.u32();
  if (checksum(data) !== sum) {
    throw new CorruptBlockError(dir, file, fileOff, 'chunk checksum mismatch');
  }
  return data;
}

/** Reads chunk records of one block by reference. */
export class ChunkReader {
  private constructor(
    private readonly dir: string,
    private readonly files: ReadonlyMap<number, FileHandle>,
    /** Total size of all segment files in bytes. */
    readonly size: number,
  ) {}

  /** Opens all segment files of the block in `dir` and checks their headers. */
  static async open(dir: string): Promise<ChunkReader> {
    let names: string[];
    try {
      names = (await readdir(`${dir}/chunks`)).filter((n) => /^\d{6}$/.test(n)).sort();
    } catch (err) {
      throw new CorruptBlockError(dir, 'chunks', 0, `cannot list directory: ${String(err)}`, {
        cause: err,
      });
    }
    const files = new Map<number, FileHandle>();
    let size = 0;
    try {
      for (const name of names) {
        const fh = await open(`${dir}/chunks/${name}`, 'r');
        files.set(Number(name), fh);
        size += (await fh.stat()).size;
        const file = `chunks/${name}`;
        const r = new ByteReader(await readAt(fh, 0, SEGMENT_HEADER_SIZE, dir, file), 0, {
          dir,
          file,
        });
        if (r.u32() !== CHUNKS_MAGIC) r.failAt(r.fileOffset() - 4, 'bad magic number');
        const v = r.byte();
        if (v !== CHUNKS_VERSION) r.fail(`unsupported version ${v}`);
      }
    } catch (err) {
      for (const fh of files.values()) await fh.close();
      throw err;
    }
    return new ChunkReader(dir, files, size);
  }

  private file(seq: number, off: number): FileHandle {
    const fh = this.files.get(seq);
    if (!fh) {
      throw new CorruptBlockError(
        this.dir,
        'index',
        0,
        `chunk reference into missing segment ${segmentName(seq)} (offset ${off})`,
      );
    }
    return fh;
  }

  /**
   * Reads chunks given as parallel arrays of references and data lengths (from the index) and
   * returns their data in the same order. Neighbouring records are fetched with one read.
   */
  async readMany(refs: ArrayLike<number>, lens: ArrayLike<number>): Promise<Buffer[]> {
    const n = refs.length;
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => refs[a]! - refs[b]!);
    const out = new Array<Buffer>(n);
    // Group neighbouring records into merged reads, then run a few reads at once.
    const groups: Array<{ from: number; to: number; seq: number; off: number; end: number }> = [];
    let i = 0;
    while (i < n) {
      const first = order[i]!;
      const { seq, off } = splitRef(refs[first]!);
      let end = off + chunkRecordSize(lens[first]!);
      let j = i + 1;
      for (; j < n; j++) {
        const k = order[j]!;
        const next = splitRef(refs[k]!);
        const nextEnd = next.off + chunkRecordSize(lens[k]!);
        if (next.seq !== seq || next.off - end > COALESCE_GAP || nextEnd - off > MAX_READ_SPAN) {
          break;
        }
        end = Math.max(end, nextEnd);
      }
      groups.push({ from: i, to: j, seq, off, end });
      i = j;
    }
    await forEachLimit(groups, READ_CONCURRENCY, async (g) => {
      const file = `chunks/${segmentName(g.seq)}`;
      const buf = await readAt(this.file(g.seq, g.off), g.off, g.end - g.off, this.dir, file);
      for (let x = g.from; x < g.to; x++) {
        const k = order[x]!;
        const o = splitRef(refs[k]!).off;
        out[k] = decodeRecord(buf, o - g.off, o, lens[k]!, this.dir, file);
      }
    });
    return out;
  }

  /** Returns a synchronous sequential reader for compaction scans; close it when done. */
  syncReader(): SyncChunkReader {
    return new SyncChunkReader(this.dir);
  }

  /** Closes all segment files. */
  async close(): Promise<void> {
    for (const fh of this.files.values()) await fh.close();
  }
}

/** Reads chunks synchronously through per-segment read-ahead windows. */
export class SyncChunkReader {
  private readonly readers = new Map<number, SyncWindowReader>();

  constructor(private readonly dir: string) {}

  /** Reads one chunk; the returned bytes are a copy owned by the caller. */
  read(ref: number, dataLen: number): Uint8Array {
    const { seq, off } = splitRef(ref);
    const file = `chunks/${segmentName(seq)}`;
    let r = this.readers.get(seq);
    if (!r) {
      try {
        r = new SyncWindowReader(`${this.dir}/${file}`, this.dir, file);
      } catch (err) {
        throw new CorruptBlockError(
          this.dir,
          'index',
          0,
          `chunk reference into missing segment ${file}`,
          { cause: err },
        );
      }
      this.readers.set(seq, r);
    }
    const buf = r.read(off, chunkRecordSize(dataLen));
    return Uint8Array.prototype.slice.call(decodeRecord(buf, 0, off, dataLen, this.dir, file));
  }

  /** Closes all files. */
  close(): void {
    for (const r of this.readers.values()) r.close();
    this.readers.clear();
  }
}
