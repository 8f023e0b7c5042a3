/**
 * File I/O helpers of the block layer: exact positioned reads, durable writes (fsync of files and
 * directories, atomic replace), a buffered sequential writer and a windowed synchronous reader.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { CorruptBlockError } from './errors.js';

/** Size of the write buffer and of the read-ahead window (1 MiB). */
export const IO_BUFFER_SIZE = 1 << 20;

/** CRC-32 (IEEE) of bytes, optionally continuing from an earlier value. */
export function checksum(data: Uint8Array, prev = 0): number {
  return crc32(data, prev) >>> 0;
}

/**
 * Reads exactly `len` bytes at `pos`; a short read means the file is truncated and throws
 * `CorruptBlockError`.
 */
export async function readAt(
  fh: FileHandle,
  pos: number,
  len: number,
  dir: string,
  file: string,
): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(len);
  let got = 0;
  while (got < len) {
    const { bytesRead } = await fh.read(buf, got, len - got, pos + got);
    if (bytesRead === 0) {
      throw new CorruptBlockError(dir, file, pos + got, `file truncated (wanted ${len} bytes)`);
    }
    got += bytesRead;
  }
  return buf;
}

/** Like `readAt` but returns only what the file has (possibly fewer bytes near its end). */
export async function readUpTo(fh: FileHandle, pos: number, len: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(len);
  let got = 0;
  while (got < len) {
    const { bytesRead } = await fh.read(buf, got, len - got, pos + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return buf.subarray(0, got);
}

/** Fsyncs a directory so that entries created or renamed in it are durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Writes a file durably and atomically: temporary file, fsync, rename, fsync of the directory. */
export async function writeFileAtomic(dir: string, name: string, data: Uint8Array): Promise<void> {
  const tmp = `${dir}/${name}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } catch (err) {
    await fh.close();
    await rm(tmp, { force: true });
    throw err;
  }
  await fh.close();
  await rename(tmp, `${dir}/${name}`);
  await fsyncDir(dir);
}

/**
 * Appends bytes to a new file through a 1 MiB buffer. `pos` is the file offset of the next byte.
 * `close()` flushes, fsyncs and closes.
 */
export class BufferedFileWriter {
  private readonly buf = Buffer.allocUnsafe(IO_BUFFER_SIZE);
  private used = 0;
  /** Offset in the file of the next byte written. */
  pos = 0;

  private constructor(private readonly fh: FileHandle) {}

  /** Creates (or truncates) the file at `path`. */
  static async create(path: string): Promise<BufferedFileWriter> {
    return new BufferedFileWriter(await open(path, 'w'));
  }

  /** Appends bytes; the caller may reuse `data` as soon as the promise resolves. */
  async write(data: Uint8Array): Promise<void> {
    if (this.used + data.length > this.buf.length) await this.flush();
    if (data.length > this.buf.length) {
      await this.fh.write(data, 0, data.length);
    } else {
      this.buf.set(data, this.used);
      this.used += data.length;
    }
    this.pos += data.length;
  }

  /** Writes buffered bytes to the file. */
  async flush(): Promise<void> {
    let off = 0;
    while (off < this.used) {
      const { bytesWritten } = await this.fh.write(this.buf, off, this.used - off);
      off += bytesWritten;
    }
    this.used = 0;
  }

  /** Flushes, fsyncs and closes the file. */
  async close(): Promise<void> {
    try {
      await this.flush();
      await this.fh.sync();
    } finally {
      await this.fh.close();
    }
  }

  /** Closes the file without flushing (after an error). */
  async abort(): Promise<void> {
    await this.fh.close().catch(() => undefined);
  }
}

/**
 * Synchronous positioned reads through a read-ahead window, for sequential scans that must not
 * yield (compaction cursors). Views returned by `read` are valid until the next call.
 */
export class SyncWindowReader {
  private fd: number;
  private win = Buffer.allocUnsafe(IO_BUFFER_SIZE);
  private winStart = 0;
  private winLen = 0;

  constructor(
    path: string,
    private readonly dir: string,
    private readonly file: string,
  ) {
    this.fd = openSync(path, 'r');
  }

  /** Returns a view of `len` bytes at `pos`; throws `CorruptBlockError` when the file is shorter. */
  read(pos: number, len: number): Buffer {
    if (pos >= this.winStart && pos + len <= this.winStart + this.winLen) {
      return this.win.subarray(pos - this.winStart, pos - this.winStart + len);
    }
    if (len > this.win.length) this.win = Buffer.allocUnsafe(len);
    let got = 0;
    while (got < this.win.length) {
      const n = readSync(this.fd, this.win, got, this.win.length - got, pos + got);
      if (n === 0) break;
      got += n;
    }
    this.winStart = pos;
    this.winLen = got;
    if (got < len) {
      throw new CorruptBlockError(
        this.dir,
        this.file,
        pos + got,
        `file truncated (wanted ${len} bytes)`,
      );
    }
    return this.win.subarray(0, len);
  }

  /** Like `read` but may return fewer bytes at the end of the file. */
  readUpTo(pos: number, len: number): Buffer {
    try {
      return this.read(pos, len);
    } catch (err) {
      if (!(err instanceof CorruptBlockError)) throw err;
      return this.win.subarray(0, this.winLen);
    }
  }

  /** Closes the file. Idempotent. */
  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

/** Positioned reads a single operation keeps in flight at once (libuv has four I/O threads). */
export const READ_CONCURRENCY = 4;

/**
 * Calls `fn` for every item with at most `limit` calls pending at once; settles when all have
 * finished, rejecting with the first error.
 */
export async function forEachLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
