/**
 * WAL segment files: names, the 8-byte header, and a scanner that reads a segment's records in
 * order and reports where the valid part ends.
 */
import { DecodeError } from './buffer.js';
import type { WalFs } from './fs.js';
import { RECORD_HEADER_BYTES, RecordDecoder, announcedLength, checkRecord } from './record.js';
import type { WalRecord } from './record.js';

/** Bytes of the segment header: magic "KWAL", format version, three reserved zero bytes. */
export const SEGMENT_HEADER_BYTES = 8;
/** The current segment format version. */
export const SEGMENT_VERSION = 1;
const MAGIC = [0x4b, 0x57, 0x41, 0x4c]; // "KWAL"

/** Digits of a segment file name. */
const NAME_DIGITS = 8;

/** The file name of segment `index`: its number zero-padded to 8 digits. */
export function segmentName(index: number): string {
  return String(index).padStart(NAME_DIGITS, '0');
}

/** The segment index a file name stands for, or -1 when it is not a segment name. */
export function parseSegmentName(name: string): number {
  return /^\d{8,}$/.test(name) ? Number(name) : -1;
}

/** The directory name of the checkpoint that covers segments up to `index`. */
export function checkpointName(index: number): string {
  return `checkpoint.${segmentName(index)}`;
}

/** The segment index a checkpoint directory name stands for, or -1. */
export function parseCheckpointName(name: string): number {
  const m = /^checkpoint\.(\d{8,})$/.exec(name);
  return m ? Number(m[1]) : -1;
}

/** Writes the segment header into `buf[0, 8)`. */
export function writeSegmentHeader(buf: Uint8Array): void {
  buf.set(MAGIC, 0);
  buf[4] = SEGMENT_VERSION;
  buf[5] = buf[6] = buf[7] = 0;
}

/** A problem found while scanning a segment: the valid part ends at `offset`. */
export interface ScanProblem {
  readonly offset: number;
  readonly reason: string;
}

/** The outcome of scanning one segment file. */
export interface ScanResult {
  /** Bytes of the file that hold the header and valid records. */
  readonly validBytes: number;
  /** The file size when the scan started. */
  readonly fileBytes: number;
  /** Valid records read. */
  readonly records: number;
  /** Why the scan stopped before the end of the file, or null when all of it is valid. */
  readonly problem: ScanProblem | null;
}

/** Read size of the scanner; records larger than this grow its buffer. */
const READ_CHUNK = 1024 * 1024;

/**
 * Reads a segment (or checkpoint file) and calls `onRecord` for every valid record, in order,
 * until the end of the file or the first invalid byte. The record passed may be reused by the
 * next call (see `RecordDecoder`). Errors thrown by `onRecord` propagate. `afterChunk`, when
 * given, is awaited after each chunk of records (for example to write out what they produced).
 */
export async function scanSegment(
  fs: WalFs,
  path: string,
  decoder: RecordDecoder,
  onRecord: (rec: WalRecord) => void,
  afterChunk?: () => Promise<void>,
): Promise<ScanResult> {
  const f = await fs.open(path, 'read');
  try {
    const size = await f.size();
    let buf = Buffer.allocUnsafe(Math.min(READ_CHUNK, Math.max(size, SEGMENT_HEADER_BYTES)));
    let dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const done = (validBytes: number, records: number, problem: ScanProblem | null) => ({
      validBytes,
      fileBytes: size,
      records,
      problem,
    });
    if (size < SEGMENT_HEADER_BYTES) {
      return done(0, 0, { offset: 0, reason: `segment header is cut short (${size} bytes)` });
    }
    await readFully(f.read.bind(f), buf, 0, SEGMENT_HEADER_BYTES, 0);
    if (!headerValid(buf)) return done(0, 0, { offset: 0, reason: 'bad segment header' });

    let limit = size; // bytes of the file to read
    let base = SEGMENT_HEADER_BYTES; // file offset of buf[0]
    let s = 0; // start of the unread window in buf
    let e = 0; // end of the bytes in buf
    let records = 0;
    for (;;) {
      const r = checkRecord(buf, dv, s, e - s);
      if (r > 0) {
        let rec: WalRecord;
        try {
          rec = decoder.decode(buf, dv, s, r);
        } catch (err) {
          if (!(err instanceof DecodeError)) throw err;
          return done(base + s, records, { offset: base + s, reason: err.message });
        }
        onRecord(rec);
        s += r;
        records++;
        continue;
      }
      if (r < 0) {
        const reason = r === -1 ? 'invalid record header' : 'record checksum mismatch';
        return done(base + s, records, { offset: base + s, reason });
      }
      // Need more bytes: compact the window and read on.
      if (afterChunk !== undefined) await afterChunk();
      const filePos = base + e;
      if (filePos >= limit) {
        if (s === e) return done(base + s, records, null);
        return done(base + s, records, { offset: base + s, reason: 'record is cut short' });
      }
      const need = e - s >= RECORD_HEADER_BYTES ? announcedLength(dv, s) : RECORD_HEADER_BYTES;
      if (s > 0) {
        buf.copyWithin(0, s, e);
        base += s;
        e -= s;
        s = 0;
      }
      if (need > buf.length) {
        const nb = Buffer.allocUnsafe(Math.min(Math.max(need, buf.length * 2), size));
        buf.copy(nb, 0, 0, e);
        buf = nb;
        dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
      }
      const want = Math.min(buf.length - e, limit - filePos);
      const got = await readFully(f.read.bind(f), buf, e, want, filePos);
      if (got < want) limit = filePos + got; // the file shrank while being read
      e += got;
    }
  } finally {
    await f.close();
  }
}

function headerValid(buf: Uint8Array): boolean {
  for (let i = 0; i < MAGIC.length; i++) if (buf[i] !== MAGIC[i]) return false;
  return buf[4] === SEGMENT_VERSION;
}

type ReadFn = (buf: Uint8Array, off: number, len: number, pos: number) => Promise<number>;

/** Reads until `len` bytes arrived or the file ended; returns the bytes read. */
async function readFully(read: ReadFn, buf: Uint8Array, off: number, len: number, pos: number) {
  let got = 0;
  while (got < len) {
    const n = await read(buf, off + got, len - got, pos + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}
