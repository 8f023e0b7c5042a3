/**
 * A WalFs decorator that injects faults: a write budget that runs out like a full disk (with
 * short writes, as the kernel does), failing fsyncs and failing file creation. For tests.
 */
import { readFileSync } from 'node:fs';
import type { WalFile, WalFs, WalOpenMode } from './fs.js';

/** An Error with a Node-style errno `code`. */
function errno(code: string, op: string): Error {
  return Object.assign(new Error(`${code}: injected fault, ${op}`), { code });
}

/** Counters of the operations that reached the inner file system. */
export interface FaultFsCounters {
  writes: number;
  datasyncs: number;
  bytesWritten: number;
}

/**
 * Wraps a file system and fails operations on demand. Settings can change at any time and
 * apply to files opened before.
 */
export class FaultInjectingFs implements WalFs {
  /**
   * Bytes that writes may still add to files; Infinity means unlimited. A write that does not
   * fit writes what fits and then fails with ENOSPC, leaving a partial write behind.
   */
  writeBudget = Infinity;
  /** When not '', every datasync fails with this errno code (for example 'EIO'). */
  failDatasync = '';
  /** When not '', creating a file fails with this errno code. */
  failCreate = '';
  /** Called before every write and datasync; may change the settings above. */
  beforeWrite: () => void = () => undefined;
  /** Operations that reached the inner file system. */
  readonly counters: FaultFsCounters = { writes: 0, datasyncs: 0, bytesWritten: 0 };

  constructor(private readonly inner: WalFs) {}

  mkdir(dir: string): Promise<void> {
    return this.inner.mkdir(dir);
  }
  readdir(dir: string): Promise<string[]> {
    return this.inner.readdir(dir);
  }
  isDir(path: string): Promise<boolean> {
    return this.inner.isDir(path);
  }
  size(path: string): Promise<number> {
    return this.inner.size(path);
  }
  rename(from: string, to: string): Promise<void> {
    return this.inner.rename(from, to);
  }
  remove(path: string): Promise<void> {
    return this.inner.remove(path);
  }
  syncDir(dir: string): Promise<void> {
    return this.inner.syncDir(dir);
  }

  async open(path: string, mode: WalOpenMode): Promise<WalFile> {
    if (mode === 'create' && this.failCreate !== '') throw errno(this.failCreate, `create ${path}`);
    const f = await this.inner.open(path, mode);
    return {
      read: (buf, off, len, pos) => f.read(buf, off, len, pos),
      write: async (buf, off, len, pos) => {
        this.beforeWrite();
        const fits = Math.min(len, this.writeBudget);
        if (fits > 0) {
          const n = await f.write(buf, off, fits, pos);
          this.counters.writes++;
          this.counters.bytesWritten += n;
          this.writeBudget -= n;
          if (n < len && this.writeBudget <= 0) throw errno('ENOSPC', `write ${path}`);
          return n;
        }
        throw errno('ENOSPC', `write ${path}`);
      },
      datasync: async () => {
        this.beforeWrite();
        if (this.failDatasync !== '') throw errno(this.failDatasync, `datasync ${path}`);
        this.counters.datasyncs++;
        await f.datasync();
      },
      truncate: (len) => f.truncate(len),
      size: () => f.size(),
      close: () => f.close(),
    };
  }
}

/**
 * The environment variable that turns on fault injection in a running server, for end-to-end
 * tests of a full disk where no small file system can be mounted. It names a control file:
 * while that file holds the word `full`, every WAL write fails with ENOSPC.
 */
export const WAL_FAULT_FILE_ENV = 'KANSOKU_TEST_WAL_FAULT_FILE';

/** A fault-injecting file system steered by a control file (see WAL_FAULT_FILE_ENV). */
export function controlledFaultFs(inner: WalFs, controlFile: string): FaultInjectingFs {
  const fs = new FaultInjectingFs(inner);
  fs.beforeWrite = () => {
    let word = '';
    try {
      word = readFileSync(controlFile, 'utf8').trim();
    } catch {
      // no control file: the disk has space
    }
    fs.writeBudget = word === 'full' ? 0 : Infinity;
  };
  return fs;
}
