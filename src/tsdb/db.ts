/**
 * The embedded time-series database: the head (in memory, logged to the WAL) plus persisted
 * blocks, queried together. Maintenance (head compaction, block merging, retention) runs off the
 * request path, one step at a time.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Labels, Matcher } from '../model/index.js';
import { StorageUnavailableError } from '../model/index.js';
import {
  MergeQuerier,
  type Appender,
  type Deleter,
  type Querier,
  type SeriesRef,
  type Storage,
} from '../storage/index.js';
import type { Block } from './block/index.js';
import { BlockSet } from './blockset.js';
import { Compactor, type HeadCompactionMode } from './compactor.js';
import { Head, HeadAppender, HeadQuerier } from './head/index.js';
import { cleanHeadTombstones } from './headsource.js';
import { defaultDBOptions, type DBOptions } from './options.js';
import { takeSnapshot } from './snapshot.js';
import { computeStats, type TsdbStats } from './stats.js';
import { Wal, walFsFromEnv, type WalFs } from './wal/index.js';
import { WalCommitLog, replayWal } from './walbridge.js';

/** What `Storage.changesSince` answers. */
type HistoryChanges = ReturnType<NonNullable<Storage['changesSince']>>;

/** How often maintenance checks retention and stray out-of-order data (ms). */
const MAINTENANCE_INTERVAL_MS = 60_000;

/**
 * Writes with a sample this far (ms) behind the wall clock at commit count as late for
 * `changesSince`: a minute covers scrape jitter and slow commits, so ordinary ingestion never
 * counts; result caches keep at least this much of the recent past uncached.
 */
const LATE_WRITE_MARGIN_MS = 60_000;

/** Replaceable parts of a database, for tests. */
export interface DBDeps {
  /** The file system of the WAL (default: the real one, or fault injection steered by env). */
  readonly walFs?: WalFs;
}

/** Opens (creating when missing) the database in `dir`: blocks, WAL replay, then the head. */
export async function openDB(
  dir: string,
  opts: Partial<DBOptions> = {},
  deps: DBDeps = {},
): Promise<DB> {
  const o: DBOptions = { ...defaultDBOptions(), ...opts };
  await mkdir(dir, { recursive: true });
  const logger = o.logger;
  const blocks = new BlockSet(dir, logger);
  await blocks.load();
  const head = new Head({
    chunkRangeMs: o.blockRangeMs,
    maxSampleAgeMs: o.retentionMs,
    ...(o.admitSeries ? { admitSeries: o.admitSeries } : {}),
  });
  let persistedEnd = -Infinity;
  for (const b of blocks.list()) persistedEnd = Math.max(persistedEnd, b.meta.maxTime);
  head.minValidT = persistedEnd;
  const wal = await Wal.open(path.join(dir, 'wal'), {
    segmentBytes: o.walSegmentBytes,
    fsync: o.fsync,
    logger: logger.child({ component: 'wal' }),
    fs: deps.walFs ?? walFsFromEnv(process.env),
  });
  try {
    const started = Date.now();
    const st = await replayWal(wal, head);
    logger.info('replayed WAL', {
      series: head.numSeries,
      samples: st.samples,
      segments: st.segments,
      durationMs: Date.now() - started,
    });
    // Before maintenance starts (it may merge and close blocks).
    await loadColdCache(head, blocks.list());
  } catch (err) {
    await wal.close();
    await blocks.close();
    throw err;
  }
  return new DB(dir, o, head, wal, blocks);
}

/**
 * Fills the head's persisted-chunk cache from the newest blocks, so that duplicates of late
 * samples against persisted data are detected after a restart too.
 */
async function loadColdCache(head: Head, blocks: readonly Block[]): Promise<void> {
  if (head.opts.coldCacheBytes <= 0) return;
  const newestFirst = [...blocks].sort((a, b) => b.meta.maxTime - a.meta.maxTime);
  for (const b of newestFirst) {
    const src = await b.chunkSource();
    try {
      while (src.next()) {
        const labels = src.labels();
        for (const c of src.chunks()) {
          // Copy: chunk bytes may be views into a larger read buffer.
          if (!head.addColdChunk(labels, new Uint8Array(c.data), c.minT, c.maxT)) return;
        }
      }
    } finally {
      src.close();
    }
  }
}

/** Figures of the database that are cheap to read, for self-metrics. */
export interface TsdbGauges {
  /** Series in the head. */
  readonly headSeries: number;
  /** Smallest and largest head timestamps (ms), undefined when the head is empty. */
  readonly headMinTime: number | undefined;
  readonly headMaxTime: number | undefined;
  /** Bytes of the write-ahead log on disk. */
  readonly walBytes: number;
  /** Bytes of all persisted blocks. */
  readonly blockBytes: number;
  /** Persisted blocks loaded. */
  readonly blocks: number;
  /** `--storage.tsdb.retention.size` in bytes (0 = none) and the retention time (ms). */
  readonly retentionBytes: number;
  readonly retentionMs: number;
  /** Background compactions that failed since start. */
  readonly compactionsFailed: number;
}

/** The embedded TSDB. See the module comment; create it with `openDB`. */
export class DB implements Storage, Deleter {
  private readonly commitLog: WalCommitLog;
  private readonly compactor: Compactor;
  /** Tail of the maintenance chain: every maintenance step runs after the previous one. */
  private maintenance: Promise<void> = Promise.resolve();
  private autoQueued = false;
  private lastAuto = 0;
  private readonly timer: NodeJS.Timeout;
  private closed = false;
  /** Late writes, deletions and retention drops, for `changesSince`. */
  private readonly history = new HistoryLog();
  private compactionsFailed = 0;

  /** @internal Use `openDB`. */
  constructor(
    /** The data directory. */
    readonly dir: string,
    private readonly opts: DBOptions,
    private readonly head: Head,
    private readonly wal: Wal,
    private readonly blocks: BlockSet,
  ) {
    this.commitLog = new WalCommitLog(wal);
    head.log = this.commitLog;
    this.compactor = new Compactor(dir, opts, head, blocks, wal, opts.logger);
    this.timer = setInterval(() => {
      this.scheduleAuto(true);
    }, MAINTENANCE_INTERVAL_MS);
    this.timer.unref();
    this.scheduleAuto(true);
  }

  /** Starts a batch of writes; `commit()` resolves once the batch is in the WAL (per fsync). */
  appender(): Appender {
    this.assertOpen('create appender');
    const inner = this.head.appender();
    if (inner instanceof HeadAppender)
      inner.afterApply = (minT) => {
        if (minT < Date.now() - LATE_WRITE_MARGIN_MS) this.history.record(minT);
      };
    return new DBAppender(this, inner);
  }

  /** Late or backfilled writes, deletions and retention drops since `generation`. */
  changesSince(generation: number): HistoryChanges {
    return this.history.since(generation, LATE_WRITE_MARGIN_MS);
  }

  /** Opens a querier over head and blocks for [mint, maxt]. */
  async querier(mint: number, maxt: number): Promise<Querier> {
    this.assertOpen('open querier');
    const blocks = this.blocks.acquire(mint, maxt);
    try {
      const qs = await Promise.all(blocks.map((b) => b.querier(mint, maxt)));
      const headQ = new HeadQuerier(this.head, mint, maxt);
      // On equal timestamps the first querier wins: blocks in creation order, then the head, so
      // that the first committed value wins over a late duplicate that went unnoticed (one
      // older than the head's persisted-chunk cache).
      return new DBQuerier(qs.length === 0 ? headQ : new MergeQuerier([...qs, headQ]), () => {
        this.blocks.release(blocks);
      });
    } catch (err) {
      this.blocks.release(blocks);
      throw err;
    }
  }

  /** The earliest timestamp held, or undefined when empty. */
  startTime(): number | undefined {
    const first = this.blocks.list()[0];
    const h = this.head.minTime();
    if (first === undefined) return h;
    return h === undefined ? first.meta.minTime : Math.min(h, first.meta.minTime);
  }

  /** Deletes samples in [mint, maxt] of matching series (tombstones; see `cleanTombstones`). */
  deleteSeries(mint: number, maxt: number, matchers: readonly Matcher[]): Promise<void> {
    this.assertOpen('delete series');
    return this.serialize(async () => {
      if (matchers.length === 0) return;
      const refs = this.head.deleteSeries(mint, maxt, matchers);
      this.history.record(mint);
      await this.commitLog.logTombstones(refs, mint, maxt);
      for (const b of this.blocks.list()) {
        if (b.meta.minTime <= maxt && b.meta.maxTime > mint) await b.delete(mint, maxt, matchers);
      }
      this.history.record(mint);
    });
  }

  /** Drops deleted samples for good: rewrites head chunks and blocks with tombstones. */
  cleanTombstones(): Promise<void> {
    this.assertOpen('clean tombstones');
    return this.serialize(async () => {
      cleanHeadTombstones(this.head);
      await this.compactor.rewriteDeleted();
      this.history.record(-Infinity);
    });
  }

  /**
   * Writes a consistent copy of the data into `dir` (hard links for blocks); with `withHead`
   * the head's data is written there as one more block. Returns the snapshot directory.
   */
  snapshot(dir: string, withHead: boolean): Promise<string> {
    this.assertOpen('take snapshot');
    let out = dir;
    return this.serialize(async () => {
      out = await takeSnapshot(dir, this.blocks.list(), withHead ? this.head : undefined);
    }).then(() => out);
  }

  /**
   * Forces compaction: persists every head range that has ended (all head data with
   * `flushHead`), merges blocks and applies retention.
   */
  compact(flushHead = false): Promise<void> {
    this.assertOpen('compact');
    return this.serialize(() => this.maintain(flushHead ? 'flush' : 'force'));
  }

  /** Cheap figures for self-metrics (no walk over the series). */
  gauges(): TsdbGauges {
    return {
      headSeries: this.head.numSeries,
      headMinTime: this.head.minTime(),
      headMaxTime: this.head.maxTime(),
      walBytes: this.wal.sizeBytes(),
      blockBytes: this.blocks.sizeBytes(),
      blocks: this.blocks.list().length,
      retentionBytes: this.opts.retentionBytes,
      retentionMs: this.opts.retentionMs,
      compactionsFailed: this.compactionsFailed,
    };
  }

  /** Statistics for the TSDB status page. */
  stats(): TsdbStats {
    return computeStats(this.head, this.blocks, this.wal.sizeBytes());
  }

  /** Stops maintenance, writes and fsyncs the WAL, closes blocks. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    await this.maintenance;
    this.head.log = undefined;
    try {
      await this.wal.close();
    } finally {
      await this.blocks.close();
    }
  }

  /** @internal Called after each successful commit. */
  afterCommit(): void {
    this.scheduleAuto(false);
  }

  private scheduleAuto(periodic: boolean): void {
    if (this.closed || this.autoQueued) return;
    // Persist at once when a head range completed; otherwise at most once per interval, when
    // out-of-order data waits below the boundary or (periodic) for retention.
    const due = this.compactor.headBoundary('auto');
    const needs = this.compactor.headNeedsCompaction('auto');
    const advanced = needs && due !== undefined && due > this.head.minValidT;
    const intervalOver = Date.now() - this.lastAuto >= MAINTENANCE_INTERVAL_MS;
    if (!advanced && !(intervalOver && (periodic || needs))) return;
    this.autoQueued = true;
    setImmediate(() => {
      this.autoQueued = false;
      this.lastAuto = Date.now();
      if (this.closed) return;
      this.serialize(() => this.maintain('auto')).catch((err: unknown) => {
        this.compactionsFailed++;
        this.opts.logger.error('background compaction failed', { err });
      });
    });
  }

  private async maintain(mode: HeadCompactionMode): Promise<void> {
    await this.compactor.compactHead(mode);
    await this.compactor.mergeBlocks();
    if ((await this.compactor.applyRetention()) > 0) this.history.record(-Infinity);
  }

  private serialize(fn: () => Promise<void>): Promise<void> {
    const next = this.maintenance.then(fn);
    this.maintenance = next.catch(() => undefined);
    return next;
  }

  private assertOpen(verb: string): void {
    if (this.closed)
      throw new StorageUnavailableError(`cannot ${verb}: the database is closed`, false);
  }
}

/** The database's appender: the head appender plus maintenance scheduling after commit. */
class DBAppender implements Appender {
  constructor(
    private readonly db: DB,
    private readonly inner: Appender,
  ) {}

  append(ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef {
    return this.inner.append(ref, labels, t, v);
  }

  /** Commits; WAL failures reject with `StorageUnavailableError` (`diskFull` on ENOSPC). */
  async commit(): Promise<void> {
    await this.inner.commit();
    this.db.afterCommit();
  }

  rollback(): Promise<void> {
    return this.inner.rollback();
  }
}

/** A querier that releases its blocks when closed. */
class DBQuerier implements Querier {
  private released = false;

  constructor(
    private readonly inner: Querier,
    private readonly release: () => void,
  ) {}

  select(...args: Parameters<Querier['select']>): ReturnType<Querier['select']> {
    return this.inner.select(...args);
  }

  labelValues(...args: Parameters<Querier['labelValues']>): ReturnType<Querier['labelValues']> {
    return this.inner.labelValues(...args);
  }

  labelNames(...args: Parameters<Querier['labelNames']>): ReturnType<Querier['labelNames']> {
    return this.inner.labelNames(...args);
  }

  close(): void {
    this.inner.close();
    if (!this.released) {
      this.released = true;
      this.release();
    }
  }
}

/**
 * Generations of history changes: each `record` is one generation with the smallest timestamp it
 * changed. Bounded: beyond `MAX` entries the two oldest merge (keeping the newer generation and
 * the smaller timestamp), which can only over-report.
 */
class HistoryLog {
  private static readonly MAX = 64;
  private gen = 0;
  private readonly gens: number[] = [];
  private readonly mins: number[] = [];

  record(minT: number): void {
    this.gen++;
    this.gens.push(this.gen);
    this.mins.push(minT);
    if (this.gens.length > HistoryLog.MAX) {
      this.mins[1] = Math.min(this.mins[0]!, this.mins[1]!);
      this.gens.shift();
      this.mins.shift();
    }
  }

  since(generation: number, marginMs: number): HistoryChanges {
    // A generation from the future (another database instance) means "anything".
    let minT = generation > this.gen || generation < 0 ? -Infinity : Infinity;
    for (let i = this.gens.length - 1; i >= 0 && this.gens[i]! > generation; i--)
      minT = Math.min(minT, this.mins[i]!);
    return { generation: this.gen, minT, marginMs };
  }
}
