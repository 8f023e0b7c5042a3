import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Matcher, MatcherError, type Labels } from '../../model/index.js';
import {
  AlertmanagerConfigError,
  isValidLabelName,
  parseTimeIntervalSpec,
  specContains,
  type TimeIntervalSpec,
} from '../config/index.js';
import { writeFileAtomic } from '../util/atomic.js';
import type { SnapshotStore } from '../util/snapshot.js';
import type { Clock } from '../util/clock.js';

/** A silence matcher in the API's shape. */
export interface SilenceMatcher {
  readonly name: string;
  readonly value: string;
  readonly isRegex: boolean;
  /** False for `!=` / `!~`. */
  readonly isEqual: boolean;
}

/** A stored silence; times in ms since the epoch. */
export interface Silence {
  readonly id: string;
  readonly matchers: readonly SilenceMatcher[];
  readonly startsAtMs: number;
  readonly endsAtMs: number;
  readonly updatedAtMs: number;
  readonly createdBy: string;
  readonly comment: string;
  /** Free-form annotations of the silence (API field `annotations`). */
  readonly annotations?: Readonly<Record<string, string>>;
  /**
   * Kansoku extension: a recurring window (one Alertmanager `<time_interval_spec>` as JSON,
   * e.g. `{"weekdays": ["saturday:sunday"], "times": [{"start_time": "02:00", "end_time":
   * "04:00"}], "location": "Europe/Berlin"}`). The silence mutes only inside the window while
   * it is active; undefined for an ordinary silence.
   */
  readonly recurrence?: Readonly<Record<string, unknown>>;
}

/** Compiles a silence's recurrence; throws `SilenceError` for an invalid one. */
export function compileRecurrence(
  r: Readonly<Record<string, unknown>> | undefined,
): TimeIntervalSpec | undefined {
  if (r === undefined) return undefined;
  try {
    return parseTimeIntervalSpec(r);
  } catch (e) {
    if (e instanceof AlertmanagerConfigError)
      throw new SilenceError(`invalid recurrence: ${e.message}`, 'invalid');
    throw e;
  }
}

/** Whether a silence mutes at `nowMs` as far as time goes: active, and inside its recurrence. */
export function silenceInWindow(
  s: Silence,
  window: TimeIntervalSpec | undefined,
  nowMs: number,
): boolean {
  return (
    silenceState(s, nowMs) === 'active' && (window === undefined || specContains(window, nowMs))
  );
}

/** A silence's state at an instant. */
export type SilenceState = 'pending' | 'active' | 'expired';

/** A request the silences cannot satisfy; `kind` tells the API which status to answer. */
export class SilenceError extends Error {
  override readonly name = 'SilenceError';
  constructor(
    message: string,
    readonly kind: 'invalid' | 'not_found',
  ) {
    super(message);
  }
}

/** Options of the silence store. */
export interface SilencesOptions {
  readonly clock: Clock;
  /** Snapshot file (for example `<data dir>/silences.json`); undefined keeps silences in memory. */
  readonly file?: string;
  /** How long expired silences are kept, in ms (Alertmanager's `--data.retention`, 120h). */
  readonly retentionMs: number;
  /** A shared store instead of the file (several servers, high availability). */
  readonly store?: SnapshotStore;
}

/** The snapshot name of the silences in a shared store. */
const SNAPSHOT = 'silences';

/** The state of a silence at `nowMs`. */
export function silenceState(s: Silence, nowMs: number): SilenceState {
  if (s.endsAtMs <= nowMs) return 'expired';
  if (s.startsAtMs > nowMs) return 'pending';
  return 'active';
}

/** Compiles API matchers into label matchers. */
export function compileSilenceMatchers(ms: readonly SilenceMatcher[]): Matcher[] {
  return ms.map((m) => {
    const type = m.isRegex ? (m.isEqual ? '=~' : '!~') : m.isEqual ? '=' : '!=';
    try {
      return new Matcher(type, m.name, m.value);
    } catch (e) {
      if (e instanceof MatcherError)
        throw new SilenceError(`invalid label matcher: ${e.message}`, 'invalid');
      throw e;
    }
  });
}

function validate(s: Omit<Silence, 'id' | 'updatedAtMs'>): Matcher[] {
  if (s.matchers.length === 0) throw new SilenceError('at least one matcher required', 'invalid');
  for (const m of s.matchers) {
    if (!isValidLabelName(m.name)) {
      throw new SilenceError(
        `invalid label matcher: invalid label name ${JSON.stringify(m.name)}`,
        'invalid',
      );
    }
  }
  const compiled = compileSilenceMatchers(s.matchers);
  if (compiled.every((m) => m.matchesEmpty())) {
    throw new SilenceError('at least one matcher must not match the empty string', 'invalid');
  }
  if (s.startsAtMs === 0) throw new SilenceError('invalid zero start timestamp', 'invalid');
  if (s.endsAtMs === 0) throw new SilenceError('invalid zero end timestamp', 'invalid');
  if (s.endsAtMs < s.startsAtMs)
    throw new SilenceError('end time must not be before start time', 'invalid');
  return compiled;
}

function sameMatchers(a: readonly SilenceMatcher[], b: readonly SilenceMatcher[]): boolean {
  return (
    a.length === b.length &&
    a.every((m, i) => {
      const o = b[i];
      return (
        o !== undefined &&
        m.name === o.name &&
        m.value === o.value &&
        m.isRegex === o.isRegex &&
        m.isEqual === o.isEqual
      );
    })
  );
}

/**
 * Silences with Alertmanager's update rules: an edit keeps the id when only the comment, author
 * or an allowed time changes; otherwise the old silence expires and a new one is created.
 * Every change is written to the snapshot file atomically before the call returns.
 */
export class Silences {
  private readonly byId = new Map<
    string,
    { s: Silence; matchers: Matcher[]; window: TimeIntervalSpec | undefined }
  >();
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly options: SilencesOptions) {}

  /** Loads the snapshot file, when there is one. */
  async load(): Promise<void> {
    if (this.options.store) {
      await this.reload();
      return;
    }
    if (this.options.file === undefined) return;
    let text: string;
    try {
      text = await readFile(this.options.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new Error(`cannot load silences from ${this.options.file}: ${(e as Error).message}`, {
        cause: e,
      });
    }
    this.replaceWith(text, this.options.file);
  }

  /**
   * Replaces the silences with the shared store's, so that silences created on another server
   * apply here too (called periodically and when this server takes over sending).
   */
  async reload(): Promise<void> {
    if (!this.options.store) return;
    await this.writing.catch(() => undefined);
    const text = await this.options.store.read(SNAPSHOT);
    if (text !== undefined) this.replaceWith(text, 'the shared store');
  }

  private replaceWith(text: string, where: string): void {
    const raw: unknown = JSON.parse(text);
    if (!Array.isArray(raw))
      throw new Error(`cannot load silences from ${where}: not a JSON array`);
    this.byId.clear();
    for (const item of raw as Silence[]) {
      this.byId.set(item.id, {
        s: item,
        matchers: compileSilenceMatchers(item.matchers),
        window: compileRecurrence(item.recurrence),
      });
    }
  }

  /** Creates or updates a silence and returns its (possibly new) id. */
  async set(input: Omit<Silence, 'id' | 'updatedAtMs'> & { id?: string }): Promise<string> {
    const now = this.options.clock.now();
    const matchers = validate(input);
    const window = compileRecurrence(input.recurrence);
    const prev = input.id !== undefined && input.id !== '' ? this.byId.get(input.id) : undefined;
    if (input.id !== undefined && input.id !== '' && prev === undefined) {
      throw new SilenceError(`silence ${input.id} not found`, 'not_found');
    }
    if (prev !== undefined && canUpdate(prev.s, input, now)) {
      const s: Silence = { ...input, id: prev.s.id, updatedAtMs: now };
      this.byId.set(s.id, { s, matchers, window });
      await this.persist();
      return s.id;
    }
    if (input.endsAtMs <= now) throw new SilenceError("end time can't be in the past", 'invalid');
    if (prev !== undefined && silenceState(prev.s, now) !== 'expired')
      this.expireEntry(prev.s, now);
    const s: Silence = {
      ...input,
      id: randomUUID(),
      startsAtMs: Math.max(input.startsAtMs, now),
      updatedAtMs: now,
    };
    this.byId.set(s.id, { s, matchers, window });
    await this.persist();
    return s.id;
  }

  /** Expires a silence now. */
  async expire(id: string): Promise<void> {
    const now = this.options.clock.now();
    const e = this.byId.get(id);
    if (e === undefined) throw new SilenceError(`silence ${id} not found`, 'not_found');
    if (silenceState(e.s, now) === 'expired')
      throw new SilenceError(`silence ${id} already expired`, 'invalid');
    this.expireEntry(e.s, now);
    await this.persist();
  }

  private expireEntry(s: Silence, now: number): void {
    const pending = silenceState(s, now) === 'pending';
    const e = this.byId.get(s.id);
    if (e === undefined) return;
    this.byId.set(s.id, {
      s: { ...s, startsAtMs: pending ? now : s.startsAtMs, endsAtMs: now, updatedAtMs: now },
      matchers: e.matchers,
      window: e.window,
    });
  }

  /** One silence. */
  get(id: string): Silence | undefined {
    return this.byId.get(id)?.s;
  }

  /** All silences (filtered by the predicate when given). */
  list(filter?: (s: Silence) => boolean): Silence[] {
    const out: Silence[] = [];
    for (const { s } of this.byId.values()) if (filter === undefined || filter(s)) out.push(s);
    return out;
  }

  /** Ids of the active silences that match the labels, sorted. */
  mutes(labels: Labels, nowMs: number = this.options.clock.now()): string[] {
    const ids: string[] = [];
    for (const { s, matchers, window } of this.byId.values()) {
      if (!silenceInWindow(s, window, nowMs)) continue;
      if (matchers.every((m) => m.matches(labels.get(m.name)))) ids.push(s.id);
    }
    return ids.sort();
  }

  /** Drops silences that expired longer than the retention ago; returns how many. */
  async gc(): Promise<number> {
    const limit = this.options.clock.now() - this.options.retentionMs;
    let n = 0;
    for (const [id, { s }] of this.byId) {
      if (s.endsAtMs < limit) {
        this.byId.delete(id);
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
      const local = [...this.byId.values()].map((e) => e.s);
      const write = async (): Promise<void> => {
        if (store.update === undefined) {
          await store.write(SNAPSHOT, JSON.stringify(local));
          return;
        }
        // Merge with what other servers wrote since the last reload, so that no server's
        // silence is lost: per silence, the newest version wins.
        const minEndMs = this.options.clock.now() - this.options.retentionMs;
        const merged = await store.update(SNAPSHOT, (current) =>
          JSON.stringify(mergeSilences(parseSilences(current), local, minEndMs)),
        );
        this.replaceWith(merged, 'the shared store');
      };
      this.writing = this.writing.catch(() => undefined).then(write);
      return this.writing;
    }
    const file = this.options.file;
    if (file === undefined) return Promise.resolve();
    const data = JSON.stringify([...this.byId.values()].map((e) => e.s));
    this.writing = this.writing.catch(() => undefined).then(() => writeFileAtomic(file, data));
    return this.writing;
  }
}

function parseSilences(text: string | undefined): Silence[] {
  if (text === undefined) return [];
  const raw: unknown = JSON.parse(text);
  return Array.isArray(raw) ? (raw as Silence[]) : [];
}

/**
 * Merges two servers' silences: the union by id, the newer `updatedAtMs` winning (the first
 * list on a tie), without those that ended before `minEndMs` (garbage-collected). Sorted by id
 * so that every server writes the same text for the same silences.
 */
export function mergeSilences(
  a: readonly Silence[],
  b: readonly Silence[],
  minEndMs: number,
): Silence[] {
  const byId = new Map<string, Silence>();
  for (const s of [...a, ...b]) {
    if (s.endsAtMs < minEndMs) continue;
    const have = byId.get(s.id);
    if (have === undefined || s.updatedAtMs > have.updatedAtMs) byId.set(s.id, s);
  }
  return [...byId.values()].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
}

function canUpdate(a: Silence, b: Omit<Silence, 'id' | 'updatedAtMs'>, now: number): boolean {
  if (!sameMatchers(a.matchers, b.matchers)) return false;
  if (JSON.stringify(a.recurrence ?? null) !== JSON.stringify(b.recurrence ?? null)) return false;
  switch (silenceState(a, now)) {
    case 'active':
      return b.startsAtMs === a.startsAtMs && b.endsAtMs >= now;
    case 'pending':
      return b.startsAtMs >= now;
    case 'expired':
      return false;
  }
}
