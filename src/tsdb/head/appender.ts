/**
 * The head appender: validates samples as they are appended, buffers them in typed arrays, and
 * at commit logs them (when a commit log is attached) and then applies them to the series.
 */
import {
  BadInputError,
  DuplicateSampleError,
  OutOfBoundsError,
  sameFloatBits,
  type Labels,
} from '../../model/index.js';
import type { Appender, SeriesRef } from '../../storage/index.js';
import type { Head } from './head.js';
import { lookupResult, type HeadSeries } from './series.js';

/** What one commit writes: series first seen since the last commit, then the samples. */
export interface CommitBatch {
  /** Series not yet logged (created by this or another appender since the last log write). */
  readonly newSeries: readonly HeadSeries[];
  /** The series of each sample, parallel to `ts` and `vs` (first `n` entries). */
  readonly series: readonly HeadSeries[];
  /** Timestamps in ms. */
  readonly ts: Float64Array;
  /** Values (NaN payloads preserved). */
  readonly vs: Float64Array;
  /** Number of samples. */
  readonly n: number;
}

/**
 * Durable log of commits (the WAL). `logCommit` resolves once the batch is durable per the
 * configured fsync policy; when it rejects, nothing of the batch is applied. Calls must be
 * written in call order, so a series record always precedes samples that refer to it.
 */
export interface CommitLog {
  logCommit(batch: CommitBatch): Promise<void>;
}

/** Appender over the head. Not safe for concurrent use; one per request or loop. */
export class HeadAppender implements Appender {
  private series: HeadSeries[] = [];
  private ts = new Float64Array(16);
  private vs = new Float64Array(16);
  private n = 0;
  private done = false;
  private readonly id: number;
  /**
   * Called once the samples of a commit are visible to readers, with their smallest timestamp
   * (ms); the database uses it to report late writes (`Storage.changesSince`).
   */
  afterApply: ((minT: number) => void) | undefined;

  constructor(private readonly head: Head) {
    this.id = head.nextAppenderId();
  }

  append(ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef {
    if (this.done) throw new Error('BUG: appender used after commit or rollback');
    if (!Number.isSafeInteger(t)) {
      throw new BadInputError(`cannot append sample: timestamp ${t} is not an integer in ms`);
    }
    const head = this.head;
    let s = ref !== 0 ? head.seriesByRef(ref) : undefined;
    if (s === undefined || s.dead) s = head.getOrCreate(labels, 0, true)[0];
    const maxAge = head.opts.maxSampleAgeMs;
    if (maxAge > 0) {
      const newest = head.maxTime();
      if (newest !== undefined && t < newest - maxAge) {
        throw new OutOfBoundsError(
          `cannot append sample at ${t} for ${s.labels.toString()}: older than the newest sample ${newest} minus the retention of ${maxAge} ms (storage.tsdb.retention.time)`,
        );
      }
    }
    if (t <= s.maxInOrderT() || t < head.minValidT) {
      if (s.lookup(t, true) && !sameFloatBits(lookupResult.v, v)) throw duplicate(s, t);
    }
    const n = this.n;
    let mine = s.pendingMaxT;
    if (s.pendingOwner !== this.id) {
      // Usually -Infinity: this appender has not buffered the series yet.
      mine = head.takePending(s, this.id);
      s.pendingMaxT = Math.max(mine, t);
    } else if (t > mine) {
      s.pendingMaxT = t;
    }
    if (t <= mine) {
      // Not after this batch's earlier samples of the series: look for the same timestamp.
      for (let i = n - 1; i >= 0; i--) {
        if (this.series[i] === s && this.ts[i] === t) {
          if (!sameFloatBits(this.vs[i]!, v)) throw duplicate(s, t);
          return s.ref;
        }
      }
    }
    if (n === this.ts.length) this.grow();
    this.series.push(s);
    this.ts[n] = t;
    this.vs[n] = v;
    this.n = n + 1;
    return s.ref;
  }

  private grow(): void {
    const ts = new Float64Array(this.ts.length * 2);
    const vs = new Float64Array(this.vs.length * 2);
    ts.set(this.ts);
    vs.set(this.vs);
    this.ts = ts;
    this.vs = vs;
  }

  async commit(): Promise<void> {
    if (this.done) throw new Error('BUG: appender committed twice or after rollback');
    this.done = true;
    const head = this.head;
    const log = head.log;
    if (log !== undefined) {
      const newSeries = head.takeUnlogged();
      if (this.n === 0 && newSeries.length === 0) {
        this.release();
        return;
      }
      const batch: CommitBatch = {
        newSeries,
        series: this.series,
        ts: this.ts,
        vs: this.vs,
        n: this.n,
      };
      const done = head.beginCommit();
      try {
        await log.logCommit(batch);
      } catch (err) {
        head.returnUnlogged(newSeries);
        this.release();
        done();
        throw err;
      }
      this.apply();
      done();
      return;
    }
    this.apply();
  }

  private apply(): void {
    const { series, ts, vs, head } = this;
    let minT = Infinity;
    for (let i = 0; i < this.n; i++) {
      const t = ts[i]!;
      head.applySample(series[i]!, t, vs[i]!);
      if (t < minT) minT = t;
    }
    this.release();
    if (minT !== Infinity) this.afterApply?.(minT);
  }

  rollback(): Promise<void> {
    this.done = true;
    this.release();
    return Promise.resolve();
  }

  private release(): void {
    this.series = [];
    this.n = 0;
    this.head.appenderDone(this.id);
  }
}

function duplicate(s: HeadSeries, t: number): DuplicateSampleError {
  return new DuplicateSampleError(
    `cannot append sample at ${t} for ${s.labels.toString()}: a different value exists at that timestamp`,
  );
}
