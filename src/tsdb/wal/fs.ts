/**
 * The small file-system surface the WAL uses. It exists so tests can inject faults (a full disk,
 * failing fsync) without root rights; production uses `nodeWalFs()`.
 */
import { open as openFile, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';

/**
 * An open file. Positions and lengths are in bytes. Not safe for overlapping writes; the WAL
 * serialises its own calls.
 */
export interface WalFile {
  /** Reads up to `len` bytes at file position `pos` into `buf[off…]`; returns the bytes read. */
  read(buf: Uint8Array, off: number, len: number, pos: number): Promise<number>;
  /**
   * Writes up to `len` bytes of `buf[off…]` at file position `pos`; returns the bytes written,
   * which may be fewer (a short write, for example when the disk fills up). Rejects on errors
   * such as ENOSPC, possibly after part of the data reached the file.
   */
  write(buf: Uint8Array, off: number, len: number, pos: number): Promise<number>;
  /** Flushes the file's data (and the metadata needed to read it back) to stable storage. */
  datasync(): Promise<void>;
  /** Cuts (or extends) the file to `len` bytes. */
  truncate(len: number): Promise<void>;
  /** The current size of the file in bytes. */
  size(): Promise<number>;
  /** Closes the file; it must not be used afterwards. */
  close(): Promise<void>;
}

/** How a file is opened: read only, read-write of an existing file, or created (emptied). */
export type WalOpenMode = 'read' | 'write' | 'create';

/** Directory and file operations used by the WAL. All paths are absolute or cwd-relative. */
export interface WalFs {
  /** Creates a directory and its parents; succeeds when it exists. */
  mkdir(dir: string): Promise<void>;
  /** Names of the entries of a directory. */
  readdir(dir: string): Promise<string[]>;
  /** Whether the path is a directory (false when missing). */
  isDir(path: string): Promise<boolean>;
  /** Size of a file in bytes, or of all files directly inside a directory. */
  size(path: string): Promise<number>;
  /** Opens a file; `create` creates it or truncates an existing one to zero bytes. */
  open(path: string, mode: WalOpenMode): Promise<WalFile>;
  /** Renames a file or directory atomically, replacing `to` when it is a file. */
  rename(from: string, to: string): Promise<void>;
  /** Removes a file or a directory tree; succeeds when missing. */
  remove(path: string): Promise<void>;
  /** Makes the directory's entries (created, renamed, removed files) durable. */
  syncDir(dir: string): Promise<void>;
}

const FLAGS: Record<WalOpenMode, string> = { read: 'r', write: 'r+', create: 'w' };

/** The WAL file system on top of `node:fs/promises`. */
export function nodeWalFs(): WalFs {
  return {
    async mkdir(dir) {
      await mkdir(dir, { recursive: true });
    },
    readdir: (dir) => readdir(dir),
    async isDir(p) {
      try {
        return (await stat(p)).isDirectory();
      } catch (err) {
        if (errnoCode(err) === 'ENOENT') return false;
        throw err;
      }
    },
    async size(p) {
      const st = await stat(p);
      if (!st.isDirectory()) return st.size;
      let total = 0;
      for (const name of await readdir(p)) total += (await stat(`${p}/${name}`)).size;
      return total;
    },
    async open(p, mode) {
      const h = await openFile(p, FLAGS[mode]);
      return {
        read: async (buf, off, len, pos) => (await h.read(buf, off, len, pos)).bytesRead,
        write: async (buf, off, len, pos) => (await h.write(buf, off, len, pos)).bytesWritten,
        datasync: () => h.datasync(),
        truncate: (len) => h.truncate(len),
        size: async () => (await h.stat()).size,
        close: () => h.close(),
      };
    },
    rename: (from, to) => rename(from, to),
    remove: (p) => rm(p, { recursive: true, force: true }),
    async syncDir(dir) {
      let h;
      try {
        h = await openFile(dir, 'r');
        await h.sync();
      } catch (err) {
        // Some platforms cannot open or fsync directories; their rename is durable anyway.
        const code = errnoCode(err);
        if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM' && code !== 'EACCES') {
          throw err;
        }
      } finally {
        await h?.close();
      }
    },
  };
}

/** The `code` of a Node system error (`'ENOSPC'`, …), or '' for other values. */
export function errnoCode(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const c = err.code;
    if (typeof c === 'string') return c;
  }
  return '';
}

/** Whether an error means the disk (or the user's quota) is full. */
export function isDiskFull(err: unknown): boolean {
  const c = errnoCode(err);
  return c === 'ENOSPC' || c === 'EDQUOT';
}

/** Writes all `len` bytes of `buf[off…]` at `pos`, looping over short writes. */
export async function writeFully(
  f: WalFile,
  buf: Uint8Array,
  off: number,
  len: number,
  pos: number,
): Promise<void> {
  let done = 0;
  while (done < len) {
    const n = await f.write(buf, off + done, len - done, pos + done);
    if (n <= 0) {
      throw Object.assign(new Error('no bytes written: the disk is full'), { code: 'ENOSPC' });
    }
    done += n;
  }
}
