import { runStorageConformance, type ConformanceFactory } from '../storage/conformance/index.js';
import type { Storage } from '../storage/index.js';
import { Logger } from '../util/index.js';
import { DB, openDB } from './index.js';

const open = (dir: string): Promise<DB> =>
  openDB(dir, { retentionMs: 0, fsync: 'never', logger: Logger.nop() });

function asDB(s: Storage): DB {
  if (!(s instanceof DB)) throw new Error('BUG: not a DB');
  return s;
}

/** Reopens and compacts; compaction flushes the whole head into blocks. */
const factory: ConformanceFactory = {
  open,
  async reopen(db, dir) {
    await db.close();
    return open(dir);
  },
  compact: (db) => asDB(db).compact(true),
};

runStorageConformance('tsdb DB', factory, { manySeries: 2000, longSeries: 20_000 });
