/**
 * Leadership: which of several servers sharing a metadata store does the work that must happen
 * once (evaluating rule groups, sending notifications). A single server is always the leader; a
 * group of servers elects one through a lease in PostgreSQL that the leader renews and that
 * another server takes over once it has expired.
 */
import type pg from 'pg';

/** Who is leader, as one server sees it. */
export interface Leadership {
  /** Whether this server may do leader-only work right now. */
  isLeader(): boolean;
  /** Increases each time leadership changes hands (a fencing token); 0 when never held. */
  epoch(): number;
  /** Calls `fn` whenever this server becomes or stops being the leader. */
  onChange(fn: (leader: boolean) => void): void;
  /** Stops renewing and gives the lease up so that another server takes over at once. */
  stop(): Promise<void>;
}

/** The leadership of a server that runs alone. */
export class SoleLeader implements Leadership {
  isLeader(): boolean {
    return true;
  }
  epoch(): number {
    return 1;
  }
  onChange(): void {
    // A sole server never changes.
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
}

/** The table of leases. */
export const LEASE_TABLE = 'kansoku_leases';

const SCHEMA = `CREATE TABLE IF NOT EXISTS ${LEASE_TABLE} (
  name text PRIMARY KEY,
  holder text NOT NULL,
  epoch bigint NOT NULL,
  expires_at timestamptz NOT NULL
)`;

/** Options of `PgLease`. */
export interface PgLeaseOptions {
  /** The lease's name, e.g. `leader`. */
  readonly name: string;
  /** This server's unique identity (host, port and a random part). */
  readonly holder: string;
  /** How long a lease lasts without renewal; another server takes over after this. */
  readonly ttlMs: number;
  /** How often to renew or try to acquire (default a third of the TTL). */
  readonly renewEveryMs?: number;
  /** Called when a renewal fails (the lease is then considered lost at its local deadline). */
  readonly onError?: (err: unknown) => void;
}

/**
 * A lease in PostgreSQL. Expiry is decided by the database's clock, so servers' clocks need not
 * agree; locally, leadership is assumed only until the time the renewal was sent plus the TTL
 * minus a safety margin, so a paused or partitioned leader stops before another one starts.
 */
export class PgLease implements Leadership {
  private leaderUntil = 0;
  private currentEpoch = 0;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private inFlight: Promise<void> | undefined;
  private readonly listeners: ((leader: boolean) => void)[] = [];
  private wasLeader = false;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly opts: PgLeaseOptions,
  ) {}

  /** Creates the table if needed, tries to acquire once, then keeps renewing or trying. */
  static async start(pool: pg.Pool, opts: PgLeaseOptions): Promise<PgLease> {
    if (opts.ttlMs < 1000) throw new Error('cannot use a lease shorter than 1 s');
    await pool.query(SCHEMA);
    const l = new PgLease(pool, opts);
    l.running = true;
    await l.tick();
    return l;
  }

  isLeader(): boolean {
    const leader = this.running && performance.now() < this.leaderUntil;
    if (leader !== this.wasLeader) this.changed(leader);
    return leader;
  }

  epoch(): number {
    return this.currentEpoch;
  }

  onChange(fn: (leader: boolean) => void): void {
    this.listeners.push(fn);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await this.inFlight;
    if (this.leaderUntil > 0) {
      this.leaderUntil = 0;
      await this.pool
        .query(`UPDATE ${LEASE_TABLE} SET expires_at = now() WHERE name = $1 AND holder = $2`, [
          this.opts.name,
          this.opts.holder,
        ])
        .catch((e: unknown) => this.opts.onError?.(e));
    }
    if (this.wasLeader) this.changed(false);
  }

  private schedule(): void {
    if (!this.running) return;
    const every = this.opts.renewEveryMs ?? Math.floor(this.opts.ttlMs / 3);
    this.timer = setTimeout(() => {
      void this.tick();
    }, every);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const run = this.tryAcquire();
    this.inFlight = run;
    await run;
    this.inFlight = undefined;
    this.isLeader();
    this.schedule();
  }

  private async tryAcquire(): Promise<void> {
    const sent = performance.now();
    try {
      const r = await this.pool.query<{ holder: string; epoch: string }>(
        `INSERT INTO ${LEASE_TABLE} (name, holder, epoch, expires_at)
         VALUES ($1, $2, 1, now() + $3 * interval '1 millisecond')
         ON CONFLICT (name) DO UPDATE SET
           holder = $2,
           epoch = CASE WHEN ${LEASE_TABLE}.holder = $2 AND ${LEASE_TABLE}.expires_at > now()
                        THEN ${LEASE_TABLE}.epoch ELSE ${LEASE_TABLE}.epoch + 1 END,
           expires_at = now() + $3 * interval '1 millisecond'
         WHERE ${LEASE_TABLE}.holder = $2 OR ${LEASE_TABLE}.expires_at <= now()
         RETURNING holder, epoch`,
        [this.opts.name, this.opts.holder, this.opts.ttlMs],
      );
      const row = r.rows[0];
      if (row && row.holder === this.opts.holder && this.running) {
        this.currentEpoch = Number(row.epoch);
        // A safety margin of a fifth of the TTL covers scheduling delays on this side.
        this.leaderUntil = sent + this.opts.ttlMs * 0.8;
      } else {
        this.leaderUntil = 0;
      }
    } catch (e) {
      this.opts.onError?.(e);
    }
  }

  private changed(leader: boolean): void {
    this.wasLeader = leader;
    for (const fn of this.listeners) fn(leader);
  }
}
