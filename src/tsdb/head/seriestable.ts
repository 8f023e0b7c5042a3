/**
 * Series by reference: a paged array, so that the lookup on every append with a cached reference
 * is two array loads instead of a hash lookup, while memory stays bounded when references grow
 * sparse over time (pages of removed series are freed).
 */
import type { HeadSeries } from './series.js';

const PAGE_BITS = 9;
const PAGE_SIZE = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_SIZE - 1;

/** A map from series reference to series. */
export class SeriesTable {
  private readonly pages: ((HeadSeries | undefined)[] | undefined)[] = [];
  private readonly live: number[] = [];
  private count = 0;

  /** Number of series. */
  get size(): number {
    return this.count;
  }

  /** The series with `ref`, if any. */
  get(ref: number): HeadSeries | undefined {
    const p = this.pages[ref >>> PAGE_BITS];
    return p === undefined ? undefined : p[ref & PAGE_MASK];
  }

  /** Whether a series with `ref` exists. */
  has(ref: number): boolean {
    return this.get(ref) !== undefined;
  }

  /** Stores `s` under `ref`. */
  set(ref: number, s: HeadSeries): void {
    const pi = ref >>> PAGE_BITS;
    while (this.pages.length <= pi) {
      this.pages.push(undefined);
      this.live.push(0);
    }
    let p = this.pages[pi];
    if (p === undefined) {
      p = new Array<HeadSeries | undefined>(PAGE_SIZE).fill(undefined);
      this.pages[pi] = p;
    }
    if (p[ref & PAGE_MASK] === undefined) {
      this.live[pi]!++;
      this.count++;
    }
    p[ref & PAGE_MASK] = s;
  }

  /** Removes the series with `ref`. */
  delete(ref: number): void {
    const pi = ref >>> PAGE_BITS;
    const p = this.pages[pi];
    if (p?.[ref & PAGE_MASK] === undefined) return;
    p[ref & PAGE_MASK] = undefined;
    this.count--;
    if (--this.live[pi]! === 0) this.pages[pi] = undefined;
  }

  /** Iterates the series in reference order. */
  *values(): IterableIterator<HeadSeries> {
    for (const p of this.pages) {
      if (p === undefined) continue;
      for (const s of p) if (s !== undefined) yield s;
    }
  }
}
