/**
 * The head's commit log on the WAL: series and sample records written before a commit is
 * applied, and replay of the WAL into a fresh head on open.
 */
import { StorageUnavailableError } from '../model/index.js';
import { SeriesTable, type CommitBatch, type CommitLog, type Head } from './head/index.js';
import { ReplayBatch } from './replaybatch.js';
import { isDiskFull, type Wal, type WalReplayStats } from './wal/index.js';

/** Logs head commits to the WAL and waits for the write (and fsync, per policy). */
export class WalCommitLog implements CommitLog {
  private refs = new Uint32Array(1024);

  constructor(private readonly wal: Wal) {}

  async logCommit(batch: CommitBatch): Promise<void> {
    try {
      if (batch.newSeries.length > 0) {
        this.wal.logSeries(
          batch.newSeries.map((s) => s.ref),
          batch.newSeries.map((s) => s.labels),
        );
      }
      if (batch.n > 0) {
        if (this.refs.length < batch.n) this.refs = new Uint32Array(batch.n * 2);
        const refs = this.refs;
        for (let i = 0; i < batch.n; i++) refs[i] = batch.series[i]!.ref;
        this.wal.logSamples(refs, batch.ts, batch.vs, batch.n);
      }
      await this.wal.sync();
    } catch (err) {
      throw asUnavailable(err, 'commit samples');
    }
  }

  /** Logs deletion intervals of head series so that replay restores them. */
  async logTombstones(refs: number[], mint: number, maxt: number): Promise<void> {
    if (refs.length === 0) return;
    try {
      this.wal.logTombstones(
        refs,
        refs.map(() => mint),
        refs.map(() => maxt),
      );
      await this.wal.sync();
    } catch (err) {
      throw asUnavailable(err, 'log deletion');
    }
  }
}

/** Turns a WAL failure into `StorageUnavailableError` (diskFull on ENOSPC/EDQUOT). */
export function asUnavailable(err: unknown, verb: string): StorageUnavailableError {
  if (err instanceof StorageUnavailableError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  return new StorageUnavailableError(
    `cannot ${verb}: write-ahead log failed: ${msg}`,
    isDiskFull(err),
    {
      cause: err,
    },
  );
}

/**
 * Replays the WAL into `head` (which must not have a commit log attached yet). WAL references
 * map to head series through a paged table (two array loads per sample, no hashing); samples
 * are applied in batches grouped by series (see `ReplayBatch`). The batch is applied before
 * series and tombstone records, so that every record sees the samples logged before it.
 */
export async function replayWal(wal: Wal, head: Head): Promise<WalReplayStats> {
  const byWalRef = new SeriesTable();
  const batch = new ReplayBatch(head);
  const stats = await wal.replay((rec) => {
    switch (rec.kind) {
      case 'series': {
        batch.flush();
        const refs = rec.refs;
        for (let i = 0; i < refs.length; i++) {
          const ref = refs[i]!;
          byWalRef.set(ref, head.getOrCreate(rec.labels[i]!, ref)[0]);
        }
        break;
      }
      case 'samples': {
        const refs = rec.refs;
        const ts = rec.ts;
        const vs = rec.vs;
        for (let i = 0; i < rec.count; i++) {
          const s = byWalRef.get(refs[i]!);
          if (s !== undefined) batch.add(s, ts[i]!, vs[i]!);
        }
        break;
      }
      case 'tombstones':
        batch.flush();
        for (let i = 0; i < rec.refs.length; i++) {
          const s = byWalRef.get(rec.refs[i]!);
          if (s !== undefined) head.addTombstone(s.ref, rec.mint[i]!, rec.maxt[i]!);
        }
        break;
    }
  });
  batch.flush();
  return stats;
}
