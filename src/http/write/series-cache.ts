/** A bounded cache from a series' raw label key to its validated labels and storage reference. */
import type { Labels } from '../../model/index.js';
import type { SeriesRef } from '../../storage/index.js';

/** One cached series. `ref` is updated in place when the storage hands out a new one. */
export interface CachedSeries {
  readonly labels: Labels;
  ref: SeriesRef;
}

/**
 * Two-generation cache: lookups check the current map, then the previous one (promoting hits).
 * When the current map reaches half the capacity it becomes the previous one and the old
 * previous map is dropped, so memory stays bounded by `capacity` entries without per-entry
 * bookkeeping, and series seen in the last two generations stay cached.
 */
export class SeriesCache {
  private current = new Map<string, CachedSeries>();
  private previous = new Map<string, CachedSeries>();
  private readonly half: number;

  constructor(
    /** Most entries held at once. */
    readonly capacity: number,
  ) {
    this.half = Math.max(1, Math.floor(capacity / 2));
  }

  /** The entry for `key`, or undefined. */
  get(key: string): CachedSeries | undefined {
    const hit = this.current.get(key);
    if (hit) return hit;
    const old = this.previous.get(key);
    if (old) this.set(key, old);
    return old;
  }

  /** Adds or replaces an entry. */
  set(key: string, entry: CachedSeries): void {
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
