import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../util/atomic.js';
import type { Clock } from '../util/clock.js';
import type { SnapshotStore } from '../util/snapshot.js';

/** What was last sent for one group to one integration. */
export interface NflogEntry {
  /** Fingerprints of the firing alerts in that notification, sorted. */
  readonly firing: readonly string[];
  /** Fingerprints of the resolved alerts in that notification, sorted. */
  readonly resolved: readonly string[];
  readonly timestampMs: number;
  readonly expiresAtMs: number;
}

/** Options of the notification log. */
export interface NflogOptions {
  readonly clock: Clock;
  /** Snapshot file (for example `<data dir>/nflog.json`); undefined keeps the log in memory. */
  readonly file?: string;
  /** How long entries are kept, in ms (Alertmanager's `--data.retention`, 120h). */
  readonly retentionMs: number;
  /** A shared store instead of the file (several servers, high availability). */
  readonly store?: SnapshotStore;
}

/** The snapshot name of the notification log in a shared store. */
const SNAPSHOT = 'nflog';

/**
 * The notification log: what each integration last received for each group, so that repeats
 * wait for `repeat_interval` and a restart neither repeats nor forgets notifications. Each
 * `log` call is written to the snapshot file atomically before it resolves.
 */
export class NotificationLog {
  private readonly entries = new Map<string, NflogEntry>();
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly options: NflogOptions) {}

  /** The key of one group at one integration. */
  static key(groupKey: string, receiver: string, integration: string, index: number): string {
    return `${groupKey}\u0000${receiver}/${integration}/${index}`;
  }

  /** Loads the snapshot file, when there is one. */
  async load(): Promise<void> {
    if (this.options.store) {
      const shared = await this.options.store.read(SNAPSHOT);
      if (shared !== undefined) this.parse(shared, 'the shared store');
      return;
    }
    if (this.options.file === undefined) return;
    let text: string;
    try {
      text = await readFile(this.options.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new Error(
        `cannot load notification log from ${this.options.file}: ${(e as Error).message}`,
        {
          cause: e,
        },
      );
    }
    this.parse(text, this.options.file);
  }

  /** Replaces the entries with the shared store's (a server taking over sending). */
  async reload(): Promise<void> {
    if (!this.options.store) return;
    await this.writing.catch(() => undefined);
    const shared = await this.options.store.read(SNAPSHOT);
    this.entries.clear();
    if (shared !== undefined) this.parse(shared, 'the shared store');
  }

  private parse(text: string, where: string): void {
    const raw: unknown = JSON.parse(text);
    if (typeof raw !== 'object' || raw === null) {
      throw new Error(`cannot load notification log from ${where}: not a JSON object`);
    }
    for (const [k, v] of Object.entries(raw as Record<string, NflogEntry>)) this.entries.set(k, v);
  }

  /** The last entry of a key. */
  query(key: string): NflogEntry | undefined {
    return this.entries.get(key);
  }

  /** Records a sent notification. */
  log(key: string, firing: readonly string[], resolved: readonly string[]): Promise<void> {
    const now = this.options.clock.now();
    this.entries.set(key, {
      firing: [...firing].sort(),
      resolved: [...resolved].sort(),
      timestampMs: now,
      expiresAtMs: now + this.options.retentionMs,
    });
    return this.persist();
  }

  /** Drops expired entries; returns how many. */
  async gc(): Promise<number> {
    const now = this.options.clock.now();
    let n = 0;
    for (const [k, e] of this.entries) {
      if (e.expiresAtMs <= now) {
        this.entries.delete(k);
        n++;
      }
    }
    if (n > 0) await this.persist();
    return n;
  }

  /** Resolves once every started snapshot write has finished (call before exit). */
  async flush(): Promise<void> {
    await this.writing;
  }

  private persist(): Promise<void> {
    const store = this.options.store;
    if (store) {
      const shared = JSON.stringify(Object.fromEntries(this.entries));
      this.writing = this.writing.catch(() => undefined).then(() => store.write(SNAPSHOT, shared));
      return this.writing;
    }
    const file = this.options.file;
    if (file === undefined) return Promise.resolve();
    const data = JSON.stringify(Object.fromEntries(this.entries));
    this.writing = this.writing.catch(() => undefined).then(() => writeFileAtomic(file, data));
    return this.writing;
  }
}

/**
 * Whether a group must be notified again (Alertmanager's dedup rule): new firing alerts, all
 * alerts resolved after a firing notification, newly resolved alerts when `send_resolved`, or
 * the repeat interval passed.
 */
export function needsUpdate(
  entry: NflogEntry | undefined,
  firing: ReadonlySet<string>,
  resolved: ReadonlySet<string>,
  sendResolved: boolean,
  repeatIntervalMs: number,
  nowMs: number,
): boolean {
  if (entry === undefined) return firing.size > 0;
  const prevFiring = new Set(entry.firing);
  for (const fp of firing) if (!prevFiring.has(fp)) return true;
  if (firing.size === 0) return entry.firing.length > 0;
  if (sendResolved) {
    const prevResolved = new Set(entry.resolved);
    for (const fp of resolved) if (!prevResolved.has(fp)) return true;
  }
  return entry.timestampMs <= nowMs - repeatIntervalMs;
}
