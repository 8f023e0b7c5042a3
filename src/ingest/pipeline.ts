import {
  BadInputError,
  DuplicateSampleError,
  LimitError,
  Labels,
  OutOfBoundsError,
  isValidLegacyMetricName,
  relabel,
  type RelabelRule,
} from '../model/index.js';
import { detachString } from '../parsers/index.js';
import type { Appendable, Appender, SeriesRef } from '../storage/index.js';

/** Limits every push path enforces (0 = no limit). Errors name the setting. */
export interface IngestLimits {
  /** `--ingest.max-label-names`: labels per series, the metric name included. */
  readonly maxLabelNames: number;
  /** `--ingest.max-label-name-length`. */
  readonly maxLabelNameLength: number;
  /** `--ingest.max-label-value-length`. */
  readonly maxLabelValueLength: number;
}

/** Options of the ingest pipeline. */
export interface IngestOptions {
  readonly limits: IngestLimits;
  /** Rules applied to every pushed series (like `write_relabel_configs`). */
  readonly relabel: readonly RelabelRule[];
  /** How many series references to cache across requests. */
  readonly refCacheSize: number;
}

/** Defaults that fit a small machine. */
export function defaultIngestOptions(): IngestOptions {
  return {
    limits: { maxLabelNames: 64, maxLabelNameLength: 256, maxLabelValueLength: 4096 },
    relabel: [],
    refCacheSize: 1 << 18,
  };
}

/** One rejected line, point or series. */
export interface Rejection {
  /** 1-based line number (text formats) or index, 0 when not applicable. */
  readonly line: number;
  readonly reason: string;
}

/**
 * Why samples were not stored: a bad line or series (`invalid`), an `--ingest.*` or storage
 * limit (`limit`), a different value at an existing timestamp (`conflict`), a timestamp the
 * storage cannot take, such as beyond the retention (`out_of_bounds`), a value type Kansoku does
 * not store (`unsupported`), or a series dropped by the relabeling rules (`relabeled`).
 */
export type RejectReason =
  'invalid' | 'limit' | 'conflict' | 'out_of_bounds' | 'unsupported' | 'relabeled';

/** Every reject reason, for self-metrics. */
export const REJECT_REASONS: readonly RejectReason[] = [
  'invalid',
  'limit',
  'conflict',
  'out_of_bounds',
  'unsupported',
  'relabeled',
];

/** What a push request did. */
export interface IngestResult {
  /** Samples stored. */
  accepted: number;
  /** Samples refused (bad lines, limits, conflicts); the request reports them as errors. */
  rejected: number;
  /**
   * Samples not stored, by reason: `rejected` by reason, plus `relabeled` (samples the relabeling
   * rules dropped on purpose, which are not an error of the request).
   */
  readonly rejectedBy: Record<RejectReason, number>;
  /** The first rejections (at most `MAX_REPORTED`), with line numbers. */
  readonly errors: Rejection[];
}

/** How many rejections a result lists in detail. */
export const MAX_REPORTED = 100;

interface CachedSeries {
  ref: SeriesRef;
  readonly labels: Labels | undefined;
}

/**
 * The cached series of one group (for example one line-protocol tag set), by member key (the
 * field). Obtained from `IngestPipeline.group`; valid until the next `group` call of a later
 * request may clear the cache, so a request looks its groups up again.
 */
export type SeriesGroup = Map<string, CachedSeries>;

/** A group in the grouped cache: its key text, and the next group with the same hash. */
interface GroupEntry {
  readonly key: string;
  readonly group: SeriesGroup;
  readonly next: GroupEntry | undefined;
}

/**
 * The one way pushed samples reach storage: label validation, relabeling, limits, and a cache
 * from a series' raw label text to its storage reference, shared by every request. Each request
 * gets a `Batch` that appends into one appender and commits atomically.
 */
export class IngestPipeline {
  private readonly cache = new Map<string, CachedSeries>();
  /** Grouped caches by namespace and group key, and how many series they hold in all. */
  private readonly groups = new Map<string, Map<number, GroupEntry>>();
  private grouped = 0;
  private lastNamespace = '';
  private lastGroups: Map<number, GroupEntry> | undefined;
  private relabelRules: readonly RelabelRule[];
  /** Bumped whenever cached series may be stale (new relabeling rules); caches elsewhere compare it. */
  generation = 0;

  constructor(
    private readonly storage: Appendable,
    readonly opts: IngestOptions = defaultIngestOptions(),
  ) {
    this.relabelRules = opts.relabel;
  }

  /** Replaces the relabeling rules (configuration reload); every series cache is dropped. */
  setRelabel(rules: readonly RelabelRule[]): void {
    this.relabelRules = rules;
    this.generation++;
    this.dropCaches();
  }

  /**
   * The appendable every batch writes into. Paths with their own series cache (remote write)
   * append through it directly after `admit`.
   */
  get appendable(): Appendable {
    return this.storage;
  }

  /**
   * The pipeline's rules for one series, for paths that validate and cache series themselves:
   * checks the limits on the labels as sent, then applies the relabeling rules. Returns the
   * labels to store, `undefined` when relabeling drops the series, or why it is refused.
   */
  admit(raw: Labels): Labels | undefined | string {
    const err = this.check(raw);
    if (err !== '') return err;
    return relabel(raw, this.relabelRules);
  }

  /**
   * Drops the series caches (label text → reference), for example when memory runs short; they
   * refill on the next requests.
   */
  dropCaches(): void {
    this.cache.clear();
    for (const ns of this.groups.values()) ns.clear();
    this.groups.clear();
    this.grouped = 0;
    this.lastNamespace = '';
    this.lastGroups = undefined;
  }

  /** Starts a batch for one request. */
  batch(): Batch {
    return new Batch(this.storage.appender(), this);
  }

  /**
   * The cache of one group of series, for formats whose series are a group plus a member (a
   * line-protocol tag set and its fields): looking up the group once per line and the member per
   * field avoids building a key string per sample. `namespace` separates formats and databases.
   * All groups are dropped together once they hold `refCacheSize` series.
   */
  group(namespace: string, hash: number, text: string, start: number, end: number): SeriesGroup {
    // A request passes the same namespace string for every line: remember the last one.
    let ns = namespace === this.lastNamespace ? this.lastGroups : this.groups.get(namespace);
    if (ns === undefined) {
      ns = new Map();
      this.groups.set(namespace, ns);
    }
    this.lastNamespace = namespace;
    this.lastGroups = ns;
    const len = end - start;
    let first = ns.get(hash);
    for (let e = first; e !== undefined; e = e.next)
      if (e.key.length === len && text.startsWith(e.key, start)) return e.group;
    if (this.grouped >= this.opts.refCacheSize) {
      for (const other of this.groups.values()) other.clear();
      this.grouped = 0;
      first = undefined;
    }
    const group: SeriesGroup = new Map();
    ns.set(hash, { key: detachString(text.slice(start, end)), group, next: first });
    return group;
  }

  /** @internal Resolves a member of a group, building its labels on a miss. */
  resolveIn(g: SeriesGroup, key: string, build: () => string[]): CachedSeries | string {
    const hit = g.get(key);
    if (hit) return hit;
    const entry = this.build(build);
    if (typeof entry !== 'string') {
      g.set(detachString(key), entry);
      this.grouped++;
    }
    return entry;
  }

  /** @internal Resolves a series key to cached labels, building them on a miss. */
  resolve(key: string, build: () => string[]): CachedSeries | string {
    const hit = this.cache.get(key);
    if (hit) return hit;
    const entry = this.build(build);
    if (typeof entry === 'string') return entry;
    if (this.cache.size >= this.opts.refCacheSize) {
      const first = this.cache.keys().next();
      if (first.done !== true) this.cache.delete(first.value);
    }
    this.cache.set(key, entry);
    return entry;
  }

  private build(build: () => string[]): CachedSeries | string {
    const flat = build();
    const raw = Labels.fromFlatUnsorted(flat);
    if (raw.size * 2 !== flat.length) return 'duplicate label names';
    const labels = this.admit(raw);
    if (typeof labels === 'string') return labels;
    return { ref: 0, labels };
  }

  private check(l: Labels): string {
    const lim = this.opts.limits;
    const name = l.metricName();
    if (name === '') return 'missing metric name';
    if (!isValidLegacyMetricName(name) && !isWellFormed(name))
      return `invalid metric name ${JSON.stringify(name)}`;
    if (lim.maxLabelNames > 0 && l.size > lim.maxLabelNames) {
      return `too many labels (${l.size} > ${lim.maxLabelNames}); raise --ingest.max-label-names`;
    }
    for (let i = 0; i < l.size; i++) {
      const n = l.nameAt(i);
      if (lim.maxLabelNameLength > 0 && n.length > lim.maxLabelNameLength) {
        return `label name ${JSON.stringify(n.slice(0, 40))}… is longer than ${lim.maxLabelNameLength}; raise --ingest.max-label-name-length`;
      }
      if (lim.maxLabelValueLength > 0 && l.valueAt(i).length > lim.maxLabelValueLength) {
        return `value of label ${n} is longer than ${lim.maxLabelValueLength}; raise --ingest.max-label-value-length`;
      }
    }
    return '';
  }
}

function isWellFormed(s: string): boolean {
  return !/[\uD800-\uDFFF]/.test(s.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''));
}

/** Appends one request's samples; not reusable after `commit` or `rollback`. */
export class Batch {
  readonly result: IngestResult = {
    accepted: 0,
    rejected: 0,
    rejectedBy: {
      invalid: 0,
      limit: 0,
      conflict: 0,
      out_of_bounds: 0,
      unsupported: 0,
      relabeled: 0,
    },
    errors: [],
  };

  constructor(
    private readonly app: Appender,
    private readonly pipeline: IngestPipeline,
  ) {}

  /**
   * Adds a sample. `key` identifies the series' raw labels (any string that is equal for equal
   * label sets as sent); `build` returns its flat `[name, value, …]` labels (with `__name__`)
   * and is only called on a cache miss. Returns whether the sample was taken.
   */
  add(key: string, build: () => string[], t: number, v: number, line: number): boolean {
    return this.append(this.pipeline.resolve(key, build), t, v, line);
  }

  /** Like `add`, for member `key` of a group from `IngestPipeline.group`. */
  addIn(
    g: SeriesGroup,
    key: string,
    build: () => string[],
    t: number,
    v: number,
    line: number,
  ): boolean {
    return this.append(this.pipeline.resolveIn(g, key, build), t, v, line);
  }

  /**
   * Appends a sample of a series found in a group (`SeriesGroup.get`), without building
   * anything: the fast path of grouped formats.
   */
  addCached(s: CachedSeries, t: number, v: number, line: number): boolean {
    return this.append(s, t, v, line);
  }

  private append(s: CachedSeries | string, t: number, v: number, line: number): boolean {
    if (typeof s === 'string') {
      this.reject(line, s, 1, s.includes('raise --') ? 'limit' : 'invalid');
      return false;
    }
    if (!s.labels) {
      // Dropped on purpose by the relabeling rules: counted, but not an error of the request.
      this.result.rejectedBy.relabeled++;
      return false;
    }
    try {
      s.ref = this.app.append(s.ref, s.labels, t, v);
    } catch (e) {
      if (
        e instanceof DuplicateSampleError ||
        e instanceof OutOfBoundsError ||
        e instanceof LimitError ||
        e instanceof BadInputError
      ) {
        this.reject(
          line,
          e.message,
          1,
          e instanceof DuplicateSampleError
            ? 'conflict'
            : e instanceof OutOfBoundsError
              ? 'out_of_bounds'
              : e instanceof LimitError
                ? 'limit'
                : 'invalid',
        );
        return false;
      }
      throw e;
    }
    this.result.accepted++;
    return true;
  }

  /** Records a rejected line or sample. */
  reject(line: number, reason: string, samples = 1, why: RejectReason = 'invalid'): void {
    this.result.rejected += samples;
    this.result.rejectedBy[why] += samples;
    if (this.result.errors.length < MAX_REPORTED) this.result.errors.push({ line, reason });
  }

  /** Stores everything added; throws the storage's error (for example a full disk). */
  async commit(): Promise<IngestResult> {
    await this.app.commit();
    return this.result;
  }

  /** Discards everything added. */
  async rollback(): Promise<void> {
    await this.app.rollback();
  }
}
