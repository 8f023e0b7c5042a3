/**
 * A bounded cache from a series' raw wire labels to its validated labels and storage reference,
 * keyed by a hash of the raw labels so that lookups build no strings.
 */
import type { Labels } from '../../model/index.js';
import type { SeriesRef } from '../../storage/index.js';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** One cached series. `ref` is updated in place when the storage hands out a new one. */
export interface CachedSeries {
  /** The raw label pairs as received (wire order, flat `[name, value, …]`), for verification. */
  readonly raw: readonly string[];
  /** The labels to store, or undefined when the ingest pipeline's relabeling drops the series. */
  readonly labels: Labels | undefined;
  ref: SeriesRef;
}

/**
 * Two-generation cache: lookups check the current map, then the previous one (promoting hits).
 * When the current map reaches half the capacity it becomes the previous one and the old
 * previous map is dropped, so memory stays bounded by `capacity` entries without per-entry
 * bookkeeping, and series seen in the last two generations stay cached.
 *
 * Entries are keyed by a 32-bit hash of the raw label strings and verified against the stored
 * raw labels, so a hash collision is a miss (the newer series replaces the older), never a wrong
 * answer.
 */
export class SeriesCache {
  private current = new Map<number, CachedSeries>();
  private previous = new Map<number, CachedSeries>();
  private readonly half: number;

  constructor(
    /** Most entries held at once. */
    readonly capacity: number,
  ) {
    this.half = Math.max(1, Math.floor(capacity / 2));
  }

  /**
   * Hashes label pairs `[from, to)` of a flat `[name, value, …]` array: 32-bit FNV-1a over the
   * UTF-16 code units with a separator after each string. Collisions only cost a miss.
   */
  hash(labels: readonly string[], from: number, to: number): number {
    let h = FNV_OFFSET;
    for (let i = from * 2; i < to * 2; i++) {
      const s = labels[i]!;
      for (let j = 0; j < s.length; j++) h = Math.imul(h ^ s.charCodeAt(j), FNV_PRIME);
      h = Math.imul(h ^ 0xffff, FNV_PRIME);
    }
    return h >>> 0;
  }

  /** The entry for label pairs `[from, to)` of `labels` with hash `key`, or undefined. */
  get(key: number, labels: readonly string[], from: number, to: number): CachedSeries | undefined {
    let hit = this.current.get(key);
    if (hit === undefined) {
      hit = this.previous.get(key);
      if (hit === undefined || !sameRaw(hit.raw, labels, from, to)) return undefined;
      this.set(key, hit);
      return hit;
    }
    return sameRaw(hit.raw, labels, from, to) ? hit : undefined;
  }

  /** Adds or replaces the entry for hash `key`. */
  set(key: number, entry: CachedSeries): void {
    if (this.current.size >= this.half) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(key, entry);
  }

  /** Entries held (both generations; a promoted key may be counted twice). */
  get size(): number {
    return this.current.size + this.previous.size;
  }

  /** Drops everything (for example when the storage changes). */
  clear(): void {
    this.current.clear();
    this.previous.clear();
  }
}

function sameRaw(
  raw: readonly string[],
  labels: readonly string[],
  from: number,
  to: number,
): boolean {
  const n = (to - from) * 2;
  if (raw.length !== n) return false;
  const base = from * 2;
  for (let i = 0; i < n; i++) if (raw[i] !== labels[base + i]) return false;
  return true;
}
