/**
 * Test support: an in-memory storage with a history-change feed, so cache tests need no TSDB.
 * Every commit whose oldest sample is `marginMs` behind `now()` and every deletion is one
 * generation, as the embedded database reports them.
 */
import type { Labels, Matcher } from '../../model/index.js';
import {
  MemStorage,
  type Appender,
  type Querier,
  type SeriesRef,
  type Storage,
} from '../../storage/index.js';

/** What `changesSince` answers. */
type HistoryChanges = ReturnType<NonNullable<Storage['changesSince']>>;

/** `MemStorage` plus `changesSince`; `now` is the clock that decides which writes are late. */
export class TrackedMemStorage implements Storage {
  readonly inner = new MemStorage();
  private gen = 0;
  private readonly log: { gen: number; minT: number }[] = [];

  constructor(
    readonly now: () => number,
    readonly marginMs = 60_000,
  ) {}

  querier(mint: number, maxt: number): Promise<Querier> {
    return this.inner.querier(mint, maxt);
  }

  appender(): Appender {
    const inner = this.inner.appender();
    let minT = Infinity;
    return {
      append: (ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef => {
        minT = Math.min(minT, t);
        return inner.append(ref, labels, t, v);
      },
      commit: async () => {
        await inner.commit();
        if (minT < this.now() - this.marginMs) this.note(minT);
      },
      rollback: () => inner.rollback(),
    };
  }

  /** Deletes samples and records the change. */
  async deleteSeries(mint: number, maxt: number, matchers: readonly Matcher[]): Promise<void> {
    await this.inner.deleteSeries(mint, maxt, matchers);
    this.note(mint);
  }

  changesSince(generation: number): HistoryChanges {
    let minT = Infinity;
    for (const e of this.log) if (e.gen > generation) minT = Math.min(minT, e.minT);
    return { generation: this.gen, minT, marginMs: this.marginMs };
  }

  startTime(): number | undefined {
    return this.inner.startTime();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private note(minT: number): void {
    this.gen++;
    this.log.push({ gen: this.gen, minT });
  }
}
