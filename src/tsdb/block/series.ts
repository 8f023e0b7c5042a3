/**
 * Series entries of the index: a series' labels as references into the label-pair table and its
 * chunk metadata (time range, chunk reference, data length), varint-encoded with deltas and
 * protected by a CRC-32. See docs/format/index.md.
 */
import { ByteReader, ByteWriter } from './encbuf.js';
import { chunkRecordSize } from './chunks.js';
import { checksum } from './fileio.js';

/** Numbers per chunk in a chunk-metadata array: minT, maxT, ref, data length. */
export const CHUNK_META_FIELDS = 4;

/** A decoded series entry. */
export interface SeriesEntry {
  /** The series reference: the index file offset of the entry. */
  readonly ref: number;
  /** Label-pair positions, increasing (pairs are sorted by name, then value). */
  readonly pairs: Uint32Array;
  /** Chunk metadata, `CHUNK_META_FIELDS` numbers per chunk, ordered by time. */
  readonly chunks: Float64Array;
}

/**
 * Appends one series entry. `meta` holds `CHUNK_META_FIELDS` numbers per chunk from `from` to
 * `to` (chunk positions), sorted by time and not overlapping.
 */
export function encodeSeries(
  w: ByteWriter,
  body: ByteWriter,
  pairs: ArrayLike<number>,
  meta: Float64Array,
  from: number,
  to: number,
  blockMinT: number,
): void {
  body.reset();
  body.putUvarint(pairs.length);
  let prev = 0;
  for (let i = 0; i < pairs.length; i++) {
    const p = pairs[i]!;
    if (i > 0 && p <= prev) throw new Error('BUG: label pairs of a series not increasing');
    body.putUvarint(i === 0 ? p : p - prev);
    prev = p;
  }
  body.putUvarint(to - from);
  let prevMaxT = blockMinT;
  let prevEnd = 0;
  for (let c = from; c < to; c++) {
    const o = c * CHUNK_META_FIELDS;
    const minT = meta[o]!;
    const maxT = meta[o + 1]!;
    const ref = meta[o + 2]!;
    const len = meta[o + 3]!;
    body.putVarint(minT - prevMaxT);
    body.putUvarint(maxT - minT);
    body.putUvarint(c === from ? ref : ref - prevEnd);
    body.putUvarint(len);
    prevMaxT = maxT;
    prevEnd = ref + chunkRecordSize(len);
  }
  const bytes = body.bytes();
  w.putUvarint(bytes.length);
  w.putBytes(bytes);
  w.putU32(checksum(bytes));
}

/**
 * Decodes the series entry at the reader's position, checks its checksum and leaves the reader
 * after it. `numPairs` bounds the pair positions.
 */
export function decodeSeries(r: ByteReader, blockMinT: number, numPairs: number): SeriesEntry {
  const ref = r.fileOffset();
  const len = r.uvarint();
  const bodyStart = r.fileOffset();
  const body = r.bytes(len);
  const sum = r.u32();
  if (checksum(body) !== sum) r.failAt(ref, 'series entry checksum mismatch');
  const after = r.pos;
  r.pos -= len + 4;
  const nl = r.uvarint();
  if (nl > len) r.fail(`label count ${nl} exceeds entry size`);
  const pairs = new Uint32Array(nl);
  let p = 0;
  for (let i = 0; i < nl; i++) {
    const d = r.uvarint();
    if (i > 0 && d === 0) r.fail('label pairs not increasing');
    p = i === 0 ? d : p + d;
    if (p >= numPairs) r.fail(`label pair reference ${p} outside table of ${numPairs}`);
    pairs[i] = p;
  }
  const nc = r.uvarint();
  if (nc > len) r.fail(`chunk count ${nc} exceeds entry size`);
  const chunks = new Float64Array(nc * CHUNK_META_FIELDS);
  let prevMaxT = blockMinT;
  let prevEnd = 0;
  for (let c = 0; c < nc; c++) {
    const minT = prevMaxT + r.varint();
    const maxT = minT + r.uvarint();
    const ref = c === 0 ? r.uvarint() : prevEnd + r.uvarint();
    const dlen = r.uvarint();
    const o = c * CHUNK_META_FIELDS;
    chunks[o] = minT;
    chunks[o + 1] = maxT;
    chunks[o + 2] = ref;
    chunks[o + 3] = dlen;
    prevMaxT = maxT;
    prevEnd = ref + chunkRecordSize(dlen);
  }
  if (r.fileOffset() !== bodyStart + len) r.fail('series entry size mismatch');
  r.pos = after;
  return { ref, pairs, chunks };
}
