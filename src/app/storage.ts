/**
 * Opening the embedded database behind `--storage.tsdb.*` and adapting it for the HTTP layer
 * (admin operations, head statistics).
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { ServerFlags } from '../config/index.js';
import type { HeadStats, TsdbAdmin } from '../http/index.js';
import type { Storage } from '../storage/index.js';
import { openDB, type DB } from '../tsdb/index.js';
import type { Logger } from '../util/index.js';

/** An open storage with what the HTTP layer needs beside the storage interface. */
export interface OpenStorage {
  readonly storage: Storage;
  readonly admin: TsdbAdmin;
  readonly headStats: () => HeadStats;
}

/**
 * Opens the embedded database in `--storage.tsdb.path` (created when missing), replaying its
 * write-ahead log.
 */
export async function openStorage(flags: ServerFlags, logger: Logger): Promise<OpenStorage> {
  const db = await openDB(flags.tsdbPath, {
    retentionMs: flags.retentionTimeMs,
    retentionBytes: flags.retentionSizeBytes,
    fsync: flags.walFsync,
    logger,
  });
  return { storage: db, admin: dbAdmin(db, flags.tsdbPath), headStats: () => headStats(db) };
}

/** The admin operations of the embedded database. */
function dbAdmin(db: DB, dataDir: string): TsdbAdmin {
  return {
    async snapshot(skipHead) {
      const name = snapshotName(new Date());
      await db.snapshot(path.join(dataDir, 'snapshots', name), !skipHead);
      return name;
    },
    deleteSeries: (mint, maxt, matchers) => db.deleteSeries(mint, maxt, matchers),
    cleanTombstones: () => db.cleanTombstones(),
    compact: (flushHead) => db.compact(flushHead),
  };
}

/** A snapshot directory name like Prometheus': `20171210T211224Z-2be650b6d019eb54`. */
export function snapshotName(now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(8).toString('hex')}`;
}

function headStats(db: DB): HeadStats {
  const s = db.stats();
  return {
    numSeries: s.numSeries,
    chunkCount: s.chunks,
    minTime: s.headMinTime ?? 0,
    maxTime: s.headMaxTime ?? 0,
  };
}
