/**
 * The alert history: a timeline of alert state changes (pending, firing, resolved, silenced,
 * notified, failed to notify), kept in memory and appended to a JSON-lines file so that it
 * survives restarts, bounded by a retention and an entry limit.
 */
import { appendFile, readFile } from 'node:fs/promises';
import type { Labels, Matcher } from '../../model/index.js';
import { fingerprint } from '../alerts/alert.js';
import { writeFileAtomic } from '../util/atomic.js';
import type { Clock } from '../util/clock.js';

/** What happened to an alert. */
export type HistoryEvent =
  | 'pending'
  | 'firing'
  | 'resolved'
  | 'inactive'
  | 'silenced'
  | 'unsilenced'
  | 'notified'
  | 'notify_failed';

/** One entry of the alert history. Times are ms since the epoch. */
export interface HistoryEntry {
  readonly t: number;
  readonly event: HistoryEvent;
  /** The alert's labels (alertname included). */
  readonly labels: Readonly<Record<string, string>>;
  /** The alert's fingerprint (Alertmanager's, hex). */
  readonly fingerprint: string;
  /** The receiver (and integration, `receiver/kind[index]`) for notified / notify_failed. */
  readonly receiver?: string;
  /** The sample value for rule state changes. */
  readonly value?: number;
  /** Free text: the error of a failed notification, the silence ids of silenced. */
  readonly detail?: string;
}

/** Options of the history store. */
export interface AlertHistoryOptions {
  readonly clock: Clock;
  /** The JSON-lines file; undefined keeps the history in memory only. */
  readonly file?: string;
  /** Entries older than this are dropped by `gc()`, ms. */
  readonly retentionMs: number;
  /** At most this many entries are kept (the oldest go first). */
  readonly maxEntries: number;
}

/** Default bound of the history: 100 000 entries (about 30 MB of memory). */
export const DEFAULT_HISTORY_MAX_ENTRIES = 100_000;

/** What one recorded change carries besides the time. */
export interface HistoryRecord {
  readonly event: HistoryEvent;
  readonly labels: Labels;
  readonly receiver?: string;
  readonly value?: number;
  readonly detail?: string;
}

/** A history query: time range in ms (inclusive) and label matchers (all must match). */
export interface HistoryQuery {
  readonly startMs: number;
  readonly endMs: number;
  readonly matchers: readonly Matcher[];
  /** At most this many entries, the newest kept (0: all). */
  readonly limit?: number;
}

/**
 * The alert history. `record` appends in memory at once and to the file in order (writes are
 * chained; `flush` waits for them). Entries are kept sorted by time. Call from the event loop.
 */
export class AlertHistory {
  private entries: HistoryEntry[] = [];
  private writes: Promise<void> = Promise.resolve();
  private buffer: string[] = [];
  private lastError: Error | undefined;
  /** Per fingerprint: the last rule state event (pending, firing, resolved, inactive). */
  private lastState = new Map<string, HistoryEvent>();

  constructor(private readonly options: AlertHistoryOptions) {}

  /** Loads the file (a torn last line, from a crash mid-write, is skipped). */
  async load(): Promise<void> {
    const file = this.options.file;
    if (file === undefined) return;
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new Error(`cannot load alert history ${file}: ${(e as Error).message}`, { cause: e });
    }
    const out: HistoryEntry[] = [];
    for (const line of text.split('\n')) {
      if (line === '') continue;
      const e = parseEntry(line);
      if (e) out.push(e);
    }
    out.sort((a, b) => a.t - b.t);
    this.entries = out;
    this.trim();
    this.rebuildLastState();
  }

  /**
   * Records one change at the clock's current time (or `tMs`). A rule state event that repeats
   * the alert's last state (a restarted server re-evaluating a firing alert) is not recorded.
   */
  record(r: HistoryRecord, tMs: number = this.options.clock.now()): void {
    const fp = fingerprint(r.labels);
    if (STATE_EVENTS.has(r.event)) {
      if (this.lastState.get(fp) === r.event) return;
      this.lastState.set(fp, r.event);
    }
    const e: HistoryEntry = {
      t: tMs,
      event: r.event,
      labels: r.labels.toRecord(),
      fingerprint: fp,
      ...(r.receiver === undefined ? {} : { receiver: r.receiver }),
      ...(r.value === undefined || !Number.isFinite(r.value) ? {} : { value: r.value }),
      ...(r.detail === undefined ? {} : { detail: r.detail }),
    };
    const last = this.entries[this.entries.length - 1];
    if (last === undefined || last.t <= e.t) this.entries.push(e);
    else this.entries.splice(upperBound(this.entries, e.t), 0, e);
    if (this.entries.length > this.options.maxEntries * 1.1) this.trim();
    if (this.options.file === undefined) return;
    this.buffer.push(JSON.stringify(e));
    if (this.buffer.length === 1) this.writes = this.writes.then(() => this.writeBuffer());
  }

  /** Entries in the range whose labels match every matcher, oldest first. */
  query(q: HistoryQuery): HistoryEntry[] {
    const out: HistoryEntry[] = [];
    for (let i = lowerBound(this.entries, q.startMs); i < this.entries.length; i++) {
      const e = this.entries[i];
      if (e === undefined || e.t > q.endMs) break;
      if (q.matchers.every((m) => m.matches(e.labels[m.name] ?? ''))) out.push(e);
    }
    const limit = q.limit ?? 0;
    return limit > 0 && out.length > limit ? out.slice(out.length - limit) : out;
  }

  /** The number of entries kept. */
  size(): number {
    return this.entries.length;
  }

  /** The last write error (undefined when the file is healthy). */
  error(): Error | undefined {
    return this.lastError;
  }

  /** Drops entries past the retention or the entry limit and rewrites the file. */
  async gc(): Promise<void> {
    const before = this.entries.length;
    this.trim();
    this.rebuildLastState();
    const file = this.options.file;
    if (file === undefined || this.entries.length === before) return;
    const snapshot = this.entries.map((e) => JSON.stringify(e)).join('\n');
    this.buffer = [];
    this.writes = this.writes.then(() =>
      writeFileAtomic(file, snapshot === '' ? '' : `${snapshot}\n`).then(
        () => {
          this.lastError = undefined;
        },
        (e: unknown) => {
          this.lastError = e as Error;
        },
      ),
    );
    await this.writes;
  }

  /** Waits for every pending write. */
  async flush(): Promise<void> {
    await this.writes;
  }

  private rebuildLastState(): void {
    this.lastState = new Map();
    for (const e of this.entries)
      if (STATE_EVENTS.has(e.event)) this.lastState.set(e.fingerprint, e.event);
  }

  private trim(): void {
    const cutoff = this.options.clock.now() - this.options.retentionMs;
    let drop = lowerBound(this.entries, cutoff);
    drop = Math.max(drop, this.entries.length - this.options.maxEntries);
    if (drop > 0) this.entries = this.entries.slice(drop);
  }

  private async writeBuffer(): Promise<void> {
    const file = this.options.file;
    const lines = this.buffer;
    this.buffer = [];
    if (file === undefined || lines.length === 0) return;
    try {
      await appendFile(file, `${lines.join('\n')}\n`, { mode: 0o600 });
      this.lastError = undefined;
    } catch (e) {
      this.lastError = e as Error;
    }
  }
}

/** The first index whose time is ≥ t. */
function lowerBound(list: readonly HistoryEntry[], t: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid]?.t ?? Infinity) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index whose time is > t. */
function upperBound(list: readonly HistoryEntry[], t: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid]?.t ?? Infinity) <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The events that come from rule evaluation (alert states). */
const STATE_EVENTS = new Set<HistoryEvent>(['pending', 'firing', 'resolved', 'inactive']);

const EVENTS = new Set<string>([
  'pending',
  'firing',
  'resolved',
  'inactive',
  'silenced',
  'unsilenced',
  'notified',
  'notify_failed',
]);

/** Parses one stored line; undefined for a torn or foreign line. */
function parseEntry(line: string): HistoryEntry | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  const labels = o['labels'];
  if (
    typeof o['t'] !== 'number' ||
    typeof o['event'] !== 'string' ||
    !EVENTS.has(o['event']) ||
    typeof o['fingerprint'] !== 'string' ||
    typeof labels !== 'object' ||
    labels === null ||
    !Object.values(labels).every((x) => typeof x === 'string')
  ) {
    return undefined;
  }
  return {
    t: o['t'],
    event: o['event'] as HistoryEvent,
    labels: labels as Record<string, string>,
    fingerprint: o['fingerprint'],
    ...(typeof o['receiver'] === 'string' ? { receiver: o['receiver'] } : {}),
    ...(typeof o['value'] === 'number' ? { value: o['value'] } : {}),
    ...(typeof o['detail'] === 'string' ? { detail: o['detail'] } : {}),
  };
}
