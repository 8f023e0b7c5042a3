/**
 * WAL record encoding: framing (kind, length, CRC-32) and the payloads of series, samples and
 * tombstones records. The byte layout is specified in docs/format/wal.md.
 */
import { Labels } from '../../model/index.js';
import {
  ByteBuf,
  Cursor,
  DecodeError,
  MAX_VARINT_BYTES,
  putSvarint,
  putUvarint,
  uvarintSize,
} from './buffer.js';
import { crc32 } from '../../util/index.js';

/** A decoded WAL record. Arrays of a samples record hold exactly `count` entries. */
export type WalRecord =
  | { kind: 'series'; refs: readonly number[]; labels: readonly Labels[] }
  | { kind: 'samples'; count: number; refs: Uint32Array; ts: Float64Array; vs: Float64Array }
  | {
      kind: 'tombstones';
      refs: readonly number[];
      mint: readonly number[];
      maxt: readonly number[];
    };

/** The kind of a WAL record. */
export type WalRecordKind = WalRecord['kind'];

/** Record kind bytes on disk. 0 is never valid, so zero-filled space reads as corruption. */
export const KIND_SERIES = 1;
/** Record kind byte of samples records. */
export const KIND_SAMPLES = 2;
/** Record kind byte of tombstones records. */
export const KIND_TOMBSTONES = 3;

/** Bytes of the record header: kind (1), payload length (4), CRC-32 (4). */
export const RECORD_HEADER_BYTES = 9;
/** Largest payload a reader accepts (a guard against corrupt length fields). */
export const MAX_PAYLOAD_BYTES = 256 * 1024 * 1024;

/** Samples per samples record; bounds record size (about 23 bytes per sample at most). */
export const SAMPLES_PER_RECORD = 8192;
/** Series per series record. */
export const SERIES_PER_RECORD = 1024;
/** Tombstones per tombstones record. */
export const TOMBSTONES_PER_RECORD = 8192;

/** Largest timestamp delta kept as a varint; larger ones switch the record to raw timestamps. */
const MAX_T_DELTA = 2 ** 52;
/** Samples payload flag: timestamps are stored as raw float64 instead of varint deltas. */
const FLAG_RAW_TIMESTAMPS = 1;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Starts a record at `b.len`; returns the payload start. Reserves header + `maxPayload`. */
function begin(b: ByteBuf, maxPayload: number): number {
  b.reserve(RECORD_HEADER_BYTES + maxPayload);
  return b.len + RECORD_HEADER_BYTES;
}

/** Writes the header of the record starting at `b.len` and commits it (payload ends at `end`). */
function finish(b: ByteBuf, kind: number, end: number): void {
  const start = b.len;
  const buf = b.buf;
  buf[start] = kind;
  b.dv.setUint32(start + 1, end - start - RECORD_HEADER_BYTES, true);
  const crc = crc32(buf, start + RECORD_HEADER_BYTES, end, crc32(buf, start, start + 5, 0));
  b.dv.setUint32(start + 5, crc, true);
  b.len = end;
}

function checkRef(ref: number): void {
  if (!Number.isSafeInteger(ref) || ref < 0) {
    throw new RangeError(`cannot log to the WAL: series ref ${ref} is not a non-negative integer`);
  }
}

/** Appends series records (one per SERIES_PER_RECORD series) for `refs[i]` ↔ `labels[i]`. */
export function encodeSeries(b: ByteBuf, refs: readonly number[], labels: readonly Labels[]): void {
  if (refs.length !== labels.length) {
    throw new RangeError(
      `cannot log series to the WAL: ${refs.length} refs but ${labels.length} label sets`,
    );
  }
  for (let from = 0; from < refs.length; from += SERIES_PER_RECORD) {
    const to = Math.min(refs.length, from + SERIES_PER_RECORD);
    let size = MAX_VARINT_BYTES;
    for (let i = from; i < to; i++) {
      checkRef(refs[i]!);
      const flat = labels[i]!.flat;
      size += 2 * MAX_VARINT_BYTES;
      for (const s of flat) size += MAX_VARINT_BYTES + Buffer.byteLength(s, 'utf8');
    }
    let p = begin(b, size);
    const buf = b.buf;
    p = putUvarint(buf, p, to - from);
    for (let i = from; i < to; i++) {
      const flat = labels[i]!.flat;
      p = putUvarint(buf, p, refs[i]!);
      p = putUvarint(buf, p, flat.length >> 1);
      for (const s of flat) {
        const lenPos = p;
        // Reserve one byte for the length; move the text when the length needs more.
        const n = buf.write(s, lenPos + 1, 'utf8');
        if (n < 0x80) {
          buf[lenPos] = n;
          p = lenPos + 1 + n;
        } else {
          const k = uvarintSize(n); // the text moves to make room for a longer length
          buf.copyWithin(lenPos + k, lenPos + 1, lenPos + 1 + n);
          putUvarint(buf, lenPos, n);
          p = lenPos + k + n;
        }
      }
    }
    finish(b, KIND_SERIES, p);
  }
}

/**
 * Appends samples records for the first `count` entries of the arrays. Timestamps are integer
 * milliseconds; values are copied bit for bit (NaN payloads such as staleness markers survive).
 */
export function encodeSamples(
  b: ByteBuf,
  refs: Uint32Array,
  ts: Float64Array,
  vs: Float64Array,
  count: number,
): void {
  if (count > refs.length || count > ts.length || count > vs.length) {
    throw new RangeError(`cannot log samples to the WAL: count ${count} exceeds the arrays`);
  }
  for (let from = 0; from < count; from += SAMPLES_PER_RECORD) {
    const to = Math.min(count, from + SAMPLES_PER_RECORD);
    if (!encodeSamplesRecord(b, refs, ts, vs, from, to, false)) {
      encodeSamplesRecord(b, refs, ts, vs, from, to, true);
    }
  }
}

/** Encodes one samples record; returns false (nothing committed) when a raw timestamp is needed. */
function encodeSamplesRecord(
  b: ByteBuf,
  refs: Uint32Array,
  ts: Float64Array,
  vs: Float64Array,
  from: number,
  to: number,
  rawTs: boolean,
): boolean {
  const n = to - from;
  let p = begin(b, 1 + 2 * MAX_VARINT_BYTES + 8 + n * (2 * MAX_VARINT_BYTES + 16));
  const buf = b.buf;
  buf[p++] = rawTs ? FLAG_RAW_TIMESTAMPS : 0;
  p = putUvarint(buf, p, n);
  const baseRef = refs[from]!;
  const baseT = ts[from]!;
  p = putUvarint(buf, p, baseRef);
  b.dv.setFloat64(p, baseT, true);
  p += 8;
  if (rawTs) {
    for (let i = from; i < to; i++) p = putSvarint(buf, p, refs[i]! - baseRef);
    p = copyF64(b, p, ts, from, to);
  } else {
    for (let i = from; i < to; i++) {
      p = putSvarint(buf, p, refs[i]! - baseRef);
      const t = ts[i]!;
      const d = t - baseT;
      // Exact integer deltas only: a rounded subtraction would change the timestamp.
      if (!(d <= MAX_T_DELTA && d >= -MAX_T_DELTA) || d !== Math.floor(d) || baseT + d !== t) {
        return false;
      }
      p = putSvarint(buf, p, d);
    }
  }
  p = copyF64(b, p, vs, from, to);
  finish(b, KIND_SAMPLES, p);
  return true;
}

/** Copies float64s bit for bit as little-endian bytes into `b.buf` at `p`. */
function copyF64(b: ByteBuf, p: number, src: Float64Array, from: number, to: number): number {
  if (LITTLE_ENDIAN) {
    b.buf.set(new Uint8Array(src.buffer, src.byteOffset + from * 8, (to - from) * 8), p);
    return p + (to - from) * 8;
  }
  for (let i = from; i < to; i++, p += 8) b.dv.setFloat64(p, src[i]!, true);
  return p;
}

/** Appends tombstones records: series `refs[i]` has samples in [mint[i], maxt[i]] deleted. */
export function encodeTombstones(
  b: ByteBuf,
  refs: readonly number[],
  mint: readonly number[],
  maxt: readonly number[],
): void {
  if (refs.length !== mint.length || refs.length !== maxt.length) {
    throw new RangeError('cannot log tombstones to the WAL: refs, mint and maxt differ in length');
  }
  for (let from = 0; from < refs.length; from += TOMBSTONES_PER_RECORD) {
    const to = Math.min(refs.length, from + TOMBSTONES_PER_RECORD);
    for (let i = from; i < to; i++) checkRef(refs[i]!);
    let p = begin(b, MAX_VARINT_BYTES + (to - from) * (MAX_VARINT_BYTES + 16));
    p = putUvarint(b.buf, p, to - from);
    for (let i = from; i < to; i++) {
      p = putUvarint(b.buf, p, refs[i]!);
      b.dv.setFloat64(p, mint[i]!, true);
      b.dv.setFloat64(p + 8, maxt[i]!, true);
      p += 16;
    }
    finish(b, KIND_TOMBSTONES, p);
  }
}

/**
 * Checks the framing of the record at `buf[start…]` with `avail` bytes available. Returns the
 * record's total length, 0 when more bytes are needed (`need` tells how many in total), or a
 * negative number when the bytes cannot be a valid record (bad kind, length or checksum).
 */
export function checkRecord(buf: Buffer, dv: DataView, start: number, avail: number): number {
  if (avail < RECORD_HEADER_BYTES) return 0;
  const kind = buf[start]!;
  if (kind !== KIND_SERIES && kind !== KIND_SAMPLES && kind !== KIND_TOMBSTONES) return -1;
  const len = dv.getUint32(start + 1, true);
  if (len > MAX_PAYLOAD_BYTES) return -1;
  const total = RECORD_HEADER_BYTES + len;
  if (avail < total) return 0;
  const want = dv.getUint32(start + 5, true);
  const got = crc32(
    buf,
    start + RECORD_HEADER_BYTES,
    start + total,
    crc32(buf, start, start + 5, 0),
  );
  return got === want ? total : -2;
}

/** The total length a record header at `buf[start…]` announces (header included). */
export function announcedLength(dv: DataView, start: number): number {
  return RECORD_HEADER_BYTES + dv.getUint32(start + 1, true);
}

/**
 * Decodes checked records. The samples record object and its arrays are reused: they are valid
 * only until the next `decode` call. Series and tombstones records are fresh objects.
 */
export class RecordDecoder {
  private readonly cur = new Cursor();
  private refs = new Uint32Array(SAMPLES_PER_RECORD);
  private ts = new Float64Array(SAMPLES_PER_RECORD);
  private vs = new Float64Array(SAMPLES_PER_RECORD);
  private readonly samples = {
    kind: 'samples' as const,
    count: 0,
    refs: this.refs,
    ts: this.ts,
    vs: this.vs,
  };

  /** Decodes the record at `buf[start, start + total)` (already checked by `checkRecord`). */
  decode(buf: Buffer, dv: DataView, start: number, total: number): WalRecord {
    const c = this.cur.reset(buf, dv, start + RECORD_HEADER_BYTES, start + total);
    const kind = buf[start];
    let rec: WalRecord;
    if (kind === KIND_SERIES) rec = decodeSeries(c);
    else if (kind === KIND_SAMPLES) rec = this.decodeSamples(c);
    else if (kind === KIND_TOMBSTONES) rec = decodeTombstones(c);
    else throw new DecodeError(`unknown record kind ${kind}`);
    if (c.pos !== c.end) throw new DecodeError('record has trailing bytes');
    return rec;
  }

  private decodeSamples(c: Cursor): WalRecord {
    const flags = c.u8();
    const n = c.uvarint();
    if (n > this.refs.length) {
      this.refs = new Uint32Array(n);
      this.ts = new Float64Array(n);
      this.vs = new Float64Array(n);
    }
    const refs = this.refs;
    const ts = this.ts;
    const baseRef = c.uvarint();
    const baseT = c.f64();
    const rawTs = (flags & FLAG_RAW_TIMESTAMPS) !== 0;
    for (let i = 0; i < n; i++) {
      const ref = baseRef + c.svarint();
      if (ref < 0 || ref > 0xffffffff) throw new DecodeError('sample ref out of range');
      refs[i] = ref;
      if (!rawTs) ts[i] = baseT + c.svarint();
    }
    if (rawTs) readF64(c, ts, n);
    readF64(c, this.vs, n);
    const s = this.samples;
    s.count = n;
    s.refs = refs.subarray(0, n);
    s.ts = ts.subarray(0, n);
    s.vs = this.vs.subarray(0, n);
    return s;
  }
}

function readF64(c: Cursor, dst: Float64Array, n: number): void {
  c.need(n * 8);
  if (LITTLE_ENDIAN) {
    new Uint8Array(dst.buffer, dst.byteOffset, n * 8).set(c.buf.subarray(c.pos, c.pos + n * 8));
    c.pos += n * 8;
    return;
  }
  for (let i = 0; i < n; i++) dst[i] = c.f64();
}

function decodeSeries(c: Cursor): WalRecord {
  const n = c.uvarint();
  const refs: number[] = [];
  const labels: Labels[] = [];
  for (let i = 0; i < n; i++) {
    refs.push(c.uvarint());
    const nl = c.uvarint();
    const flat: string[] = [];
    for (let j = 0; j < 2 * nl; j++) flat.push(c.utf8(c.uvarint()));
    labels.push(Labels.fromSortedFlat(flat));
  }
  return { kind: 'series', refs, labels };
}

function decodeTombstones(c: Cursor): WalRecord {
  const n = c.uvarint();
  const refs: number[] = [];
  const mint: number[] = [];
  const maxt: number[] = [];
  for (let i = 0; i < n; i++) {
    refs.push(c.uvarint());
    mint.push(c.f64());
    maxt.push(c.f64());
  }
  return { kind: 'tombstones', refs, mint, maxt };
}
