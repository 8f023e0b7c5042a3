/**
 * The write-ahead log: records are encoded into an in-memory buffer by `log*` and made durable
 * by `sync()`, which writes them to the current segment and fsyncs it (group commit).
 */
import path from 'node:path';
import { StorageUnavailableError } from '../../model/index.js';
import type { Labels } from '../../model/index.js';
import { Logger } from '../../util/index.js';
import { ByteBuf } from './buffer.js';
import { writeCheckpoint } from './checkpoint.js';
import { WAL_FAULT_FILE_ENV, controlledFaultFs } from './faultfs.js';
import { nodeWalFs } from './fs.js';
import type { WalFs } from './fs.js';
import { encodeSamples, encodeSeries, encodeTombstones } from './record.js';
import type { WalRecord } from './record.js';
import { replayDir } from './replay.js';
import type { WalDirState, WalReplayStats } from './replay.js';
import { parseCheckpointName, parseSegmentName, segmentName } from './segment.js';
import { BatchWriteError, SegmentWriter } from './segwriter.js';

/**
 * When data reaches the disk. `commit`: every `sync()` writes and fdatasyncs, so a resolved
 * sync survives power loss. `never`: `sync()` only writes to the operating system, which
 * survives a killed process but not power loss; segments are still fsynced when closed.
 */
export type WalFsyncPolicy = 'commit' | 'never';

/** Options of `Wal.open`. */
export interface WalOptions {
  /** Size at which a segment is closed and the next one started (bytes; default 128 MiB). */
  segmentBytes: number;
  /** See `WalFsyncPolicy`; default `commit`. */
  fsync: WalFsyncPolicy;
  /** Receives warnings about truncated tails and write errors. */
  logger: Logger;
  /** The file system (tests inject faults through it); default `nodeWalFs()`. */
  fs: WalFs;
  /**
   * Most bytes of records that may wait in memory for a successful write (default 64 MiB).
   * Beyond it `logSamples` throws StorageUnavailableError, for example while the disk is full.
   */
  maxPendingBytes: number;
}

/** The default WAL options. */
export function defaultWalOptions(): WalOptions {
  return {
    segmentBytes: 128 * 1024 * 1024,
    fsync: 'commit',
    logger: new Logger().child({ component: 'wal' }),
    fs: walFsFromEnv(process.env),
    maxPendingBytes: 64 * 1024 * 1024,
  };
}

/** Counters and sizes of a WAL, for self-monitoring. Counters are monotonic since `open`. */
export interface WalStats {
  /** Completed group-commit rounds that wrote something. */
  syncRounds: number;
  /** Rounds that failed (disk full or another I/O error). */
  syncFailures: number;
  /** Bytes of records written to segments. */
  bytesWritten: number;
  /** Successful fdatasync calls. */
  fsyncs: number;
  /** Segments created. */
  segmentsCreated: number;
  /** Checkpoints written. */
  checkpoints: number;
  /** Wall time of the last checkpoint in ms (0 before the first). */
  lastCheckpointMs: number;
  /** See `sizeBytes()` and `pendingBytes()`. */
  sizeBytes: number;
  pendingBytes: number;
}

/**
 * The default file system: `nodeWalFs()`, or a fault-injecting one steered by the control file
 * named in the environment variable WAL_FAULT_FILE_ENV (end-to-end tests only).
 */
export function walFsFromEnv(env: NodeJS.ProcessEnv): WalFs {
  const control = env[WAL_FAULT_FILE_ENV];
  return control !== undefined && control !== ''
    ? controlledFaultFs(nodeWalFs(), control)
    : nodeWalFs();
}

/** Pending bytes at which `log*` starts a write without waiting for `sync()`. */
const EAGER_FLUSH_BYTES = 4 * 1024 * 1024;

interface Deferred {
  readonly promise: Promise<void>;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * A write-ahead log in a directory of numbered segment files and at most one checkpoint.
 *
 * Usage: `open`, `replay` (rebuild state), then `log*` + `sync` per commit; `cut` +
 * `checkpoint` to bound replay time; `close`. The `log*` methods encode synchronously and copy
 * their input (callers may reuse their arrays on return). All async methods are serialised
 * internally except `checkpoint`, which runs beside writes; do not run two checkpoints or a
 * replay and a checkpoint at the same time.
 */
export class Wal {
  private pending = new ByteBuf();
  private inflight = new ByteBuf();
  private readonly writer: SegmentWriter;
  private nextRound: Deferred | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private validated: boolean;
  /** The error of the last write round when it failed, null after a successful one. */
  private lastFailure: StorageUnavailableError | null = null;
  private closed = false;
  private checkpointBytes: number;
  private syncRounds = 0;
  private syncFailures = 0;
  private checkpoints = 0;
  private lastCheckpointMs = 0;

  private constructor(
    private readonly st: WalDirState,
    private readonly opts: WalOptions,
    checkpointBytes: number,
  ) {
    this.checkpointBytes = checkpointBytes;
    this.writer = new SegmentWriter(st, opts.segmentBytes, opts.fsync === 'commit', opts.logger);
    this.writer.nextIndex = this.firstFreeIndex();
    this.validated = st.segments.size === 0;
  }

  /** The index after the last segment or checkpoint on disk (at least 1). */
  private firstFreeIndex(): number {
    let last = this.st.checkpoint;
    for (const i of this.st.segments.keys()) last = Math.max(last, i);
    return Math.max(1, last + 1);
  }

  /**
   * Opens (creating when missing) the WAL in `dir`. Leftovers of an interrupted checkpoint are
   * removed. No record is read yet: `replay` rebuilds state and repairs a torn tail; writing
   * without a replay first validates the segments the same way (without delivering records).
   */
  static async open(dir: string, opts?: Partial<WalOptions>): Promise<Wal> {
    const o: WalOptions = { ...defaultWalOptions(), ...opts };
    if (!(o.segmentBytes >= 4096)) {
      throw new RangeError(`cannot open the WAL: segmentBytes ${o.segmentBytes} is below 4096`);
    }
    if (opts?.fs === undefined && (process.env[WAL_FAULT_FILE_ENV] ?? '') !== '') {
      o.logger.warn('WAL fault injection is on (for tests)', { env: WAL_FAULT_FILE_ENV });
    }
    await o.fs.mkdir(dir);
    // The directory's own name must survive a power cut too.
    if (o.fsync === 'commit') await o.fs.syncDir(path.dirname(path.resolve(dir)));
    const names = await o.fs.readdir(dir);
    let checkpoint = -1;
    for (const n of names) checkpoint = Math.max(checkpoint, parseCheckpointName(n));
    const segments = new Map<number, number>();
    for (const n of names.sort()) {
      const seg = parseSegmentName(n);
      const ck = parseCheckpointName(n);
      if (seg >= 0 && seg > checkpoint) segments.set(seg, await o.fs.size(`${dir}/${n}`));
      else if ((seg >= 0 && seg <= checkpoint) || (ck >= 0 && ck < checkpoint)) {
        await o.fs.remove(`${dir}/${n}`); // already covered by the latest checkpoint
      } else if (/^checkpoint\.\d+\.tmp$/.test(n)) await o.fs.remove(`${dir}/${n}`);
    }
    const ckBytes =
      checkpoint >= 0 ? await o.fs.size(`${dir}/${checkpointDirName(checkpoint)}`) : 0;
    const st: WalDirState = { dir, fs: o.fs, logger: o.logger, checkpoint, segments };
    return new Wal(st, o, ckBytes);
  }

  /** Buffers a series record: series `refs[i]` has labels `labels[i]`. */
  logSeries(refs: readonly number[], labels: readonly Labels[]): void {
    this.checkOpen();
    encodeSeries(this.pending, refs, labels);
    this.maybeFlushEarly();
  }

  /**
   * Buffers the first `count` samples (integer ms timestamps). Throws StorageUnavailableError
   * when more than `maxPendingBytes` already wait for the disk; nothing is buffered then.
   */
  logSamples(refs: Uint32Array, ts: Float64Array, vs: Float64Array, count: number): void {
    this.checkOpen();
    if (this.pending.len > this.opts.maxPendingBytes) {
      const cause = this.lastFailure;
      throw new StorageUnavailableError(
        `cannot log samples to the WAL: ${Math.round(this.pending.len / 1048576)} MiB of ` +
          `records wait for the disk (${cause?.message ?? 'writes are slow'}); the limit is ` +
          'the WAL option maxPendingBytes',
        cause?.diskFull ?? false,
        { cause },
      );
    }
    encodeSamples(this.pending, refs, ts, vs, count);
    this.maybeFlushEarly();
  }

  /** Buffers a tombstones record: samples of `refs[i]` in [mint[i], maxt[i]] are deleted. */
  logTombstones(refs: readonly number[], mint: readonly number[], maxt: readonly number[]): void {
    this.checkOpen();
    encodeTombstones(this.pending, refs, mint, maxt);
    this.maybeFlushEarly();
  }

  /**
   * Writes everything buffered before the call and fsyncs it (per policy). Concurrent callers
   * share one write and one fsync. Rejects with StorageUnavailableError (`diskFull` on
   * ENOSPC/EDQUOT); the records that could not be written stay buffered, in order, and the
   * next `sync` writes them, so the WAL is usable again once space returns. (So a record whose
   * sync was rejected may still become durable later; it is never written twice.)
   */
  sync(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('cannot sync the WAL: it is closed'));
    if (this.nextRound !== null) return this.nextRound.promise;
    const round = deferred();
    this.nextRound = round;
    void this.exclusive(async () => {
      this.nextRound = null; // later sync() calls join the round after this one
      await this.flush();
    }).then(round.resolve, round.reject);
    return round.promise;
  }

  /**
   * Writes everything buffered, closes the current segment and makes the next write start a
   * new one. Returns the index of the closed segment (the last existing one when nothing was
   * written since `open`; 0 when there are no segments).
   */
  cut(): Promise<number> {
    return this.exclusive(async () => {
      await this.flush();
      const index = this.writer.activeIndex();
      if (index >= 0) {
        await this.writer.closeActive();
        return index;
      }
      let last = 0;
      for (const i of this.st.segments.keys()) last = Math.max(last, i);
      return last;
    });
  }

  /**
   * Calls `onRecord` for every record: the latest checkpoint first, then the segments after it
   * in order. A torn or corrupt tail is truncated with a logged warning (segment, offset).
   */
  replay(onRecord: (rec: WalRecord) => void): Promise<WalReplayStats> {
    return this.exclusive(async () => {
      await this.flush();
      await this.writer.closeActive();
      const stats = await replayDir(this.st, onRecord);
      this.validated = true;
      this.writer.nextIndex = this.firstFreeIndex(); // segments after a corrupt one are gone
      return stats;
    });
  }

  /**
   * Writes `checkpoint.<N>` (N = the last existing segment <= throughSegment) holding the
   * previous checkpoint and segments up to N, keeping the series for which `keepSeries` holds,
   * the samples for which `keepSample` holds, and tombstones of kept series whose end is kept.
   * It becomes visible atomically (temporary directory, fsync, rename); then segments <= N and
   * older checkpoints are removed. Segment `throughSegment` must be closed (see `cut`).
   */
  async checkpoint(
    throughSegment: number,
    keepSeries: (ref: number) => boolean,
    keepSample: (ref: number, t: number) => boolean,
  ): Promise<void> {
    const through = await this.exclusive(async () => {
      await this.validate();
      const active = this.writer.activeIndex();
      if (active >= 0 && throughSegment >= active) {
        throw new Error(
          `cannot checkpoint the WAL through segment ${throughSegment}: it is still being ` +
            'written; call cut() first',
        );
      }
      let n = -1;
      for (const i of this.st.segments.keys()) if (i <= throughSegment) n = Math.max(n, i);
      return n;
    });
    if (through < 0) return;
    const started = performance.now();
    const res = await writeCheckpoint(this.st, this.opts.segmentBytes, through, {
      keepSeries,
      keepSample,
    });
    this.checkpointBytes = res.bytes;
    this.checkpoints++;
    this.lastCheckpointMs = performance.now() - started;
  }

  /** Bytes on disk of the segments and the checkpoint (records still in memory not counted). */
  sizeBytes(): number {
    let n = this.checkpointBytes + this.writer.activeBytes();
    for (const s of this.st.segments.values()) n += s;
    return n;
  }

  /** Counters and sizes for self-monitoring. */
  stats(): WalStats {
    return {
      syncRounds: this.syncRounds,
      syncFailures: this.syncFailures,
      ...this.writer.counters,
      checkpoints: this.checkpoints,
      lastCheckpointMs: this.lastCheckpointMs,
      sizeBytes: this.sizeBytes(),
      pendingBytes: this.pendingBytes(),
    };
  }

  /** Bytes of records buffered in memory, not yet written. */
  pendingBytes(): number {
    return this.pending.len + this.inflight.len;
  }

  /**
   * Writes and fsyncs everything buffered, then closes the files; no records are accepted from
   * the call on. When it rejects (a full disk), calling it again retries the write.
   */
  close(): Promise<void> {
    this.closed = true; // no new records or syncs from now on; calling again retries
    return this.exclusive(async () => {
      await this.flush();
      await this.writer.closeActive();
    });
  }

  private checkOpen(): void {
    if (this.closed) throw new Error('cannot log to the WAL: it is closed');
  }

  private maybeFlushEarly(): void {
    if (this.pending.len >= EAGER_FLUSH_BYTES && this.nextRound === null && !this.lastFailure) {
      this.sync().catch((err: unknown) => {
        this.opts.logger.error('background WAL write failed', { err });
      });
    }
  }

  /** Runs `fn` after every previously queued operation. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.queue.then(fn);
    this.queue = p.catch(() => undefined);
    return p;
  }

  /** Validates existing segments (truncating a torn tail) before the first write. */
  private async validate(): Promise<void> {
    if (this.validated) return;
    await replayDir(this.st, () => undefined);
    this.validated = true;
    this.writer.nextIndex = this.firstFreeIndex();
  }

  /** Writes the buffered records (one round of group commit). Call only inside `exclusive`. */
  private async flush(): Promise<void> {
    if (this.pending.len === 0 && !this.writer.needsRepair()) return;
    await this.validate();
    // Swap: records logged from now on go to the other buffer (the next round).
    const b = this.pending;
    this.pending = this.inflight;
    this.inflight = b;
    try {
      await this.writer.write(b);
      this.syncRounds++;
      this.lastFailure = null;
      b.reset();
    } catch (err) {
      this.syncFailures++;
      const durable = err instanceof BatchWriteError ? err.durable : 0;
      // Keep the unwritten records in order, ahead of those logged meanwhile.
      b.buf.copyWithin(0, durable, b.len);
      b.len -= durable;
      b.append(this.pending.buf, 0, this.pending.len);
      this.pending.reset();
      this.inflight = this.pending;
      this.pending = b;
      const e =
        err instanceof BatchWriteError
          ? err.cause
          : new StorageUnavailableError(`cannot write the WAL: ${String(err)}`, false, {
              cause: err,
            });
      this.lastFailure = e;
      this.opts.logger.warn('WAL write failed; records stay buffered', { err: e });
      throw e;
    }
  }
}

function checkpointDirName(index: number): string {
  return `checkpoint.${segmentName(index)}`;
}
