import {
  closeSync,
  existsSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { crc32, type Logger } from '../../util/index.js';

/**
 * A durable FIFO of records on disk: numbered segment files of
 * `[u32 length][u32 crc32][u32 samples][payload]` records, and a cursor file naming the first
 * record not yet acknowledged. A torn tail (crash mid-write) is cut off at open; acknowledged
 * segments are deleted; a byte budget drops the oldest records first (counted).
 *
 * Single owner; all I/O is synchronous and small (records are batches, not samples).
 */
export class QueueFile {
  private segments: number[] = [];
  private fd = -1;
  private writeSeg = 0;
  private writeOff = 0;
  /** Read position: the first unacknowledged record. */
  private readSeg = 0;
  private readOff = 0;
  private bytes = 0;
  /** Unacknowledged samples (counted once at open, then kept up to date). */
  private pendingSamples = 0;
  /** A corrupt record was skipped: recount pending samples at the next ack. */
  private recount = false;
  /** Samples dropped by the byte budget since open. */
  dropped = 0;

  private cursorFd = -1;
  private readonly cursorBuf = Buffer.alloc(CURSOR_BYTES);
  private lastSync = 0;
  private syncTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly dir: string,
    private readonly segmentBytes: number,
    private readonly budgetBytes: number,
    private readonly logger: Logger,
    private readonly syncIntervalMs: number,
  ) {}

  /**
   * Opens (or creates) the queue in `dir`, repairing a torn tail. `syncIntervalMs` (default 0):
   * `sync()` calls fsync at most this often; a call within the interval schedules one fsync at
   * its end instead. Written records survive a crash of the process either way; the interval
   * bounds what an operating-system crash or power loss can take.
   */
  static open(
    dir: string,
    opts: { segmentBytes: number; budgetBytes: number; logger: Logger; syncIntervalMs?: number },
  ): QueueFile {
    mkdirSync(dir, { recursive: true });
    const q = new QueueFile(
      dir,
      opts.segmentBytes,
      opts.budgetBytes,
      opts.logger,
      opts.syncIntervalMs ?? 0,
    );
    q.load();
    return q;
  }

  private segPath(n: number): string {
    return path.join(this.dir, `${String(n).padStart(8, '0')}.seg`);
  }

  private load(): void {
    this.segments = readdirSync(this.dir)
      .filter((f) => /^\d{8}\.seg$/.test(f))
      .map((f) => Number(f.slice(0, 8)))
      .sort((a, b) => a - b);
    const cursorFile = path.join(this.dir, 'cursor');
    if (existsSync(cursorFile)) {
      const m = /^(\d+) (\d+)$/.exec(readFileSync(cursorFile, 'utf8').trim());
      if (m) {
        this.readSeg = Number(m[1]);
        this.readOff = Number(m[2]);
      }
    }
    // Drop segments before the cursor (acknowledged but not yet deleted).
    for (const s of [...this.segments]) if (s < this.readSeg) this.removeSegment(s);
    if (this.segments.length === 0) this.segments = [Math.max(1, this.readSeg)];
    if (this.readSeg < this.segments[0]!) {
      this.readSeg = this.segments[0]!;
      this.readOff = 0;
    }
    const last = this.segments[this.segments.length - 1]!;
    // Validate the last segment and cut a torn tail.
    const p = this.segPath(last);
    const good = existsSync(p) ? validLength(readFileSync(p)) : 0;
    if (existsSync(p) && statSync(p).size !== good) {
      this.logger.warn('remote-write queue: cutting a torn tail', { segment: p, kept_bytes: good });
    }
    this.fd = openSync(p, existsSync(p) ? 'r+' : 'w+');
    ftruncateSync(this.fd, good);
    this.writeSeg = last;
    this.writeOff = good;
    this.bytes = this.segments.reduce(
      (n, s) => n + (existsSync(this.segPath(s)) ? statSync(this.segPath(s)).size : 0),
      0,
    );
    this.pendingSamples = this.countPending();
  }

  /** Appends a record; returns once written (call `sync()` to make it durable). */
  append(payload: Uint8Array, samples: number): void {
    if (this.writeOff > 0 && this.writeOff + payload.length + 12 > this.segmentBytes) this.cut();
    const head = Buffer.alloc(12);
    head.writeUInt32LE(payload.length, 0);
    head.writeUInt32LE(crc32(payload, 0, payload.length, 0), 4);
    head.writeUInt32LE(samples, 8);
    writeSync(this.fd, head, 0, 12, this.writeOff);
    writeSync(this.fd, payload, 0, payload.length, this.writeOff + 12);
    this.writeOff += 12 + payload.length;
    this.bytes += 12 + payload.length;
    this.pendingSamples += samples;
    this.enforceBudget();
  }

  /** Makes appended records durable (at most every `syncIntervalMs`; see `open`). */
  sync(): void {
    const now = Date.now();
    if (this.syncIntervalMs <= 0 || now - this.lastSync >= this.syncIntervalMs) {
      this.lastSync = now;
      fsyncSync(this.fd);
      return;
    }
    this.syncTimer ??= setTimeout(
      () => {
        this.syncTimer = undefined;
        if (this.fd < 0) return;
        this.lastSync = Date.now();
        fsyncSync(this.fd);
      },
      this.syncIntervalMs - (now - this.lastSync),
    ).unref();
  }

  private cut(): void {
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.writeSeg++;
    this.segments.push(this.writeSeg);
    this.fd = openSync(this.segPath(this.writeSeg), 'w+');
    this.writeOff = 0;
  }

  /**
   * Reads consecutive unacknowledged records from the cursor, up to `maxSamples` samples (at
   * least one record). Returns the payloads and where the cursor moves on `ack`.
   */
  peek(
    maxSamples: number,
  ): { payloads: Buffer[]; samples: number; next: [number, number]; more: boolean } | undefined {
    let seg = this.readSeg;
    let more = false;
    let off = this.readOff;
    const payloads: Buffer[] = [];
    let samples = 0;
    while (payloads.length === 0 || samples < maxSamples) {
      const current = seg === this.writeSeg;
      const size = current
        ? this.writeOff
        : existsSync(this.segPath(seg))
          ? statSync(this.segPath(seg)).size
          : 0;
      if (off + 12 > size) {
        if (current) break;
        seg = this.nextSegment(seg);
        off = 0;
        continue;
      }
      const fd = current ? this.fd : openSync(this.segPath(seg), 'r');
      try {
        const head = Buffer.alloc(12);
        readSync(fd, head, 0, 12, off);
        const len = head.readUInt32LE(0);
        const n = head.readUInt32LE(8);
        if (payloads.length > 0 && samples + n > maxSamples) {
          more = true;
          break;
        }
        const body = Buffer.alloc(len);
        readSync(fd, body, 0, len, off + 12);
        if (off + 12 + len > size || crc32(body, 0, body.length, 0) !== head.readUInt32LE(4)) {
          this.logger.error(
            'remote-write queue: corrupt record; skipping the rest of the segment',
            {
              segment: this.segPath(seg),
              offset: off,
            },
          );
          this.recount = true;
          if (current) break;
          seg = this.nextSegment(seg);
          off = 0;
          continue;
        }
        payloads.push(body);
        samples += n;
        off += 12 + len;
      } finally {
        if (!current) closeSync(fd);
      }
    }
    if (payloads.length === 0) return undefined;
    return { payloads, samples, next: [seg, off], more: more || samples >= maxSamples };
  }

  private nextSegment(seg: number): number {
    const i = this.segments.indexOf(seg);
    return this.segments[i + 1] ?? this.writeSeg;
  }

  /**
   * Moves the cursor past acknowledged records (`samples` of them, as `peek` returned) and
   * deletes finished segments.
   */
  ack(next: [number, number], samples?: number): void {
    [this.readSeg, this.readOff] = next;
    this.writeCursor();
    for (const s of [...this.segments]) if (s < this.readSeg) this.removeSegment(s);
    this.pendingSamples =
      samples === undefined || this.recount
        ? this.countPending()
        : Math.max(0, this.pendingSamples - samples);
    this.recount = false;
  }

  /**
   * Overwrites the cursor file in place with a fixed-width line (one small write within a
   * sector: a crash leaves the old or the new cursor, and the old one only repeats a batch).
   */
  private writeCursor(): void {
    if (this.cursorFd < 0) {
      // Not 'a': appending mode would ignore the write position.
      const file = path.join(this.dir, 'cursor');
      this.cursorFd = openSync(file, existsSync(file) ? 'r+' : 'w+');
      ftruncateSync(this.cursorFd, CURSOR_BYTES);
    }
    const line = `${String(this.readSeg).padStart(12, '0')} ${String(this.readOff).padStart(16, '0')}\n`;
    this.cursorBuf.write(line, 0, 'latin1');
    writeSync(this.cursorFd, this.cursorBuf, 0, CURSOR_BYTES, 0);
  }

  private removeSegment(s: number): void {
    const p = this.segPath(s);
    if (existsSync(p)) {
      this.bytes -= statSync(p).size;
      unlinkSync(p);
    }
    this.segments = this.segments.filter((x) => x !== s);
  }

  /** Drops the oldest whole segments while over budget (never the one being written). */
  private enforceBudget(): void {
    if (this.budgetBytes <= 0) return;
    while (
      this.bytes > this.budgetBytes &&
      this.segments.length > 1 &&
      this.segments[0]! !== this.writeSeg
    ) {
      const s = this.segments[0]!;
      const dropped = countSamples(
        readFileSync(this.segPath(s)),
        s === this.readSeg ? this.readOff : 0,
      );
      this.dropped += dropped;
      this.pendingSamples = Math.max(0, this.pendingSamples - dropped);
      this.logger.warn('remote-write queue over its disk budget: dropping the oldest samples', {
        segment: s,
        samples: dropped,
      });
      this.removeSegment(s);
      if (this.readSeg <= s) {
        this.readSeg = this.segments[0]!;
        this.readOff = 0;
      }
    }
  }

  /** Unacknowledged samples and bytes (kept in memory: cheap to call). */
  pending(): { samples: number; bytes: number } {
    return { samples: this.pendingSamples, bytes: this.bytes };
  }

  /** Counts unacknowledged samples by reading the segments. */
  private countPending(): number {
    let samples = 0;
    for (const s of this.segments) {
      if (s < this.readSeg) continue;
      // After close() the segment being written is read from its file like the others.
      const buf =
        s === this.writeSeg && this.fd >= 0
          ? readPart(this.fd, this.writeOff)
          : existsSync(this.segPath(s))
            ? readFileSync(this.segPath(s))
            : Buffer.alloc(0);
      samples += countSamples(buf, s === this.readSeg ? this.readOff : 0);
    }
    return samples;
  }

  /** Flushes and closes. */
  close(): void {
    if (this.syncTimer) clearTimeout(this.syncTimer);
    this.syncTimer = undefined;
    if (this.fd >= 0) {
      fsyncSync(this.fd);
      closeSync(this.fd);
      this.fd = -1;
    }
    if (this.cursorFd >= 0) {
      closeSync(this.cursorFd);
      this.cursorFd = -1;
    }
  }
}

/** Bytes of the cursor line: 12-digit segment, space, 16-digit offset, newline. */
const CURSOR_BYTES = 30;

function readPart(fd: number, len: number): Buffer {
  const b = Buffer.alloc(len);
  if (len > 0) readSync(fd, b, 0, len, 0);
  return b;
}

function countSamples(buf: Buffer, from: number): number {
  let n = 0;
  for (let off = from; off + 12 <= buf.length;) {
    const len = buf.readUInt32LE(off);
    if (off + 12 + len > buf.length) break;
    n += buf.readUInt32LE(off + 8);
    off += 12 + len;
  }
  return n;
}

/** The length of the valid prefix of a segment (whole records with good checksums). */
function validLength(buf: Buffer): number {
  let off = 0;
  while (off + 12 <= buf.length) {
    const len = buf.readUInt32LE(off);
    if (off + 12 + len > buf.length) break;
    if (crc32(buf, off + 12, off + 12 + len, 0) !== buf.readUInt32LE(off + 4)) break;
    off += 12 + len;
  }
  return off;
}
