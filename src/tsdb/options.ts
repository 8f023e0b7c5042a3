/** Options of the embedded TSDB. */
import { Logger } from '../util/index.js';
import type { SeriesAdmission } from './head/index.js';

/** Options of `openDB`. Every field has a default (`defaultDBOptions`). */
export interface DBOptions {
  /** How long samples are kept, in ms (default 15 days); 0 = unlimited. */
  retentionMs: number;
  /** Most bytes of blocks plus WAL to keep (default 0 = unlimited); oldest blocks go first. */
  retentionBytes: number;
  /** Time range of blocks cut from the head, in ms (default 2 h). */
  blockRangeMs: number;
  /** Size at which a WAL segment is closed and the next one started (default 128 MiB). */
  walSegmentBytes: number;
  /**
   * `commit` (default): `commit()` resolves after the WAL write is fsynced (concurrent commits
   * share one fsync). `never`: it resolves after the write reached the operating system, which
   * survives a killed process but not a power cut.
   */
  fsync: 'commit' | 'never';
  /** Where the database logs. */
  logger: Logger;
  /** Asked before a write creates a head series (series limits); undefined admits all. */
  admitSeries?: SeriesAdmission;
}

/** Fifteen days in ms, the default retention. */
const FIFTEEN_DAYS_MS = 15 * 24 * 3600 * 1000;

/** Returns the default options. */
export function defaultDBOptions(): DBOptions {
  return {
    retentionMs: FIFTEEN_DAYS_MS,
    retentionBytes: 0,
    blockRangeMs: 2 * 3600 * 1000,
    walSegmentBytes: 128 * 1024 * 1024,
    fsync: 'commit',
    logger: new Logger().child({ component: 'tsdb' }),
  };
}
