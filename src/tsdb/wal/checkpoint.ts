/**
 * Checkpoints: a compacted copy of the previous checkpoint and a range of segments, keeping
 * only what the head still needs, so replay time stays bounded.
 */
import type { Labels } from '../../model/index.js';
import { ByteBuf } from './buffer.js';
import { writeFully } from './fs.js';
import type { WalFile } from './fs.js';
import { RecordDecoder, encodeSamples, encodeSeries, encodeTombstones } from './record.js';
import type { WalRecord } from './record.js';
import type { WalDirState } from './replay.js';
import { WalCorruptionError } from './errors.js';
import {
  SEGMENT_HEADER_BYTES,
  checkpointName,
  scanSegment,
  segmentName,
  writeSegmentHeader,
} from './segment.js';

/** What a checkpoint keeps. */
export interface CheckpointFilter {
  keepSeries(ref: number): boolean;
  keepSample(ref: number, t: number): boolean;
}

/** Buffered bytes at which the checkpoint writer writes to its file. */
const WRITE_CHUNK = 1024 * 1024;

/** Writes checkpoint files (same format as segments) into a directory, rolling over by size. */
class CheckpointWriter {
  readonly buf = new ByteBuf(2 * WRITE_CHUNK);
  private file: WalFile | null = null;
  private fileIndex = 0;
  private fileSize = 0;
  /** Bytes written to all files. */
  total = 0;

  constructor(
    private readonly st: WalDirState,
    private readonly dir: string,
    private readonly segmentBytes: number,
  ) {}

  async maybeWrite(): Promise<void> {
    if (this.buf.len >= WRITE_CHUNK) await this.write();
  }

  async write(): Promise<void> {
    if (this.buf.len === 0) return;
    if (this.file !== null && this.fileSize + this.buf.len > this.segmentBytes)
      await this.closeFile();
    if (this.file === null) {
      this.fileIndex++;
      this.file = await this.st.fs.open(`${this.dir}/${segmentName(this.fileIndex)}`, 'create');
      const header = new Uint8Array(SEGMENT_HEADER_BYTES);
      writeSegmentHeader(header);
      await writeFully(this.file, header, 0, header.length, 0);
      this.fileSize = SEGMENT_HEADER_BYTES;
    }
    await writeFully(this.file, this.buf.buf, 0, this.buf.len, this.fileSize);
    this.fileSize += this.buf.len;
    this.buf.reset();
  }

  async closeFile(): Promise<void> {
    if (this.file === null) return;
    const f = this.file;
    this.file = null;
    this.total += this.fileSize;
    try {
      await f.datasync();
    } finally {
      await f.close();
    }
  }

  async abort(): Promise<void> {
    await this.file?.close().catch(() => undefined);
    this.file = null;
  }
}

/** Scratch arrays for filtered samples, grown on demand. */
class SampleScratch {
  refs = new Uint32Array(1024);
  ts = new Float64Array(1024);
  vs = new Float64Array(1024);

  ensure(n: number): void {
    if (n <= this.refs.length) return;
    this.refs = new Uint32Array(n);
    this.ts = new Float64Array(n);
    this.vs = new Float64Array(n);
  }
}

/** Re-encodes the kept part of `rec` into `b`. */
function filterRecord(rec: WalRecord, f: CheckpointFilter, b: ByteBuf, s: SampleScratch): void {
  switch (rec.kind) {
    case 'series': {
      const refs: number[] = [];
      const labels: Labels[] = [];
      for (let i = 0; i < rec.refs.length; i++) {
        if (f.keepSeries(rec.refs[i]!)) {
          refs.push(rec.refs[i]!);
          labels.push(rec.labels[i]!);
        }
      }
      if (refs.length > 0) encodeSeries(b, refs, labels);
      return;
    }
    case 'samples': {
      s.ensure(rec.count);
      let n = 0;
      for (let i = 0; i < rec.count; i++) {
        if (!f.keepSample(rec.refs[i]!, rec.ts[i]!)) continue;
        s.refs[n] = rec.refs[i]!;
        s.ts[n] = rec.ts[i]!;
        s.vs[n] = rec.vs[i]!;
        n++;
      }
      if (n > 0) encodeSamples(b, s.refs, s.ts, s.vs, n);
      return;
    }
    case 'tombstones': {
      const refs: number[] = [];
      const mint: number[] = [];
      const maxt: number[] = [];
      for (let i = 0; i < rec.refs.length; i++) {
        const ref = rec.refs[i]!;
        if (f.keepSeries(ref) && f.keepSample(ref, rec.maxt[i]!)) {
          refs.push(ref);
          mint.push(rec.mint[i]!);
          maxt.push(rec.maxt[i]!);
        }
      }
      if (refs.length > 0) encodeTombstones(b, refs, mint, maxt);
      return;
    }
  }
}

/**
 * Writes `checkpoint.<through>` from the current checkpoint and the closed segments up to
 * `through`, makes it durable and visible, then removes what it replaces. On failure nothing
 * visible changes (the temporary directory is removed). Returns the checkpoint's size.
 */
export async function writeCheckpoint(
  st: WalDirState,
  segmentBytes: number,
  through: number,
  filter: CheckpointFilter,
): Promise<{ bytes: number }> {
  const name = checkpointName(through);
  const tmp = `${st.dir}/${name}.tmp`;
  await st.fs.remove(tmp);
  await st.fs.mkdir(tmp);
  const w = new CheckpointWriter(st, tmp, segmentBytes);
  const decoder = new RecordDecoder();
  const scratch = new SampleScratch();
  const sources: string[] = [];
  if (st.checkpoint >= 0) {
    const ckDir = `${st.dir}/${checkpointName(st.checkpoint)}`;
    const files = (await st.fs.readdir(ckDir)).filter((n) => /^\d{8,}$/.test(n)).sort();
    for (const f of files) sources.push(`${ckDir}/${f}`);
  }
  const segs = [...st.segments.keys()].filter((i) => i <= through).sort((a, b) => a - b);
  for (const i of segs) sources.push(`${st.dir}/${segmentName(i)}`);
  try {
    for (const src of sources) {
      const res = await scanSegment(
        st.fs,
        src,
        decoder,
        (rec) => {
          filterRecord(rec, filter, w.buf, scratch);
        },
        () => w.maybeWrite(),
      );
      if (res.problem !== null) {
        throw new WalCorruptionError(src, res.problem.offset, res.problem.reason);
      }
      await w.maybeWrite();
    }
    await w.write();
    await w.closeFile();
    await st.fs.syncDir(tmp);
    await st.fs.rename(tmp, `${st.dir}/${name}`);
    await st.fs.syncDir(st.dir);
  } catch (err) {
    await w.abort();
    await st.fs.remove(tmp).catch(() => undefined);
    throw err;
  }
  // The new checkpoint is durable: drop what it replaces.
  const oldCheckpoint = st.checkpoint;
  st.checkpoint = through;
  for (const i of segs) st.segments.delete(i);
  try {
    for (const i of segs) await st.fs.remove(`${st.dir}/${segmentName(i)}`);
    if (oldCheckpoint >= 0) await st.fs.remove(`${st.dir}/${checkpointName(oldCheckpoint)}`);
  } catch (err) {
    // Leftovers are removed the next time the WAL is opened.
    st.logger.warn('cannot remove WAL files replaced by a checkpoint', { err });
  }
  st.logger.info('WAL checkpoint written', {
    checkpoint: name,
    segments: segs.length,
    bytes: w.total,
  });
  return { bytes: w.total };
}
