/**
 * The data directory's lock file (`<data>/kansoku.lock`): a running server writes its process id,
 * host and address there at start and removes it at shutdown. Offline tools (`kansoku backup
 * --storage.tsdb.path`, `kansoku restore`) read it to refuse working under a live server. A lock
 * left by a crashed server (its process is gone) does not count.
 */
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The lock file's name inside the data directory. */
export const LOCK_FILE = 'kansoku.lock';

/** What the lock file holds. */
export interface DataDirLock {
  readonly pid: number;
  readonly host: string;
  /** The server's listen address. */
  readonly address: string;
  /** When the server started (ms since the epoch). */
  readonly startedAt: number;
}

/** Writes the lock of this process into `dataDir` (which must exist). */
export function writeDataDirLock(dataDir: string, address: string): void {
  const lock: DataDirLock = {
    pid: process.pid,
    host: os.hostname(),
    address,
    startedAt: Date.now(),
  };
  writeFileSync(path.join(dataDir, LOCK_FILE), JSON.stringify(lock) + '\n', { mode: 0o644 });
}

/** Removes the lock of this process from `dataDir` (a lock of another process is left alone). */
export function removeDataDirLock(dataDir: string): void {
  const lock = readDataDirLock(dataDir);
  if (lock?.pid !== process.pid || lock.host !== os.hostname()) return;
  try {
    unlinkSync(path.join(dataDir, LOCK_FILE));
  } catch {
    // already gone
  }
}

/** The lock in `dataDir`, or undefined when there is none or it cannot be read. */
export function readDataDirLock(dataDir: string): DataDirLock | undefined {
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(path.join(dataDir, LOCK_FILE), 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  const { pid, host, address, startedAt } = o;
  if (typeof pid !== 'number' || typeof host !== 'string') return undefined;
  return {
    pid,
    host,
    address: typeof address === 'string' ? address : '',
    startedAt: typeof startedAt === 'number' ? startedAt : 0,
  };
}

/**
 * The lock of a server that is running on `dataDir` now: the lock's process exists on this host
 * (or the lock is from another host, which cannot be checked and counts as live).
 */
export function liveServerLock(dataDir: string): DataDirLock | undefined {
  const lock = readDataDirLock(dataDir);
  if (lock === undefined) return undefined;
  if (lock.host !== os.hostname()) return lock;
  if (lock.pid === process.pid) return undefined;
  try {
    process.kill(lock.pid, 0);
    return lock;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM' ? lock : undefined;
  }
}
