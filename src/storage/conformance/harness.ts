/**
 * The harness shared by the conformance suite and the differential test: how a backend is
 * opened, reopened and compacted, and a per-test handle that owns a temporary directory.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Storage } from '../interface.js';

/**
 * How the conformance suite and the differential test obtain the backend under test.
 *
 * Every call of `open` gets its own fresh, empty temporary directory, which the harness creates
 * before and removes after the test; the backend may keep files there. The backend must accept
 * samples of any age within about a month of `T0` in any order (configure an out-of-order window
 * accordingly) and must not enforce limits below the suite's sizes (`ConformanceOptions`).
 */
export interface ConformanceFactory {
  /** Opens a storage that keeps its files (if any) in `dir`. */
  open(dir: string): Promise<Storage>;
  /**
   * Optional, for persistent backends: closes `db` and opens the storage in `dir` again,
   * returning the new instance. Everything committed before must be there afterwards.
   */
  reopen?(db: Storage, dir: string): Promise<Storage>;
  /**
   * Optional: forces the backend to move data into its long-term form (the embedded TSDB
   * compacts its head into blocks). Query results must be identical before and after.
   */
  compact?(db: Storage): Promise<void>;
}

/**
 * One backend instance under test plus its directory. `db` changes on `reopen()`. Owned by one
 * test at a time; `dispose()` closes the storage and removes the directory.
 */
export class StorageHandle {
  private closed = false;

  private constructor(
    private readonly factory: ConformanceFactory,
    /** The temporary directory the backend keeps its files in. */
    readonly dir: string,
    /** The current storage instance. */
    public db: Storage,
  ) {}

  /** Creates a temporary directory and opens the backend in it. */
  static async open(factory: ConformanceFactory): Promise<StorageHandle> {
    const dir = await mkdtemp(path.join(tmpdir(), 'kansoku-conformance-'));
    try {
      return new StorageHandle(factory, dir, await factory.open(dir));
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** Whether the factory can reopen the backend. */
  get canReopen(): boolean {
    return this.factory.reopen !== undefined;
  }

  /** Whether the factory can force compaction. */
  get canCompact(): boolean {
    return this.factory.compact !== undefined;
  }

  /** Closes and reopens the backend on the same directory; throws when unsupported. */
  async reopen(): Promise<void> {
    if (this.factory.reopen === undefined) throw new Error('BUG: backend cannot reopen');
    this.db = await this.factory.reopen(this.db, this.dir);
  }

  /** Forces compaction; throws when unsupported. */
  async compact(): Promise<void> {
    if (this.factory.compact === undefined) throw new Error('BUG: backend cannot compact');
    await this.factory.compact(this.db);
  }

  /** Closes the storage (once) and removes the directory. */
  async dispose(): Promise<void> {
    try {
      if (!this.closed) {
        this.closed = true;
        await this.db.close();
      }
    } finally {
      await rm(this.dir, { recursive: true, force: true });
    }
  }
}

/** Opens a handle, runs `fn` with it and always disposes of it. */
export async function withStorage(
  factory: ConformanceFactory,
  fn: (h: StorageHandle) => Promise<void>,
): Promise<void> {
  const h = await StorageHandle.open(factory);
  try {
    await fn(h);
  } finally {
    await h.dispose();
  }
}
