/**
 * Pushgateway-compatible push groups. Each group keeps the metrics last pushed to it until it is
 * deleted or, unlike Pushgateway, until its optional time to live runs out. Because pushed values
 * stand until replaced, the store appends every live group's samples into storage on an interval
 * (like a scrape of a Pushgateway) and writes staleness markers for series that went away.
 */
import { LimitError, STALE_NAN } from '../../model/index.js';
import type { IngestPipeline, IngestResult } from '../pipeline.js';
import { parsePushBody, type PushedFamily } from './body.js';
import type { GroupingKey } from './path.js';
import { loadGroups, saveGroups, type GroupState } from './persist.js';

/** Settings of the push store. */
export interface PushStoreOptions {
  /** The file that keeps the groups across restarts (in the data directory); none when undefined. */
  readonly file: string | undefined;
  /** How often live groups are written to storage (ms), like a scrape interval. */
  readonly intervalMs: number;
  /** Most groups kept at once (`--push.max-groups`); 0 for no limit. */
  readonly maxGroups: number;
  /** Called with errors of the background interval (the request paths throw instead). */
  readonly onError: (e: unknown) => void;
}

/** Defaults: a 15 s interval, 10 000 groups, in memory only. */
export function defaultPushStoreOptions(): PushStoreOptions {
  return { file: undefined, intervalMs: 15_000, maxGroups: 10_000, onError: () => undefined };
}

/** What a push did: `ok`, or why it was refused (HTTP 400 at the edge). */
export type PushOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly kind: 'syntax' | 'invalid'; readonly message: string };

interface Group extends GroupState {
  /** Series written for this group in its last write: series id → flat labels. */
  written: Map<string, readonly string[]>;
}

/** A read-only view of one group, for status pages and APIs. */
export interface GroupView {
  readonly labels: readonly (readonly [string, string])[];
  readonly families: readonly PushedFamily[];
  readonly pushTimeMs: number;
  readonly failureTimeMs: number;
  readonly ttlMs: number;
}

/**
 * The push groups. All operations are serialised (one at a time, in call order), so callers may
 * use them concurrently. Owns its interval timer between `start()` and `stop()`.
 */
export class PushStore {
  private readonly groups = new Map<string, Group>();
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly pipeline: IngestPipeline,
    private readonly opts: PushStoreOptions,
  ) {}

  /** Opens the store, loading the groups saved in `opts.file` (if any). */
  static async open(pipeline: IngestPipeline, opts: PushStoreOptions): Promise<PushStore> {
    const s = new PushStore(pipeline, opts);
    if (opts.file !== undefined) {
      for (const g of await loadGroups(opts.file)) {
        // The saved series were in storage before the restart: remember them so that a group
        // that expires or is deleted now still gets its staleness markers.
        const written = new Map<string, readonly string[]>();
        for (const flat of seriesOf(g)) written.set(flat.join('\u0000'), flat);
        s.groups.set(g.key.id, { ...g, written });
      }
    }
    return s;
  }

  private run<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.chain.then(fn);
    this.chain = p.catch(() => undefined);
    return p;
  }

  /**
   * Pushes a Prometheus text body to a group: `replace` (PUT) replaces all its metrics, otherwise
   * (POST) only the families pushed. `ttlMs` > 0 drops the group that long after this push, 0
   * removes its time to live, undefined keeps the one it has.
   * The group's samples are written to storage at `now` right away.
   */
  push(
    key: GroupingKey,
    body: string,
    replace: boolean,
    ttlMs: number | undefined,
    now: number,
  ): Promise<PushOutcome> {
    return this.run(async () => {
      const parsed = parsePushBody(body, key);
      if (!parsed.ok && parsed.kind === 'syntax') return parsed;
      let g = this.groups.get(key.id);
      const fresh = g === undefined;
      if (g === undefined) {
        if (this.opts.maxGroups > 0 && this.groups.size >= this.opts.maxGroups) {
          throw new LimitError(
            `cannot add push group: the limit of ${this.opts.maxGroups} groups is reached; raise --push.max-groups or delete groups`,
            '--push.max-groups',
          );
        }
        g = {
          key,
          families: new Map(),
          pushTimeMs: 0,
          failureTimeMs: 0,
          ttlMs: 0,
          written: new Map(),
        };
      }
      const next = new Map(replace ? [] : g.families);
      let problem = parsed.ok ? '' : parsed.message;
      if (parsed.ok) {
        for (const [n, f] of parsed.families) {
          if (n !== PUSH_TIME && n !== PUSH_FAILURE_TIME) next.set(n, f);
        }
        problem = this.conflict(key.id, next);
      }
      const before = {
        families: g.families,
        pushTimeMs: g.pushTimeMs,
        failureTimeMs: g.failureTimeMs,
        ttlMs: g.ttlMs,
      };
      if (problem !== '') g.failureTimeMs = now;
      else {
        g.families = next;
        g.pushTimeMs = now;
        if (ttlMs !== undefined) g.ttlMs = ttlMs;
      }
      if (fresh) this.groups.set(key.id, g);
      try {
        await this.save();
      } catch (e) {
        // Not saved, so not applied: the client sees an error and may retry.
        Object.assign(g, before);
        if (fresh) this.groups.delete(key.id);
        throw e;
      }
      await this.write([g], [], now);
      return problem === '' ? { ok: true } : { ok: false, kind: 'invalid', message: problem };
    });
  }

  /** Deletes a group; its series get staleness markers at `now`. Returns whether it existed. */
  delete(key: GroupingKey, now: number): Promise<boolean> {
    return this.run(async () => {
      const g = this.groups.get(key.id);
      if (g === undefined) return false;
      this.groups.delete(key.id);
      try {
        await this.save();
      } catch (e) {
        this.groups.set(key.id, g);
        throw e;
      }
      await this.write([], [g], now);
      return true;
    });
  }

  /**
   * Drops expired groups (with staleness markers) and appends every live group's samples at
   * `now`. Called by the interval; tests call it directly.
   */
  tick(now: number): Promise<IngestResult> {
    return this.run(async () => {
      const gone: Group[] = [];
      for (const g of this.groups.values()) {
        if (g.ttlMs > 0 && g.pushTimeMs + g.ttlMs <= now) gone.push(g);
      }
      for (const g of gone) this.groups.delete(g.key.id);
      if (gone.length > 0) {
        try {
          await this.save();
        } catch (e) {
          for (const g of gone) this.groups.set(g.key.id, g);
          throw e;
        }
      }
      return this.write([...this.groups.values()], gone, now);
    });
  }

  /** Starts appending live groups every `intervalMs`. */
  start(now: () => number = Date.now): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => {
      this.tick(now()).catch(this.opts.onError);
    }, this.opts.intervalMs);
    this.timer.unref();
  }

  /** Stops the interval and waits for the operation under way. */
  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.chain;
  }

  /** The groups, sorted by grouping key. */
  list(): GroupView[] {
    return [...this.groups.values()]
      .sort((a, b) => (a.key.id < b.key.id ? -1 : a.key.id > b.key.id ? 1 : 0))
      .map((g) => ({
        labels: g.key.labels,
        families: [...g.families.values()],
        pushTimeMs: g.pushTimeMs,
        failureTimeMs: g.failureTimeMs,
        ttlMs: g.ttlMs,
      }));
  }

  /** Why a group's new families clash with the other groups, or ''. */
  private conflict(id: string, families: Map<string, PushedFamily>): string {
    const mine = new Set<string>();
    for (const f of families.values()) for (const s of f.series) mine.add(s.join('\u0000'));
    for (const [otherId, other] of this.groups) {
      if (otherId === id) continue;
      for (const f of other.families.values()) {
        const same = families.get(f.name);
        if (same !== undefined && same.type !== f.type) {
          return `metric ${f.name} has type ${same.type} but is ${f.type} in another group`;
        }
        for (const s of f.series) {
          if (mine.has(s.join('\u0000'))) {
            return `series ${JSON.stringify(s)} is already pushed by another group`;
          }
        }
      }
    }
    return '';
  }

  private async save(): Promise<void> {
    if (this.opts.file !== undefined) await saveGroups(this.opts.file, this.groups.values());
  }

  /** Appends the samples of `live` groups and staleness markers for what `gone` groups wrote. */
  private async write(live: Group[], gone: Group[], now: number): Promise<IngestResult> {
    const batch = this.pipeline.batch();
    for (const g of gone) {
      for (const [id, flat] of g.written) batch.add(id, () => [...flat], now, STALE_NAN, 0);
      g.written = new Map();
    }
    for (const g of live) {
      const current = new Map<string, readonly string[]>();
      for (const [f, i, flat] of samplesOf(g)) {
        const id = flat.join('\u0000');
        current.set(id, flat);
        batch.add(id, () => [...flat], now, f === undefined ? timeValue(g, i) : f.values[i]!, 0);
      }
      for (const [id, flat] of g.written) {
        if (!current.has(id)) batch.add(id, () => [...flat], now, STALE_NAN, 0);
      }
      g.written = current;
    }
    try {
      return await batch.commit();
    } catch (e) {
      await batch.rollback().catch(() => undefined);
      throw e;
    }
  }
}

const PUSH_TIME = 'push_time_seconds';
const PUSH_FAILURE_TIME = 'push_failure_time_seconds';

function groupSeries(g: GroupState, name: string): string[] {
  const flat: string[] = [];
  const pairs = [...g.key.labels.filter(([, v]) => v !== ''), ['__name__', name] as const];
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  for (const [n, v] of pairs) flat.push(n, v);
  return flat;
}

function timeValue(g: GroupState, i: number): number {
  const ms = i === 0 ? g.pushTimeMs : g.failureTimeMs;
  return ms / 1000;
}

/**
 * Every sample of a group: `[family, index, labels]`, then `push_time_seconds` (index 0) and
 * `push_failure_time_seconds` (index 1) with an undefined family.
 */
function* samplesOf(
  g: GroupState,
): Generator<[PushedFamily | undefined, number, readonly string[]]> {
  for (const f of g.families.values()) {
    for (let i = 0; i < f.series.length; i++) yield [f, i, f.series[i]!];
  }
  yield [undefined, 0, groupSeries(g, PUSH_TIME)];
  yield [undefined, 1, groupSeries(g, PUSH_FAILURE_TIME)];
}

function seriesOf(g: GroupState): (readonly string[])[] {
  return [...samplesOf(g)].map(([, , flat]) => flat);
}
