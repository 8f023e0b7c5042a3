import type { Labels } from '../model/index.js';
import type { SeriesRef } from '../storage/index.js';

/** What a scrape loop knows about one series text of its target. */
export interface CacheEntry {
  /** The storage reference, or 0 before the first append. */
  ref: SeriesRef;
  /** Final labels, or undefined when relabeling drops the series. */
  readonly labels: Labels | undefined;
  /** The last scrape that had this series (cache expiry). */
  lastIter: number;
  /** The last scrape whose sample of this series was appended (staleness tracking). */
  seenIter: number;
  /** Whether the series carried its own timestamp (no staleness tracking then). */
  explicitTs: boolean;
  /** Its line's index among the series lines of the scrape that last had it. */
  pos: number;
}

/**
 * Cache entries unseen for this many scrapes are forgotten. The cache is swept every
 * `SWEEP_EVERY` scrapes, so an entry goes after 10 to 14 scrapes without it.
 */
const KEEP_ITERATIONS = 10;
const SWEEP_EVERY = 5;

/**
 * The series cache of one scrape loop: series text → entry (storage reference and final
 * labels, or that relabeling drops the series). Texts that differ but give the same final
 * labels (`a{x="1"}` and `a{x="1",}` in the text format, or two series that relabeling merges)
 * share one entry, so the series is tracked once for staleness. Owned by one loop; the entries
 * are valid for that loop's target and scrape configuration only.
 */
export class SeriesCache {
  private readonly byKey = new Map<string, CacheEntry>();
  /** Entries with labels by `Labels.hash()`, to find an equal label set for a new text. */
  private readonly byHash = new Map<number, CacheEntry[]>();

  /** The entry of a series text, or undefined. */
  get(key: string): CacheEntry | undefined {
    return this.byKey.get(key);
  }

  /** Number of series texts known. */
  get size(): number {
    return this.byKey.size;
  }

  /**
   * Adds a series text with its final labels (undefined: dropped) seen in scrape `iter`.
   * Returns its entry, and whether the labels are new to the cache (a series added).
   */
  add(text: string, labels: Labels | undefined, iter: number): [CacheEntry, boolean] {
    // A slice would keep the whole piece of the body it was cut from alive.
    const key = ownCopy(text);
    if (labels !== undefined) {
      const h = labels.hash();
      const bucket = this.byHash.get(h);
      const same = bucket?.find((e) => e.labels?.equals(labels) === true);
      if (same !== undefined) {
        this.byKey.set(key, same);
        return [same, false];
      }
      const e = newEntry(labels, iter);
      if (bucket) bucket.push(e);
      else this.byHash.set(h, [e]);
      this.byKey.set(key, e);
      return [e, true];
    }
    const e = newEntry(undefined, iter);
    this.byKey.set(key, e);
    return [e, false];
  }

  /** Forgets entries unseen for a while; call once per successful scrape. */
  sweep(iter: number): void {
    if (iter % SWEEP_EVERY !== 0) return;
    for (const [k, e] of this.byKey) {
      if (iter - e.lastIter <= KEEP_ITERATIONS) continue;
      this.byKey.delete(k);
      if (e.labels === undefined) continue;
      const h = e.labels.hash();
      const bucket = this.byHash.get(h);
      if (bucket === undefined) continue;
      const i = bucket.indexOf(e);
      if (i >= 0) bucket.splice(i, 1);
      if (bucket.length === 0) this.byHash.delete(h);
    }
  }
}

/** A copy of `s` that shares no memory with the string it was sliced from. */
function ownCopy(s: string): string {
  return JSON.parse(JSON.stringify(s)) as string;
}

function newEntry(labels: Labels | undefined, iter: number): CacheEntry {
  return { ref: 0, labels, lastIter: iter, seenIter: -1, explicitTs: false, pos: -1 };
}
