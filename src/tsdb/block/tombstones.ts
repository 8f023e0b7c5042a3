/**
 * Tombstones: per series, sorted and merged inclusive time intervals of deleted samples, stored
 * in the block's `tombstones` file (replaced atomically on every change).
 */
import { readFile } from 'node:fs/promises';
import { ByteReader, ByteWriter } from './encbuf.js';
import { checksum, writeFileAtomic } from './fileio.js';

/** Name of the tombstones file inside a block directory. */
export const TOMBSTONES_FILE = 'tombstones';
/** Magic number at the start of the tombstones file ("KSTB"). */
export const TOMBSTONES_MAGIC = 0x4b535442;
/** Format version of the tombstones file. */
export const TOMBSTONES_VERSION = 1;

/**
 * Deleted intervals of one series as a flat `[minT0, maxT0, minT1, maxT1, …]` array (ms,
 * inclusive), sorted, non-overlapping and non-adjacent.
 */
export type Intervals = readonly number[];

/** Adds `[mint, maxt]` to sorted merged intervals and returns the new merged intervals. */
export function addInterval(iv: Intervals, mint: number, maxt: number): number[] {
  const out: number[] = [];
  let placed = false;
  let lo = mint;
  let hi = maxt;
  for (let i = 0; i < iv.length; i += 2) {
    const a = iv[i]!;
    const b = iv[i + 1]!;
    if (b + 1 < lo) {
      out.push(a, b);
    } else if (a > hi + 1) {
      if (!placed) out.push(lo, hi);
      placed = true;
      out.push(a, b);
    } else {
      lo = Math.min(lo, a);
      hi = Math.max(hi, b);
    }
  }
  if (!placed) out.push(lo, hi);
  return out;
}

/** Whether `t` falls in one of the intervals. */
export function isDeleted(iv: Intervals, t: number): boolean {
  for (let i = 0; i < iv.length; i += 2) {
    if (t < iv[i]!) return false;
    if (t <= iv[i + 1]!) return true;
  }
  return false;
}

/** Whether the intervals cover all of `[mint, maxt]`. */
export function covers(iv: Intervals, mint: number, maxt: number): boolean {
  for (let i = 0; i < iv.length; i += 2) if (iv[i]! <= mint && maxt <= iv[i + 1]!) return true;
  return false;
}

/** Whether some interval overlaps `[mint, maxt]`. */
export function overlaps(iv: Intervals, mint: number, maxt: number): boolean {
  for (let i = 0; i < iv.length; i += 2) if (iv[i]! <= maxt && mint <= iv[i + 1]!) return true;
  return false;
}

/** Encodes tombstones keyed by series reference. */
export function encodeTombstones(ts: ReadonlyMap<number, Intervals>): Buffer {
  const w = new ByteWriter(256);
  w.putU32(TOMBSTONES_MAGIC);
  w.putByte(TOMBSTONES_VERSION);
  w.putByte(0);
  w.putByte(0);
  w.putByte(0);
  const refs = [...ts.keys()].sort((a, b) => a - b);
  w.putUvarint(refs.length);
  let prevRef = 0;
  for (const ref of refs) {
    const iv = ts.get(ref)!;
    w.putUvarint(ref - prevRef);
    prevRef = ref;
    w.putUvarint(iv.length / 2);
    let prev = 0;
    for (let i = 0; i < iv.length; i += 2) {
      w.putVarint(iv[i]! - prev);
      w.putUvarint(iv[i + 1]! - iv[i]!);
      prev = iv[i + 1]!;
    }
  }
  w.putU32(checksum(w.bytes().subarray(8)));
  return Buffer.from(w.bytes());
}

/** Reads the tombstones of the block in `dir`; a missing file means none. */
export async function readTombstones(dir: string): Promise<Map<number, Intervals>> {
  let buf: Buffer;
  try {
    buf = await readFile(`${dir}/${TOMBSTONES_FILE}`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw err;
  }
  return decodeTombstones(buf, dir);
}

/** Decodes the contents of a tombstones file of the block in `dir`. */
export function decodeTombstones(buf: Buffer, dir: string): Map<number, Intervals> {
  const r = new ByteReader(buf, 0, { dir, file: TOMBSTONES_FILE }, 0, Math.max(0, buf.length - 4));
  if (r.u32() !== TOMBSTONES_MAGIC) r.failAt(r.fileOffset() - 4, 'bad magic number');
  const v = r.byte();
  if (v !== TOMBSTONES_VERSION) r.fail(`unsupported version ${v}`);
  r.pos = 8;
  if (checksum(buf.subarray(8, buf.length - 4)) !== buf.readUInt32BE(buf.length - 4)) {
    r.fail('tombstones checksum mismatch');
  }
  const out = new Map<number, Intervals>();
  const n = r.uvarint();
  let ref = 0;
  for (let s = 0; s < n; s++) {
    ref += r.uvarint();
    const k = r.uvarint();
    if (k * 2 > r.remaining()) r.fail(`interval count ${k} exceeds file size`);
    const iv: number[] = [];
    let prev = 0;
    for (let i = 0; i < k; i++) {
      const a = prev + r.varint();
      const b = a + r.uvarint();
      iv.push(a, b);
      prev = b;
    }
    out.set(ref, iv);
  }
  if (r.remaining() !== 0) r.fail('trailing bytes in tombstones');
  return out;
}

/** Writes the tombstones of the block in `dir` atomically. */
export async function writeTombstones(
  dir: string,
  ts: ReadonlyMap<number, Intervals>,
): Promise<number> {
  const data = encodeTombstones(ts);
  await writeFileAtomic(dir, TOMBSTONES_FILE, data);
  return data.length;
}
