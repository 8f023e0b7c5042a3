/**
 * Fanout mode: the embedded database keeps recent data, the remote engine keeps everything;
 * reads take recent data from the embedded database and older data from the remote engine,
 * merged with the storage seam's merge code.
 */
import {
  FanoutStorage,
  MergeQuerier,
  type Appender,
  type Querier,
  type Storage,
  type WarnLogger,
} from '../../storage/index.js';

/**
 * A `Storage` over a local and a remote storage. Writes go to both (`FanoutStorage`: the local
 * write decides success; a failing remote queue is logged). A querier over [mint, maxt] reads
 * the local storage for the whole range and, when the range reaches back past
 * `now - boundaryMs`, the remote storage for [mint, now - boundaryMs] as a secondary: on equal
 * timestamps the local sample wins, and a remote failure becomes a warning, so recent data and
 * dashboards keep working while the remote engine is down.
 */
export class TieredStorage implements Storage {
  private readonly fanout: FanoutStorage;

  constructor(
    private readonly local: Storage,
    private readonly remote: Storage,
    /** Age in ms from which data is read from the remote engine. */
    private readonly boundaryMs: number,
    private readonly logger?: WarnLogger,
    private readonly now: () => number = Date.now,
  ) {
    this.fanout = new FanoutStorage(local, [remote], logger);
  }

  appender(): Appender {
    return this.fanout.appender();
  }

  async querier(mint: number, maxt: number): Promise<Querier> {
    const boundary = this.now() - this.boundaryMs;
    const local = await this.local.querier(mint, maxt);
    if (mint > boundary) return local;
    let remote: Querier;
    try {
      remote = await this.remote.querier(mint, Math.min(maxt, boundary));
    } catch (err) {
      this.logger?.warn('cannot open querier on the remote engine', { err });
      return local;
    }
    return new MergeQuerier([local], [remote], this.logger);
  }

  /** The earlier of both start times. */
  startTime(): number | undefined {
    const a = this.local.startTime();
    const b = this.remote.startTime();
    if (a === undefined) return b;
    if (b === undefined) return a;
    return Math.min(a, b);
  }

  close(): Promise<void> {
    return this.fanout.close();
  }
}
