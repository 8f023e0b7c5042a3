/**
 * Fanout: one primary storage plus secondaries (remote write out, a replica) behind one
 * `Storage`. Writes go to all of them, reads merge all of them.
 */
import type { Labels } from '../model/index.js';
import type { Appender, Querier, SeriesRef, Storage } from './interface.js';
import { MergeQuerier, asError, type WarnLogger } from './merge.js';

/**
 * A `Storage` that writes to a primary and to secondaries and reads from all of them merged.
 *
 * Writes: `append` goes to the primary first; its errors propagate and the sample is not sent
 * to the secondaries. A secondary that cannot create an appender, or whose `append` throws, is
 * logged and left out of the batch (rolled back in the second case); a secondary whose
 * `commit` fails is logged. So a failing secondary never loses or blocks a primary write.
 * (Prometheus' fanout returns secondary errors, but its only secondary, the remote-write queue,
 * does not fail there; we make the rule explicit.) When the primary's `commit` fails, the
 * secondaries are rolled back and the error propagates.
 * References returned are the primary's; secondaries get `0` and look series up by labels.
 *
 * Reads: a `MergeQuerier` with the primary as primary querier (its errors fail the query) and
 * the secondaries as secondary queriers (their errors become warnings). A secondary that cannot
 * open a querier is logged and left out. Without secondaries the primary's querier is returned
 * as is.
 *
 * `close()` closes all storages and throws the primary's error, else the first secondary's.
 * The fanout does not own anything else; it is as concurrency-safe as its storages.
 */
export class FanoutStorage implements Storage {
  constructor(
    private readonly primary: Storage,
    private readonly secondaries: readonly Storage[] = [],
    private readonly logger?: WarnLogger,
  ) {}

  appender(): Appender {
    const primary = this.primary.appender();
    if (this.secondaries.length === 0) return primary;
    const secondaries: Appender[] = [];
    for (const s of this.secondaries) {
      try {
        secondaries.push(s.appender());
      } catch (err) {
        this.logger?.warn('cannot create appender on secondary storage', { err });
      }
    }
    return new FanoutAppender(primary, secondaries, this.logger);
  }

  async querier(mint: number, maxt: number): Promise<Querier> {
    const [p, rest] = await Promise.all([
      settled(this.primary.querier(mint, maxt)),
      Promise.allSettled(this.secondaries.map((s) => s.querier(mint, maxt))),
    ]);
    const secondaries: Querier[] = [];
    for (const r of rest) {
      if (r.status === 'fulfilled') secondaries.push(r.value);
      else this.logger?.warn('cannot open querier on secondary storage', { err: r.reason });
    }
    if (p.status === 'rejected') {
      for (const q of secondaries) q.close();
      throw asError(p.reason);
    }
    if (secondaries.length === 0) return p.value;
    return new MergeQuerier([p.value], secondaries, this.logger);
  }

  /** The earliest start time of all storages, or `undefined` when all are empty. */
  startTime(): number | undefined {
    let min = this.primary.startTime();
    for (const s of this.secondaries) {
      const t = s.startTime();
      if (t !== undefined && (min === undefined || t < min)) min = t;
    }
    return min;
  }

  async close(): Promise<void> {
    const results = await Promise.allSettled([
      this.primary.close(),
      ...this.secondaries.map((s) => s.close()),
    ]);
    for (const r of results) if (r.status === 'rejected') throw asError(r.reason);
  }
}

/** Appender of `FanoutStorage`; see there for the error rules. Not safe for concurrent use. */
class FanoutAppender implements Appender {
  /** Secondaries still in the batch; `undefined` once one failed and was rolled back. */
  private readonly live: (Appender | undefined)[];

  constructor(
    private readonly primary: Appender,
    secondaries: readonly Appender[],
    private readonly logger: WarnLogger | undefined,
  ) {
    this.live = [...secondaries];
  }

  append(ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef {
    const out = this.primary.append(ref, labels, t, v);
    for (let i = 0; i < this.live.length; i++) {
      const a = this.live[i];
      if (a === undefined) continue;
      try {
        a.append(0, labels, t, v);
      } catch (err) {
        this.live[i] = undefined;
        this.logger?.warn('cannot append to secondary storage; dropping it from this batch', {
          err,
        });
        a.rollback().catch((e: unknown) => {
          this.logger?.warn('cannot roll back secondary storage', { err: e });
        });
      }
    }
    return out;
  }

  async commit(): Promise<void> {
    try {
      await this.primary.commit();
    } catch (err) {
      await this.settleSecondaries('rollback');
      throw err;
    }
    await this.settleSecondaries('commit');
  }

  async rollback(): Promise<void> {
    let first: unknown;
    try {
      await this.primary.rollback();
    } catch (err) {
      first = err;
    }
    await this.settleSecondaries('rollback');
    if (first !== undefined) throw asError(first);
  }

  private async settleSecondaries(how: 'commit' | 'rollback'): Promise<void> {
    const live = this.live.filter((a): a is Appender => a !== undefined);
    const results = await Promise.allSettled(
      live.map((a) => (how === 'commit' ? a.commit() : a.rollback())),
    );
    for (const r of results) {
      if (r.status === 'rejected') {
        this.logger?.warn(`cannot ${how === 'commit' ? 'commit' : 'roll back'} secondary storage`, {
          err: r.reason,
        });
      }
    }
  }
}

/** Waits for a promise without throwing, like one element of `Promise.allSettled`. */
async function settled<T>(p: Promise<T>): Promise<PromiseSettledResult<T>> {
  try {
    return { status: 'fulfilled', value: await p };
  } catch (reason) {
    return { status: 'rejected', reason };
  }
}
